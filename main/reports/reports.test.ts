/**
 * Settlement rules as a table: each row a small journal story and what 日结 / 交班 must say about it.
 * Records are built by hand (the module is pure); one test runs the same story through a real Journal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/format.js';
import { Journal } from '../journal/journal.js';
import { RECORD } from '../journal/records.js';
import { sampleContext } from '../printing/fixtures.js';
import { reportSlip } from '../printing/receipts.js';
import { buildReport, mergeReports } from './build.js';
import { factsFromRecords, sourceFromFacts } from './facts.js';
import { journalSettlementSource, shiftReport, shiftWindowOf } from './journal-source.js';
import type { Report, ReportRequest, Totals } from './types.js';

/** China time "2026-03-10 10:00" → ISO. */
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00.000+08:00`).toISOString();
const D1 = '2026-03-10';
const D2 = '2026-03-11';
const NOW = Date.parse(at(D2, '18:00'));
const chinaDayOf = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

let seq = 0;
type Rec = Omit<JournalRecord, 's'>;
const r = (
  t: string,
  k: string,
  od: string,
  when: string,
  d: Record<string, unknown>,
  extra: Partial<Rec> = {},
) => ({ s: ++seq, t, k, od, at: when, op: 'cashier', d, ...extra }) as JournalRecord;

function sale(
  k: string,
  day: string,
  hhmm: string,
  fen: number,
  opts: { channel?: string; outcome?: string; op?: string } = {},
) {
  const when = at(day, hhmm);
  const op = opts.op ?? 'cashier';
  const intent = r(
    RECORD.payIntent,
    k,
    day,
    when,
    {
      amountFen: fen,
      channel: opts.channel ?? 'wechat',
      codeLast4: '1234',
      payMode: 'CODE_SCAN',
      merchantCode: 'm',
      terminalCode: 't',
    },
    { st: 'pending', un: true, op },
  );
  const outcome = opts.outcome ?? 'ok';
  if (outcome === 'none') return [intent];
  const st = outcome === 'ok' ? 'paid' : outcome === 'declined' ? 'declined' : 'unknown';
  return [
    intent,
    r(
      RECORD.payReply,
      k,
      day,
      when,
      { outcome, ...(outcome === 'ok' ? { paidFen: fen, orderId: `U${k}` } : {}) },
      { st, un: outcome === 'unknown', op },
    ),
  ];
}

const manualVoid = (k: string, day: string, hhmm: string, fen: number) => [
  r(
    RECORD.voidIntent,
    k,
    day,
    at(day, hhmm),
    { amountFen: fen, channel: 'wechat', managerId: 'manager' },
    { st: 'paid', un: true, op: 'manager' },
  ),
  r(
    RECORD.voidReply,
    k,
    day,
    at(day, hhmm),
    { outcome: 'ok', amountFen: fen, channel: 'wechat', payMode: 'CODE_SCAN' },
    { st: 'voided', un: false, op: 'manager' },
  ),
];
const autoVoid = (k: string, day: string, hhmm: string) => [
  r(RECORD.voidIntent, k, day, at(day, hhmm), { auto: true }, { st: 'unknown', un: true }),
  r(RECORD.voidReply, k, day, at(day, hhmm), { outcome: 'ok', auto: true }, { st: 'voided', un: false }),
];
const refund = (
  k: string,
  od: string,
  day: string,
  hhmm: string,
  id: string,
  fen: number,
  t: string = RECORD.refundReply,
) => [
  r(
    t,
    k,
    od,
    at(day, hhmm),
    { outcome: 'ok', refundRequestId: id, amountFen: fen, channel: 'alipay', payMode: 'CODE_SCAN' },
    { st: 'partially-refunded', un: false, op: 'manager' },
  ),
];
const yima = (posSeq: string, day: string, hhmm: string, fen: number, t: string = RECORD.yimaFinal) => [
  r(t, posSeq, day, at(day, hhmm), { status: 'refunded', amountFen: fen }, { un: false }),
];
function preauth(k: string, day: string, hhmm: string, fen: number) {
  return [
    r(
      RECORD.preauthIntent,
      k,
      day,
      at(day, hhmm),
      { op: 'start', amountFen: fen, channel: 'unionpay', codeLast4: '6200', systemTraceNum: '000001' },
      { st: 'pending', un: true },
    ),
    r(
      RECORD.preauthReply,
      k,
      day,
      at(day, hhmm),
      { op: 'start', outcome: 'ok', orderId: `P${k}`, authorizationCode: '123456', transactionDate: '0310' },
      { st: 'authorized', un: false },
    ),
  ];
}
const preauthComplete = (k: string, od: string, day: string, hhmm: string, fen: number, viaQuery = false) => [
  r(
    RECORD.preauthIntent,
    k,
    od,
    at(day, hhmm),
    { op: 'complete', amountFen: fen, systemTraceNum: '000002' },
    { st: 'completing', un: true, op: 'manager' },
  ),
  viaQuery
    ? r(
        RECORD.preauthReply,
        k,
        od,
        at(day, hhmm),
        { op: 'complete', outcome: 'unknown' },
        { st: 'completing', un: true, op: 'manager' },
      )
    : r(
        RECORD.preauthReply,
        k,
        od,
        at(day, hhmm),
        { op: 'complete', outcome: 'ok', amountFen: fen },
        { st: 'completed', un: false, op: 'manager' },
      ),
  ...(viaQuery
    ? [
        r(
          RECORD.preauthReply,
          k,
          od,
          at(day, hhmm),
          { op: 'query', outcome: 'ok', queryState: 'completed' },
          { st: 'completed', un: false },
        ),
      ]
    : []),
];
const preauthVoid = (k: string, od: string, day: string, hhmm: string, fen: number) => [
  r(
    RECORD.preauthIntent,
    k,
    od,
    at(day, hhmm),
    { op: 'void', amountFen: fen, systemTraceNum: '000003' },
    { st: 'authorized', un: true, op: 'manager' },
  ),
  r(
    RECORD.preauthReply,
    k,
    od,
    at(day, hhmm),
    { op: 'void', outcome: 'ok', amountFen: fen },
    { st: 'voided', un: false, op: 'manager' },
  ),
];

const settle = (records: JournalRecord[], day: string, extra: Partial<ReportRequest> = {}) =>
  buildReport(sourceFromFacts(factsFromRecords(records)), { kind: 'settlement', day, now: NOW, ...extra });

const t = (p: Partial<Totals>): Totals => {
  const base = {
    salesCount: 0,
    salesFen: 0,
    voidsCount: 0,
    voidsFen: 0,
    refundsCount: 0,
    refundsFen: 0,
    ...p,
  };
  return { ...base, netFen: base.salesFen - base.voidsFen - base.refundsFen };
};

/** Every breakdown sums to the totals, and the hours to the sales: screen and paper can never disagree. */
function expectConsistent(report: Report) {
  const sum = (rows: Array<{ totals: Totals }>) =>
    rows.reduce((acc, row) => {
      for (const key of Object.keys(acc) as Array<keyof Totals>) acc[key] += row.totals[key];
      return acc;
    }, t({}));
  expect(sum(report.byChannel)).toEqual(report.totals);
  expect(sum(report.byPayMode)).toEqual(report.totals);
  expect(sum(report.byOperator)).toEqual(report.totals);
  expect(report.byHour.reduce((n, h) => n + h.count, 0)).toBe(report.totals.salesCount);
  expect(report.byHour.reduce((n, h) => n + h.fen, 0)).toBe(report.totals.salesFen);
}

describe('settlement rules (table)', () => {
  const rows: Array<{ name: string; records: () => JournalRecord[]; day: string; totals: Totals }> = [
    {
      name: 'a paid sale counts on its day',
      records: () => sale('A', D1, '10:00', 1234),
      day: D1,
      totals: t({ salesCount: 1, salesFen: 1234 }),
    },
    { name: '…and not on the next', records: () => sale('A', D1, '10:00', 1234), day: D2, totals: t({}) },
    {
      name: 'a declined sale never counts',
      records: () => sale('A', D1, '10:00', 500, { outcome: 'declined' }),
      day: D1,
      totals: t({}),
    },
    {
      name: 'an unknown sale is not (yet) a sale',
      records: () => sale('A', D1, '10:00', 500, { outcome: 'unknown' }),
      day: D1,
      totals: t({}),
    },
    {
      name: 'an automatic void of an unknown pay is neither sale nor void',
      records: () => [...sale('A', D1, '10:00', 500, { outcome: 'unknown' }), ...autoVoid('A', D1, '10:01')],
      day: D1,
      totals: t({}),
    },
    {
      name: 'a manager void: the sale and the void, net zero',
      records: () => [...sale('A', D1, '10:00', 500), ...manualVoid('A', D1, '11:00', 500)],
      day: D1,
      totals: t({ salesCount: 1, salesFen: 500, voidsCount: 1, voidsFen: 500 }),
    },
    {
      name: 'a refund a day later counts on the refund day',
      records: () => [
        ...sale('A', D1, '10:00', 1000, { channel: 'alipay' }),
        ...refund('A', D1, D2, '09:00', 'R1', 300),
      ],
      day: D2,
      totals: t({ refundsCount: 1, refundsFen: 300 }),
    },
    {
      name: 'a refund confirmed by its reply and again by a query counts once',
      records: () => [
        ...sale('A', D1, '10:00', 1000, { channel: 'alipay' }),
        ...refund('A', D1, D1, '11:00', 'R1', 300),
        ...refund('A', D1, D1, '11:01', 'R1', 300, RECORD.refundQueryReply),
        ...refund('A', D1, D1, '12:00', 'R2', 200),
      ],
      day: D1,
      totals: t({ salesCount: 1, salesFen: 1000, refundsCount: 2, refundsFen: 500 }),
    },
    {
      name: 'a Yima refund counts once per pos_seq',
      records: () => [
        ...yima('YR1', D1, '15:00', 2596),
        ...yima('YR1', D1, '15:00', 2596, RECORD.yimaRefundDone),
      ],
      day: D1,
      totals: t({ refundsCount: 1, refundsFen: 2596 }),
    },
    {
      name: 'a pre-auth hold is no sale',
      records: () => preauth('P', D1, '09:00', 1000),
      day: D1,
      totals: t({}),
    },
    {
      name: 'a pre-auth void of the hold moves no money',
      records: () => [...preauth('P', D1, '09:00', 1000), ...preauthVoid('P', D1, D1, '10:00', 1000)],
      day: D1,
      totals: t({}),
    },
    {
      name: 'a pre-auth completion is a sale, for the completed amount, on the completion day',
      records: () => [...preauth('P', D1, '09:00', 1000), ...preauthComplete('P', D1, D2, '10:00', 800)],
      day: D2,
      totals: t({ salesCount: 1, salesFen: 800 }),
    },
    {
      name: '…and not on the day of the hold',
      records: () => [...preauth('P', D1, '09:00', 1000), ...preauthComplete('P', D1, D2, '10:00', 800)],
      day: D1,
      totals: t({}),
    },
    {
      name: 'a completion confirmed by a query counts with the amount asked',
      records: () => [
        ...preauth('P', D1, '09:00', 1000),
        ...preauthComplete('P', D1, D1, '10:00', 700, true),
      ],
      day: D1,
      totals: t({ salesCount: 1, salesFen: 700 }),
    },
    {
      // 担保撤销 voids an authorization, not a completion (spec 1.5; the simulator answers 57): the journal's
      // one transition function refuses a void record after a completion, so the completion stands.
      name: 'a void record after completion is refused by the fold: the completion stands',
      records: () => [
        ...preauth('P', D1, '09:00', 1000),
        ...preauthComplete('P', D1, D1, '10:00', 800),
        ...preauthVoid('P', D1, D1, '11:00', 800),
      ],
      day: D1,
      totals: t({ salesCount: 1, salesFen: 800 }),
    },
    {
      name: 'a void of an authorization is neither a sale nor a void',
      records: () => [...preauth('P', D1, '09:00', 1000), ...preauthVoid('P', D1, D1, '11:00', 1000)],
      day: D1,
      totals: t({}),
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const report = settle(row.records(), row.day);
      expect(report.totals).toEqual(row.totals);
      expectConsistent(report);
    });
  }
});

describe('report shape', () => {
  it('an empty day is zeros: no rows, 24 empty hours, nothing unresolved', () => {
    const report = settle([], D1);
    expect(report.totals).toEqual(t({}));
    expect(report.byChannel).toEqual([]);
    expect(report.byPayMode).toEqual([]);
    expect(report.byOperator).toEqual([]);
    expect(report.byHour).toHaveLength(24);
    expect(report.byHour.every((h) => h.count === 0 && h.fen === 0)).toBe(true);
    expect(report.unresolved).toEqual([]);
    expect(report.from).toBe(at(D1, '00:00'));
  });

  it('Yima refunds have their own channel and pay mode; pre-auth completions theirs', () => {
    const report = settle(
      [
        ...sale('A', D1, '10:00', 1000),
        ...yima('YR1', D1, '15:00', 2596),
        ...preauth('P', D1, '09:00', 5000),
        ...preauthComplete('P', D1, D1, '16:00', 4000),
      ],
      D1,
    );
    expect(report.byChannel.map((c) => c.channel)).toEqual(['wechat', 'unionpay', 'yima']);
    expect(report.byChannel.find((c) => c.channel === 'yima')?.totals).toEqual(
      t({ refundsCount: 1, refundsFen: 2596 }),
    );
    expect(report.byPayMode.map((p) => p.payMode)).toEqual(['CODE_SCAN', 'PREAUTH', 'YIMA']);
    expect(report.byHour[16]).toEqual({ hour: 16, count: 1, fen: 4000 });
    expectConsistent(report);
  });

  it("a past day's report lists its own unresolved orders, never today's", () => {
    const records = [
      ...sale('OLD', D1, '10:00', 100, { outcome: 'unknown' }),
      ...sale('NEW', D2, '10:00', 200, { outcome: 'unknown' }),
    ];
    expect(settle(records, D1).unresolved.map((v) => v.merchantOrderId)).toEqual(['OLD']);
    // Today's report (the window reaches now) lists every order still open.
    expect(
      settle(records, D2)
        .unresolved.map((v) => v.merchantOrderId)
        .sort(),
    ).toEqual(['NEW', 'OLD']);
    // A day before anything happened lists nothing.
    expect(settle(records, '2026-03-09').unresolved).toEqual([]);
  });

  it('a shift covers its operator from sign-in to the end', () => {
    const records = [
      ...sale('A', D2, '08:00', 100, { op: 'alice' }),
      ...sale('B', D2, '10:00', 200, { op: 'alice' }),
      ...sale('C', D2, '11:00', 400, { op: 'bob' }),
      ...sale('D', D2, '12:30', 800, { op: 'alice' }),
    ];
    const report = buildReport(sourceFromFacts(factsFromRecords(records)), {
      kind: 'shift',
      day: D2,
      operatorId: 'alice',
      since: at(D2, '09:00'),
      until: Date.parse(at(D2, '12:00')),
      now: NOW,
    });
    expect(report.totals).toEqual(t({ salesCount: 1, salesFen: 200 }));
    expect(report.operatorId).toBe('alice');
    expect(report.byOperator.map((o) => o.operatorId)).toEqual(['alice']);
  });

  it("an operator's shift is their sign-in to their sign-out, as the journal recorded it", () => {
    const open = r(
      'shift.open',
      'shift-alice-1',
      D2,
      at(D2, '09:00'),
      { operatorId: 'alice' },
      { op: 'alice' },
    );
    const close = r(
      'shift.close',
      'shift-alice-1',
      D2,
      at(D2, '12:00'),
      { operatorId: 'alice' },
      { op: 'alice' },
    );
    const other = r('shift.open', 'shift-bob-1', D2, at(D2, '12:05'), { operatorId: 'bob' }, { op: 'bob' });
    expect(shiftWindowOf([open, other], 'alice')).toEqual({ since: at(D2, '09:00') });
    expect(shiftWindowOf([open, close, other], 'alice')).toEqual({
      since: at(D2, '09:00'),
      until: at(D2, '12:00'),
    });
    expect(shiftWindowOf([other], 'alice')).toBeUndefined();
    const records = [
      ...sale('A', D2, '08:00', 100, { op: 'alice' }),
      open,
      ...sale('B', D2, '10:00', 200, { op: 'alice' }),
      close,
      ...sale('D', D2, '12:30', 800, { op: 'alice' }),
    ];
    const byDay = (day: string) => records.filter((x) => chinaDayOf(x.at) === day);
    const store = {
      recordsWrittenOn: byDay,
      recordsOfOrdersOn: (day: string) => records.filter((x) => x.od === day),
      recordsOfKey: (k: string, od: string) => records.filter((x) => x.k === k && x.od === od),
      openSet: () => [],
    };
    const report = shiftReport(store, { operatorId: 'alice' }, D2, NOW);
    expect(report.totals).toEqual(t({ salesCount: 1, salesFen: 200 }));
    expect(report.from).toBe(at(D2, '09:00'));
    expect(report.to).toBe(at(D2, '12:00'));
  });

  it('chain totals are the sum of the counters, to the fen', () => {
    const shopA = [
      ...sale('A1', D1, '10:00', 1001),
      ...refund('A1', D1, D1, '11:00', 'RA', 333),
      ...yima('YA', D1, '12:00', 7),
    ];
    const shopB = [
      ...sale('B1', D1, '10:30', 2002, { channel: 'alipay' }),
      ...manualVoid('B1', D1, '10:40', 2002),
      ...sale('B2', D1, '13:00', 1),
    ];
    const a = settle(shopA, D1);
    const b = settle(shopB, D1);
    const chain = mergeReports([a, b]);
    expect(chain.totals).toEqual(
      t({ salesCount: 3, salesFen: 3004, voidsCount: 1, voidsFen: 2002, refundsCount: 2, refundsFen: 340 }),
    );
    expect(chain.totals).toEqual(settle([...shopA, ...shopB], D1).totals);
    expect(chain.byHour[10]).toEqual({ hour: 10, count: 2, fen: 3003 });
    expectConsistent(chain);
    expect(() => mergeReports([])).toThrow();
  });

  it('a record seen twice (replication overlap) counts once', () => {
    const records = [...sale('A', D1, '10:00', 500), ...refund('A', D1, D1, '11:00', 'R1', 100)];
    expect(settle([...records, ...records], D1).totals).toEqual(settle(records, D1).totals);
  });
});

describe('on paper', () => {
  it('the printed settlement says what the screen says; a Yima refund is "退款 1笔", never "0笔 -¥25.96"', () => {
    const report = settle([...sale('A', D1, '10:00', 1000), ...yima('YR1', D1, '15:00', 2596)], D1);
    const lines = reportSlip(report, sampleContext).blocks.flatMap((b) =>
      b.t === 'pair' ? [`${b.left} ${b.right}`] : b.t === 'text' ? [b.text] : [],
    );
    const text = lines.join('\n');
    // A count of 0 never stands beside an amount.
    expect(text).not.toMatch(/ 0笔 -?￥(?!0\.00)/);
    const yimaSection = lines.slice(lines.indexOf('翼码退款 YIMA REFUND'));
    expect(yimaSection[1]).toBe('  退款 REFUNDS 1笔 -￥25.96');
    expect(yimaSection[2]).toBe('  净额 NET -￥25.96');
    expect(lines).toContain('翼码 YIMA');
    // The totals on paper are the report's totals.
    expect(lines).toContain('消费 SALES 1笔 ￥10.00');
    expect(lines).toContain('退款 REFUNDS 1笔 -￥25.96');
    expect(lines).toContain('净额 NET -￥15.96');
  });
});

describe('the journal as a source', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same report as the facts of all its records, reading only the days it needs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reports-test-'));
    dirs.push(dir);
    let now = Date.parse(at(D1, '09:00'));
    const journal = Journal.open({ dataDir: dir, now: () => now });
    const story: Array<[string, JournalRecord[]]> = [
      [at(D1, '09:00'), preauth('P', D1, '09:00', 5000)],
      [at(D1, '10:00'), sale('A', D1, '10:00', 1000, { channel: 'alipay' })],
      [at(D1, '11:00'), sale('U', D1, '11:00', 300, { outcome: 'unknown' })],
      [at(D1, '15:00'), yima('YR1', D1, '15:00', 2596)],
      [at(D2, '09:00'), refund('A', D1, D2, '09:00', 'R1', 400)],
      [at(D2, '10:00'), preauthComplete('P', D1, D2, '10:00', 4500)],
      [at(D2, '11:00'), sale('B', D2, '11:00', 777)],
    ];
    for (const [when, records] of story) {
      now = Date.parse(when);
      for (const rec of records) {
        journal.write({
          t: rec.t,
          k: rec.k,
          op: rec.op,
          d: rec.d,
          od: rec.od,
          ...(rec.st ? { st: rec.st } : {}),
          ...(rec.un !== undefined ? { un: rec.un } : {}),
        });
      }
    }
    const all = journal.store.days().flatMap((day) => journal.store.recordsWrittenOn(day));
    for (const day of [D1, D2]) {
      const request = { kind: 'settlement' as const, day, now: NOW };
      const fromJournal = buildReport(journalSettlementSource(journal.store), request);
      const fromFacts = buildReport(sourceFromFacts(factsFromRecords(all)), request);
      expect(fromJournal).toEqual(fromFacts);
      expectConsistent(fromJournal);
    }
    const d2 = buildReport(journalSettlementSource(journal.store), { kind: 'settlement', day: D2, now: NOW });
    expect(d2.totals).toEqual(t({ salesCount: 2, salesFen: 5277, refundsCount: 1, refundsFen: 400 }));
    expect(d2.unresolved.map((v) => v.merchantOrderId)).toEqual(['U']);
    journal.close();
  });
});
