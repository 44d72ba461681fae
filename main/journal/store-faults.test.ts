/**
 * The journal when the disk fails: real files throughout, with failures injected through the store's
 * fs shim, a real full disk (a 64 KiB tmpfs) and a real read-only mount where this machine allows
 * mounting (root on Linux); otherwise those two say why they are skipped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { decodeLine } from './format.js';
import { type JournalFs, type JournalHealth, JournalStore } from './store.js';

const dirs: string[] = [];
const mounts: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-faults-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of mounts.splice(0)) spawnSync('umount', ['-l', dir]);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const at = Date.parse('2026-03-10T02:00:00.000Z');
const now = () => at;

function put(store: JournalStore, n: number, pad = 0) {
  return store.append({ t: 'test.rec', k: `K${n}`, op: 'cashier', d: { n, pad: 'x'.repeat(pad) } });
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

type Fault = { op: keyof JournalFs; code?: string; partial?: number; times?: number };

/** node:fs, except the faults queued: a write may put `partial` bytes on disk before it fails. */
function faultyFs() {
  const faults: Fault[] = [];
  const hit = (op: keyof JournalFs): Fault | undefined => {
    const f = faults.find((x) => x.op === op);
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) faults.splice(faults.indexOf(f), 1);
    return f;
  };
  const shim: JournalFs = {
    openSync: (p, flags, mode) => {
      const f = hit('openSync');
      if (f) throw errno(f.code ?? 'EIO');
      return fs.openSync(p, flags, mode);
    },
    writeSync: (fd, buf, off, len, pos) => {
      const f = hit('writeSync');
      if (f) {
        if (f.partial) fs.writeSync(fd, buf, off, Math.min(f.partial, len), pos);
        if (f.code === undefined) return 0; // a write that makes no progress: short
        throw errno(f.code);
      }
      return fs.writeSync(fd, buf, off, len, pos);
    },
    fdatasyncSync: (fd) => {
      const f = hit('fdatasyncSync');
      if (f) throw errno(f.code ?? 'EIO');
      fs.fdatasyncSync(fd);
    },
    ftruncateSync: (fd, len) => {
      const f = hit('ftruncateSync');
      if (f) throw errno(f.code ?? 'EIO');
      fs.ftruncateSync(fd, len);
    },
    closeSync: (fd) => fs.closeSync(fd),
    fstatSync: (fd) => fs.fstatSync(fd),
  };
  return { shim, fail: (fault: Fault) => faults.push(fault), faults };
}

/** The day file's lines, without the zero-filled room ahead that today's open file carries. */
function fileLines(dir: string): string[] {
  return fs.readFileSync(path.join(dir, '2026-03-10.jsonl'), 'utf8').replace(/\0+$/, '').split('\n');
}

/** Every line of the day file is one whole record; returns their `n`. */
function wholeRecords(dir: string): number[] {
  const lines = fileLines(dir);
  expect(lines.pop()).toBe(''); // ends in a newline
  return lines.map((line) => {
    const decoded = decodeLine(line);
    expect(decoded.ok, `line is whole: ${line.slice(0, 80)}`).toBe(true);
    return decoded.ok ? Number(decoded.record.d.n) : -1;
  });
}

function expectUnavailable(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('JOURNAL_UNAVAILABLE');
    expect(e.bilingual.zh).toContain('收银记录无法写入');
    expect(e.bilingual.en).toContain('cannot be written');
    return e;
  }
  throw new Error('expected JOURNAL_UNAVAILABLE');
}

describe('a failed append leaves only whole records (injected faults)', () => {
  it('half a line written then disk full, rollback fails too: the next record is not glued on and survives restart', () => {
    const dir = tempDir();
    const { shim, fail } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    const healths: JournalHealth[] = [];
    store.onHealth((h) => healths.push(h));
    put(store, 1);
    // The reply record fails half-way with the disk full, and the cut-back fails as well.
    fail({ op: 'writeSync', code: 'ENOSPC', partial: 40 });
    fail({ op: 'ftruncateSync', code: 'EIO' });
    const error = expectUnavailable(() => put(store, 2));
    expect(error.bilingual.zh).toContain('磁盘已满');
    expect(error.bilingual.en).toContain('the disk is full');
    expect(error.bilingual.en).not.toContain('ENOSPC');
    expect(store.health()).toMatchObject({ writable: false, problem: error.bilingual });
    expect(healths).toEqual([expect.objectContaining({ writable: false })]);
    expect(store.nextSeq).toBe(2); // the sequence did not move
    // The disk is fine again: the next record (a real refund) goes after record 1, not after the 40 bytes.
    const refund = store.append({ t: 'yima.final', k: 'AR1', op: 'manager', d: { n: 3, amountFen: 2596 } });
    expect(refund.s).toBe(2);
    expect(store.health().writable).toBe(true);
    expect(healths.map((h) => h.writable)).toEqual([false, true]);
    expect(wholeRecords(dir)).toEqual([1, 3]);
    store.close();
    const reopened = JournalStore.open({ dir, now });
    expect(reopened.recordsWrittenOn('2026-03-10').map((r) => [r.s, r.d.n])).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(reopened.verify()).toMatchObject({ ok: true, records: 2 });
    // The failed bytes were kept aside, not in the journal.
    expect(fs.readdirSync(path.join(dir, 'torn'))).toHaveLength(1);
    reopened.close();
  });

  it('rolls back to the last good offset at once when it can: the file never holds the partial bytes', () => {
    const dir = tempDir();
    const { shim, fail } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    const first = put(store, 1);
    fail({ op: 'writeSync', code: 'EIO', partial: 25 });
    expect(expectUnavailable(() => put(store, 2)).bilingual.en).toContain('I/O error');
    // Cut back to the end of record 1 (the zeros ahead went with it).
    expect(fs.statSync(path.join(dir, '2026-03-10.jsonl')).size).toBe(
      Buffer.byteLength(fileLines(dir)[0] as string) + 1,
    );
    expect(first.s).toBe(1);
    put(store, 3);
    expect(wholeRecords(dir)).toEqual([1, 3]);
    store.close();
  });

  it('fdatasync fails after a whole line was written: the line is cut off, the caller told it failed', () => {
    const dir = tempDir();
    const { shim, fail } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    put(store, 1);
    fail({ op: 'fdatasyncSync', code: 'EIO' });
    expectUnavailable(() => put(store, 2));
    expect(wholeRecords(dir)).toEqual([1]);
    put(store, 3);
    expect(wholeRecords(dir)).toEqual([1, 3]);
    expect(store.verify().ok).toBe(true);
    store.close();
  });

  it('a short write (no progress) is a failure, not a loop', () => {
    const dir = tempDir();
    const { shim, fail } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    put(store, 1);
    fail({ op: 'writeSync', partial: 10 });
    expect(expectUnavailable(() => put(store, 2)).bilingual.en).toContain('cut short');
    put(store, 3);
    expect(wholeRecords(dir)).toEqual([1, 3]);
    store.close();
  });

  it('stays unavailable while the repair keeps failing, and the probe brings it back', () => {
    const dir = tempDir();
    const { shim, fail, faults } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    put(store, 1);
    fail({ op: 'writeSync', code: 'ENOSPC', partial: 30 });
    fail({ op: 'ftruncateSync', code: 'ENOSPC', times: 3 });
    expectUnavailable(() => put(store, 2));
    // Two more tries: the repair (cut back) still fails, nothing is written after the partial line.
    expectUnavailable(() => put(store, 3));
    expect(store.probe().writable).toBe(false);
    expect(faults).toEqual([]);
    expect(store.probe()).toEqual({ writable: true });
    put(store, 4);
    expect(wholeRecords(dir)).toEqual([1, 4]);
    store.close();
  });

  it('a crash mid-line (the process died): on restart the half line is set aside and the next record is whole', () => {
    const dir = tempDir();
    const store = JournalStore.open({ dir, now });
    put(store, 1);
    store.close();
    const line = fileLines(dir)[0] as string;
    fs.appendFileSync(path.join(dir, '2026-03-10.jsonl'), line.replace('"n":1', '"n":2').slice(0, 50));
    const reopened = JournalStore.open({ dir, now });
    expect(reopened.openReport?.tornSetAside).toHaveLength(1);
    put(reopened, 3);
    reopened.close();
    expect(wholeRecords(dir)).toEqual([1, 3]);
    const again = JournalStore.open({ dir, now });
    expect(again.recordsWrittenOn('2026-03-10').map((r) => r.d.n)).toEqual([1, 3]);
    expect(again.verify()).toMatchObject({
      ok: true,
      tornSetAside: [expect.objectContaining({ bytes: 50 })],
    });
    again.close();
  });

  it('a folder that cannot be opened for writing: opens for reading, names the folder, no raw errno', () => {
    const dir = tempDir();
    const first = JournalStore.open({ dir, now });
    put(first, 1);
    first.close();
    const { shim, fail } = faultyFs();
    fail({ op: 'openSync', code: 'EROFS', times: 2 });
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    expect(store.recordsWrittenOn('2026-03-10').map((r) => r.d.n)).toEqual([1]);
    const health = store.health();
    expect(health.writable).toBe(false);
    expect(health.problem?.zh).toContain('只读');
    expect(health.problem?.zh).toContain(dir);
    expect(health.problem?.en).toContain(`read-only (${dir})`);
    expect(JSON.stringify(health)).not.toContain('EROFS');
    expectUnavailable(() => put(store, 2));
    put(store, 3);
    expect(wholeRecords(dir)).toEqual([1, 3]);
    store.close();
  });
});

describe('preallocated room ahead of the records', () => {
  it("today's open file carries zeros ahead; closing cuts them; a crash leaves them and the next open cuts them", () => {
    const dir = tempDir();
    const file = path.join(dir, '2026-03-10.jsonl');
    const store = JournalStore.open({ dir, now, preallocate: 64 * 1024 });
    put(store, 1);
    put(store, 2);
    const content = fileLines(dir).join('\n');
    expect(fs.statSync(file).size).toBe(64 * 1024);
    expect(store.verify()).toMatchObject({ ok: true, records: 2 });
    // A second process opening the folder as after a kill -9 (the first never closed).
    const after = JournalStore.open({ dir, now, preallocate: 64 * 1024 });
    expect(after.openReport).toMatchObject({ tornSetAside: [], problems: [] });
    expect(fs.statSync(file).size).toBe(Buffer.byteLength(content));
    put(after, 3);
    after.close();
    expect(fs.statSync(file).size).toBe(Buffer.byteLength(fileLines(dir).join('\n')));
    expect(wholeRecords(dir)).toEqual([1, 2, 3]);
  });

  it('at midnight the finished day loses its zeros and gets its meta; the new day starts its own room', () => {
    const dir = tempDir();
    let clock = at;
    const store = JournalStore.open({ dir, now: () => clock, preallocate: 64 * 1024 });
    put(store, 1);
    clock += 86_400_000;
    put(store, 2);
    const day1 = path.join(dir, '2026-03-10.jsonl');
    expect(fs.statSync(day1).size).toBe(Buffer.byteLength(fileLines(dir).join('\n')));
    expect(fs.statSync(path.join(dir, '2026-03-11.jsonl')).size).toBe(64 * 1024);
    store.close();
    clock += 86_400_000;
    const reopened = JournalStore.open({ dir, now: () => clock });
    expect(reopened.openReport).toMatchObject({ filesRead: 0, problems: [] });
    expect(reopened.readFrom(1, 10).map((r) => r.d.n)).toEqual([1, 2]);
    reopened.close();
  });

  it('room refused by a full disk: the record is still written, growing the file', () => {
    const dir = tempDir();
    const { shim, fail } = faultyFs();
    const store = JournalStore.open({ dir, now, fs: shim, probeMs: 0 });
    fail({ op: 'writeSync', code: 'ENOSPC', partial: 100 }); // the zeros ahead
    put(store, 1);
    expect(store.health().writable).toBe(true);
    expect(fs.statSync(path.join(dir, '2026-03-10.jsonl')).size).toBe(
      Buffer.byteLength(fileLines(dir)[0] as string) + 1,
    );
    put(store, 2);
    expect(wholeRecords(dir)).toEqual([1, 2]);
    store.close();
  });
});

// ── a real disk ─────────────────────────────────────────────────────────────────────────────

function tryMount(size: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const dir = tempDir();
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (result.status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}

const probe = tryMount('64k');
const canMount = probe !== undefined;
if (probe) spawnSync('umount', [probe]);
mounts.splice(0);
afterAll(() => {
  if (!canMount)
    console.log(
      'skipped: real tmpfs disk-full and read-only tests (mount not permitted here: needs root on Linux)',
    );
});

describe.skipIf(!canMount)('a real full disk and a real read-only folder (tmpfs)', () => {
  it('disk full on a 64 KiB tmpfs: every acknowledged record is whole and survives restart; writing resumes when room is made', () => {
    const mount = tryMount('64k') as string;
    const dir = path.join(mount, 'journal');
    // Leave little room: a filler file we can delete later.
    const filler = path.join(mount, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(40 * 1024));
    const store = JournalStore.open({ dir, now, probeMs: 0 });
    const acked: number[] = [];
    let failure: AppError | undefined;
    for (let n = 1; n <= 200 && !failure; n += 1) {
      try {
        put(store, n, 700);
        acked.push(n);
      } catch (error) {
        failure = error as AppError;
      }
    }
    expect(failure?.code).toBe('JOURNAL_UNAVAILABLE');
    expect(failure?.bilingual.en).toContain('the disk is full');
    expect(acked.length).toBeGreaterThan(0);
    expect(store.health().writable).toBe(false);
    // The next record of the same size while still full: refused, nothing glued.
    expectUnavailable(() => put(store, 1000, 700));
    expect(wholeRecords(dir)).toEqual(acked);
    // Make room: the probe finds the journal writable, the next record lands whole.
    fs.rmSync(filler);
    expect(store.probe().writable).toBe(true);
    put(store, 2000);
    store.close();
    expect(wholeRecords(dir)).toEqual([...acked, 2000]);
    const reopened = JournalStore.open({ dir, now });
    expect(reopened.recordsWrittenOn('2026-03-10').map((r) => r.d.n)).toEqual([...acked, 2000]);
    expect(reopened.verify().ok).toBe(true);
    reopened.close();
  });

  it('a read-only mount: opens for reading with a clear message naming the folder; writable again after remount', () => {
    const mount = tryMount('1m') as string;
    const dir = path.join(mount, 'journal');
    const first = JournalStore.open({ dir, now });
    put(first, 1);
    first.close();
    expect(spawnSync('mount', ['-o', 'remount,ro', mount]).status).toBe(0);
    const store = JournalStore.open({ dir, now, probeMs: 0 });
    expect(store.recordsWrittenOn('2026-03-10').map((r) => r.d.n)).toEqual([1]);
    expect(store.health()).toMatchObject({
      writable: false,
      problem: {
        zh: expect.stringContaining(`数据文件夹是只读的（${dir}）`),
        en: expect.stringContaining(`the data folder is read-only (${dir})`),
      },
    });
    expectUnavailable(() => put(store, 2));
    expect(spawnSync('mount', ['-o', 'remount,rw', mount]).status).toBe(0);
    expect(store.probe().writable).toBe(true);
    put(store, 3);
    store.close();
    expect(wholeRecords(dir)).toEqual([1, 3]);
  });
});
