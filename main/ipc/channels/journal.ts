/** The receipt journal on the wire: whether records can be written (no sales while not) and why. */
import { z } from 'zod';
import { Bilingual, Empty, Instant } from './common.js';

export const JournalHealth = z.object({
  writable: z.boolean(),
  /** Why records cannot be written (disk full, read-only folder, I/O error), naming the folder. */
  problem: Bilingual.optional(),
  since: Instant.optional(),
});
export type JournalHealth = z.infer<typeof JournalHealth>;

export const journalCalls = {
  'journal.health': { input: Empty, output: JournalHealth },
};

export const journalEvents = {
  /** Writing stopped (a failed append) or works again (an append or the probe succeeded). */
  'journal.health': JournalHealth,
};
