/**
 * POS通 authorization (NOTES.md §1).
 *
 * OPEN-BODY-SIG: Signature = Base64(HMAC-SHA256(AppKey, AppId + Timestamp + Nonce + hex(SHA-256(body))))
 * over the exact body bytes sent. Timestamp is China time, yyyyMMddHHmmss. Nonce: 32 random hex chars.
 *
 * OPEN-ACCESS-TOKEN: token from POST /v1/token/access with
 * signature = hex(SHA-256(appId + timestamp + nonce + appKey)).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000; // Asia/Shanghai: UTC+8, no daylight saving since 1991

/** yyyyMMddHHmmss in China time. */
export function chinaTimestamp(at: Date): string {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  const p = (n: number, w = 2) => n.toString().padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(
    d.getUTCMinutes(),
  )}${p(d.getUTCSeconds())}`;
}

/** yyyyMMddHHmmss (China time) → the instant, or undefined when malformed. */
export function parseChinaTimestamp(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - CHINA_OFFSET_MS;
  const back = new Date(utc);
  return chinaTimestamp(back) === text ? back : undefined;
}

export function randomNonce(): string {
  return randomBytes(16).toString('hex');
}

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** What OPEN-BODY-SIG signs: the credentials, the request's Timestamp and Nonce, and the exact body bytes. */
export type BodySigArgs = [
  appId: string,
  appKey: string,
  timestamp: string,
  nonce: string,
  body: string | Uint8Array,
];

export function bodySignature(...[appId, appKey, timestamp, nonce, body]: BodySigArgs): string {
  return createHmac('sha256', Buffer.from(appKey, 'utf8'))
    .update(`${appId}${timestamp}${nonce}${sha256Hex(body)}`, 'utf8')
    .digest('base64');
}

/** The Authorization header for those arguments (the key itself never appears in it). */
export function bodySigHeader(...args: BodySigArgs): string {
  const [appId, , timestamp, nonce] = args;
  const signature = bodySignature(...args);
  return `OPEN-BODY-SIG AppId="${appId}", Timestamp="${timestamp}", Nonce="${nonce}", Signature="${signature}"`;
}

export interface ParsedAuthorization {
  scheme: 'OPEN-BODY-SIG' | 'OPEN-ACCESS-TOKEN';
  params: Record<string, string>;
}

/** Parses either header form; undefined when it is neither. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const m = /^(OPEN-BODY-SIG|OPEN-ACCESS-TOKEN)\s+(.*)$/s.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const part of (m[2] ?? '').split(',')) {
    const kv = /^\s*([A-Za-z]+)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
    if (kv?.[1]) params[kv[1]] = kv[2] ?? '';
  }
  return { scheme: m[1] as ParsedAuthorization['scheme'], params };
}

export function tokenRequestSignature(
  appId: string,
  timestamp: string,
  nonce: string,
  appKey: string,
): string {
  return sha256Hex(`${appId}${timestamp}${nonce}${appKey}`);
}

/** Constant-time comparison of two strings (signatures). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
