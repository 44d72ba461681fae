/**
 * Payment codes (付款码): classification is a hint, not a gate (NOTES.md §6). POS通 routes the channel
 * itself; we label the channel on screen and reject only what is clearly not a payment code.
 * Pure and dependency-free: the renderer imports this module too.
 */
import type { Bilingual } from './errors.js';

/** The wallets a payment code can belong to: the one list (schemas.ts builds the zod enum from it). */
export const PAY_CHANNELS = ['wechat', 'alipay', 'unionpay', 'ecny', 'other'] as const;
export type PayChannel = (typeof PAY_CHANNELS)[number];

export type PayCodeCheck =
  | { ok: true; code: string; channel: PayChannel }
  | {
      ok: false;
      reason: 'empty' | 'not-digits' | 'product-barcode' | 'too-short' | 'too-long';
      message: Bilingual;
    };

/** Shortest and longest codes any known wallet issues (Alipay: 16–24). */
const MIN_LENGTH = 16;
const MAX_LENGTH = 24;

export function channelOf(code: string): PayChannel {
  const two = Number(code.slice(0, 2));
  if (code.length === 18 && two >= 10 && two <= 15) return 'wechat';
  if (code.length >= 16 && code.length <= 24 && two >= 25 && two <= 30) return 'alipay';
  if (code.length === 19 && code.startsWith('62')) return 'unionpay';
  if (code.length === 19 && code.startsWith('01')) return 'ecny';
  return 'other';
}

/**
 * Full-width digits (０-９) come from a keyboard-wedge scan typed while a Chinese IME is in full-width
 * mode; they are the same digits, so they are read as ASCII digits rather than refused.
 */
export function normalizeScan(raw: string): string {
  return raw.trim().replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
}

/** Lengths of retail product barcodes: EAN-8, UPC-A, EAN-13, ITF-14/GTIN-14. No wallet issues these. */
const PRODUCT_BARCODE_LENGTHS = new Set([8, 12, 13, 14]);

export function checkPayCode(raw: string): PayCodeCheck {
  // Scanners may add a prefix/suffix space or CR; payment codes never contain them.
  const code = normalizeScan(raw);
  if (code === '') return fail('empty', '没有读到付款码', 'No payment code was read');
  if (!/^\d+$/.test(code)) {
    return fail(
      'not-digits',
      '这不是付款码（含字母或符号）',
      'Not a payment code (it contains letters or symbols)',
    );
  }
  if (PRODUCT_BARCODE_LENGTHS.has(code.length)) {
    return fail(
      'product-barcode',
      '这是商品条码，不是付款码',
      'This is a product barcode, not a payment code',
    );
  }
  if (code.length < MIN_LENGTH) {
    return fail(
      'too-short',
      `付款码太短（${code.length} 位）`,
      `Payment code too short (${code.length} digits)`,
    );
  }
  if (code.length > MAX_LENGTH) {
    return fail(
      'too-long',
      `付款码太长（${code.length} 位）`,
      `Payment code too long (${code.length} digits)`,
    );
  }
  return { ok: true, code, channel: channelOf(code) };
}

/** "284712345678901234" → "•••• 1234". The only form of a code outside the pay request itself. */
export function maskCode(code: string): string {
  const last4 = code.slice(-4);
  return `•••• ${last4}`;
}

export function last4(code: string): string {
  return code.slice(-4);
}

function fail(reason: Exclude<PayCodeCheck, { ok: true }>['reason'], zh: string, en: string): PayCodeCheck {
  return { ok: false, reason, message: { zh, en } };
}
