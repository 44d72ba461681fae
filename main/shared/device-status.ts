/** A scanner's or printer's state, as both device services report it. */
import { z } from 'zod';
import { Bilingual, Instant } from './schemas.js';

export const DeviceStatus = z.object({
  kind: z.enum(['scanner', 'printer']),
  id: z.string(),
  label: z.string(),
  state: z.enum(['connected', 'lost', 'reconnected', 'absent', 'error', 'disabled']),
  detail: Bilingual.optional(),
  at: Instant,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;
