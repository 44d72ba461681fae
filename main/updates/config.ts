/**
 * Where this counter gets its updates: `updates.json` in the data folder, written when the till is set
 * up (head office's feed, this store's id, the release public key). Absent → no update checks at all.
 *
 *   { "feedUrl": "https://hq.example.cn/updates/counter/", "storeId": "SH-001",
 *     "publicKeyPem": "-----BEGIN PUBLIC KEY-----\n...", "checkEveryHours": 4 }
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const UpdatesConfig = z
  .object({
    feedUrl: z
      .string()
      .url()
      .max(500)
      .refine((u) => /^https?:\/\//.test(u), 'http(s) only'),
    storeId: z.string().min(1).max(64),
    /** Ed25519 public key (SPKI PEM); required unless the installers are Authenticode-signed (publisherName). */
    publicKeyPem: z.string().max(1000).optional(),
    checkEveryHours: z.number().min(1).max(168).default(4),
  })
  .strict();
export type UpdatesConfig = z.infer<typeof UpdatesConfig>;

export function loadUpdatesConfig(dataDir: string): { config?: UpdatesConfig; problem?: string } {
  const file = path.join(dataDir, 'updates.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = UpdatesConfig.safeParse(JSON.parse(text));
    if (!parsed.success) return { problem: `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return { config: parsed.data };
  } catch (error) {
    return { problem: `${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
