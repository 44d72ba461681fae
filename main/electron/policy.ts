/**
 * The security decisions of the Electron shell as plain functions, so they are tested without the
 * Electron binary (main/electron/policy.test.ts). main.ts applies them.
 */
import { pathToFileURL } from 'node:url';
import { RENDERER_URL } from './app-protocol.js';

/** The one page allowed to call into main: the renderer's index.html on the app:// protocol. */
export const TRUSTED_RENDERER_URL = RENDERER_URL;

/** A file:// URL for a path (kept for tools that still name a file). */
export function rendererUrlFor(indexHtml: string): string {
  return pathToFileURL(indexHtml).href;
}

/**
 * May this frame call the IPC router? Only our own renderer page, in the top-level frame of one of
 * our windows. A hash or query on the URL is ignored; anything else (another file, an iframe, a
 * remote page, a frame that is gone) is refused.
 */
export function isTrustedSender(
  frame: { url: string; isMainFrame: boolean } | null | undefined,
  rendererUrl: string,
): boolean {
  if (!frame?.isMainFrame) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  url.hash = '';
  url.search = '';
  return (url.protocol === 'file:' || url.protocol === 'app:') && url.href === rendererUrl;
}

/** Navigation inside our window: never (the renderer is a single page; no links to follow). */
export function mayNavigate(_url: string): boolean {
  return false;
}

/**
 * Is the OS keyring usable for secrets? Linux `basic_text` (no keyring: a hard-coded password) and
 * `unknown` (asked before ready) are not protection.
 */
export function keyringUsable(encryptionAvailable: boolean, linuxBackend?: string): boolean {
  if (!encryptionAvailable) return false;
  return linuxBackend === undefined || (linuxBackend !== 'basic_text' && linuxBackend !== 'unknown');
}

/** The application menu: none. Its default accelerators (reload, devtools, zoom, quit) are not for a till. */
export const APPLICATION_MENU = null;

/** Requests the renderer may make over the network: none (it talks to main over IPC only). */
export const BLOCKED_RENDERER_URLS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'];
