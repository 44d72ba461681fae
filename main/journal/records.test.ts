/**
 * The transition function, exhaustively: every starting state of a sale × every record a writer can
 * hand in. Each cell is checked against the invariants; the whole table is kept as a readable file
 * (transitions.md, next to this test) so any change of a transition shows in review; the rows that
 * matter most are spelled out by hand below.
 */
import { describe, expect, it } from 'vitest';
import {
  chargedFen,
  derived,
  type Folded,
  next,
  type RecordDraft,
  refundedFen,
  type SaleCore,
} from './records.js';

const KEY = 'T0001202612011200000000000001';
let clock = 0;
function apply(state: Folded | undefined, draft: RecordDraft): Folded | undefined {
  clock += 1;
  return next(state, {
    ...draft,
    k: KEY,
    od: '2026-12-01',
    op: 'cashier',
    at: new Date(clock * 1000).toISOString(),
  });
}
function build(drafts: RecordDraft[]): SaleCore {
  let s: Folded | undefined;
  for (const d of drafts) s = apply(s, d);
  return s as SaleCore;
}

const intent: RecordDraft = {
  t: 'pay.intent',
  d: {
    amountFen: 1000,
    channel: 'wechat',
    codeLast4: '1234',
    payMode: 'CODE_SCAN',
    merchantCode: 'M',
    terminalCode: 'T',
  },
};
const payOk: RecordDraft = { t: 'pay.reply', d: { outcome: 'ok', paidFen: 1000, orderId: 'O1' } };
const payUnknown: RecordDraft = { t: 'pay.reply', d: { outcome: 'unknown' } };
const q = (queryState: 'paid' | 'failed' | 'voided' | 'refunded' | 'not-found' | 'pending'): RecordDraft => ({
  t: 'query.reply',
  d: {
    queryState,
    outcome: queryState === 'pending' ? 'unknown' : queryState === 'not-found' ? 'declined' : 'ok',
    ...(queryState === 'paid' ? { paidFen: 1000 } : {}),
  },
});
const autoVoid: RecordDraft = { t: 'void.intent', d: { auto: true } };
const managerVoid: RecordDraft = { t: 'void.intent', d: { auto: false, managerId: 'manager' } };
const voidReply = (outcome: 'ok' | 'declined' | 'unknown', auto: boolean, errCode?: string): RecordDraft => ({
  t: 'void.reply',
  d: { outcome, auto, ...(errCode ? { errCode } : {}) },
});
const refund = (id: string, amountFen: number): RecordDraft => ({
  t: 'refund.intent',
  d: { refundRequestId: id, amountFen, managerId: 'manager' },
});
const refundReply = (id: string, outcome: 'ok' | 'declined' | 'unknown'): RecordDraft => ({
  t: 'refund.reply',
  d: { refundRequestId: id, outcome },
});
const refundNotFound = (id: string): RecordDraft => ({
  t: 'refundquery.reply',
  d: { refundRequestId: id, outcome: 'declined', notFound: true, errCode: '25' },
});

/** Every starting state a sale can be in, by the records that lead there. */
const STATES: Record<string, RecordDraft[]> = {
  pending: [intent],
  unknown: [intent, payUnknown],
  paid: [intent, payOk],
  declined: [intent, { t: 'pay.reply', d: { outcome: 'declined', errCode: '57' } }],
  'not sent': [intent, { t: 'pay.reply', d: { outcome: 'not-sent' } }],
  'auto void sent': [intent, payUnknown, autoVoid],
  'auto void unknown': [intent, payUnknown, autoVoid, voidReply('unknown', true)],
  'auto void: not found': [intent, payUnknown, autoVoid, voidReply('declined', true, '25')],
  'paid after void decided': [intent, payUnknown, autoVoid, voidReply('unknown', true), q('paid')],
  'voided (auto)': [intent, payUnknown, autoVoid, voidReply('ok', true)],
  'manager void sent': [intent, payOk, managerVoid],
  'voided (manager)': [intent, payOk, managerVoid, voidReply('ok', false)],
  'refund pending': [intent, payOk, refund('R1', 400)],
  'refund unknown': [intent, payOk, refund('R1', 400), refundReply('R1', 'unknown')],
  'refund failed': [intent, payOk, refund('R1', 400), refundReply('R1', 'declined')],
  'partially refunded': [intent, payOk, refund('R1', 400), refundReply('R1', 'ok')],
  refunded: [intent, payOk, refund('R1', 1000), refundReply('R1', 'ok')],
};

/** Every record a writer can hand in (R1 is the open refund of the refund states; R2 a new one). */
const RECORDS: Record<string, RecordDraft> = {
  'pay ok': payOk,
  'pay declined': { t: 'pay.reply', d: { outcome: 'declined', errCode: '51' } },
  'pay unknown': payUnknown,
  'pay not sent': { t: 'pay.reply', d: { outcome: 'not-sent' } },
  'query paid': q('paid'),
  'query failed': q('failed'),
  'query voided': q('voided'),
  'query refunded (3)': q('refunded'),
  'query not found': q('not-found'),
  'query pending': q('pending'),
  'auto void': autoVoid,
  'manager void': managerVoid,
  'void ok (auto)': voidReply('ok', true),
  'void ok (manager)': voidReply('ok', false),
  'void declined 57': voidReply('declined', true, '57'),
  'void not found 25': voidReply('declined', true, '25'),
  'void unknown': voidReply('unknown', true),
  'refund R2 300': refund('R2', 300),
  'refund R2 700': refund('R2', 700),
  'refund R2 1001': refund('R2', 1001),
  'R1 ok': refundReply('R1', 'ok'),
  'R1 declined': refundReply('R1', 'declined'),
  'R1 unknown': refundReply('R1', 'unknown'),
  'R1 not found': refundNotFound('R1'),
  mark: { t: 'order.mark', d: { message: { zh: '需要处理', en: 'Needs attention' } } },
  park: { t: 'order.park', d: {} },
};

function cell(start: SaleCore, draft: RecordDraft): { text: string; after: SaleCore; refused: boolean } {
  const after = apply(start, draft) as SaleCore;
  if (after.violations.length > start.violations.length) {
    return { text: `refused: ${after.violations.at(-1)}`, after: start, refused: true };
  }
  const { st, un } = derived(after);
  return { text: `${st}${un ? ' (open)' : ''} ${refundedFen(after)}`, after, refused: false };
}

describe('next(state, record) for sales', () => {
  it('every cell keeps the invariants, and the table is what docs/engine.md describes', async () => {
    const lines = [
      '# Sale transitions (generated by records.test.ts: status after the record, "(open)" = work left, refunded fen)',
      '',
      `| state \\ record | ${Object.keys(RECORDS).join(' | ')} |`,
      `|---|${Object.keys(RECORDS)
        .map(() => '---')
        .join('|')}|`,
    ];
    let cells = 0;
    for (const [name, drafts] of Object.entries(STATES)) {
      const start = build(drafts);
      expect(start.violations, name).toEqual([]);
      const row: string[] = [];
      for (const [label, draft] of Object.entries(RECORDS)) {
        const { text, after, refused } = cell(start, draft);
        row.push(text);
        cells += 1;
        const where = `${name} + ${label}`;
        // Refunds never exceed what was paid.
        expect(refundedFen(after), where).toBeLessThanOrEqual(chargedFen(after));
        if (refused) continue;
        // A refund's outcome never changes whether the sale was charged.
        if (draft.t === 'refund.reply' || draft.t === 'refundquery.reply' || draft.t === 'refund.intent') {
          expect(after.charge, where).toBe(start.charge);
        }
        // Once a sale has a refund, nothing changes its charge.
        if (start.refunds.length > 0) expect(after.charge, where).toBe(start.charge);
        // Only a pay that is unknown (or paid after we decided to void) is voided automatically.
        if (draft.t === 'void.intent' && draft.d.auto) {
          const allowed =
            start.charge === 'pending' ||
            start.charge === 'unknown' ||
            (start.charge === 'paid' && start.autoVoid === 'decided');
          expect(allowed && start.refunds.length === 0, where).toBe(true);
        }
        // A definite charge never goes back to unknown.
        if (['paid', 'declined', 'voided'].includes(start.charge)) {
          expect(['pending', 'unknown'], where).not.toContain(after.charge);
        }
      }
      lines.push(`| ${name} | ${row.join(' | ')} |`);
    }
    expect(cells).toBe(Object.keys(STATES).length * Object.keys(RECORDS).length);
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('./transitions.md');
  });

  it.each([
    ['paid', 'R1 not found', 'refused: a refund answer without its refund'],
    ['refund unknown', 'R1 not found', 'paid 0'],
    ['refund unknown', 'query not found', 'paid (open) 0'],
    ['refund unknown', 'query refunded (3)', 'paid (open) 0'],
    ['refund unknown', 'auto void', 'refused: a void of an order that has a refund'],
    ['refund pending', 'R1 ok', 'partially-refunded 400'],
    ['partially refunded', 'query refunded (3)', 'partially-refunded 400'],
    ['partially refunded', 'query voided', 'partially-refunded 400'],
    ['partially refunded', 'refund R2 300', 'partially-refunded (open) 400'],
    ['partially refunded', 'refund R2 700', 'refused: refunds above what was paid'],
    ['partially refunded', 'refund R2 1001', 'refused: refunds above what was paid'],
    ['refund pending', 'refund R2 700', 'refused: refunds above what was paid'],
    ['paid', 'auto void', 'refused: an automatic void of a pay that is not unknown'],
    ['declined', 'auto void', 'refused: an automatic void of a pay that is not unknown'],
    ['unknown', 'auto void', 'unknown (open) 0'],
    ['paid after void decided', 'auto void', 'needs-attention (open) 0'],
    ['auto void unknown', 'query paid', 'needs-attention (open) 0'],
    ['auto void unknown', 'query not found', 'declined 0'],
    ['auto void: not found', 'query not found', 'declined 0'],
    // Nothing was charged: the open void has nothing left to undo (found by the model-based test).
    ['auto void unknown', 'query failed', 'declined 0'],
    ['auto void sent', 'pay declined', 'declined 0'],
    ['auto void sent', 'void unknown', 'needs-attention (open) 0'],
    ['auto void sent', 'void ok (auto)', 'voided 0'],
    // A definite refusal of the void of a paid order: it stays paid, and nothing voids it again.
    ['paid after void decided', 'void declined 57', 'paid 0'],
    ['paid', 'void ok (auto)', 'refused: a void answer without a void'],
    ['manager void sent', 'void unknown', 'paid (open) 0'],
    ['manager void sent', 'void ok (manager)', 'voided 0'],
    ['unknown', 'query refunded (3)', 'paid 0'],
    ['unknown', 'pay ok', 'paid 0'],
    ['paid', 'pay declined', 'paid 0'],
    ['pending', 'pay not sent', 'declined 0'],
    ['refunded', 'refund R2 300', 'refused: refunds above what was paid'],
    ['refunded', 'R1 declined', 'refused: a refund answer that contradicts an earlier one'],
    ['partially refunded', 'R1 unknown', 'partially-refunded 400'],
  ])('%s + %s → %s', (state, record, expected) => {
    const start = build(STATES[state] as RecordDraft[]);
    expect(cell(start, RECORDS[record] as RecordDraft).text).toBe(expected);
  });

  it('the status a record carries is derived: writers cannot choose it', () => {
    const s = build([intent, payOk, refund('R1', 400), refundReply('R1', 'unknown'), refundNotFound('R1')]);
    expect(derived(s)).toEqual({ st: 'paid', un: false });
  });
});
