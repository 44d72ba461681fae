/** Gateway status and the connection test's answer: schemas only (the preload bundles these). */
import { z } from 'zod';
import { Bilingual } from '../shared/schemas.js';

export const GatewayState = z.enum(['ok', 'slow', 'unreachable', 'auth-failed', 'unknown']);
export type GatewayState = z.infer<typeof GatewayState>;

export const GatewayStatus = z.object({
  state: GatewayState,
  /** When the exchange this is from started (ISO-8601); absent before the first one. */
  at: z.string().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  message: Bilingual.optional(),
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

export const GatewayTestResult = z.object({ ok: z.boolean(), state: GatewayState, message: Bilingual });
export type GatewayTestResult = z.infer<typeof GatewayTestResult>;
