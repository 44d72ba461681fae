/** Orders: the journal's view of every sale, with void, refund, query and reprint. */
import { z } from 'zod';
import { Bilingual, Day, Fen, Instant, PayChannel, Pin, PositiveFen } from './common.js';

export const OrderKind = z.enum(['sale', 'preauth', 'yima-refund']);

export const OrderStatus = z.enum([
  'pending', // intent journaled, outcome not yet known
  'paid',
  'declined',
  'unknown', // being resolved by query / void
  'voided',
  'partially-refunded',
  'refunded',
  'needs-attention',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const RefundStatus = z.enum(['pending', 'refunded', 'failed', 'unknown']);

export const RefundView = z.object({
  refundRequestId: z.string(),
  amountFen: Fen,
  status: RefundStatus,
  operatorId: z.string(),
  at: Instant,
  message: Bilingual.optional(),
});
export type RefundView = z.infer<typeof RefundView>;

export const OrderView = z.object({
  kind: OrderKind,
  merchantOrderId: z.string(),
  /** 银商订单号, once the gateway has returned it. */
  orderId: z.string().optional(),
  day: Day,
  createdAt: Instant,
  updatedAt: Instant,
  operatorId: z.string(),
  amountFen: Fen,
  /** What the customer actually paid (after gateway discounts). */
  paidFen: Fen.optional(),
  discountFen: Fen.optional(),
  refundedFen: Fen,
  refundableFen: Fen,
  channel: PayChannel,
  codeLast4: z.string(),
  status: OrderStatus,
  statusMessage: Bilingual.optional(),
  retrievalRefNum: z.string().optional(),
  thirdPartyName: z.string().optional(),
  payMode: z.string().optional(),
  /** True while the engine still has work to do on it (query / void / refund query). */
  unresolved: z.boolean(),
});
export type OrderView = z.infer<typeof OrderView>;

export const TimelineEntry = z.object({
  seq: z.number().int(),
  at: Instant,
  /** Record type, e.g. pay.intent, pay.sent, pay.reply, query.reply, void.intent, refund.reply. */
  type: z.string(),
  summary: Bilingual,
  /** The raw gateway reply or request as journaled, with the payment code masked. */
  detail: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const OrderDetail = z.object({
  order: OrderView,
  refunds: z.array(RefundView),
  timeline: z.array(TimelineEntry),
});
export type OrderDetail = z.infer<typeof OrderDetail>;

/** An id the cashier might type or scan: merchantOrderId, 银商订单号 or refundRequestId. */
const OrderId = z.string().min(1).max(64);

export const ordersCalls = {
  'orders.list': {
    input: z
      .object({
        day: Day.optional(),
        /** Free search: an id, the last 4 digits of a code, or an amount in yuan ("12.50"). */
        query: z.string().max(64).optional(),
        limit: z.number().int().min(1).max(2000).optional(),
      })
      .strict(),
    output: z.array(OrderView),
  },
  'orders.get': { input: z.object({ id: OrderId }).strict(), output: OrderDetail },
  'orders.unresolved': { input: z.object({}).strict(), output: z.array(OrderView) },
  /** Ask the gateway again now for an unresolved order. */
  'orders.resolve': { input: z.object({ merchantOrderId: OrderId }).strict(), output: OrderView },
  'orders.void': {
    input: z.object({ merchantOrderId: OrderId, pin: Pin, reason: z.string().max(50).optional() }).strict(),
    output: OrderDetail,
  },
  'orders.refund': {
    input: z
      .object({
        merchantOrderId: OrderId,
        amountFen: PositiveFen,
        pin: Pin,
        reason: z.string().max(50).optional(),
      })
      .strict(),
    output: OrderDetail,
  },
  'orders.reprint': {
    input: z.object({ id: OrderId, copy: z.enum(['customer', 'merchant', 'both']).optional() }).strict(),
    output: z.object({ jobIds: z.array(z.string()) }),
  },
  'orders.export': {
    input: z.object({ day: Day, format: z.enum(['csv', 'json']) }).strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  },
  'journal.verify': {
    input: z.object({}).strict(),
    output: z.object({
      files: z.number().int(),
      records: z.number().int(),
      damaged: z.array(z.object({ file: z.string(), line: z.number().int(), problem: z.string() })),
    }),
  },
};

export const ordersEvents = {
  /** An order changed: lists and the open order view refresh. */
  'orders.changed': z.object({ merchantOrderId: z.string(), status: OrderStatus }),
};
