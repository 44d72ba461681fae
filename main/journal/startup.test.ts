/**
 * What the cashier sees of the journal's state: the app's composition root on a real data folder whose
 * journal was tampered with, whose disk fills up while it runs, and whose journal folder is a read-only
 * mount at start (one the data-folder check need not tighten; one it must tighten is its to refuse).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServices } from '../app/services.js';
import type { PublicSettings } from '../settings/public.js';
import { checksum } from './format.js';
import { healthNotice, journalStartNotices } from './startup.js';
import { type JournalHealth, JournalStore } from './store.js';

const dirs: string[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const dir of mounts.splice(0)) spawnSync('umount', ['-l', dir]);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-startup-'));
  dirs.push(dir);
  return dir;
}

async function noticesAtStart(dir: string) {
  const app = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
  try {
    const settings = await app.router.dispatch('settings.get', {});
    const health = await app.router.dispatch('journal.health', {});
    return {
      notices: settings.ok ? ((settings.data as PublicSettings).notices ?? []) : [],
      health: health.ok ? (health.data as JournalHealth) : undefined,
    };
  } finally {
    await app.stop();
  }
}

describe('journal notices at start', () => {
  it('an altered record found at start is on the notice board the window reads', async () => {
    const dir = dataDir();
    const store = JournalStore.open({
      dir: path.join(dir, 'journal'),
      now: () => Date.parse('2026-03-10T02:00:00Z'),
    });
    for (let n = 1; n <= 3; n += 1)
      store.append({ t: 'test.rec', k: `K${n}`, op: 'o', d: { amountFen: 100 * n } });
    store.close();
    const file = path.join(dir, 'journal', '2026-03-10.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const json = (lines[1] as string).split('\t')[0]?.replace('"amountFen":200', '"amountFen":900') as string;
    lines[1] = `${json}\t${checksum(json)}`;
    fs.writeFileSync(file, lines.join('\n'));
    const { notices, health } = await noticesAtStart(dir);
    const notice = notices.find((n) => n.code === 'journal-damaged');
    expect(notice).toMatchObject({ level: 'error' });
    expect(notice?.message.zh).toContain('记录被改动');
    expect(notice?.message.en).toContain('altered');
    expect(notice?.message.en).toContain('(2026-03-10.jsonl line 2:');
    expect(health).toEqual({ writable: true });
  }, 60_000);

  it.skipIf(process.platform !== 'linux')(
    'the disk fills up while the app runs: health goes down with the reason, on screen until it can write again',
    async () => {
      const dir = dataDir();
      const journalDir = path.join(dir, 'journal');
      fs.mkdirSync(journalDir, { recursive: true });
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', journalDir]).status !== 0) {
        console.log('skipped: disk full while the app runs (mount not permitted here)');
        return;
      }
      mounts.push(journalDir);
      const app = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
      const healths: Array<{ writable: boolean; problem?: { zh: string; en: string } }> = [];
      app.events.subscribe((name, payload) => {
        if (name === 'journal.health') healths.push(payload as (typeof healths)[number]);
      });
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 150 && !what(); i += 1) await new Promise((r) => setTimeout(r, 100));
        return what();
      };
      const notices = async () => {
        const settings = await app.router.dispatch('settings.get', {});
        return settings.ok ? ((settings.data as PublicSettings).notices ?? []).map((n) => n.code) : [];
      };
      try {
        await app.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: '0000' });
        // Fill the disk to the last byte.
        const filler = path.join(journalDir, 'filler');
        const fd = fs.openSync(filler, 'w');
        try {
          for (let i = 0; i < 1000; i += 1) fs.writeSync(fd, Buffer.alloc(4096, 1));
        } catch {
          // ENOSPC: full
        } finally {
          fs.closeSync(fd);
        }
        // The file's last page may still hold a record or two: sell until a pay intent cannot be written.
        const phase = async () => {
          const sale = await app.router.dispatch('sale.current', {});
          return sale.ok ? (sale.data as { phase: string }).phase : 'unknown';
        };
        for (let i = 0; i < 12 && healths.every((h) => h.writable); i += 1) {
          await app.router.dispatch('sale.begin', { amountFen: 100 + i });
          await app.router.dispatch('scan.submit', { code: '134567890123456789', source: 'manual' });
          for (let j = 0; j < 50 && (await phase()) === 'in-flight'; j += 1)
            await new Promise((r) => setTimeout(r, 100));
          await app.router.dispatch('sale.reset', {});
        }
        expect(await until(() => healths.some((h) => !h.writable))).toBe(true);
        expect(healths.find((h) => !h.writable)?.problem?.zh).toContain(`磁盘已满（${journalDir}）`);
        const health = await app.router.dispatch('journal.health', {});
        expect(health.ok && health.data).toMatchObject({ writable: false });
        expect(await notices()).toContain('journal-unwritable');
        // Room again: the probe finds it, the notice goes.
        fs.rmSync(filler);
        expect(await until(() => healths.at(-1)?.writable === true)).toBe(true);
        expect(await notices()).not.toContain('journal-unwritable');
      } finally {
        await app.stop();
      }
    },
    60_000,
  );

  it.skipIf(process.platform !== 'linux')(
    'a read-only journal folder at start (already 0700, so the data-folder check passes): the app starts, says why no record can be written, and names the folder',
    async () => {
      const dir = dataDir();
      const journalDir = path.join(dir, 'journal');
      fs.mkdirSync(journalDir);
      if (
        spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro,mode=0700', 'tmpfs', journalDir]).status !== 0
      ) {
        console.log('skipped: read-only journal folder at start (mount not permitted here)');
        return;
      }
      mounts.push(journalDir);
      const { notices, health } = await noticesAtStart(dir);
      expect(health).toMatchObject({
        writable: false,
        problem: {
          zh: expect.stringContaining(`数据文件夹是只读的（${journalDir}）`),
          en: expect.stringContaining(`the data folder is read-only (${journalDir})`),
        },
      });
      const notice = notices.find((n) => n.code === 'journal-unwritable');
      expect(notice).toMatchObject({ level: 'error', message: health?.problem });
      expect(JSON.stringify(notices)).not.toContain('EROFS');
    },
    60_000,
  );
});

describe('journalStartNotices', () => {
  const base = { files: 1, filesRead: 1, records: 1, tornSetAside: [], problems: [], ms: 1 };
  it('says nothing for a clean, writable journal', () => {
    expect(journalStartNotices(base, { writable: true }, '/data/journal')).toEqual([]);
    expect(healthNotice({ writable: true })).toBeUndefined();
  });
  it('a torn line set aside is a warning naming where it went', () => {
    const [notice] = journalStartNotices(
      { ...base, tornSetAside: [{ file: '2026-03-10.jsonl', bytes: 50, savedAs: '/data/journal/torn/x' }] },
      { writable: true },
      '/data/journal',
    );
    expect(notice).toMatchObject({ code: 'journal-torn', level: 'warning' });
    expect(notice?.message.zh).toContain('/data/journal/torn');
    expect(notice?.message.en).toContain('1 incomplete line(s) (50 bytes)');
  });
  it('lists every kind of problem once, in both languages', () => {
    const problem = (kind: 'deleted' | 'reordered', line: number) => ({
      file: 'a.jsonl',
      line,
      kind,
      problem: kind,
    });
    const [notice] = journalStartNotices(
      { ...base, problems: [problem('deleted', 4), problem('reordered', 7), problem('deleted', 9)] },
      { writable: true },
      '/d',
    );
    expect(notice?.message.zh).toContain('3 处问题：记录被删除、顺序被调换（a.jsonl 第 4 行）');
    expect(notice?.message.en).toContain('3 problem(s): deleted, reordered (a.jsonl line 4: deleted)');
  });
});
