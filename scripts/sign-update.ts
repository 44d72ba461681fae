/**
 * Signs a release for the update feed (docs/updates.md): reads latest.yml in the release folder, checks
 * the installer's SHA-512 against it, and writes `ed25519Signature:` (our Ed25519 signature over version,
 * file name and sha512) and `minimumSystemVersion: 10.0.0` (Windows 10) into latest.yml.
 *
 *   npx tsx scripts/sign-update.ts --keygen keys/        # once: update-private.pem (keep offline) + update-public.pem
 *   npx tsx scripts/sign-update.ts --key keys/update-private.pem --dir release/
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sha512File, signUpdate } from '../main/updates/signature.js';

export const MINIMUM_WINDOWS = '10.0.0';

function field(yml: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*'?([^'\\n]+?)'?\\s*$`, 'm').exec(yml)?.[1];
}

function setField(yml: string, name: string, value: string): string {
  const line = `${name}: ${value}`;
  const re = new RegExp(`^${name}:.*$`, 'm');
  return re.test(yml) ? yml.replace(re, line) : `${yml.replace(/\n*$/, '\n')}${line}\n`;
}

export async function signRelease(
  dir: string,
  privateKeyPem: string,
  channelFile = 'latest.yml',
): Promise<string> {
  const file = path.join(dir, channelFile);
  let yml = fs.readFileSync(file, 'utf8');
  const version = field(yml, 'version');
  const installer = field(yml, 'path');
  const sha512 = field(yml, 'sha512');
  if (!version || !installer || !sha512) throw new Error(`${file}: no version / path / sha512`);
  const actual = await sha512File(path.join(dir, path.basename(installer)));
  if (actual !== sha512) throw new Error(`${installer}: sha512 differs from ${channelFile}`);
  yml = setField(yml, 'minimumSystemVersion', MINIMUM_WINDOWS);
  yml = setField(yml, 'ed25519Signature', signUpdate(privateKeyPem, { version, file: installer, sha512 }));
  fs.writeFileSync(file, yml);
  return version;
}

function keygen(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  fs.writeFileSync(
    path.join(dir, 'update-private.pem'),
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    {
      mode: 0o600,
      flag: 'wx',
    },
  );
  fs.writeFileSync(path.join(dir, 'update-public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const gen = arg('--keygen');
  if (gen) {
    keygen(gen);
    console.log(
      `keys written to ${gen} (keep update-private.pem off the build machine's disk when not signing)`,
    );
  } else {
    const key = arg('--key');
    const dir = arg('--dir') ?? 'release';
    if (!key) {
      console.error('usage: sign-update.ts --key <private.pem> [--dir release] | --keygen <dir>');
      process.exit(2);
    }
    const version = await signRelease(dir, fs.readFileSync(key, 'utf8'));
    console.log(`signed ${version} in ${path.join(dir, 'latest.yml')}`);
  }
}
