/**
 * The port through which secrets are encrypted at rest. Electron's implementation (main/electron/
 * secret-box.ts) uses safeStorage, i.e. the OS keyring (DPAPI on Windows, Keychain on macOS, the Secret
 * Service / KWallet on Linux). Where there is none (the browser harness, tests, a Linux desktop with no
 * keyring) the plain box keeps secrets unprotected and says so: `available: false`, shown to the user
 * as `secretsProtection: 'none'`.
 */
export interface SecretBox {
  /** True when `encrypt` really protects (an OS keyring); false for the plain box. */
  readonly available: boolean;
  encrypt(text: string): Buffer;
  /** Throws when the data cannot be opened (another user, another machine, a reset keyring). */
  decrypt(data: Buffer): string;
}

/** No protection: the bytes are the UTF-8 text. Honest about it through `available: false`. */
export function createPlainSecretBox(): SecretBox {
  return {
    available: false,
    encrypt: (text) => Buffer.from(text, 'utf8'),
    decrypt: (data) => data.toString('utf8'),
  };
}
