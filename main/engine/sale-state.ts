/** The sale as the checkout screen sees it, and the progress of an operation: the engine's state. */
import { z } from 'zod';
import { Bilingual, Fen, Instant, PayChannel } from '../shared/schemas.js';

export const SalePhase = z.enum([
  'idle', // ready for an amount
  'awaiting-code', // amount taken, waiting for the customer's payment code
  'in-flight', // pay sent; progress events follow
  'paid',
  'declined',
  'voided', // unknown outcome resolved by voiding: nothing charged
  'needs-attention', // outcome still unknown after query and void: the cashier must act
]);
export type SalePhase = z.infer<typeof SalePhase>;

export const ProgressStep = z.enum([
  'journaled', // intent written to the journal
  'sending',
  'waiting-password', // gateway says the customer is confirming on the phone
  'querying',
  'voiding',
  'resolved',
]);
export type ProgressStep = z.infer<typeof ProgressStep>;

export const TxnProgress = z.object({
  merchantOrderId: z.string(),
  operation: z.enum(['pay', 'void', 'refund', 'preauth', 'yima-refund', 'recovery']),
  step: ProgressStep,
  /** For 'querying': attempt n of at most N. */
  attempt: z.number().int().optional(),
  of: z.number().int().optional(),
  message: Bilingual,
  at: Instant,
});
export type TxnProgress = z.infer<typeof TxnProgress>;

export const SaleState = z.object({
  phase: SalePhase,
  amountFen: Fen.optional(),
  merchantOrderId: z.string().optional(),
  channel: PayChannel.optional(),
  /** The payment code masked to its last 4 digits, e.g. "•••• 1234". */
  codeMasked: z.string().optional(),
  progress: TxnProgress.optional(),
  /** What the gateway or the engine said: decline reason, what to do next. */
  message: Bilingual.optional(),
  declineCode: z.string().optional(),
  paidFen: Fen.optional(),
  /** A sale a host POS started over the ECR link: its transaction id and reference, shown on checkout. */
  ecr: z.object({ ecrId: z.string(), ref: z.string().optional() }).optional(),
  /** Orders left unresolved that block a new sale until resolved or parked. */
  unresolvedCount: z.number().int().min(0),
  updatedAt: Instant,
});
export type SaleState = z.infer<typeof SaleState>;
