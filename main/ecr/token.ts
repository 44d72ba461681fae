/**
 * The API's bearer token: `CASHIER_ECR_TOKEN` when set (tests, IT), else the token a manager set
 * (`ecr.setToken`, write-only like the AppKey: it never goes back to the renderer), kept in
 * `<dataDir>/ecr-token.json` (mode 0600), sealed by the same SecretBox as the AppKey. Never logged: it
 * is registered with the log redactor as soon as it is known. No token, no API.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../log/redact.js';
import type { SecretBox } from '../settings/secret-box.js';

export interface EcrToken {
  /** The token, or undefined when none is set. */
  value(): string | undefined;
  readonly source: 'env' | 'file';
  /** Replace the stored token (file source only); the old one stops working at once. */
  set(token: string): void;
}

export const MIN_TOKEN_LENGTH = 16;

export function ecrToken(dataDir: string, box: SecretBox, env: NodeJS.ProcessEnv = process.env): EcrToken {
  const fromEnv = env.CASHIER_ECR_TOKEN?.trim();
  if (fromEnv) {
    registerSecret(fromEnv);
    return { value: () => fromEnv, source: 'env', set: () => {} };
  }
  const file = path.join(dataDir, 'ecr-token.json');
  let current: string | undefined;
  let loaded = false;
  const load = (): string | undefined => {
    if (loaded) return current;
    loaded = true;
    if (!existsSync(file)) return undefined;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { protection: string; data: string };
      const bytes = Buffer.from(stored.data, 'base64');
      current = stored.protection === 'none' ? bytes.toString('utf8') : box.decrypt(bytes);
      registerSecret(current);
    } catch {
      // unreadable (another machine, a reset keyring): no token until a manager sets one again
      current = undefined;
    }
    return current;
  };
  return {
    value: load,
    source: 'file',
    set(token) {
      registerSecret(token);
      const sealed = {
        protection: box.available ? 'os-keyring' : 'none',
        data: box.encrypt(token).toString('base64'),
      };
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify(sealed), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
      current = token;
      loaded = true;
    },
  };
}
