/**
 * Journal records → the facts a report counts. Pure: the counter feeds it a few days of its journal,
 * head office the records it replicated from a terminal; both get the same facts.
 *
 * - A sale counts once, when its order was created, if the customer was charged in the end: status
 *   paid / partially-refunded / refunded, or voided by a manager (the void then counts as a void). An
 *   automatic void of an unknown pay is neither: nothing was kept.
 * - A pre-auth counts as a sale when it becomes completed (the money moves at completion), at that
 *   record's time, for the completed amount; a hold does not count. A void after completion is a void.
 * - A void counts when its successful reply is journaled (manual voids only), a refund when its
 *   successful refund.reply / refundquery.reply is, once per refundRequestId.
 * - A Yima (翼码) refund counts when it ends refunded (`yima.final` status 'refunded', or
 *   `yima.refund.done`), once per pos_seq, on the channel 'yima'.
 */
import type { JournalRecord } from '../journal/format.js';
import { foldPreauth, foldSale, RECORD } from '../journal/records.js';
import type { OrderView } from '../journal/views.js';
import type { MoneyFact, ReportChannel, SettlementFacts, SettlementSource, TimeWindow } from './types.js';
import { REPORT_CHANNELS } from './types.js';

const CHARGED: ReadonlySet<string> = new Set(['paid', 'partially-refunded', 'refunded']);

function channelOf(value: unknown): ReportChannel {
  return typeof value === 'string' && (REPORT_CHANNELS as readonly string[]).includes(value)
    ? (value as ReportChannel)
    : 'other';
}

function fenOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number.NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function groupByKey(records: readonly JournalRecord[]): Map<string, JournalRecord[]> {
  const seen = new Set<number>();
  const map = new Map<string, JournalRecord[]>();
  for (const r of records) {
    if (seen.has(r.s)) continue;
    seen.add(r.s);
    const list = map.get(r.k);
    if (list) list.push(r);
    else map.set(r.k, [r]);
  }
  for (const list of map.values()) {
    for (let i = 1; i < list.length; i += 1) {
      if ((list[i - 1] as JournalRecord).s > (list[i] as JournalRecord).s) {
        list.sort((a, b) => a.s - b.s);
        break;
      }
    }
  }
  return map;
}

/** The facts of a set of records (any order; a record seen twice counts once). */
export function factsFromRecords(records: readonly JournalRecord[]): SettlementFacts {
  const money: MoneyFact[] = [];
  const unresolved: OrderView[] = [];
  const counted = new Set<string>();
  const push = (fact: MoneyFact) => {
    if (counted.has(fact.id)) return;
    counted.add(fact.id);
    money.push(fact);
  };
  for (const [key, group] of groupByKey(records)) {
    saleFacts(key, group, push, unresolved);
    preauthFacts(key, group, push);
    for (const r of group) {
      const fact = eventFact(r);
      if (fact) push(fact);
    }
  }
  return { money, unresolved };
}

function saleFacts(
  key: string,
  group: JournalRecord[],
  push: (fact: MoneyFact) => void,
  unresolved: OrderView[],
): void {
  if (!group.some((r) => r.t === RECORD.payIntent)) return;
  const state = foldSale(group);
  if (!state) return;
  const v = state.view;
  if (v.unresolved) unresolved.push(v);
  const manualVoid = group.some((r) => r.t === RECORD.voidIntent && r.d.auto !== true);
  if (!CHARGED.has(v.status) && !(v.status === 'voided' && manualVoid)) return;
  push({
    kind: 'sale',
    id: `sale:${key}`,
    at: v.createdAt,
    operatorId: v.operatorId,
    channel: channelOf(v.channel),
    payMode: v.payMode ?? 'CODE_SCAN',
    fen: v.paidFen ?? v.amountFen,
  });
}

/** Walk a pre-auth's records with the journal's own fold: a completion is a sale, a later void a void. */
function preauthFacts(key: string, group: JournalRecord[], push: (fact: MoneyFact) => void): void {
  if (!group.some((r) => r.t === RECORD.preauthIntent)) return;
  let previous: string | undefined;
  let intendedFen: number | undefined;
  let completedFen: number | undefined;
  for (let i = 0; i < group.length; i += 1) {
    const r = group[i] as JournalRecord;
    const op = r.d.op;
    if (r.t === RECORD.preauthIntent && (op === 'complete' || op === 'quickComplete')) {
      intendedFen = fenOf(r.d.amountFen);
    }
    const view = foldPreauth(group.slice(0, i + 1));
    if (!view) continue;
    if (view.status === 'completed' && previous !== 'completed') {
      completedFen = view.completedFen ?? intendedFen ?? view.amountFen;
      push({
        kind: 'sale',
        id: `preauth:${key}`,
        at: r.at,
        operatorId: r.op,
        channel: channelOf(view.channel),
        payMode: 'PREAUTH',
        fen: completedFen,
      });
    }
    if (view.status === 'voided' && previous !== 'voided' && completedFen !== undefined) {
      push({
        kind: 'void',
        id: `preauth-void:${key}`,
        at: r.at,
        operatorId: r.op,
        channel: channelOf(view.channel),
        payMode: 'PREAUTH',
        fen: completedFen,
      });
    }
    previous = view.status;
  }
}

function eventFact(r: JournalRecord): MoneyFact | undefined {
  const d = r.d as Record<string, unknown>;
  const fen = fenOf(d.amountFen);
  if (fen === undefined) return undefined;
  const base = { at: r.at, operatorId: r.op, fen };
  const payMode = typeof d.payMode === 'string' ? d.payMode : 'CODE_SCAN';
  if (r.t === RECORD.voidReply && d.outcome === 'ok' && d.auto !== true) {
    return { ...base, kind: 'void', id: `void:${r.k}`, channel: channelOf(d.channel), payMode };
  }
  if ((r.t === RECORD.refundReply || r.t === RECORD.refundQueryReply) && d.outcome === 'ok') {
    const id = typeof d.refundRequestId === 'string' ? d.refundRequestId : `${r.k}#${r.s}`;
    return { ...base, kind: 'refund', id: `refund:${id}`, channel: channelOf(d.channel), payMode };
  }
  if (r.t === RECORD.yimaRefundDone || (r.t === RECORD.yimaFinal && d.status === 'refunded')) {
    return { ...base, kind: 'refund', id: `yima:${r.k}`, channel: 'yima', payMode: 'YIMA' };
  }
  return undefined;
}

const inWindow = (iso: string, w: TimeWindow) => {
  const ms = Date.parse(iso);
  return ms >= w.fromMs && ms <= w.toMs;
};

/** A source over facts already made (head office: one terminal's replicated records). */
export function sourceFromFacts(facts: SettlementFacts): SettlementSource {
  return {
    sales: (w) => facts.money.filter((f) => f.kind === 'sale' && inWindow(f.at, w)),
    moneyEvents: (w) => facts.money.filter((f) => f.kind !== 'sale' && inWindow(f.at, w)),
    unresolved: (w) => facts.unresolved.filter((v) => inWindow(v.createdAt, w)),
  };
}
