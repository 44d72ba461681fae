/**
 * Our own signature over an update, for shops without a Windows code-signing certificate: Ed25519
 * (node:crypto) over a short statement naming the version, the installer's file name and its SHA-512.
 * electron-updater already checks the downloaded bytes against latest.yml's sha512; the signature
 * proves latest.yml's claim came from us. The release script (scripts/sign-update.mjs) adds
 * `ed25519Signature: <base64>` to latest.yml; the app carries the public key.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import fs from 'node:fs';

export interface SignedFile {
  version: string;
  /** The installer's file name as latest.yml gives it (`url`). */
  file: string;
  /** Base64 SHA-512 of the installer, as latest.yml gives it. */
  sha512: string;
}

export function statement(f: SignedFile): Buffer {
  return Buffer.from(`counter-cashier-update/1\n${f.version}\n${f.file}\n${f.sha512}\n`, 'utf8');
}

export function signUpdate(privateKeyPem: string, f: SignedFile): string {
  return sign(null, statement(f), createPrivateKey(privateKeyPem)).toString('base64');
}

export function verifyUpdate(publicKeyPem: string, f: SignedFile, signature: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, statement(f), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Base64 SHA-512 of a file, streamed (an installer is ~100 MB). */
export async function sha512File(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}
