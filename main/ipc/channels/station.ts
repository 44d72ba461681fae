/** The counter PC itself: kiosk mode, start at login, updates (main/electron/station.ts, main/updates). */
import { z } from 'zod';
import { Bilingual } from './common.js';

export const StationState = z.object({
  kiosk: z.boolean(),
  startAtLogin: z.boolean(),
  /** The update state (main/updates/service.ts), when updates are configured. */
  update: z
    .object({ phase: z.string(), version: z.string().optional(), message: Bilingual, at: z.string() })
    .optional(),
});
export type StationState = z.infer<typeof StationState>;

export const stationCalls = {
  'station.state': { input: z.object({}).strict(), output: StationState },
  /** Leave full-screen kiosk mode until the next start: a manager's PIN. */
  'station.exitKiosk': {
    input: z.object({ pin: z.string().min(4).max(12) }).strict(),
    output: StationState,
  },
};
