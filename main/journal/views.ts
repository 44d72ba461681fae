/**
 * What the journal shows of an order and a pre-auth: the views its folds produce (records.ts). The IPC
 * channel files re-export these; they are the journal's, not the wire's.
 */
import { z } from 'zod';
import { Bilingual, Day, Fen, Instant, PayChannel } from '../shared/schemas.js';

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
  /** Why the refund was made, as typed at the counter. */
  reason: z.string().optional(),
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

export const PreauthStatus = z.enum([
  'pending',
  'authorized', // 担保中
  'completing',
  'completed', // 担保完成
  'voided', // 担保撤销
  'declined',
  'unknown',
  'needs-attention',
]);

export const PreauthView = z.object({
  id: z.string(), // our merchantOrderId for the pre-auth
  orderId: z.string().optional(), // 银商订单号
  day: Day,
  createdAt: Instant,
  updatedAt: Instant,
  operatorId: z.string(),
  amountFen: Fen,
  completedFen: Fen.optional(),
  channel: PayChannel,
  codeLast4: z.string(),
  systemTraceNum: z.string(),
  authorizationCode: z.string().optional(),
  transactionDate: z.string().optional(), // MMdd, as the gateway returned it
  status: PreauthStatus,
  statusMessage: Bilingual.optional(),
});
export type PreauthView = z.infer<typeof PreauthView>;
