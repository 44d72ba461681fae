import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRollout, rolloutVerdict } from './rollout.js';
import { olderThan } from './service.js';
import { signUpdate, verifyUpdate } from './signature.js';

describe('rollout.json', () => {
  const pilot = parseRollout(JSON.stringify({ version: '1.4.0', stores: ['SH-001', 'SH-017'] }));

  it('pilot stores take the version, others do not; "all" takes everyone; halt stops everyone', () => {
    expect(rolloutVerdict(pilot, '1.4.0', 'SH-017')).toBe('in');
    expect(rolloutVerdict(pilot, '1.4.0', 'BJ-002')).toBe('staged-out');
    expect(rolloutVerdict(pilot, '1.4.0', '')).toBe('staged-out');
    const all = parseRollout('{"version":"1.4.0","stores":"all"}');
    expect(rolloutVerdict(all, '1.4.0', 'BJ-002')).toBe('in');
    const halted = parseRollout('{"version":"1.4.0","stores":"all","halt":true}');
    expect(rolloutVerdict(halted, '1.4.0', 'SH-001')).toBe('halted');
  });

  it('missing, malformed, unknown fields or another version: nobody takes it', () => {
    expect(rolloutVerdict(undefined, '1.4.0', 'SH-001')).toBe('no-rollout');
    expect(parseRollout('{not json')).toBeUndefined();
    expect(parseRollout('{"version":"1.4.0","stores":"all","percent":50}')).toBeUndefined();
    expect(rolloutVerdict(pilot, '1.4.1', 'SH-001')).toBe('no-rollout');
  });
});

describe('Ed25519 update signature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file = { version: '1.4.0', file: 'counter-cashier-1.4.0-win-x64.exe', sha512: 'abc==' };

  it('verifies what we signed, and nothing changed', () => {
    const sig = signUpdate(priv, file);
    expect(verifyUpdate(pub, file, sig)).toBe(true);
    expect(verifyUpdate(pub, { ...file, version: '1.4.1' }, sig)).toBe(false);
    expect(verifyUpdate(pub, { ...file, sha512: 'abd==' }, sig)).toBe(false);
    expect(verifyUpdate(pub, { ...file, file: 'other.exe' }, sig)).toBe(false);
    expect(verifyUpdate(pub, file, 'garbage')).toBe(false);
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPub = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyUpdate(rsaPub, file, signUpdate(priv, file))).toBe(false);
  });
});

describe('minimum system version', () => {
  it('compares like electron-updater does with os.release()', () => {
    expect(olderThan('6.1.7601', '10.0.0')).toBe(true); // Windows 7
    expect(olderThan('10.0.19045', '10.0.0')).toBe(false); // Windows 10 22H2
    expect(olderThan('10.0.22631', '10.0.0')).toBe(false); // Windows 11
    expect(olderThan('6.1.0', undefined)).toBe(false);
  });
});
