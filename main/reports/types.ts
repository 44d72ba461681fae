/**
 * Settlement (日结) and shift handover (交班): the report, the facts it is built from, and the narrow
 * source the builder reads. The counter's source reads its journal; head office builds the same source
 * from the records it replicated (factsFromRecords), so both count with the same rules.
 */
import { z } from 'zod';
import { OrderView } from '../journal/views.js';
import { PAY_CHANNELS } from '../shared/paycode.js';
import { Day, Fen, Instant } from '../shared/schemas.js';

/** A report row's channel: the wallets, and Yima (翼码) account refunds, which are no wallet's. */
export const REPORT_CHANNELS = [...PAY_CHANNELS, 'yima'] as const;
export const ReportChannel = z.enum(REPORT_CHANNELS);
export type ReportChannel = z.infer<typeof ReportChannel>;

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
  byChannel: z.array(z.object({ channel: ReportChannel, totals: Totals })),
  byPayMode: z.array(z.object({ payMode: z.string(), totals: Totals })),
  byOperator: z.array(z.object({ operatorId: z.string(), totals: Totals })),
  /** Sales per hour of the China-time day, 24 entries. */
  byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), count: z.number().int(), fen: Fen })),
  /** Listed first on screen and on paper. */
  unresolved: z.array(OrderView),
  generatedAt: Instant,
});
export type Report = z.infer<typeof Report>;

export interface ReportRequest {
  kind: 'settlement' | 'shift';
  /** The China day a settlement covers; a shift's day label. */
  day: string;
  operatorId?: string;
  /** Shift start (ISO); default the start of `day`. */
  since?: string;
  /** Shift end (ms); default `now`. */
  until?: number;
  /** The time the report is made (ms): `generatedAt`, and what counts as "still open now". */
  now?: number;
}

/** The window a report covers, in ms, both ends included. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/**
 * One amount that counts: a sale (charged: counted when it was created, or for a pre-auth when it was
 * completed), or a void / refund (counted when its success was journaled). `id` makes it count once.
 */
export interface MoneyFact {
  kind: 'sale' | 'void' | 'refund';
  id: string;
  /** When it counts (ISO instant). */
  at: string;
  operatorId: string;
  channel: ReportChannel;
  /** CODE_SCAN…, PREAUTH for a pre-auth completion, YIMA for a Yima refund. */
  payMode: string;
  fen: number;
}

export interface SettlementFacts {
  money: MoneyFact[];
  /** Orders still being worked on. */
  unresolved: OrderView[];
}

/** What a report reads. Narrow on purpose: the journal, or head office's replicated records. */
export interface SettlementSource {
  /** Sales counting inside the window. */
  sales(window: TimeWindow): MoneyFact[];
  /** Voids and refunds counting inside the window. */
  moneyEvents(window: TimeWindow): MoneyFact[];
  /** Orders unresolved now that were created inside the window. */
  unresolved(window: TimeWindow): OrderView[];
}
