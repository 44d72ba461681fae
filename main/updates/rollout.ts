/**
 * Staged rollout by store: `rollout.json` next to `latest.yml` on the feed says which stores take which
 * version, and has a halt switch.
 *
 *   { "version": "1.4.0", "stores": ["SH-001", "SH-017"], "halt": false }
 *   { "version": "1.4.0", "stores": "all" }
 *
 * A store takes the feed's version only when rollout.json names that same version and lists the store
 * (or says "all"), and `halt` is not set. No rollout.json, an unreadable one, or one for another version
 * means no store takes it: a release goes out only when someone says where.
 */
import { z } from 'zod';

export const Rollout = z
  .object({
    version: z.string().min(1).max(64),
    stores: z.union([z.literal('all'), z.array(z.string().min(1).max(64)).max(10_000)]),
    halt: z.boolean().optional(),
    note: z.string().max(500).optional(),
  })
  .strict();
export type Rollout = z.infer<typeof Rollout>;

export type RolloutVerdict = 'in' | 'staged-out' | 'halted' | 'no-rollout';

export function parseRollout(text: string | undefined): Rollout | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = Rollout.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function rolloutVerdict(
  rollout: Rollout | undefined,
  version: string,
  storeId: string,
): RolloutVerdict {
  if (!rollout || rollout.version !== version) return 'no-rollout';
  if (rollout.halt) return 'halted';
  if (rollout.stores === 'all') return 'in';
  return storeId && rollout.stores.includes(storeId) ? 'in' : 'staged-out';
}
