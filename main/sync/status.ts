/** 总部同步 status, as the status bar shows it: "已同步 / 落后 N 条 / 离线 since …". */
import { z } from 'zod';
import { Bilingual } from '../shared/errors.js';
import { Instant } from '../shared/schemas.js';

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
