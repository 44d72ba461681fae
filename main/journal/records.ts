/**
 * The record types the engine writes, their data, and the fold from records to the views the UI shows.
 * Every type and field is documented in docs/journal.md. Payment codes never appear here: only last4.
 */

import type { Bilingual } from '../shared/errors.js';
import { formatFen } from '../shared/money.js';
import type { PayChannel } from '../shared/paycode.js';
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
  /**
   * Yima (issue 8) account refunds. Reports count a `yima.refund.done` record as a refund of
   * `d.amountFen` (integer fen) on the day it is written, channel `d.channel` or 'other'.
   */
  yimaRefundDone: 'yima.refund.done',
  /** What the Yima service (main/yima) writes when a refund ends: counted when d.status is 'refunded'. */
  yimaFinal: 'yima.final',
} as const;

export type Outcome = 'ok' | 'declined' | 'unknown';

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
}

export interface PayIntentData {
  amountFen: number;
  channel: PayChannel;
  codeLast4: string;
  payMode: string;
  remark?: string;
  merchantCode: string;
  terminalCode: string;
}

export interface OrderState {
  view: OrderView;
  refunds: RefundView[];
  timeline: TimelineEntry[];
  parked: boolean;
  records: JournalRecord[];
}

const UNRESOLVED_STATUSES: ReadonlySet<string> = new Set(['pending', 'unknown', 'needs-attention']);

export function isUnresolvedStatus(status: string): boolean {
  return UNRESOLVED_STATUSES.has(status);
}

/** Fold the records of one sale order (sequence order) into its view. */
export function foldSale(records: JournalRecord[]): OrderState | undefined {
  const intent = records.find((r) => r.t === RECORD.payIntent);
  if (!intent) return undefined;
  const d = intent.d as unknown as PayIntentData;
  const view: OrderView = {
    kind: 'sale',
    merchantOrderId: intent.k,
    day: intent.od,
    createdAt: intent.at,
    updatedAt: intent.at,
    operatorId: intent.op,
    amountFen: d.amountFen,
    refundedFen: 0,
    refundableFen: 0,
    channel: d.channel,
    codeLast4: d.codeLast4,
    status: 'pending',
    payMode: d.payMode,
    unresolved: true,
  };
  const refunds = new Map<string, RefundView>();
  let parked = false;
  const timeline: TimelineEntry[] = [];
  for (const r of records) {
    view.updatedAt = r.at;
    if (r.st) view.status = r.st as OrderStatus;
    if (r.un !== undefined) view.unresolved = r.un;
    const data = r.d as Record<string, unknown>;
    if (r.t === RECORD.payReply || r.t === RECORD.queryReply)
      applyReply(view, data as unknown as ReplyFields);
    if (r.t === RECORD.voidReply)
      applyReply(view, { ...(data as unknown as ReplyFields), paidFen: undefined });
    if (r.t === RECORD.park) parked = true;
    if (typeof data.message === 'object' && data.message) view.statusMessage = data.message as Bilingual;
    if (r.t === RECORD.refundIntent) {
      const id = String(data.refundRequestId);
      refunds.set(id, {
        refundRequestId: id,
        amountFen: Number(data.amountFen),
        status: 'pending',
        operatorId: r.op,
        at: r.at,
      });
    }
    if (r.t === RECORD.refundReply || r.t === RECORD.refundQueryReply) {
      const refund = refunds.get(String(data.refundRequestId));
      if (refund) {
        const outcome = data.outcome as Outcome;
        refund.status = outcome === 'ok' ? 'refunded' : outcome === 'declined' ? 'failed' : 'unknown';
        if (typeof data.errInfo === 'string') refund.message = { zh: data.errInfo, en: data.errInfo };
      }
    }
    timeline.push(timelineEntry(r));
  }
  const list = [...refunds.values()];
  view.refundedFen = list.filter((x) => x.status === 'refunded').reduce((sum, x) => sum + x.amountFen, 0);
  const reserved = list
    .filter((x) => x.status === 'pending' || x.status === 'unknown')
    .reduce((sum, x) => sum + x.amountFen, 0);
  const base = view.paidFen ?? view.amountFen;
  const refundableStatus = view.status === 'paid' || view.status === 'partially-refunded';
  view.refundableFen = refundableStatus ? Math.max(0, base - view.refundedFen - reserved) : 0;
  return { view, refunds: list, timeline, parked, records };
}

function applyReply(view: OrderView, reply: ReplyFields): void {
  if (reply.orderId) view.orderId = reply.orderId;
  if (reply.retrievalRefNum) view.retrievalRefNum = reply.retrievalRefNum;
  if (reply.thirdPartyName) view.thirdPartyName = reply.thirdPartyName;
  if (reply.outcome === 'ok' && typeof reply.paidFen === 'number') view.paidFen = reply.paidFen;
  if (reply.outcome === 'ok' && typeof reply.discountFen === 'number') view.discountFen = reply.discountFen;
  if (reply.errInfo && reply.outcome !== 'ok') view.statusMessage = { zh: reply.errInfo, en: reply.errInfo };
}

/** Fold a pre-auth's records. */
export function foldPreauth(records: JournalRecord[]): (PreauthView & { unresolved: boolean }) | undefined {
  const start = records.find((r) => r.t === RECORD.preauthIntent && (r.d as { op?: string }).op === 'start');
  if (!start) return undefined;
  const d = start.d as Record<string, unknown>;
  const view: PreauthView & { unresolved: boolean } = {
    id: start.k,
    day: start.od,
    createdAt: start.at,
    updatedAt: start.at,
    operatorId: start.op,
    amountFen: Number(d.amountFen),
    channel: d.channel as PayChannel,
    codeLast4: String(d.codeLast4),
    systemTraceNum: String(d.systemTraceNum),
    status: 'pending',
    unresolved: true,
  };
  for (const r of records) {
    view.updatedAt = r.at;
    if (r.st) view.status = r.st as PreauthView['status'];
    if (r.un !== undefined) view.unresolved = r.un;
    const data = r.d as Record<string, unknown>;
    if (r.t === RECORD.preauthReply) {
      if (typeof data.orderId === 'string' && data.orderId) view.orderId = data.orderId;
      if (typeof data.authorizationCode === 'string' && data.authorizationCode) {
        view.authorizationCode = data.authorizationCode;
      }
      if (data.op === 'start' && typeof data.transactionDate === 'string' && data.transactionDate) {
        view.transactionDate = data.transactionDate;
      }
      if ((data.op === 'complete' || data.op === 'quickComplete') && data.outcome === 'ok') {
        view.completedFen = Number(data.amountFen);
      }
      if (typeof data.errInfo === 'string' && data.outcome !== 'ok') {
        view.statusMessage = { zh: data.errInfo, en: data.errInfo };
      }
    }
    if (typeof data.message === 'object' && data.message) view.statusMessage = data.message as Bilingual;
  }
  return view;
}

const SUMMARIES: Record<string, (r: JournalRecord) => Bilingual> = {
  [RECORD.payIntent]: (r) => ({
    zh: `记录支付意图 ${fen(r.d.amountFen)}`,
    en: `Pay intent recorded ${fen(r.d.amountFen)}`,
  }),
  [RECORD.payReply]: (r) => outcomeText('支付', 'Pay', r),
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

function outcomeText(zh: string, en: string, r: JournalRecord): Bilingual {
  const info = r.d.errInfo ? ` ${String(r.d.errCode ?? '')} ${String(r.d.errInfo)}` : '';
  return { zh: `${zh}：${outcomeZh(r.d.outcome)}${info}`, en: `${en}: ${String(r.d.outcome)}${info}` };
}

function fen(value: unknown): string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? formatFen(n) : '';
}
