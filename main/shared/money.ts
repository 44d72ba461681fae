/**
 * Money is integer fen (分) everywhere. This module is the only place where yuan text becomes fen and
 * back, and the only place that formats an amount: no `/ 100`, `* 100` or `toFixed` on money elsewhere
 * (money.scan.test.ts enforces it). Pure and dependency-free: the renderer imports this module too.
 */
import type { Bilingual } from './errors.js';

/** Largest amount the gateway field can carry: 12 digits of fen. */
export const MAX_WIRE_FEN = 999_999_999_999;

const FEN_PER_YUAN = 100;

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** 1234 → "12.34"; -5 → "-0.05". */
export function fenToYuanText(fen: number): string {
  if (!isFen(fen)) throw new TypeError(`not an integer fen amount: ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / FEN_PER_YUAN);
  const cents = abs % FEN_PER_YUAN;
  return `${sign}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** 1234 → "¥12.34"; -5 → "-¥0.05". */
export function formatFen(fen: number): string {
  const text = fenToYuanText(fen);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** 1234 → "12.34 元" (what a voice prompt or a sentence says). */
export function fenToYuanWords(fen: number): string {
  return `${fenToYuanText(fen)} 元`;
}

/** Whole yuan → fen (an integer setting such as a limit in yuan). */
export function yuanToFen(yuan: number): number {
  if (!Number.isSafeInteger(yuan)) throw new TypeError(`not a whole number of yuan: ${String(yuan)}`);
  const fen = yuan * FEN_PER_YUAN;
  if (!Number.isSafeInteger(fen)) throw new RangeError(`too large: ${String(yuan)} yuan`);
  return fen;
}

export type ParseYuanFailure = 'empty' | 'format' | 'decimals' | 'comma';
export type ParseYuanResult = { ok: true; fen: number } | { ok: false; reason: ParseYuanFailure };

/** Full-width digits and point (from a Chinese IME) are the same characters. */
function normalize(text: string): string {
  return text
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/\uFF0E/g, '.');
}

/**
 * Yuan text → fen, never through a float: "12.3" → 1230, ".5" → 50, "5." → 500, "０.５" → 50.
 * At most two decimals. A comma is refused (reason 'comma'), never dropped: "1,5" is not 15 and not 1.5
 * to guess. Range checks (greater than 0, at most the configured maximum) belong to the caller.
 */
export function parseYuanToFen(text: string): ParseYuanResult {
  const trimmed = normalize(text);
  if (trimmed === '') return { ok: false, reason: 'empty' };
  if (/[,，]/.test(trimmed)) return { ok: false, reason: 'comma' };
  const match = /^(\d{0,13})(?:\.(\d*))?$/.exec(trimmed);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return { ok: false, reason: 'format' };
  const whole = match[1] || '0';
  const decimals = match[2] ?? '';
  if (decimals.length > 2) return { ok: false, reason: 'decimals' };
  const fen = Number(whole) * FEN_PER_YUAN + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return { ok: false, reason: 'format' };
  return { ok: true, fen };
}

/** Why a yuan text was refused, in both languages. */
export function parseYuanMessage(reason: ParseYuanFailure): Bilingual {
  switch (reason) {
    case 'empty':
      return { zh: '请输入金额', en: 'Enter an amount' };
    case 'decimals':
      return { zh: '金额最多两位小数', en: 'At most two decimals' };
    case 'comma':
      return { zh: '请用小数点「.」，不要用逗号', en: 'Use a decimal point (.), not a comma' };
    case 'format':
      return { zh: '金额格式不正确，例如 12.34', en: 'Amount must look like 12.34' };
  }
}

/**
 * What an amount field may hold while the cashier types: digits, one point, at most two decimals.
 * 'comma' so the field can say why instead of silently turning "1,5" into "15".
 */
export function yuanTypingVerdict(next: string): 'ok' | 'decimals' | 'comma' | 'bad' {
  if (/[,，]/.test(next)) return 'comma';
  if (!/^\d{0,13}(\.\d*)?$/.test(next)) return 'bad';
  const dot = next.indexOf('.');
  if (dot >= 0 && next.length - dot - 1 > 2) return 'decimals';
  return 'ok';
}
