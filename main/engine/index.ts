/**
 * The transaction engine (issue 4). Import from here.
 *
 * For the scan router (issue 5) — `engine.sale` is a SaleSink, `engine` an OrderLookup:
 *   engine.sale.awaitingCode(): boolean
 *       true only in phase 'awaiting-code' (an amount is taken, nothing sent yet).
 *   engine.sale.acceptCode(code: string, source: ScanSource, deviceId: string): Promise<void>
 *       Validates with checkPayCode. A bad code: the sale keeps waiting, sale.state carries the bilingual
 *       reason, and the promise rejects with AppError('BAD_INPUT'). Not waiting / already in flight:
 *       rejects AppError('CONFLICT') and nothing is sent. Accepted: resolves once the intent is journaled
 *       and the pay is on its way; progress follows as 'txn.progress' / 'sale.state' events.
 *   engine.findOrder(id: string): OrderView | undefined
 *       By merchantOrderId, 银商订单号 or refundRequestId (the receipt QR carries the merchantOrderId).
 *
 * For printing (issue 6): pass `printer: PrintPort` to the Engine (or engine.setPrinter). It is called only
 * after the outcome is journaled (paid sale, manual void, refund); a print failure is logged, never thrown.
 *
 * For Yima (issue 8): `journal.append(type, key, data, { od, op, st, un })` (main/journal/journal.ts);
 * reports count `yima.final` with d.status 'refunded' (or `yima.refund.done`) as a refund of d.amountFen.
 */
export {
  CRASH_POINTS,
  type CrashPoint,
  Engine,
  type EngineDeps,
  type EngineSchedule,
  makeId,
  type PrintPort,
} from './engine.js';
export { engineHandlers } from './handlers.js';
export { createPreauthService, type PreauthDeps, type PreauthService } from './preauth.js';
