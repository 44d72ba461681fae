/** Orders: the journal's view of every sale, with void, refund, query and reprint. */
import { z } from 'zod';
import { OrderDetail, OrderStatus, OrderView } from '../../journal/views.js';
import { Day, Pin, PositiveFen } from './common.js';

export {
  OrderDetail,
  OrderKind,
  OrderStatus,
  OrderView,
  RefundStatus,
  RefundView,
  TimelineEntry,
} from '../../journal/views.js';

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
};

export const ordersEvents = {
  /** An order changed: lists and the open order view refresh. */
  'orders.changed': z.object({ merchantOrderId: z.string(), status: OrderStatus }),
};
