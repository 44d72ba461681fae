/**
 * Line-settings auto-detection for display capture. Read at the wrong baud rate or parity, a display
 * stream turns into bytes no display protocol uses (framing garbage: 0x00, 0xFF, stray high bytes
 * that are not GBK pairs). `plausibility` scores a sample; the capture tries the candidates in turn
 * and keeps the first whose sample looks like a display stream.
 */

export interface LineSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** The order auto-detection tries: the common pole-display settings first. */
export const CANDIDATES: LineSettings[] = [
  { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  { baudRate: 2400, dataBits: 8, parity: 'none', stopBits: 1 },
  { baudRate: 4800, dataBits: 8, parity: 'none', stopBits: 1 },
  { baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 },
  { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 },
  { baudRate: 2400, dataBits: 7, parity: 'even', stopBits: 1 },
  { baudRate: 38400, dataBits: 8, parity: 'none', stopBits: 1 },
  { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
];

const CONTROL = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x18, 0x1b, 0x1f]);

/** 0..1: the share of bytes a display stream would contain (printables, its control codes, GBK pairs). */
export function plausibility(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let good = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i] as number;
    if (b === 0x1f && bytes[i + 1] === 0x24 && i + 3 < bytes.length) {
      good += 4; // US $ x y: the cursor position is two binary bytes
      i += 3;
    } else if ((b >= 0x20 && b < 0x7f) || CONTROL.has(b)) {
      good += 1;
    } else if (b <= 0x04 && i > 0 && bytes[i - 1] === 0x73) {
      good += 1; // ESC s n with a binary lamp number
    } else if (b >= 0x81 && b <= 0xfe) {
      const next = bytes[i + 1];
      if (next !== undefined && next >= 0x40 && next <= 0xfe && next !== 0x7f) {
        good += 2; // a GBK character
        i += 1;
      }
    }
  }
  return good / bytes.length;
}

/** Enough bytes to judge, and clean enough. */
export function looksRight(bytes: Uint8Array, minBytes = 24, threshold = 0.9): boolean {
  return bytes.length >= minBytes && plausibility(bytes) >= threshold;
}
