/**
 * The checkout flow: amount → scan → result. Main owns the sale state, so a scan from a HID or serial
 * scanner (which arrives in main) and a scan from the keyboard wedge (which arrives in the renderer)
 * take the same road.
 */
import { z } from 'zod';
import { SaleState, TxnProgress } from '../../engine/sale-state.js';
import { ScanReceived, ScanScreen } from '../../scanners/types.js';
import { PositiveFen, RawScan } from './common.js';

export { ProgressStep, SalePhase, SaleState, TxnProgress } from '../../engine/sale-state.js';
export { ScanReceived, ScanRoute, ScanScreen, ScanSource } from '../../scanners/types.js';

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
    input: z.object({ screen: ScanScreen, draftAmountFen: PositiveFen.optional() }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
};

export const saleEvents = {
  'sale.state': SaleState,
  'txn.progress': TxnProgress,
  'scan.received': ScanReceived,
};
