import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAppServices } from '../app/services.js';
import { DataFolderError, prepareDataFolder } from '../settings/data-folder.js';
import {
  createCrashHandler,
  dataFolderScreen,
  MAX_RESTARTS,
  relaunchArgs,
  restartsSoFar,
} from './fail-safe.js';

function harness(argv: string[]) {
  const calls: string[] = [];
  const timers: Array<() => void> = [];
  let shown = '';
  let relaunched: string[] | undefined;
  const handler = createCrashHandler({
    flush: async () => void calls.push('flush'),
    show: (html) => {
      calls.push('show');
      shown = html;
    },
    relaunch: (args) => {
      calls.push('relaunch');
      relaunched = args;
    },
    exit: (code) => void calls.push(`exit ${code}`),
    argv,
    log: () => undefined,
    schedule: (fn) => void timers.push(fn),
  });
  return { handler, calls, timers, shown: () => shown, relaunched: () => relaunched };
}

describe('fail safe', () => {
  it('an uncaught exception: flush the journal, show a bilingual screen, restart cleanly', async () => {
    const h = harness(['/opt/cashier/CounterCashier']);
    await h.handler(new Error('boom'));
    await h.handler(new Error('again, while handling'));
    expect(h.calls).toEqual(['flush', 'show']);
    expect(h.shown()).toContain('收银程序出现错误');
    expect(h.shown()).toContain('The cashier program hit an error');
    expect(h.shown()).not.toContain('<script');
    for (const t of h.timers) t();
    expect(h.calls).toEqual(['flush', 'show', 'relaunch', 'exit 0']);
    expect(restartsSoFar(h.relaunched()!)).toBe(1);
  });

  it('after three restarts in a row the screen stays and asks for IT', async () => {
    let argv = ['/opt/cashier/CounterCashier'];
    for (let i = 0; i < MAX_RESTARTS; i++) argv = relaunchArgs(argv);
    const h = harness(argv);
    await h.handler(new Error('boom'));
    for (const t of h.timers) t();
    expect(h.calls).toEqual(['flush', 'show']);
    expect(h.shown()).toContain('call IT');
  });

  it('a flush that hangs does not stop the screen', async () => {
    const timers: Array<() => void> = [];
    let shown = false;
    const handler = createCrashHandler({
      flush: () => new Promise(() => undefined),
      show: () => {
        shown = true;
      },
      relaunch: () => undefined,
      exit: () => undefined,
      argv: [],
      log: () => undefined,
      schedule: (fn) => void timers.push(fn),
    });
    const done = handler(new Error('x'));
    timers[0]!();
    await done;
    expect(shown).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('data folder (non-root)', () => {
  it('an unwritable data folder names the folder and why; services do not start', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ro-'));
    fs.chmodSync(parent, 0o500);
    const dir = path.join(parent, 'data');
    try {
      const check = prepareDataFolder(dir);
      expect(check.ok).toBe(false);
      await expect(startAppServices({ transport: 'web', dataDir: dir, version: 't' })).rejects.toBeInstanceOf(
        DataFolderError,
      );
    } finally {
      fs.chmodSync(parent, 0o700);
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe.skipIf(process.platform === 'win32')('data folder', () => {
  it('a file where the folder should be: which folder and why, in both languages; no services', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-nodir-'));
    const dir = path.join(parent, 'data');
    fs.writeFileSync(dir, 'not a folder');
    try {
      const check = prepareDataFolder(path.join(dir, 'inner'));
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.problem.en).toContain(path.join(dir, 'inner'));
      expect(check.problem.en).toMatch(/not a folder/);
      expect(check.problem.zh).toMatch(/不能收款/);
      expect(dataFolderScreen(check.problem)).toContain(path.join(dir, 'inner'));
      await expect(
        startAppServices({ transport: 'web', dataDir: path.join(dir, 'inner'), version: 't' }),
      ).rejects.toBeInstanceOf(DataFolderError);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('tightens a 0755 folder and 0644 journal files to 0700 / 0600 at start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-modes-'));
    try {
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, 'journal'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'journal', '2026-03-01.jsonl'), '', { mode: 0o644 });
      const check = prepareDataFolder(dir);
      expect(check.ok).toBe(true);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'journal')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'journal', '2026-03-01.jsonl')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('journal files written by the app are 0600 even in a folder that was 0755', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-journal-mode-'));
    fs.chmodSync(dir, 0o755);
    const app = await startAppServices({ transport: 'web', dataDir: dir, version: 't' });
    try {
      expect((await app.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: '0000' })).ok).toBe(
        true,
      );
    } finally {
      await app.stop();
    }
    try {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      const journal = path.join(dir, 'journal');
      const files = fs.readdirSync(journal).filter((f) => fs.statSync(path.join(journal, f)).isFile());
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(fs.statSync(path.join(journal, f)).mode & 0o077, f).toBe(0);
      expect(fs.statSync(journal).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
