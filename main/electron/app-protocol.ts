/**
 * The renderer is served from `app://cashier/…` (a standard, secure scheme registered by main.ts), not
 * from file://: every response carries the CSP as a real header, the file-protocol privileges fuse can
 * stay off, and only files inside the renderer folder can be reached. Plain Node (fetch's Request and
 * Response): tested without Electron.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { mimeOf } from '../shared/mime.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cashier';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/** The same policy as the <meta> in renderer/index.html, now also a header. */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The file an app:// URL names inside `root`, or undefined (another host, `..`, a source map, junk). */
export function fileForAppUrl(url: string, root: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.endsWith('.map')) return undefined;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  return file.startsWith(base + path.sep) ? file : undefined;
}

export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const headers = (type: string) => ({
    'Content-Type': type,
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  return async (request) => {
    const file = fileForAppUrl(request.url, root);
    if (!file || request.method !== 'GET') {
      return new Response('not found', { status: 404, headers: headers('text/plain') });
    }
    try {
      const body = await fs.readFile(file);
      return new Response(body, {
        status: 200,
        headers: headers(mimeOf(path.extname(file))),
      });
    } catch {
      return new Response('not found', { status: 404, headers: headers('text/plain') });
    }
  };
}
