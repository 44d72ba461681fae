/**
 * Text for paper: sanitizing, GBK encoding and column math.
 *
 * A Chinese thermal printer in its Chinese (GBK) mode prints every single byte as a half-width cell and
 * every double-byte GBK character as a full-width cell. So the column width of a character IS its GBK byte
 * length: that is the rule used here, for the ESC/POS bytes and for the HTML preview alike.
 */
import iconv from 'iconv-lite';
import { fenToYuanText } from '../shared/money.js';

/** Characters that are common in our strings but absent from GBK, mapped to a GBK look-alike. */
const SUBSTITUTES: Record<string, string> = {
  '¥': '￥',
  '•': '*',
  '\u00a0': ' ',
  '\t': ' ',
  '✓': '√',
  '©': '(C)',
  '™': 'TM',
};

/**
 * Make a string safe and printable: no control characters (a shop name or a gateway message must never
 * smuggle an ESC/POS command onto the wire), known look-alikes substituted, anything GBK cannot carry as '?'.
 */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const sub = SUBSTITUTES[ch];
    if (sub !== undefined) {
      out += sub;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue; // C0/C1 controls and DEL
    if (code === 0x20ac) {
      out += 'EUR'; // cp936 puts € at 0x80, which many printers show as garbage
      continue;
    }
    const bytes = iconv.encode(ch, 'gbk');
    out += bytes.length === 1 && bytes[0] === 0x3f && ch !== '?' ? '?' : ch;
  }
  return out;
}

/** Encode already-printable text as GBK bytes. */
export function gbk(text: string): Buffer {
  return iconv.encode(text, 'gbk');
}

/** Columns one (printable) character takes on paper: 1 for a single GBK byte, 2 for a double-byte one. */
export function charColumns(ch: string): number {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x80) return 1;
  return iconv.encode(ch, 'gbk').length >= 2 ? 2 : 1;
}

export function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/**
 * Break text into lines of at most `width` columns. Prefers breaking at a space for Latin text; a CJK run
 * may break between any two characters. Never splits a double-width character across lines.
 */
export function wrap(text: string, width: number): string[] {
  if (width < 2) throw new RangeError('wrap width must be at least 2 columns');
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineCols = 0;
    for (const ch of paragraph) {
      const w = charColumns(ch);
      if (lineCols + w > width) {
        if (ch === ' ') {
          lines.push(line.trimEnd());
          line = '';
          lineCols = 0;
          continue;
        }
        const cut = line.lastIndexOf(' ');
        const latin = ch.charCodeAt(0) < 0x80 && /[\x21-\x7e]$/.test(line);
        if (latin && cut > 0 && line.length - cut <= 16) {
          lines.push(line.slice(0, cut).trimEnd());
          line = line.slice(cut + 1);
        } else {
          lines.push(line.trimEnd());
          line = '';
        }
        lineCols = columns(line);
      }
      line += ch;
      lineCols += w;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - columns(text))) + text;
}

export function center(text: string, width: number): string {
  const left = Math.floor(Math.max(0, width - columns(text)) / 2);
  return ' '.repeat(left) + text;
}

/** China has one offset all year (UTC+8, no daylight saving): "2025-03-01 14:05:09". */
export function chinaTime(instant: string | Date): string {
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) return String(instant);
  const shifted = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** Money on paper: "￥12.34" (full-width yuan sign: GBK has no "¥"). */
export function yuan(fen: number): string {
  const text = fenToYuanText(fen);
  return text.startsWith('-') ? `-￥${text.slice(1)}` : `￥${text}`;
}
