/**
 * The wire between a counter's uploader (main/sync/uploader.ts) and the head office (hq/): plain JSON over
 * HTTP(S), the counter's token as a bearer token. One owner for both sides.
 *
 *   GET  /api/sync/hwm    → HwmReply      where this counter's replicated records end (server's truth)
 *   POST /api/sync/batch  BatchRequest → BatchReply
 *
 * The key of a record is (terminal, s); its identity is `h` (the journal's hash chain). Sending a record
 * again is harmless; sending a different record under a stored key is a conflict, kept and alerted.
 */
import { z } from 'zod';

export const SYNC_PATHS = { hwm: '/api/sync/hwm', batch: '/api/sync/batch' } as const;

/** The most records one batch may carry (the uploader sends far fewer, to stay out of a sale's way). */
export const MAX_BATCH = 5000;

export const HwmReply = z.object({
  terminalId: z.string(),
  storeId: z.string(),
  /** Every sequence 1..hwm is stored. 0: nothing yet. */
  hwm: z.number().int().min(0),
  /** `h` of record hwm: lets the counter check it holds the same history. */
  hwmHash: z.string().nullable(),
});
export type HwmReply = z.infer<typeof HwmReply>;

export const BatchReply = HwmReply.extend({
  stored: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int(),
});
export type BatchReply = z.infer<typeof BatchReply>;

export const SyncErrorReply = z.object({
  error: z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }) }),
});
