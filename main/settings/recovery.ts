/**
 * The one-time recovery code: issued when the first manager is created, shown once, kept only as a
 * scrypt hash in `<dataDir>/recovery.json` (0600). If the operators file is later lost or damaged
 * (no manager, but the journal has history), only this code, or IT re-provisioning from the command
 * line (main/settings/provision-cli.ts), creates a manager again; each use issues a fresh code.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashPin, verifyPin } from './pin.js';

// No 0/O, 1/I/L: the code is read off paper.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const FILE = 'recovery.json';

export interface RecoveryCodes {
  readonly path: string;
  /** A fresh code (the previous one stops working). Returned once; only its hash is kept. */
  issue(): Promise<string>;
  verify(code: string): Promise<boolean>;
  exists(): boolean;
}

export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function createRecoveryCodes(dataDir: string): RecoveryCodes {
  const file = path.join(dataDir, FILE);
  const read = (): string | undefined => {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { hash?: unknown };
      return typeof parsed.hash === 'string' ? parsed.hash : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    path: file,
    async issue() {
      const raw = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      const hash = await hashPin(raw);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, hash, at: new Date().toISOString() }), {
        mode: 0o600,
      });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, file);
      return raw.match(/.{4}/g)!.join('-');
    },
    async verify(code) {
      const hash = read();
      if (!hash) return false;
      return verifyPin(normalizeRecoveryCode(code), hash);
    },
    exists: () => read() !== undefined,
  };
}
