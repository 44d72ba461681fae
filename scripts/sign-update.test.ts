import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyUpdate } from '../main/updates/signature.js';
import { signRelease } from './sign-update.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sign-update', () => {
  it('signs latest.yml for the installer it names; the app-side check accepts it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-'));
    const exe = 'counter-cashier-1.2.0-win-x64.exe';
    const bytes = Buffer.from('MZ installer');
    fs.writeFileSync(path.join(dir, exe), bytes);
    const sha512 = createHash('sha512').update(bytes).digest('base64');
    fs.writeFileSync(
      path.join(dir, 'latest.yml'),
      `version: 1.2.0\nfiles:\n  - url: ${exe}\n    sha512: ${sha512}\n    size: ${bytes.length}\npath: ${exe}\nsha512: ${sha512}\nreleaseDate: '2026-12-01T08:00:00.000Z'\n`,
    );
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await signRelease(dir, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const yml = fs.readFileSync(path.join(dir, 'latest.yml'), 'utf8');
    expect(yml).toContain('minimumSystemVersion: 10.0.0');
    const sig = /^ed25519Signature: (.+)$/m.exec(yml)?.[1] as string;
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyUpdate(pub, { version: '1.2.0', file: exe, sha512 }, sig)).toBe(true);
  });

  it('refuses when the installer is not the one latest.yml describes', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-'));
    fs.writeFileSync(path.join(dir, 'a.exe'), 'changed');
    fs.writeFileSync(path.join(dir, 'latest.yml'), 'version: 1.2.0\npath: a.exe\nsha512: AAAA\n');
    const { privateKey } = generateKeyPairSync('ed25519');
    await expect(
      signRelease(dir, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).rejects.toThrow(/sha512 differs/);
  });
});
