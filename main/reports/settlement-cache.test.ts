/**
 * A closed day's settlement facts kept next to its meta: the report from the kept facts is the report
 * from the records, and anything that could make them wrong (a later record of one of the day's orders,
 * of a pre-auth the day completed, a damaged file) makes them be recomputed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Journal } from '../journal/journal.js';
import { RECORD } from '../journal/records.js';
import { buildReport } from './build.js';
import { factsFromRecords, sourceFromFacts } from './facts.js';
import { settlementReport } from './journal-source.js';

const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00.000+08:00`);
const D0 = '2026-03-09';
const D1 = '2026-03-10';
const D2 = '2026-03-11';
const NOW = at(D2, '18:00');

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A journal whose clock the test moves; `open` reopens it (a new process). */
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settle-cache-'));
  dirs.push(dir);
  let now = at(D0, '09:00');
  let journal = Journal.open({ dataDir: dir, now: () => now });
  const put = (
    when: number,
    t: string,
    k: string,
    od: string,
    st: string,
    un: boolean,
    d: Record<string, unknown>,
  ) => {
    now = when;
    journal.write({ t, k, od, op: 'cashier', st, un, d });
  };
  const pay = {
    channel: 'wechat',
    codeLast4: '1234',
    payMode: 'CODE_SCAN',
    merchantCode: 'm',
    terminalCode: 't',
  };
  // D0: a pre-auth hold. D1: two sales (one left unknown) and the completion of D0's pre-auth.
  put(at(D0, '09:00'), RECORD.preauthIntent, 'P', D0, 'pending', true, {
    op: 'start',
    amountFen: 5000,
    channel: 'unionpay',
    codeLast4: '6200',
    systemTraceNum: '000001',
  });
  put(at(D0, '09:00'), RECORD.preauthReply, 'P', D0, 'authorized', false, {
    op: 'start',
    outcome: 'ok',
    orderId: 'PP',
  });
  put(at(D1, '10:00'), RECORD.payIntent, 'A', D1, 'pending', true, { amountFen: 1000, ...pay });
  put(at(D1, '10:00'), RECORD.payReply, 'A', D1, 'paid', false, {
    outcome: 'ok',
    paidFen: 1000,
    orderId: 'UA',
  });
  put(at(D1, '11:00'), RECORD.payIntent, 'U', D1, 'pending', true, { amountFen: 300, ...pay });
  put(at(D1, '11:00'), RECORD.payReply, 'U', D1, 'unknown', true, { outcome: 'unknown' });
  put(at(D1, '12:00'), RECORD.preauthIntent, 'P', D0, 'completing', true, {
    op: 'complete',
    amountFen: 4500,
    systemTraceNum: '000002',
  });
  put(at(D1, '12:00'), RECORD.preauthReply, 'P', D0, 'completed', false, {
    op: 'complete',
    outcome: 'ok',
    amountFen: 4500,
  });
  put(at(D2, '09:00'), RECORD.payIntent, 'B', D2, 'pending', true, { amountFen: 777, ...pay });
  put(at(D2, '09:00'), RECORD.payReply, 'B', D2, 'paid', false, {
    outcome: 'ok',
    paidFen: 777,
    orderId: 'UB',
  });
  now = NOW;
  return {
    dir,
    put,
    get journal() {
      return journal;
    },
    reopen() {
      journal.close();
      journal = Journal.open({ dataDir: dir, now: () => now });
      return journal;
    },
    /** The day's report from the facts of every record, the kept facts not involved. */
    expected(day: string) {
      const all = journal.store.days().flatMap((d) => journal.store.recordsWrittenOn(d));
      const source = sourceFromFacts(factsFromRecords(all));
      // The unresolved list comes from the open set in both (facts of all records include other days').
      const report = buildReport(source, { kind: 'settlement', day, now: NOW });
      return { ...report, unresolved: settlementReport(journal.store, day, NOW).unresolved };
    },
    /** Whether a report read the day's records (not the kept facts). */
    spyReads() {
      return vi.spyOn(journal.store, 'recordsOfOrdersOn');
    },
    keptFile: (day: string) => path.join(dir, 'journal', 'index', `${day}.settlement`),
  };
}

describe('kept settlement facts of a closed day', () => {
  it('are kept at the first settlement and give the same report in a new process without reading records', () => {
    const s = setup();
    const first = settlementReport(s.journal.store, D1, NOW);
    expect(first.totals.salesCount).toBe(2);
    expect(first.totals.salesFen).toBe(5500);
    expect(first.unresolved.map((v) => v.merchantOrderId)).toEqual(['U']);
    expect(first).toEqual(s.expected(D1));
    expect(fs.existsSync(s.keptFile(D1))).toBe(true);
    // Today is still being written: nothing kept.
    settlementReport(s.journal.store, D2, NOW);
    expect(fs.existsSync(s.keptFile(D2))).toBe(false);

    s.reopen();
    const reads = s.spyReads();
    const again = settlementReport(s.journal.store, D1, NOW);
    expect(reads).not.toHaveBeenCalled();
    expect(again).toEqual(first);
  });

  it('are recomputed after a later record of one of the day’s orders', () => {
    const s = setup();
    const before = settlementReport(s.journal.store, D1, NOW);
    // D2: the query resolves D1's unknown pay as paid (a record of a D1 order written on D2).
    s.put(at(D2, '10:00'), RECORD.queryReply, 'U', D1, 'paid', false, {
      outcome: 'ok',
      queryState: 'paid',
      paidFen: 300,
      orderId: 'UU',
    });
    s.reopen();
    const after = settlementReport(s.journal.store, D1, NOW);
    expect(after).toEqual(s.expected(D1));
    expect(after.totals.salesCount).toBe(3);
    expect(after.totals.salesFen).toBe(5800);
    expect(after.unresolved).toEqual([]);
    expect(after).not.toEqual(before);
    expect(after).toEqual(s.expected(D1));
    // Kept anew: the next process reads no records.
    s.reopen();
    const reads = s.spyReads();
    expect(settlementReport(s.journal.store, D1, NOW)).toEqual(after);
    expect(reads).not.toHaveBeenCalled();
  });

  it('are recomputed after a later record of a pre-auth the day completed (its own day changed)', () => {
    const s = setup();
    const before = settlementReport(s.journal.store, D1, NOW);
    s.put(at(D2, '11:00'), RECORD.preauthIntent, 'P', D0, 'completed', true, {
      op: 'void',
      amountFen: 4500,
      systemTraceNum: '000003',
    });
    s.put(at(D2, '11:00'), RECORD.preauthReply, 'P', D0, 'voided', false, {
      op: 'void',
      outcome: 'ok',
      amountFen: 4500,
    });
    s.reopen();
    const reads = s.spyReads();
    const after = settlementReport(s.journal.store, D1, NOW);
    expect(reads).toHaveBeenCalled();
    expect(after).toEqual(s.expected(D1));
    expect(after.totals).toEqual(before.totals); // the void counts on D2, the completion stays on D1
  });

  const damages: Array<[string, (file: string) => void]> = [
    [
      'a flipped byte in the facts',
      (file) => {
        const buf = fs.readFileSync(file);
        const i = buf.indexOf('5000');
        buf[i >= 0 ? i : buf.length - 3] = 0x39;
        fs.writeFileSync(file, buf);
      },
    ],
    ['a cut-off file', (file) => fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 60))],
    ['garbage', (file) => fs.writeFileSync(file, 'not json\n{')],
    ['an empty file', (file) => fs.writeFileSync(file, '')],
    [
      'other facts under a stale stamp',
      (file) => {
        const [header] = fs.readFileSync(file, 'utf8').split('\n');
        const parsed = JSON.parse(header as string);
        fs.writeFileSync(
          file,
          `${JSON.stringify({ ...parsed, stamp: 'old' })}\n{"money":[],"unresolved":[]}`,
        );
      },
    ],
    ['deleted', (file) => fs.rmSync(file)],
  ];
  for (const [name, damage] of damages) {
    it(`are recomputed, never believed, when damaged: ${name}`, () => {
      const s = setup();
      const first = settlementReport(s.journal.store, D1, NOW);
      s.journal.close();
      damage(s.keptFile(D1));
      s.reopen();
      const reads = s.spyReads();
      expect(settlementReport(s.journal.store, D1, NOW)).toEqual(first);
      expect(reads).toHaveBeenCalled();
      // And kept whole again.
      s.reopen();
      const again = s.spyReads();
      expect(settlementReport(s.journal.store, D1, NOW)).toEqual(first);
      expect(again).not.toHaveBeenCalled();
    });
  }

  it('are not part of the journal: verify and the records are the same with or without them', () => {
    const s = setup();
    const without = s.journal.verify();
    settlementReport(s.journal.store, D1, NOW);
    expect(fs.existsSync(s.keptFile(D1))).toBe(true);
    const reopened = s.reopen();
    expect(reopened.verify()).toEqual(without);
    expect(reopened.store.openReport?.problems).toEqual([]);
  });
});
