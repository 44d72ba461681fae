/**
 * Daily settlement (日结) and shift handover (交班).
 *
 * - A sale counts on the day (and hour) its order was created, if it was ever charged: status paid,
 *   partially-refunded, refunded, or voided by a manager after being paid. Amount = what the customer
 *   paid (paidFen, else the order amount).
 * - A void counts on the day its successful `void.reply` is written, for a manual void of a paid order.
 *   An automatic void of an unknown pay is neither a sale nor a void: nothing was kept.
 * - A refund counts on the day its successful `refund.reply` / `refundquery.reply` is written, and so does a
 *   Yima `yima.final` record with d.status 'refunded' (or a `yima.refund.done` record): d.amountFen,
 *   channel d.channel or 'other', payMode 'YIMA'.
 * - net = sales − voids − refunds. Unresolved orders are listed first.
 */
import type { PayChannel } from '../ipc/channels/common.js';
import type { Report, Totals } from '../ipc/channels/reports.js';
import { chinaDay, chinaDayStart, chinaHour, type JournalRecord } from './format.js';
import type { Journal } from './journal.js';
import { RECORD } from './records.js';

export interface ReportRequest {
  kind: 'settlement' | 'shift';
  day: string;
  operatorId?: string;
  since?: string;
  until?: number;
}

interface Bucket {
  totals: Totals;
}

const CHANNELS: PayChannel[] = ['wechat', 'alipay', 'unionpay', 'ecny', 'other'];

function zero(): Totals {
  return {
    salesCount: 0,
    salesFen: 0,
    voidsCount: 0,
    voidsFen: 0,
    refundsCount: 0,
    refundsFen: 0,
    netFen: 0,
  };
}

export function buildReport(journal: Journal, request: ReportRequest): Report {
  const fromMs =
    request.kind === 'settlement'
      ? chinaDayStart(request.day)
      : request.since
        ? Date.parse(request.since)
        : chinaDayStart(request.day);
  const toMs =
    request.kind === 'settlement'
      ? chinaDayStart(request.day) + 86_400_000 - 1
      : (request.until ?? Date.now());
  const inWindow = (iso: string) => {
    const ms = Date.parse(iso);
    return ms >= fromMs && ms <= toMs;
  };
  const operatorOk = (op: string) => !request.operatorId || op === request.operatorId;

  const total = zero();
  const byChannel = new Map<string, Bucket>();
  const byPayMode = new Map<string, Bucket>();
  const byOperator = new Map<string, Bucket>();
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, fen: 0 }));
  const add = (channel: string, payMode: string, operatorId: string, f: (t: Totals) => void) => {
    f(total);
    for (const [map, key] of [
      [byChannel, channel],
      [byPayMode, payMode],
      [byOperator, operatorId],
    ] as const) {
      let bucket = map.get(key);
      if (!bucket) {
        bucket = { totals: zero() };
        map.set(key, bucket);
      }
      f(bucket.totals);
    }
  };

  const seenRefunds = new Set<string>();
  const days = daysCovering(fromMs, toMs);
  for (const day of days) {
    // Sales: orders created in the window.
    for (const order of journal.ordersOfDay(day)) {
      const v = order.view;
      if (!inWindow(v.createdAt) || !operatorOk(v.operatorId)) continue;
      const charged =
        v.status === 'paid' ||
        v.status === 'partially-refunded' ||
        v.status === 'refunded' ||
        (v.status === 'voided' && order.records.some((r) => r.t === RECORD.voidIntent && r.d.auto !== true));
      if (!charged) continue;
      const fen = v.paidFen ?? v.amountFen;
      add(v.channel, v.payMode ?? 'CODE_SCAN', v.operatorId, (t) => {
        t.salesCount += 1;
        t.salesFen += fen;
      });
      const hour = byHour[chinaHour(Date.parse(v.createdAt))];
      if (hour) {
        hour.count += 1;
        hour.fen += fen;
      }
    }
    // Voids and refunds: events written in the window.
    for (const r of journal.store.recordsWrittenOn(day)) {
      if (!inWindow(r.at) || !operatorOk(r.op)) continue;
      const event = moneyEvent(r);
      if (!event) continue;
      const once = `${r.t === RECORD.yimaRefundDone ? 'y' : 'r'}:${String(r.d.refundRequestId ?? r.k)}`;
      if (event.kind === 'refund') {
        if (seenRefunds.has(once)) continue;
        seenRefunds.add(once);
      }
      add(event.channel, event.payMode, r.op, (t) => {
        if (event.kind === 'void') {
          t.voidsCount += 1;
          t.voidsFen += event.fen;
        } else {
          t.refundsCount += 1;
          t.refundsFen += event.fen;
        }
      });
    }
  }

  const finish = (t: Totals) => {
    t.netFen = t.salesFen - t.voidsFen - t.refundsFen;
    return t;
  };
  finish(total);
  const sortBuckets = (map: Map<string, Bucket>) =>
    [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, b]) => [key, finish(b.totals)] as const);

  const unresolved = journal
    .unresolved()
    .map((s) => s.view)
    .filter((v) => operatorOk(v.operatorId) || request.kind === 'settlement');

  return {
    kind: request.kind,
    day: request.day,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    ...(request.operatorId ? { operatorId: request.operatorId } : {}),
    totals: total,
    byChannel: sortBuckets(byChannel)
      .filter(([key]) => (CHANNELS as string[]).includes(key))
      .map(([channel, totals]) => ({ channel: channel as PayChannel, totals })),
    byPayMode: sortBuckets(byPayMode).map(([payMode, totals]) => ({ payMode, totals })),
    byOperator: sortBuckets(byOperator).map(([operatorId, totals]) => ({ operatorId, totals })),
    byHour,
    unresolved,
    generatedAt: new Date().toISOString(),
  };
}

function moneyEvent(
  r: JournalRecord,
): { kind: 'void' | 'refund'; fen: number; channel: string; payMode: string } | undefined {
  const d = r.d as Record<string, unknown>;
  const channel = typeof d.channel === 'string' ? d.channel : 'other';
  const payMode = typeof d.payMode === 'string' ? d.payMode : 'CODE_SCAN';
  const fen = Number(d.amountFen);
  if (!Number.isSafeInteger(fen)) return undefined;
  if (r.t === RECORD.voidReply && d.outcome === 'ok' && d.auto !== true) {
    return { kind: 'void', fen, channel, payMode };
  }
  if ((r.t === RECORD.refundReply || r.t === RECORD.refundQueryReply) && d.outcome === 'ok') {
    return { kind: 'refund', fen, channel, payMode };
  }
  if (r.t === RECORD.yimaRefundDone || (r.t === RECORD.yimaFinal && d.status === 'refunded')) {
    return { kind: 'refund', fen, channel, payMode: 'YIMA' };
  }
  return undefined;
}

function daysCovering(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const last = chinaDay(toMs);
  for (let ms = fromMs, guard = 0; guard < 400; ms += 86_400_000, guard += 1) {
    const day = chinaDay(ms);
    out.push(day);
    if (day >= last) break;
  }
  if (!out.includes(last)) out.push(last);
  return out;
}
