/**
 * The API's bearer token: `CASHIER_ECR_TOKEN` when set (tests, IT), else a random token kept in
 * `<dataDir>/ecr-token.json` (mode 0600), sealed by the same SecretBox as the AppKey. Never logged:
 * it is registered with the log redactor as soon as it is known.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../log/redact.js';
import type { SecretBox } from '../settings/secret-box.js';

export interface EcrToken {
  value(): string;
  readonly source: 'env' | 'file';
  /** A new random token (file source only); the old one stops working at once. */
  rotate(): string;
}

export function ecrToken(dataDir: string, box: SecretBox, env: NodeJS.ProcessEnv = process.env): EcrToken {
  const fromEnv = env.CASHIER_ECR_TOKEN?.trim();
  if (fromEnv) {
    registerSecret(fromEnv);
    return { value: () => fromEnv, source: 'env', rotate: () => fromEnv };
  }
  const file = path.join(dataDir, 'ecr-token.json');
  const write = (token: string) => {
    const sealed = {
      protection: box.available ? 'os-keyring' : 'none',
      data: box.encrypt(token).toString('base64'),
    };
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(sealed), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };
  const fresh = () => {
    const token = randomBytes(24).toString('base64url');
    registerSecret(token);
    write(token);
    return token;
  };
  let current: string | undefined;
  const load = (): string => {
    if (current) return current;
    if (existsSync(file)) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { protection: string; data: string };
        const bytes = Buffer.from(stored.data, 'base64');
        current = stored.protection === 'none' ? bytes.toString('utf8') : box.decrypt(bytes);
        registerSecret(current);
        return current;
      } catch {
        // unreadable (another machine, a reset keyring): a new token; the host must be told it
      }
    }
    current = fresh();
    return current;
  };
  return {
    value: load,
    source: 'file',
    rotate() {
      current = fresh();
      return current;
    },
  };
}
