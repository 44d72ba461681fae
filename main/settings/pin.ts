/**
 * Manager and operator PINs are stored only as salted scrypt hashes:
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`. Verification is constant-time (timingSafeEqual).
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function derive(pin: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, PARAMS, KEY_LENGTH);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `pin` matches `stored`. A malformed stored hash never matches (and never throws). */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  // Bounds keep a tampered file from asking for gigabytes of memory or a zero-length compare.
  if (!(N >= 1024 && N <= 1_048_576 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  const actual = await derive(pin, salt, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, expected.length);
  return timingSafeEqual(actual, expected);
}

/** A hash of nothing in particular, verified against when an id is unknown, so timing does not tell. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPin(randomBytes(8).toString('hex'));
  return decoy;
}
