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

export const VerifyProblem = z.object({
  file: z.string(),
  line: z.number().int(),
  kind: z.enum(['damaged', 'altered', 'deleted', 'reordered', 'gap', 'unchained', 'torn']),
  s: z.number().int().optional(),
  problem: z.string(),
});

/** What `journal.verify` found: per file and overall (docs/journal.md, "What verify reports"). */
export const VerifyReport = z.object({
  files: z.number().int(),
  records: z.number().int(),
  /** Records from before the hash chain (a legacy prefix): counted, not an error. */
  legacy: z.number().int(),
  ok: z.boolean(),
  /** Every problem found, in file order. */
  damaged: z.array(VerifyProblem),
  perFile: z.array(
    z.object({
      file: z.string(),
      records: z.number().int(),
      legacy: z.number().int(),
      firstSeq: z.number().int().optional(),
      lastSeq: z.number().int().optional(),
      ok: z.boolean(),
      problems: z.array(VerifyProblem),
    }),
  ),
  tornSetAside: z.array(z.object({ file: z.string(), bytes: z.number().int() })),
  headH: z.string(),
  headSeq: z.number().int(),
});
export type VerifyReport = z.infer<typeof VerifyReport>;

export const journalCalls = {
  'journal.health': { input: Empty, output: JournalHealth },
  /** Check every line and the whole hash chain (reads the whole history). */
  'journal.verify': { input: Empty, output: VerifyReport },
};

export const journalEvents = {
  /** Writing stopped (a failed append) or works again (an append or the probe succeeded). */
  'journal.health': JournalHealth,
};
