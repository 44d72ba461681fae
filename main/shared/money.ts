/**
 * Money is integer fen (分) everywhere. These are the only places where yuan text becomes fen and back.
 * Pure and dependency-free: the renderer imports this module too.
 */

/** Largest amount the gateway field can carry: 12 digits of fen. */
export const MAX_WIRE_FEN = 999_999_999_999;

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** 1234 → "12.34"; -5 → "-0.05". */
export function fenToYuanText(fen: number): string {
  if (!isFen(fen)) throw new TypeError(`not an integer fen amount: ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** 1234 → "¥12.34". */
export function formatFen(fen: number): string {
  const text = fenToYuanText(fen);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

export type ParseYuanResult =
  | { ok: true; fen: number }
  | { ok: false; reason: 'empty' | 'format' | 'decimals' };

/**
 * "12.3" → 1230. Parses digit strings only (never through a float), at most two decimals.
 * Range checks (greater than 0, at most the configured maximum) belong to the caller.
 */
export function parseYuanToFen(text: string): ParseYuanResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'empty' };
  const match = /^(\d{1,13})(?:\.(\d*))?$/.exec(trimmed);
  if (!match) return { ok: false, reason: 'format' };
  const whole = match[1] ?? '0';
  const decimals = match[2] ?? '';
  if (decimals.length > 2) return { ok: false, reason: 'decimals' };
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return { ok: false, reason: 'format' };
  return { ok: true, fen };
}
