/**
 * The SecretBox backed by Electron's safeStorage: DPAPI on Windows, the Keychain on macOS, the Secret
 * Service (GNOME keyring / KWallet) on Linux. On Linux with no keyring, Chromium falls back to
 * `basic_text`, a fixed, publicly known password: that is no protection, so it is reported as
 * unavailable and the settings screen says secrets are stored unprotected.
 *
 * Must be created after `app.whenReady()`. Uses the synchronous safeStorage calls (deprecated in
 * favour of the async ones, still supported): the SettingsService interface is synchronous.
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../settings/secret-box.js';
import { keyringUsable } from './policy.js';

export function createElectronSecretBox(): SecretBox {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined;
  const available = keyringUsable(safeStorage.isEncryptionAvailable(), backend);
  return {
    available,
    encrypt: (text) => (available ? safeStorage.encryptString(text) : Buffer.from(text, 'utf8')),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
