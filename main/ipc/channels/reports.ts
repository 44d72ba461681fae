/** Daily settlement (日结) and shift handover (交班). */
import { z } from 'zod';
import { Day, Fen, Instant, PayChannel } from './common.js';
import { OrderView } from './orders.js';

export const Totals = z.object({
  salesCount: z.number().int(),
  salesFen: Fen,
  voidsCount: z.number().int(),
  voidsFen: Fen,
  refundsCount: z.number().int(),
  refundsFen: Fen,
  /** sales − voids − refunds */
  netFen: Fen,
});
export type Totals = z.infer<typeof Totals>;

export const Report = z.object({
  kind: z.enum(['settlement', 'shift']),
  day: Day,
  from: Instant,
  to: Instant,
  operatorId: z.string().optional(),
  totals: Totals,
  byChannel: z.array(z.object({ channel: PayChannel, totals: Totals })),
  byPayMode: z.array(z.object({ payMode: z.string(), totals: Totals })),
  byOperator: z.array(z.object({ operatorId: z.string(), totals: Totals })),
  /** Sales per hour of the China-time day, 24 entries. */
  byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), count: z.number().int(), fen: Fen })),
  /** Listed first on screen and on paper. */
  unresolved: z.array(OrderView),
  generatedAt: Instant,
});
export type Report = z.infer<typeof Report>;

export const reportsCalls = {
  'reports.settlement': { input: z.object({ day: Day }).strict(), output: Report },
  'reports.shift': {
    input: z.object({ operatorId: z.string().max(20).optional(), since: Instant.optional() }).strict(),
    output: Report,
  },
  'reports.print': {
    input: z
      .object({ kind: z.enum(['settlement', 'shift']), day: Day, operatorId: z.string().max(20).optional() })
      .strict(),
    output: z.object({ jobIds: z.array(z.string()) }),
  },
};
