/**
 * The checkout flow: amount → scan → result. Main owns the sale state, so a scan from a HID or serial
 * scanner (which arrives in main) and a scan from the keyboard wedge (which arrives in the renderer)
 * take the same road.
 */
import { z } from 'zod';
import { Bilingual, Fen, Instant, PayChannel, PositiveFen, RawScan } from './common.js';

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
  /** Orders left unresolved that block a new sale until resolved or parked. */
  unresolvedCount: z.number().int().min(0),
  updatedAt: Instant,
});
export type SaleState = z.infer<typeof SaleState>;

export const ScanSource = z.enum(['hid', 'serial', 'wedge', 'manual']);
export type ScanSource = z.infer<typeof ScanSource>;

export const ScanRoute = z.enum(['sale', 'preauth', 'order-lookup', 'scanner-test', 'dropped']);

export const ScanReceived = z.object({
  codeMasked: z.string(),
  channel: PayChannel.optional(),
  source: ScanSource,
  deviceId: z.string(),
  routedTo: ScanRoute,
  /** For an order-lookup route: the merchantOrderId the scan named. */
  orderId: z.string().optional(),
  /** For a 'preauth' route: the typed amount the scan confirmed. */
  amountFen: Fen.optional(),
  /** Why a scan was dropped or rejected (not a payment code, nothing waiting for it, ...). */
  reason: Bilingual.optional(),
  at: Instant,
});
export type ScanReceived = z.infer<typeof ScanReceived>;

export const saleCalls = {
  /** Take the amount; the sale then waits for a payment code. */
  'sale.begin': {
    input: z.object({ amountFen: PositiveFen, remark: z.string().max(50).optional() }).strict(),
    output: SaleState,
  },
  /** Back out of a sale that has not been sent (phase awaiting-code). */
  'sale.cancel': { input: z.object({}).strict(), output: SaleState },
  /** After a result: clear it and get ready for the next sale. */
  'sale.reset': { input: z.object({}).strict(), output: SaleState },
  /** Put an unresolved sale aside (it keeps being resolved in the background) so a new sale can start. */
  'sale.park': { input: z.object({}).strict(), output: SaleState },
  'sale.current': { input: z.object({}).strict(), output: SaleState },
  /** A scan seen by the renderer (keyboard wedge) or typed by hand; routed exactly like a device scan. */
  'scan.submit': {
    input: z.object({ code: RawScan, source: z.enum(['wedge', 'manual']) }).strict(),
    output: ScanReceived,
  },
  /**
   * Which screen is in front, so a scan with no sale waiting can open an order on the orders screen,
   * and the amount typed there but not confirmed: a scan confirms it (checkout: the sale begins at that
   * amount and charges the code; pre-auth: the pre-auth starts).
   */
  'scan.setContext': {
    input: z
      .object({
        screen: z.enum(['checkout', 'orders', 'preauth', 'settlement', 'settings', 'other']),
        draftAmountFen: PositiveFen.optional(),
      })
      .strict(),
    output: z.object({ ok: z.literal(true) }),
  },
};

export const saleEvents = {
  'sale.state': SaleState,
  'txn.progress': TxnProgress,
  'scan.received': ScanReceived,
};
