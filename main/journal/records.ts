/**
 * Every record type of the journal as one discriminated union, and ONE pure transition function
 * `next(state, record)` that both the writers (main/engine/core) and the folds on open use. The status
 * (`st`) and the "work left" flag (`un`) a record carries are derived from the state after it, never
 * chosen by a writer; a record that would break an invariant is refused before it is written.
 *
 * Payment codes never appear here: only last4. Every type and field is documented in docs/journal.md,
 * the recovery rules built on these states in docs/engine.md.
 */

import type {
  OrderState as GatewayOrderState,
  PreauthState as GatewayPreauthState,
} from '../gateway/types.js';
import type { Bilingual } from '../shared/errors.js';
import { formatFen } from '../shared/money.js';
import type { PayChannel } from '../shared/paycode.js';
import type { YimaRefundView } from '../yima/types.js';
import type { JournalRecord } from './format.js';
import type { OrderStatus, OrderView, PreauthView, RefundView, TimelineEntry } from './views.js';

export const RECORD = {
  payIntent: 'pay.intent',
  payReply: 'pay.reply',
  queryReply: 'query.reply',
  voidIntent: 'void.intent',
  voidReply: 'void.reply',
  refundIntent: 'refund.intent',
  refundReply: 'refund.reply',
  refundQueryReply: 'refundquery.reply',
  mark: 'order.mark',
  park: 'order.park',
  /** Pre-auth: every operation (start, complete, void, quick variants, query) as intent + reply. */
  preauthIntent: 'preauth.intent',
  preauthReply: 'preauth.reply',
  /** A systemTraceNum taken for good (before it is used on the wire). */
  traceReserve: 'trace.reserve',
  terminalActivate: 'terminal.activate',
  /** Older journals: a Yima refund counted as done (d.amountFen). Never written any more. */
  yimaRefundDone: 'yima.refund.done',
  /** Yima (翼码) account refunds, keyed by our pos_seq: intent, each attempt's reply, the final outcome. */
  yimaIntent: 'yima.intent',
  yimaReply: 'yima.reply',
  yimaFinal: 'yima.final',
} as const;

/** The settlement channel of Yima refunds (they are not a ChinaUMS pay channel). */
export const YIMA_CHANNEL = 'yima';

export type Outcome = 'ok' | 'declined' | 'unknown';
/** A pay's outcome: `not-sent` = the connection was never established, so the request never left. */
export type PayOutcome = Outcome | 'not-sent';

/** Reply fields the engine keeps from the gateway (never the pay code). */
export interface ReplyFields {
  outcome: Outcome;
  errCode?: string;
  errInfo?: string;
  orderId?: string;
  paidFen?: number;
  discountFen?: number;
  retrievalRefNum?: string;
  thirdPartyName?: string;
  queryResCode?: string;
  /** The raw reply as received (payment code fields masked), for the timeline. */
  raw?: unknown;
  /** What a cashier may read (the gateway's meaning of a code, never raw exception text). */
  message?: Bilingual;
}

/** Where a sale came from when an ECR (the shop's till) asked for it. */
export interface EcrOrigin {
  ecrId: string;
  fingerprint: string;
  ref?: string;
}

export interface PayIntentData {
  amountFen: number;
  channel: PayChannel;
  codeLast4: string;
  payMode: string;
  remark?: string;
  merchantCode: string;
  terminalCode: string;
  ecr?: EcrOrigin;
}

export type PayReplyData = Omit<ReplyFields, 'outcome'> & {
  outcome: PayOutcome;
  message?: Bilingual;
  /** Why it was not sent / unknown (the client's cause). */
  cause?: string;
};

/** What a v2 query said, as the engine read it (gateway/codes.ts interpretQuery): the gateway's own states. */
export type QueryState = GatewayOrderState;

export type QueryReplyData = Omit<ReplyFields, 'outcome'> & {
  outcome: Outcome;
  queryState: QueryState;
  attempt?: number;
  of?: number;
  recovery?: boolean;
  /** Early query, sent while the pay still awaited its reply. */
  early?: boolean;
  message?: Bilingual;
};

export interface MoneyFields {
  amountFen?: number;
  channel?: PayChannel;
  payMode?: string;
}

export type VoidIntentData = MoneyFields & { auto: boolean; managerId?: string; reason?: string };
export type VoidReplyData = Omit<ReplyFields, 'outcome'> &
  MoneyFields & {
    outcome: Outcome;
    auto: boolean;
    /** The answer came from a query of the order, not from the void's own reply. */
    via?: 'query';
    message?: Bilingual;
  };
export type RefundIntentData = MoneyFields & {
  refundRequestId: string;
  amountFen: number;
  managerId?: string;
  reason?: string;
};
export type RefundReplyData = Omit<ReplyFields, 'outcome'> &
  MoneyFields & { refundRequestId: string; outcome: Outcome; notFound?: boolean };
export interface MarkData {
  message: Bilingual;
  reason?: 'void-unknown' | 'cross-day' | 'preauth-unknown' | 'paid-after-void';
  [key: string]: unknown;
}

export type PreauthOp = 'start' | 'complete' | 'quickComplete' | 'void' | 'quickVoid' | 'query';
export interface PreauthIntentData {
  op: Exclude<PreauthOp, 'query'>;
  amountFen: number;
  systemTraceNum: string;
  channel?: PayChannel;
  codeLast4?: string;
  managerId?: string;
}
/** What a pre-auth query said (gateway/codes.ts): the gateway's own states. */
export type PreauthQueryState = GatewayPreauthState;
export interface PreauthReplyData {
  op: PreauthOp;
  outcome: Outcome;
  errCode?: string;
  errInfo?: string;
  orderId?: string;
  authorizationCode?: string;
  transactionDate?: string;
  retrievalRefNum?: string;
  amountFen?: number;
  queryState?: PreauthQueryState;
  message?: Bilingual;
  /** The query was made after the pre-auth's deadline (a "not found" then means it never arrived). */
  afterDeadline?: boolean;
  [key: string]: unknown;
}

export type YimaStatus = YimaRefundView['status'];
export interface YimaIntentData {
  posSeq: string;
  seqNo: number;
  isspid: string;
  orgPosSeq: string;
  amountFen: number;
  memo?: string;
  split?: unknown[];
  format: 'json' | 'xml';
  message: string;
  channel: typeof YIMA_CHANNEL;
  payMode: 'YIMA';
  /** A manager confirmed refunding an original that already has a refund. */
  duplicateConfirmed?: boolean;
}
export interface YimaReplyData {
  attempt: number;
  outcome: 'refunded' | 'failed' | 'processing' | 'no-answer';
  resultId?: string;
  comment?: string;
  problem?: string;
  raw?: unknown;
  /** Unresolved past the attention time: shown as needs-attention (and still resent). */
  attention?: boolean;
}
export interface YimaFinalData {
  status: 'refunded' | 'failed';
  resultId?: string;
  message?: Bilingual;
  amountFen: number;
  orgPosSeq: string;
  channel: typeof YIMA_CHANNEL;
  payMode: 'YIMA';
}

type Rec<T extends string, D> = Omit<JournalRecord, 't' | 'd'> & { t: T; d: D };

/** Every record the engine core writes, one variant per type. */
export type OrderRecord =
  | Rec<'pay.intent', PayIntentData>
  | Rec<'pay.reply', PayReplyData>
  | Rec<'query.reply', QueryReplyData>
  | Rec<'void.intent', VoidIntentData>
  | Rec<'void.reply', VoidReplyData>
  | Rec<'refund.intent', RefundIntentData>
  | Rec<'refund.reply', RefundReplyData>
  | Rec<'refundquery.reply', RefundReplyData>
  | Rec<'order.mark', MarkData>
  | Rec<'order.park', Record<string, never>>
  | Rec<'preauth.intent', PreauthIntentData>
  | Rec<'preauth.reply', PreauthReplyData>
  | Rec<'yima.intent', YimaIntentData>
  | Rec<'yima.reply', YimaReplyData>
  | Rec<'yima.final', YimaFinalData>;

export type OrderRecordType = OrderRecord['t'];
/** A record as a writer hands it in: no sequence, time, status or work-left flag (those are derived). */
export type RecordDraft = {
  [T in OrderRecordType]: { t: T; d: Extract<OrderRecord, { t: T }>['d'] };
}[OrderRecordType];

/** Records that carry no order state (trace numbers, activation, shifts, audit): not folded. */
export function isOrderRecord(r: JournalRecord): boolean {
  return ORDER_TYPES.has(r.t);
}
const ORDER_TYPES: ReadonlySet<string> = new Set([
  RECORD.payIntent,
  RECORD.payReply,
  RECORD.queryReply,
  RECORD.voidIntent,
  RECORD.voidReply,
  RECORD.refundIntent,
  RECORD.refundReply,
  RECORD.refundQueryReply,
  RECORD.mark,
  RECORD.park,
  RECORD.preauthIntent,
  RECORD.preauthReply,
  RECORD.yimaIntent,
  RECORD.yimaReply,
  RECORD.yimaFinal,
]);

// ── states ─────────────────────────────────────────────────────────────────────────────────────

/** What we know about a sale's charge. */
export type Charge = 'pending' | 'unknown' | 'paid' | 'declined' | 'voided';

export interface RefundCore {
  refundRequestId: string;
  amountFen: number;
  status: RefundView['status'];
  operatorId: string;
  at: string;
  /** Why the refund was made, as the cashier typed it (absent: none given). */
  reason?: string;
  message?: Bilingual;
}

export interface SaleCore {
  kind: 'sale';
  key: string;
  day: string;
  createdAt: string;
  updatedAt: string;
  operatorId: string;
  intent: PayIntentData;
  charge: Charge;
  /** The pay provably never left the machine. */
  notSent: boolean;
  paidFen?: number;
  discountFen?: number;
  orderId?: string;
  retrievalRefNum?: string;
  thirdPartyName?: string;
  /** An automatic void was decided (the pay was unknown at its deadline); 'dropped': the void was refused. */
  autoVoid: 'no' | 'decided' | 'dropped';
  /** A void was sent and its answer is not known yet. */
  voidOpen?: { auto: boolean };
  /** Voided by a manager after being paid (a sale and a void in the settlement). */
  manualVoid: boolean;
  /** Shown while unresolved: the void is unknown, the order is from another day, … */
  attention?: Bilingual;
  attentionReason?: MarkData['reason'];
  parked: boolean;
  message?: Bilingual;
  refunds: RefundCore[];
  /** Invariants a record would break. A writer refuses a record that adds one. */
  violations: string[];
}

export type PreauthState = 'pending' | 'unknown' | 'authorized' | 'declined' | 'completed' | 'voided';

export interface PreauthCore {
  kind: 'preauth';
  id: string;
  day: string;
  createdAt: string;
  updatedAt: string;
  operatorId: string;
  amountFen: number;
  channel: PayChannel;
  codeLast4: string;
  systemTraceNum: string;
  state: PreauthState;
  /** A complete / void sent whose answer is not known yet. */
  open?: { op: Exclude<PreauthOp, 'start' | 'query'>; amountFen: number };
  orderId?: string;
  authorizationCode?: string;
  transactionDate?: string;
  completedFen?: number;
  attention?: Bilingual;
  message?: Bilingual;
  violations: string[];
}

export interface YimaCore {
  kind: 'yima';
  posSeq: string;
  day: string;
  orgPosSeq: string;
  amountFen: number;
  operatorId: string;
  createdAt: string;
  updatedAt: string;
  status: YimaStatus;
  resultId?: string;
  message?: Bilingual;
  attempts: number;
  isspid: string;
  format: 'json' | 'xml';
  text: string;
  seqNo: number;
  violations: string[];
}

export type Folded = SaleCore | PreauthCore | YimaCore;

// ── the transition function ───────────────────────────────────────────────────────────────────

type Meta = Pick<JournalRecord, 'k' | 'od' | 'at' | 'op'>;

/**
 * The state after `record`. Pure: `state` is not changed. A record that does not fit (an unknown type,
 * a reply without its intent, an invariant broken) leaves the state as it was plus a violation.
 */
export function next(state: Folded | undefined, record: Meta & RecordDraft): Folded | undefined {
  switch (record.t) {
    case 'pay.intent':
      if (state) return violate(state, 'a second pay intent for one order');
      return saleFromIntent(record, record.d);
    case 'yima.intent':
      if (state) return violate(state, 'a second Yima intent for one refund');
      return yimaFromIntent(record, record.d);
    case 'preauth.intent':
      if (record.d.op === 'start') {
        if (state) return violate(state, 'a second pre-auth start for one id');
        return preauthFromStart(record, record.d);
      }
      break;
    default:
      break;
  }
  if (!state) return undefined;
  const s = { ...state, updatedAt: record.at } as Folded;
  if (s.kind === 'sale') return nextSale(s, record);
  if (s.kind === 'preauth') return nextPreauth(s, record);
  return nextYima(s, record);
}

function violate<S extends Folded>(state: S, why: string): S {
  return { ...state, violations: [...state.violations, why] };
}

function saleFromIntent(meta: Meta, d: PayIntentData): SaleCore {
  return {
    kind: 'sale',
    key: meta.k,
    day: meta.od,
    createdAt: meta.at,
    updatedAt: meta.at,
    operatorId: meta.op,
    intent: d,
    charge: 'pending',
    notSent: false,
    autoVoid: 'no',
    manualVoid: false,
    parked: false,
    refunds: [],
    violations: [],
  };
}

/** What a sale was charged (after gateway discounts), the ceiling of its refunds. */
export function chargedFen(s: SaleCore): number {
  return s.paidFen ?? s.intent.amountFen;
}

export function refundedFen(s: SaleCore): number {
  return s.refunds.filter((r) => r.status === 'refunded').reduce((sum, r) => sum + r.amountFen, 0);
}

/** Refunds whose answer is not known: their amount is held back from what may still be refunded. */
export function reservedFen(s: SaleCore): number {
  return s.refunds
    .filter((r) => r.status === 'pending' || r.status === 'unknown')
    .reduce((sum, r) => sum + r.amountFen, 0);
}

const CHARGE_OPEN: ReadonlySet<Charge> = new Set(['pending', 'unknown']);

function nextSale(s: SaleCore, r: Meta & RecordDraft): SaleCore {
  switch (r.t) {
    case 'pay.reply': {
      const d = r.d;
      if (!CHARGE_OPEN.has(s.charge)) {
        // Settled already (an early query): a late reply only adds the gateway's ids.
        return d.outcome === 'ok' ? withReplyIds(s, d) : s;
      }
      if (d.outcome === 'ok') return { ...withReplyIds(s, d), charge: 'paid', ...paid(d) };
      if (d.outcome === 'declined' || d.outcome === 'not-sent') {
        // Nothing was charged: a void sent meanwhile has nothing left to undo.
        return {
          ...s,
          charge: 'declined',
          voidOpen: undefined,
          notSent: d.outcome === 'not-sent',
          message: d.message ?? s.message,
        };
      }
      return { ...withReplyIds(s, d), charge: 'unknown', message: d.message ?? s.message };
    }
    case 'query.reply':
      return saleQuery(s, r.d);
    case 'void.intent': {
      const d = r.d;
      // An automatic void may be sent again (the gateway answers a second void of one order with 00).
      if (s.voidOpen && !(d.auto && s.voidOpen.auto))
        return violate(s, 'a void while another void is unanswered');
      if (s.refunds.length > 0) return violate(s, 'a void of an order that has a refund');
      if (d.auto) {
        const allowed = CHARGE_OPEN.has(s.charge) || (s.charge === 'paid' && s.autoVoid === 'decided');
        if (!allowed) return violate(s, 'an automatic void of a pay that is not unknown');
        return { ...s, autoVoid: 'decided', voidOpen: { auto: true } };
      }
      if (s.charge !== 'paid' || s.autoVoid === 'decided')
        return violate(s, 'a manager void of an order that is not paid');
      return { ...s, voidOpen: { auto: false } };
    }
    case 'void.reply': {
      const d = r.d;
      if (!s.voidOpen) return violate(s, 'a void answer without a void');
      if (d.outcome === 'ok') {
        const manual = !s.voidOpen.auto && s.charge === 'paid';
        return {
          ...withReplyIds(s, d),
          charge: 'voided',
          voidOpen: undefined,
          manualVoid: manual,
          message: d.message ?? s.message,
        };
      }
      if (d.outcome === 'declined') {
        const rest = {
          ...s,
          voidOpen: undefined,
          message: d.message ?? s.message,
        };
        if (!s.voidOpen.auto) return rest;
        // The gateway does not know the order: a query decides (not found → the pay never arrived).
        if (d.errCode === '22' || d.errCode === '25') return rest;
        // A definite refusal of the void: a paid order stays paid; an unknown one needs a person.
        if (s.charge === 'paid') return { ...rest, autoVoid: 'dropped' };
        return { ...rest, attention: d.message ?? VOID_REFUSED, attentionReason: 'void-unknown' };
      }
      return s.voidOpen.auto
        ? { ...s, attention: d.message ?? VOID_UNKNOWN, attentionReason: 'void-unknown' }
        : s;
    }
    case 'refund.intent': {
      const d = r.d;
      if (s.charge !== 'paid' || s.autoVoid === 'decided' || s.voidOpen)
        return violate(s, 'a refund of an order that is not paid');
      if (s.refunds.some((x) => x.refundRequestId === d.refundRequestId))
        return violate(s, 'a refundRequestId used twice');
      if (!Number.isSafeInteger(d.amountFen) || d.amountFen < 1)
        return violate(s, 'a refund amount that is not positive fen');
      if (refundedFen(s) + reservedFen(s) + d.amountFen > chargedFen(s))
        return violate(s, 'refunds above what was paid');
      const refund: RefundCore = {
        refundRequestId: d.refundRequestId,
        amountFen: d.amountFen,
        status: 'pending',
        operatorId: r.op,
        at: r.at,
        ...(d.reason ? { reason: d.reason } : {}),
      };
      return { ...s, refunds: [...s.refunds, refund] };
    }
    case 'refund.reply':
    case 'refundquery.reply': {
      const d = r.d;
      const i = s.refunds.findIndex((x) => x.refundRequestId === d.refundRequestId);
      if (i < 0) return violate(s, 'a refund answer without its refund');
      const current = s.refunds[i] as RefundCore;
      // Definite answers stand; a later unknown never undoes one.
      if (current.status === 'refunded' || current.status === 'failed') {
        if (d.outcome === 'unknown') return s;
        const wanted = d.outcome === 'ok' ? 'refunded' : 'failed';
        if (wanted !== current.status) return violate(s, 'a refund answer that contradicts an earlier one');
        return s;
      }
      const status: RefundCore['status'] =
        d.outcome === 'ok' ? 'refunded' : d.outcome === 'declined' ? 'failed' : 'unknown';
      const refunds = s.refunds.slice();
      refunds[i] = {
        ...current,
        status,
        ...(d.message && d.outcome !== 'ok' ? { message: d.message } : {}),
      };
      // The charge is never touched by a refund's answer.
      const after = { ...s, refunds };
      if (refundedFen(after) > chargedFen(after)) return violate(s, 'refunds above what was paid');
      return after;
    }
    case 'order.mark':
      return { ...s, attention: r.d.message, attentionReason: r.d.reason };
    case 'order.park':
      return { ...s, parked: true };
    default:
      return violate(s, `${r.t} on a sale`);
  }
}

function saleQuery(s: SaleCore, d: QueryReplyData): SaleCore {
  const q = d.queryState;
  const open = CHARGE_OPEN.has(s.charge);
  const ids = d.outcome === 'ok' ? withReplyIds(s, d) : s;
  const hasRefund = s.refunds.length > 0;
  switch (q) {
    case 'paid':
    case 'refunded': {
      // `refunded` says some refund happened, so the order was charged; how much comes from the refunds.
      if (open) return { ...ids, charge: 'paid', ...paid(d) };
      if (s.voidOpen && !s.voidOpen.auto) return ids; // void.reply (via query) records that it did not happen
      return ids;
    }
    case 'failed':
      // Nothing was charged: a void sent meanwhile has nothing left to undo.
      if (open) return { ...ids, charge: 'declined', voidOpen: undefined, message: d.message ?? s.message };
      return s;
    case 'voided':
    case 'reversed':
      if (hasRefund) return s; // a refund never decides the sale, and a query cannot undo a refund
      if (open || s.charge === 'paid') {
        return {
          ...ids,
          charge: 'voided',
          voidOpen: undefined,
          manualVoid: s.charge === 'paid' && !s.voidOpen?.auto && s.autoVoid !== 'decided',
        };
      }
      return s;
    case 'not-found':
      // Only once we decided to void: the gateway never had the pay → nothing charged.
      if (open && s.autoVoid === 'decided') {
        return { ...s, charge: 'declined', voidOpen: undefined, message: d.message ?? NOT_FOUND };
      }
      return s;
    default:
      return s.charge === 'pending' ? { ...s, charge: 'unknown' } : s;
  }
}

function paid(d: { paidFen?: number; discountFen?: number }) {
  return {
    ...(isFenValue(d.paidFen) ? { paidFen: d.paidFen } : {}),
    ...(isFenValue(d.discountFen) ? { discountFen: d.discountFen } : {}),
  };
}

function withReplyIds(
  s: SaleCore,
  d: { orderId?: string; retrievalRefNum?: string; thirdPartyName?: string },
): SaleCore {
  return {
    ...s,
    ...(d.orderId ? { orderId: d.orderId } : {}),
    ...(d.retrievalRefNum ? { retrievalRefNum: d.retrievalRefNum } : {}),
    ...(d.thirdPartyName ? { thirdPartyName: d.thirdPartyName } : {}),
  };
}

function preauthFromStart(meta: Meta, d: PreauthIntentData): PreauthCore {
  return {
    kind: 'preauth',
    id: meta.k,
    day: meta.od,
    createdAt: meta.at,
    updatedAt: meta.at,
    operatorId: meta.op,
    amountFen: d.amountFen,
    channel: d.channel ?? 'other',
    codeLast4: d.codeLast4 ?? '',
    systemTraceNum: d.systemTraceNum,
    state: 'pending',
    violations: [],
  };
}

const PREAUTH_OPEN: ReadonlySet<PreauthState> = new Set(['pending', 'unknown']);

function nextPreauth(s: PreauthCore, r: Meta & RecordDraft): PreauthCore {
  switch (r.t) {
    case 'preauth.intent': {
      const d = r.d;
      if (s.state !== 'authorized' || s.open)
        return violate(s, 'a follow-up of a pre-auth that is not authorized');
      const completing = d.op === 'complete' || d.op === 'quickComplete';
      if (completing && (d.amountFen > s.amountFen || d.amountFen < 1))
        return violate(s, 'a completion above the authorized amount');
      if (d.op === 'start') return violate(s, 'a second pre-auth start');
      return { ...s, open: { op: d.op, amountFen: d.amountFen } };
    }
    case 'preauth.reply': {
      const d = r.d;
      const ids = {
        ...s,
        ...(d.orderId ? { orderId: d.orderId } : {}),
        ...(d.authorizationCode ? { authorizationCode: d.authorizationCode } : {}),
        ...(d.op === 'start' && d.transactionDate ? { transactionDate: d.transactionDate } : {}),
        ...(d.message && d.outcome !== 'ok' ? { message: d.message } : {}),
      };
      if (d.op === 'start') {
        if (!PREAUTH_OPEN.has(s.state)) return s;
        const state: PreauthState =
          d.outcome === 'ok' ? 'authorized' : d.outcome === 'declined' ? 'declined' : 'unknown';
        return { ...ids, state };
      }
      if (d.op === 'query') return preauthQuery(ids, d);
      const open = s.open;
      if (!open || open.op !== d.op) return violate(s, 'a pre-auth answer without its request');
      if (d.outcome === 'ok') {
        const completing = d.op === 'complete' || d.op === 'quickComplete';
        return {
          ...ids,
          open: undefined,
          state: completing ? 'completed' : 'voided',
          ...(completing ? { completedFen: open.amountFen } : {}),
        };
      }
      if (d.outcome === 'declined') return { ...ids, open: undefined };
      return ids;
    }
    case 'order.mark':
      return { ...s, attention: r.d.message };
    default:
      return violate(s, `${r.t} on a pre-auth`);
  }
}

function preauthQuery(s: PreauthCore, d: PreauthReplyData): PreauthCore {
  switch (d.queryState) {
    case 'authorized':
      // Still authorized: a complete / void that was sent did not take effect.
      if (s.state === 'completed' || s.state === 'voided' || s.state === 'declined') return s;
      return { ...s, state: 'authorized', open: undefined };
    case 'completed': {
      if (s.state === 'voided' || s.state === 'declined') return s;
      const fen = s.open?.amountFen ?? (isFenValue(d.amountFen) ? d.amountFen : s.completedFen);
      return {
        ...s,
        state: 'completed',
        open: undefined,
        ...(fen !== undefined ? { completedFen: fen } : {}),
      };
    }
    case 'voided':
      if (s.state === 'completed' || s.state === 'declined') return s;
      return { ...s, state: 'voided', open: undefined };
    case 'failed':
      if (!PREAUTH_OPEN.has(s.state)) return s;
      return { ...s, state: 'declined' };
    case 'not-found':
      // Past its deadline the gateway still has no such pre-auth: it never arrived, nothing is held.
      if (PREAUTH_OPEN.has(s.state) && d.afterDeadline === true) {
        return { ...s, state: 'declined', message: PREAUTH_NOT_FOUND };
      }
      return s.state === 'pending' ? { ...s, state: 'unknown' } : s;
    default:
      return s.state === 'pending' ? { ...s, state: 'unknown' } : s;
  }
}

function yimaFromIntent(meta: Meta, d: YimaIntentData): YimaCore {
  return {
    kind: 'yima',
    posSeq: meta.k,
    day: meta.od,
    orgPosSeq: d.orgPosSeq,
    amountFen: d.amountFen,
    operatorId: meta.op,
    createdAt: meta.at,
    updatedAt: meta.at,
    status: 'pending',
    attempts: 0,
    isspid: d.isspid,
    format: d.format === 'xml' ? 'xml' : 'json',
    text: d.message,
    seqNo: d.seqNo,
    violations: [],
  };
}

const YIMA_FINAL: ReadonlySet<YimaStatus> = new Set(['refunded', 'failed']);

function nextYima(s: YimaCore, r: Meta & RecordDraft): YimaCore {
  switch (r.t) {
    case 'yima.reply': {
      const d = r.d;
      const attempts = Math.max(s.attempts, d.attempt);
      if (YIMA_FINAL.has(s.status)) return { ...s, attempts };
      const resultId = d.resultId ?? s.resultId;
      const base = { ...s, attempts, ...(resultId !== undefined ? { resultId } : {}) };
      if (d.outcome === 'refunded')
        return {
          ...base,
          status: 'refunded',
          message: { zh: `退款成功：${d.comment || '成功'}`, en: 'Refunded' },
        };
      if (d.outcome === 'failed')
        return { ...base, status: 'failed', message: yimaFailed(d.resultId ?? '', d.comment ?? '') };
      const message =
        d.outcome === 'processing'
          ? {
              zh: `翼码处理中（${d.comment || '9998'}），正在以同一流水号重发（第 ${d.attempt} 次）`,
              en: `Yima is processing; resending the same pos_seq (attempt ${d.attempt})`,
            }
          : {
              zh: `未收到有效应答，正在以同一流水号重发（第 ${d.attempt} 次）`,
              // Our own words for what went wrong; a network error's raw text stays in the journal and log.
              en: `No valid answer (${yimaProblem(d.problem)}); resending the same pos_seq (attempt ${d.attempt})`,
            };
      return { ...base, status: d.attention ? 'needs-attention' : 'processing', message };
    }
    case 'yima.final': {
      const d = r.d;
      if (YIMA_FINAL.has(s.status) && s.status !== d.status)
        return violate(s, 'a Yima outcome that contradicts the reply');
      return { ...s, status: d.status, ...(d.message ? { message: d.message } : {}) };
    }
    default:
      return violate(s, `${r.t} on a Yima refund`);
  }
}

/** A Yima attempt's problem as a cashier may read it: the client's words, never a raw network error. */
function yimaProblem(problem: string | undefined): string {
  if (!problem) return 'no reply';
  return problem.startsWith('network:') ? 'network problem' : problem.slice(0, 80);
}

export function yimaFailed(resultId: string, comment: string): Bilingual {
  return {
    zh: `翼码退款失败：${comment || '未说明原因'}（${resultId}）`,
    en: `Yima refund failed: ${comment || 'no reason given'} (${resultId})`,
  };
}

// ── derived status ─────────────────────────────────────────────────────────────────────────────

export function saleStatus(s: SaleCore): OrderStatus {
  switch (s.charge) {
    case 'voided':
      return 'voided';
    case 'declined':
      return 'declined';
    case 'paid': {
      if (s.autoVoid === 'decided') return 'needs-attention';
      const refunded = refundedFen(s);
      if (refunded === 0) return 'paid';
      return refunded >= chargedFen(s) ? 'refunded' : 'partially-refunded';
    }
    default:
      return s.attention ? 'needs-attention' : s.charge;
  }
}

export function saleUnresolved(s: SaleCore): boolean {
  return (
    CHARGE_OPEN.has(s.charge) ||
    s.voidOpen !== undefined ||
    (s.charge === 'paid' && s.autoVoid === 'decided') ||
    s.refunds.some((r) => r.status === 'pending' || r.status === 'unknown')
  );
}

export function preauthStatus(s: PreauthCore): PreauthView['status'] {
  if (preauthUnresolved(s) && s.attention) return 'needs-attention';
  if (s.open && (s.open.op === 'complete' || s.open.op === 'quickComplete')) return 'completing';
  return s.state;
}

export function preauthUnresolved(s: PreauthCore): boolean {
  return PREAUTH_OPEN.has(s.state) || s.open !== undefined;
}

/** The `st` / `un` a record carries: the status and the "work left" flag after it. */
export function derived(s: Folded): { st: string; un: boolean } {
  if (s.kind === 'sale') return { st: saleStatus(s), un: saleUnresolved(s) };
  if (s.kind === 'preauth') return { st: preauthStatus(s), un: preauthUnresolved(s) };
  return { st: s.status, un: !YIMA_FINAL.has(s.status) };
}

const UNRESOLVED_STATUSES: ReadonlySet<string> = new Set(['pending', 'unknown', 'needs-attention']);

export function isUnresolvedStatus(status: string): boolean {
  return UNRESOLVED_STATUSES.has(status);
}

// ── folds and views ────────────────────────────────────────────────────────────────────────────

/** Fold the records of one key (sequence order). Records that carry no order state are skipped. */
export function fold(records: JournalRecord[]): Folded | undefined {
  let state: Folded | undefined;
  for (const r of records) {
    if (!isOrderRecord(r)) continue;
    state = next(state, r as unknown as Meta & RecordDraft);
  }
  return state;
}

export interface OrderState {
  view: OrderView;
  refunds: RefundView[];
  timeline: TimelineEntry[];
  parked: boolean;
  records: JournalRecord[];
  core: SaleCore;
}

/** Fold the records of one sale order (sequence order) into its view. */
export function foldSale(records: JournalRecord[]): OrderState | undefined {
  const core = fold(records);
  if (core?.kind !== 'sale') return undefined;
  return saleState(core, records);
}

export function saleState(core: SaleCore, records: JournalRecord[]): OrderState {
  const status = saleStatus(core);
  const unresolved = saleUnresolved(core);
  const refunded = refundedFen(core);
  const refundable =
    core.charge === 'paid' && core.autoVoid !== 'decided' && !core.voidOpen
      ? Math.max(0, chargedFen(core) - refunded - reservedFen(core))
      : 0;
  const message = unresolved && core.attention ? core.attention : core.message;
  const view: OrderView = {
    kind: 'sale',
    merchantOrderId: core.key,
    day: core.day,
    createdAt: core.createdAt,
    updatedAt: core.updatedAt,
    operatorId: core.operatorId,
    amountFen: core.intent.amountFen,
    refundedFen: refunded,
    refundableFen: refundable,
    channel: core.intent.channel,
    codeLast4: core.intent.codeLast4,
    status,
    payMode: core.intent.payMode,
    unresolved,
    ...(core.orderId ? { orderId: core.orderId } : {}),
    ...(core.paidFen !== undefined ? { paidFen: core.paidFen } : {}),
    ...(core.discountFen !== undefined ? { discountFen: core.discountFen } : {}),
    ...(core.retrievalRefNum ? { retrievalRefNum: core.retrievalRefNum } : {}),
    ...(core.thirdPartyName ? { thirdPartyName: core.thirdPartyName } : {}),
    ...(message ? { statusMessage: message } : {}),
  };
  const refunds: RefundView[] = core.refunds.map((r) => ({
    refundRequestId: r.refundRequestId,
    amountFen: r.amountFen,
    status: r.status,
    operatorId: r.operatorId,
    at: r.at,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.message ? { message: r.message } : {}),
  }));
  return {
    view,
    refunds,
    timeline: records.filter((r) => r.t !== RECORD.traceReserve).map(timelineEntry),
    parked: core.parked,
    records,
    core,
  };
}

export type PreauthFolded = PreauthView & { unresolved: boolean };

/** Fold a pre-auth's records. */
export function foldPreauth(records: JournalRecord[]): PreauthFolded | undefined {
  const core = fold(records);
  if (core?.kind !== 'preauth') return undefined;
  return preauthView(core);
}

export function preauthView(s: PreauthCore): PreauthFolded {
  const unresolved = preauthUnresolved(s);
  const message = unresolved && s.attention ? s.attention : s.message;
  return {
    id: s.id,
    day: s.day,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    operatorId: s.operatorId,
    amountFen: s.amountFen,
    channel: s.channel,
    codeLast4: s.codeLast4,
    systemTraceNum: s.systemTraceNum,
    status: preauthStatus(s),
    unresolved,
    ...(s.orderId ? { orderId: s.orderId } : {}),
    ...(s.authorizationCode ? { authorizationCode: s.authorizationCode } : {}),
    ...(s.transactionDate ? { transactionDate: s.transactionDate } : {}),
    ...(s.completedFen !== undefined ? { completedFen: s.completedFen } : {}),
    ...(message ? { statusMessage: message } : {}),
  };
}

export function foldYima(records: JournalRecord[]): YimaCore | undefined {
  const core = fold(records);
  return core?.kind === 'yima' ? core : undefined;
}

export function yimaView(s: YimaCore): YimaRefundView {
  return {
    posSeq: s.posSeq,
    orgPosSeq: s.orgPosSeq,
    amountFen: s.amountFen,
    status: s.status,
    operatorId: s.operatorId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.resultId !== undefined ? { resultId: s.resultId } : {}),
    ...(s.message ? { message: s.message } : {}),
  };
}

const SUMMARIES: Record<string, (r: JournalRecord) => Bilingual> = {
  [RECORD.payIntent]: (r) => ({
    zh: `记录支付意图 ${fen(r.d.amountFen)}`,
    en: `Pay intent recorded ${fen(r.d.amountFen)}`,
  }),
  [RECORD.payReply]: (r) =>
    r.d.outcome === 'not-sent'
      ? { zh: '网络不通，未发出，未扣款', en: 'Network down: not sent, nothing charged' }
      : outcomeText('支付', 'Pay', r),
  [RECORD.queryReply]: (r) => ({
    zh: `查询 ${r.d.attempt ?? ''}：${outcomeZh(r.d.outcome)}${r.d.queryResCode ? `（${r.d.queryResCode}）` : ''}`,
    en: `Query ${r.d.attempt ?? ''}: ${String(r.d.outcome)}${r.d.queryResCode ? ` (${r.d.queryResCode})` : ''}`,
  }),
  [RECORD.voidIntent]: (r) =>
    r.d.auto
      ? { zh: '结果未知，到期自动撤销', en: 'Outcome unknown at the deadline: voiding' }
      : { zh: `撤销（授权 ${r.d.managerId ?? ''}）`, en: `Void (authorised by ${r.d.managerId ?? ''})` },
  [RECORD.voidReply]: (r) => outcomeText('撤销', 'Void', r),
  [RECORD.refundIntent]: (r) => ({
    zh: `退款 ${fen(r.d.amountFen)}（${r.d.refundRequestId}）`,
    en: `Refund ${fen(r.d.amountFen)} (${r.d.refundRequestId})`,
  }),
  [RECORD.refundReply]: (r) => outcomeText('退款', 'Refund', r),
  [RECORD.refundQueryReply]: (r) => outcomeText('退款查询', 'Refund query', r),
  [RECORD.mark]: () => ({ zh: '需要处理', en: 'Needs attention' }),
  [RECORD.park]: () => ({ zh: '挂起，后台继续处理', en: 'Parked: resolving in the background' }),
  [RECORD.preauthIntent]: (r) => ({
    zh: `担保 ${String(r.d.op)} 发送`,
    en: `Pre-auth ${String(r.d.op)} sent`,
  }),
  [RECORD.preauthReply]: (r) => outcomeText(`担保 ${String(r.d.op)}`, `Pre-auth ${String(r.d.op)}`, r),
};

function timelineEntry(r: JournalRecord): TimelineEntry {
  const summary = SUMMARIES[r.t]?.(r) ?? { zh: r.t, en: r.t };
  const raw = (r.d as { raw?: unknown }).raw;
  return {
    seq: r.s,
    at: r.at,
    type: r.t,
    summary,
    ...(raw !== undefined ? { detail: JSON.stringify(raw) } : {}),
  };
}

function outcomeZh(outcome: unknown): string {
  return outcome === 'ok' ? '成功' : outcome === 'declined' ? '失败' : '未知';
}

/** A timeline line: the cashier's words for the answer, never raw exception text (that is in `detail`). */
function outcomeText(zh: string, en: string, r: JournalRecord): Bilingual {
  const m = r.d.message as Bilingual | undefined;
  if (m && typeof m.zh === 'string' && typeof m.en === 'string') {
    return { zh: `${zh}：${outcomeZh(r.d.outcome)} ${m.zh}`, en: `${en}: ${String(r.d.outcome)} ${m.en}` };
  }
  const code = r.d.errCode ? ` ${String(r.d.errCode)}` : '';
  const info = r.d.outcome === 'declined' && r.d.errInfo ? `${code} ${String(r.d.errInfo)}` : code;
  return { zh: `${zh}：${outcomeZh(r.d.outcome)}${info}`, en: `${en}: ${String(r.d.outcome)}${info}` };
}

function fen(value: unknown): string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? formatFen(n) : '';
}

function isFenValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const VOID_UNKNOWN: Bilingual = {
  zh: '支付结果未知且撤销未确认：请勿重复收款，联系银联商务核实',
  en: 'Outcome unknown and the void is unconfirmed: do not charge again; check with ChinaUMS',
};
const VOID_REFUSED: Bilingual = {
  zh: '支付结果未知且撤销被拒绝：请勿重复收款，联系银联商务核实',
  en: 'Outcome unknown and the void was refused: do not charge again; check with ChinaUMS',
};
const PREAUTH_NOT_FOUND: Bilingual = {
  zh: '网关无此担保，未授权',
  en: 'The gateway has no such pre-auth: nothing is held',
};
const NOT_FOUND: Bilingual = {
  zh: '网关无此订单，未扣款',
  en: 'The gateway has no such order: nothing charged',
};
