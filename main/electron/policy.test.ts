import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isTrustedSender,
  keyringUsable,
  mayNavigate,
  rendererUrlFor,
  TRUSTED_RENDERER_URL,
} from './policy.js';

const index = path.resolve('/opt/Counter Cashier/resources/app.asar/dist/renderer/index.html');
const renderer = rendererUrlFor(index);

describe('IPC sender check', () => {
  it('accepts our renderer page in the top-level frame, with or without a hash', () => {
    expect(renderer.startsWith('file:///')).toBe(true);
    expect(renderer).toContain('Counter%20Cashier');
    expect(isTrustedSender({ url: renderer, isMainFrame: true }, renderer)).toBe(true);
    expect(isTrustedSender({ url: `${renderer}#/settings`, isMainFrame: true }, renderer)).toBe(true);
  });

  it('refuses iframes, other files, remote pages, devtools, a gone frame and junk', () => {
    const other = rendererUrlFor(path.resolve('/tmp/evil/index.html'));
    for (const frame of [
      { url: renderer, isMainFrame: false },
      { url: other, isMainFrame: true },
      { url: 'https://example.com/index.html', isMainFrame: true },
      { url: 'devtools://devtools/bundled/inspector.html', isMainFrame: true },
      { url: 'data:text/html,<script>1</script>', isMainFrame: true },
      { url: 'not a url', isMainFrame: true },
      null,
      undefined,
    ]) {
      expect(isTrustedSender(frame, renderer)).toBe(false);
    }
  });

  it('never allows navigation', () => {
    expect(mayNavigate('https://example.com')).toBe(false);
    expect(mayNavigate(renderer)).toBe(false);
  });
});

describe('IPC sender check on app://', () => {
  it('accepts app://cashier/index.html only, in the top-level frame', () => {
    const app = TRUSTED_RENDERER_URL;
    expect(app).toBe('app://cashier/index.html');
    expect(isTrustedSender({ url: `${app}#/orders`, isMainFrame: true }, app)).toBe(true);
    for (const frame of [
      { url: app, isMainFrame: false },
      { url: 'app://cashier/other.html', isMainFrame: true },
      { url: 'app://evil/index.html', isMainFrame: true },
      { url: renderer, isMainFrame: true },
    ]) {
      expect(isTrustedSender(frame, app)).toBe(false);
    }
  });
});

describe('keyring', () => {
  it('counts only a real keyring as protection', () => {
    expect(keyringUsable(true)).toBe(true); // Windows DPAPI, macOS Keychain
    expect(keyringUsable(true, 'gnome_libsecret')).toBe(true);
    expect(keyringUsable(true, 'kwallet5')).toBe(true);
    expect(keyringUsable(true, 'basic_text')).toBe(false);
    expect(keyringUsable(true, 'unknown')).toBe(false);
    expect(keyringUsable(false)).toBe(false);
  });
});
