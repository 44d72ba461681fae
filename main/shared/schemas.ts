/**
 * Primitive schemas every domain shares (amounts, days, instants, PINs, channels). The IPC channel files
 * re-export them; domain modules import them from here.
 */
import { z } from 'zod';
import { PAY_CHANNELS } from './paycode.js';

export { Bilingual } from './errors.js';

/** An amount in integer fen. Never a float. */
export const Fen = z.number().int().safe();
/** A charge or refund amount: at least 1 fen, at most the 12-digit wire limit. */
export const PositiveFen = Fen.min(1).max(999_999_999_999);
/** A China-time business day, YYYY-MM-DD. */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
/** An ISO-8601 instant. */
export const Instant = z.string();
/** A manager or operator PIN: 4 to 12 digits. */
export const Pin = z.string().regex(/^\d{4,12}$/, 'PIN is 4 to 12 digits');

export const PayChannel = z.enum(PAY_CHANNELS);
export type PayChannel = z.infer<typeof PayChannel>;

/** POS通 v2 pay modes (v1 pre-auth has all but FACE_SCAN): the one list; gateway/schemas.ts uses it. */
export const PAY_MODES = ['E_CASH', 'SOUNDWAVE', 'NFC', 'CODE_SCAN', 'MANUAL', 'FACE_SCAN'] as const;
export const PayMode = z.enum(PAY_MODES);
export type PayMode = z.infer<typeof PayMode>;

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });

/** A raw scanned string as it arrives: bounded so a stuck scanner cannot flood the process. */
export const RawScan = z.string().min(1).max(256);
