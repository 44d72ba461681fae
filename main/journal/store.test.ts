import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { VerifyReport } from '../ipc/channels/journal.js';
import {
  chainHash,
  checksum,
  decodeLine,
  decodeSlice,
  encodeRecord,
  GENESIS,
  recordChains,
  splitChain,
} from './format.js';
import { JournalStore, type JournalStoreOptions } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** 2026-03-10 10:00 China time, settable. */
function clock(start = Date.parse('2026-03-10T02:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function setup(options: Partial<JournalStoreOptions> = {}) {
  const dir = tempDir();
  const c = clock();
  const open = (extra: Partial<JournalStoreOptions> = {}) =>
    JournalStore.open({ dir, now: c.now, ...options, ...extra });
  return { dir, c, open, file: (day = '2026-03-10') => path.join(dir, `${day}.jsonl`) };
}

function put(store: JournalStore, n: number, extra: Record<string, unknown> = {}) {
  return store.append({ t: 'test.rec', k: `K${n}`, op: 'cashier', d: { n, ...extra } });
}

/** Rewrite a line's JSON and give it a correct CRC again (what a careful forger does). */
function forge(line: string, edit: (json: string) => string): string {
  const json = edit(line.slice(0, line.lastIndexOf('\t')));
  return `${json}\t${checksum(json)}`;
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
}
function writeLines(file: string, list: string[]): void {
  fs.writeFileSync(file, `${list.join('\n')}\n`);
}

describe('hash chain', () => {
  it('chains every record from GENESIS, across day files and reopen', () => {
    const { c, open, file } = setup();
    let store = open();
    const a = put(store, 1);
    const b = put(store, 2);
    expect(a.h).toBe(chainHash(GENESIS, JSON.stringify({ ...a, h: undefined })));
    expect(b.h).toMatch(/^[0-9a-f]{64}$/);
    store.close();
    c.advance(86_400_000);
    store = open();
    const next = put(store, 3);
    const text = lines(file('2026-03-11'))[0] as string;
    const split = splitChain(text.slice(0, text.lastIndexOf('\t')));
    expect(split?.h).toBe(next.h);
    expect(chainHash(b.h as string, split?.bare as string)).toBe(next.h);
    const report = store.verify();
    expect(report).toMatchObject({ ok: true, files: 2, records: 3, legacy: 0, damaged: [], headSeq: 3 });
    expect(report.headH).toBe(next.h);
    store.close();
  });

  it('opens a legacy journal without h, reports the legacy prefix, and chains new records from GENESIS', () => {
    const { dir, open, file } = setup();
    fs.mkdirSync(dir, { recursive: true });
    const old = [1, 2].map((s) =>
      encodeRecord({
        s,
        at: '2026-03-10T01:00:00.000Z',
        t: 'test.rec',
        k: `L${s}`,
        od: '2026-03-10',
        op: 'o',
        d: {},
      }),
    );
    fs.writeFileSync(file(), old.join(''));
    const store = open();
    const r = put(store, 3);
    expect(r.s).toBe(3);
    expect(r.h).toBe(chainHash(GENESIS, JSON.stringify({ ...r, h: undefined })));
    const report = store.verify();
    expect(report).toMatchObject({ ok: true, records: 3, legacy: 2, damaged: [] });
    expect(report.perFile[0]).toMatchObject({ legacy: 2, firstSeq: 1, lastSeq: 3, ok: true });
    store.close();
  });

  it('readFrom pages through the whole journal in sequence order, across days', () => {
    const { c, open } = setup();
    const store = open();
    for (let n = 1; n <= 5; n += 1) put(store, n);
    c.advance(86_400_000);
    for (let n = 6; n <= 9; n += 1) put(store, n);
    expect(store.readFrom(1, 3).map((r) => r.s)).toEqual([1, 2, 3]);
    expect(store.readFrom(4, 3).map((r) => r.s)).toEqual([4, 5, 6]);
    expect(store.readFrom(7, 100).map((r) => r.s)).toEqual([7, 8, 9]);
    expect(store.readFrom(10, 100)).toEqual([]);
    expect(store.readFrom(1, 0)).toEqual([]);
    store.close();
    const reopened = open();
    expect(reopened.readFrom(5, 2).map((r) => [r.s, r.d.n])).toEqual([
      [5, 5],
      [6, 6],
    ]);
    reopened.close();
  });
});

describe('verify finds tampering', () => {
  function fiveRecords() {
    const ctx = setup();
    const store = ctx.open();
    for (let n = 1; n <= 5; n += 1) put(store, n, { amountFen: 100 * n });
    store.close();
    return ctx;
  }

  it('a byte of an old record edited, CRC fixed: altered', () => {
    const { open, file } = fiveRecords();
    const list = lines(file());
    list[1] = forge(list[1] as string, (json) => json.replace('"amountFen":200', '"amountFen":900'));
    writeLines(file(), list);
    const report = open().verify();
    expect(report.ok).toBe(false);
    expect(report.damaged.map((p) => [p.kind, p.s, p.line])).toEqual([['altered', 2, 2]]);
    expect(report.perFile[0]?.ok).toBe(false);
  });

  it('a line deleted: deleted, with the missing sequence', () => {
    const { open, file } = fiveRecords();
    const list = lines(file());
    list.splice(2, 1);
    writeLines(file(), list);
    const report = open().verify();
    expect(report.damaged.map((p) => [p.kind, p.s])).toEqual([['deleted', 4]]);
    expect(report.damaged[0]?.problem).toContain('record 3 is missing');
  });

  it('two lines swapped: reordered, and nothing else', () => {
    const { open, file } = fiveRecords();
    const list = lines(file());
    [list[1], list[2]] = [list[2] as string, list[1] as string];
    writeLines(file(), list);
    const report = open().verify();
    expect(report.damaged.map((p) => [p.kind, p.s])).toEqual([['reordered', 2]]);
  });

  it('a gap in the sequence over an intact chain: gap', () => {
    const { dir, open, file } = setup();
    fs.mkdirSync(dir, { recursive: true });
    // Records 1, 2, 5 correctly chained: someone renumbered, or the writer skipped numbers.
    let prev = GENESIS;
    const out: string[] = [];
    for (const s of [1, 2, 5]) {
      const json = JSON.stringify({
        s,
        at: '2026-03-10T01:00:00.000Z',
        t: 'x',
        k: 'k',
        od: '2026-03-10',
        op: 'o',
        d: {},
      });
      const h = chainHash(prev, json);
      const full = `${json.slice(0, -1)},"h":"${h}"}`;
      out.push(`${full}\t${checksum(full)}`);
      prev = h;
    }
    writeLines(file(), out);
    const report = open().verify();
    expect(report.damaged.map((p) => [p.kind, p.s])).toEqual([['gap', 5]]);
    expect(report.damaged[0]?.problem).toContain('records 3–4 are missing');
  });

  it('a whole day file deleted: deleted, reported on the next file', () => {
    const { c, dir, open, file } = setup();
    let store = open();
    put(store, 1);
    c.advance(86_400_000);
    put(store, 2);
    put(store, 3);
    c.advance(86_400_000);
    put(store, 4);
    store.close();
    fs.rmSync(file('2026-03-11'));
    fs.rmSync(path.join(dir, 'index'), { recursive: true, force: true });
    store = open();
    const report = store.verify();
    expect(report.damaged.map((p) => [p.file, p.kind, p.s])).toEqual([['2026-03-12.jsonl', 'deleted', 4]]);
    expect(report.perFile.map((f) => f.ok)).toEqual([true, false]);
    // What goes over the wire is the whole report, per file and overall.
    expect(VerifyReport.parse(report)).toEqual(report);
    store.close();
  });

  it('a damaged line (bad CRC) is reported once, not as a chain break of its neighbour', () => {
    const { open, file } = fiveRecords();
    const list = lines(file());
    list[2] = (list[2] as string).replace('"amountFen":300', '"amountFen":301');
    writeLines(file(), list);
    const report = open().verify();
    expect(report.damaged.map((p) => [p.kind, p.s, p.problem])).toEqual([
      ['damaged', 3, 'checksum mismatch'],
    ]);
  });
});

describe('the check at start', () => {
  /** Three days of records, closed on the third: the first two have metas. */
  function threeDays() {
    const ctx = setup();
    const store = ctx.open();
    for (let day = 0; day < 3; day += 1) {
      if (day > 0) ctx.c.advance(86_400_000);
      for (let n = 1; n <= 3; n += 1) put(store, day * 10 + n, { amountFen: 100 + n });
    }
    store.close();
    ctx.c.advance(86_400_000); // open on day 4: every file is a past day
    return ctx;
  }

  it('finds nothing in a clean journal and reads only what has no meta', () => {
    const { open } = threeDays();
    const store = open();
    expect(store.openReport?.problems).toEqual([]);
    store.close();
    const again = open();
    expect(again.openReport).toMatchObject({ problems: [], filesRead: 0 });
    again.close();
  });

  it('an old day edited in place (same size, CRC fixed) is found at start, and again at the next start', () => {
    const { open, file } = threeDays();
    open().close(); // metas for every day
    const list = lines(file('2026-03-11'));
    list[1] = forge(list[1] as string, (json) => json.replace('"amountFen":102', '"amountFen":902'));
    writeLines(file('2026-03-11'), list);
    const store = open();
    expect(store.openReport?.filesRead).toBe(1);
    expect(store.openReport?.problems.map((p) => [p.file, p.kind, p.s])).toEqual([
      ['2026-03-11.jsonl', 'altered', 5],
    ]);
    store.close();
    const again = open();
    expect(again.openReport?.filesRead).toBe(0);
    expect(again.openReport?.problems.map((p) => p.kind)).toEqual(['altered']);
    again.close();
  });

  it('a whole old day deleted is found at start from the metas alone', () => {
    const { open, file } = threeDays();
    open().close();
    fs.rmSync(file('2026-03-11'));
    const store = open();
    expect(store.openReport?.filesRead).toBe(0);
    expect(store.openReport?.problems.map((p) => [p.file, p.kind])).toEqual([
      ['2026-03-12.jsonl', 'deleted'],
    ]);
    expect(store.openReport?.problems[0]?.problem).toContain('records 4–6 are missing');
    store.close();
  });
});

describe('reading', () => {
  it('decodeSlice reads a line straight from the bytes exactly as decodeLine does', () => {
    const good = encodeRecord({
      s: 7,
      at: 'x',
      t: 'a',
      k: '退款',
      od: '2026-01-01',
      op: 'o',
      d: { note: '交易成功 ✓' },
    });
    const cases = [
      good,
      good.replace('交易', '交昜'),
      '{"s":1}\tzzzzzzzz\n',
      'no tab\n',
      `{"s":1}\t${checksum('{"s":1}')}\n`,
    ];
    for (const line of cases) {
      const buf = Buffer.from(`xx${line}`);
      expect(decodeSlice(buf, 2, buf.length - 1)).toEqual(decodeLine(line.slice(0, -1)));
    }
  });

  it('an old unresolved order is read from where its meta says, with its records written on later days', () => {
    const { c, open } = setup();
    let store = open();
    store.append({ t: 'pay.intent', k: 'A', op: 'c', st: 'pending', un: true, d: { n: 1 } });
    store.append({ t: 'pay.intent', k: 'B', op: 'c', st: 'pending', un: true, d: { n: 2 } });
    store.append({ t: 'pay.reply', k: 'B', op: 'c', st: 'paid', un: false, d: { n: 3 } });
    store.append({ t: 'query.reply', k: 'A', op: 'c', st: 'unknown', un: true, d: { n: 4 } });
    c.advance(86_400_000);
    store.append({
      t: 'query.reply',
      k: 'A',
      od: '2026-03-10',
      op: 'c',
      st: 'unknown',
      un: true,
      d: { n: 5 },
    });
    store.close();
    c.advance(86_400_000);
    store = open();
    expect(store.openSet().map((e) => [e.k, e.od])).toEqual([['A', '2026-03-10']]);
    expect(store.recordsOfKey('A', '2026-03-10').map((r) => r.d.n)).toEqual([1, 4, 5]);
    // The same answer as reading the whole day.
    expect(
      store
        .recordsOfOrdersOn('2026-03-10')
        .filter((r) => r.k === 'A')
        .map((r) => r.d.n),
    ).toEqual([1, 4, 5]);
    expect(store.recordsOfKey('B', '2026-03-10').map((r) => r.d.n)).toEqual([2, 3]);
    store.close();
  });
});

describe('verifyAsync', () => {
  it('gives the same report as verify, problems included', async () => {
    const { c, open, file } = setup();
    const store = open();
    for (let n = 1; n <= 3; n += 1) put(store, n);
    c.advance(86_400_000);
    for (let n = 4; n <= 6; n += 1) put(store, n);
    store.close();
    const list = lines(file());
    list.splice(1, 1);
    writeLines(file(), list);
    const reopened = open();
    const sync = reopened.verify();
    expect(sync.damaged.map((p) => p.kind)).toEqual(['deleted']);
    expect(await reopened.verifyAsync()).toEqual(sync);
    reopened.close();
  });
});

describe('recordChains', () => {
  it('checks the chain on parsed records (what head office receives), and catches a changed amount', () => {
    const { c, open } = setup();
    const store = open();
    put(store, 1, { amountFen: 100, note: '退款 ✓ "quoted" \\ back' });
    c.advance(86_400_000);
    put(store, 2, { amountFen: 250 });
    const records = store.readFrom(1, 10).map((r) => JSON.parse(JSON.stringify(r)) as typeof r);
    let prev = GENESIS;
    for (const r of records) {
      expect(recordChains(prev, r)).toBe(true);
      prev = r.h as string;
    }
    const forged = { ...records[0], d: { ...records[0]?.d, amountFen: 900 } } as (typeof records)[number];
    expect(recordChains(GENESIS, forged)).toBe(false);
    expect(recordChains(GENESIS, records[1] as (typeof records)[number])).toBe(false);
    store.close();
  });
});

describe('verify against random tampering (property)', () => {
  /** A chained journal of `n` records across days, as lines per file (written once, reused). */
  function journalLines(n: number): Map<string, string[]> {
    const { c, open, dir } = setup();
    const store = open();
    for (let i = 1; i <= n; i += 1) {
      if (i % 7 === 0) c.advance(86_400_000);
      put(store, i, { amountFen: 100 + i });
    }
    store.close();
    const files = new Map<string, string[]>();
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()) {
      files.set(name, lines(path.join(dir, name)));
    }
    return files;
  }
  const base = journalLines(20);
  const all = [...base.entries()].flatMap(([file, list]) => list.map((line, i) => ({ file, i, line })));

  it('no tampering: ok; any delete, swap or forged edit: not ok, with the kind that was done', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('none', 'delete', 'swap', 'edit'),
        fc.nat({ max: all.length - 1 }),
        fc.nat({ max: all.length - 2 }),
        (op, a, b) => {
          const files = new Map([...base.entries()].map(([k, v]) => [k, [...v]]));
          const target = all[a] as (typeof all)[number];
          const list = files.get(target.file) as string[];
          if (op === 'delete') list.splice(target.i, 1);
          if (op === 'edit') {
            list[target.i] = forge(target.line, (json) =>
              json.replace(/"amountFen":(\d+)/, '"amountFen":9$1'),
            );
          }
          if (op === 'swap') {
            // Two neighbours in the same file (a swap across files shows up as the same kinds).
            if (list.length < 2) return;
            const i = Math.min(b % list.length, list.length - 2);
            [list[i], list[i + 1]] = [list[i + 1] as string, list[i] as string];
          }
          const dir = tempDir();
          for (const [name, content] of files) writeLines(path.join(dir, name), content);
          const store = JournalStore.open({ dir, now: () => Date.parse('2026-04-30T02:00:00Z'), probeMs: 0 });
          const report = store.verify();
          store.close();
          const kinds = new Set(report.damaged.map((p) => p.kind));
          if (op === 'none') expect(report.ok).toBe(true);
          // The very last record cut off leaves nothing behind it to break: head office sees that one.
          if (op === 'delete') expect(kinds).toEqual(new Set(a === all.length - 1 ? [] : ['deleted']));
          if (op === 'edit') expect(kinds).toEqual(new Set(['altered']));
          if (op === 'swap') expect(kinds).toEqual(new Set(['reordered']));
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
