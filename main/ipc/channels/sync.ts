/** 总部同步: the state of the journal upload to head office, for the status bar. */
import { z } from 'zod';
import { Bilingual, Instant } from './common.js';

export const SyncStatus = z.object({
  state: z.enum(['off', 'synced', 'behind', 'offline']),
  /** Records not yet confirmed by head office. */
  behind: z.number().int().min(0).optional(),
  /** offline: since the first failed attempt; synced: when head office last confirmed. */
  since: Instant.optional(),
  /** Why it is not syncing, where a person should know (bad token, conflict, store mismatch). */
  message: Bilingual.optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const syncCalls = {
  'sync.status': { input: z.object({}).strict(), output: SyncStatus },
};

export const syncEvents = {
  'sync.status': SyncStatus,
};
