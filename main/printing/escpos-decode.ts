/**
 * Reads ESC/POS bytes back: the text (GBK), QR payloads, cuts, drawer kicks. Used by the printer emulator
 * and the tests to prove what a printer would have printed. Knows exactly the commands escpos.ts writes plus
 * the real-time status request; anything else is reported in `unknown`, so an encoding slip shows up.
 */
import iconv from 'iconv-lite';

export interface DecodedSlip {
  lines: string[];
  /** Lines printed in bold or double size, as printed (for layout assertions). */
  emphasized: string[];
  qr: string[];
}

export interface Decoded {
  /** One entry per cut; text after the last cut is in the last, uncut slip. */
  slips: DecodedSlip[];
  cuts: number;
  drawerKicks: number;
  inits: number;
  chineseMode: boolean;
  unknown: string[];
  /** Everything printed, all slips, one line per printed line. */
  text: string;
}

export function decodeEscPos(input: Uint8Array): Decoded {
  const bytes = input;
  const result: Decoded = {
    slips: [],
    cuts: 0,
    drawerKicks: 0,
    inits: 0,
    chineseMode: false,
    unknown: [],
    text: '',
  };
  let slip: DecodedSlip = { lines: [], emphasized: [], qr: [] };
  let pending: number[] = [];
  let bold = false;
  let double = false;
  const flush = () => {
    const line = iconv.decode(Buffer.from(pending), 'gbk');
    slip.lines.push(line);
    if (bold || double) slip.emphasized.push(line);
    pending = [];
  };
  let i = 0;
  const at = (k: number) => bytes[i + k] ?? 0;
  while (i < bytes.length) {
    const b = at(0);
    if (b === 0x0a) {
      flush();
      i += 1;
    } else if (b === 0x1b) {
      const c = at(1);
      if (c === 0x40) {
        result.inits++;
        i += 2;
      } else if (c === 0x45) {
        bold = at(2) !== 0;
        i += 3;
      } else if (c === 0x61) {
        i += 3;
      } else if (c === 0x64) {
        for (let n = 0; n < at(2); n++) slip.lines.push('');
        i += 3;
      } else if (c === 0x70) {
        result.drawerKicks++;
        i += 5;
      } else {
        result.unknown.push(`ESC ${c.toString(16)}`);
        i += 2;
      }
    } else if (b === 0x1d) {
      const c = at(1);
      if (c === 0x21) {
        double = at(2) !== 0;
        i += 3;
      } else if (c === 0x56) {
        if (pending.length) flush();
        result.cuts++;
        result.slips.push(slip);
        slip = { lines: [], emphasized: [], qr: [] };
        i += at(2) === 0x41 || at(2) === 0x42 || at(2) === 65 || at(2) === 66 ? 4 : 3;
      } else if (c === 0x28 && at(2) === 0x6b) {
        const len = at(3) | (at(4) << 8);
        const cn = at(5);
        const fn = at(6);
        if (cn === 0x31 && fn === 0x50) {
          slip.qr.push(iconv.decode(Buffer.from(bytes.subarray(i + 8, i + 5 + len)), 'gbk'));
        }
        i += 5 + len;
      } else {
        result.unknown.push(`GS ${c.toString(16)}`);
        i += 2;
      }
    } else if (b === 0x1c) {
      const c = at(1);
      if (c === 0x26) {
        result.chineseMode = true;
        i += 2;
      } else if (c === 0x2e) {
        result.chineseMode = false;
        i += 2;
      } else if (c === 0x21) {
        i += 3;
      } else {
        result.unknown.push(`FS ${c.toString(16)}`);
        i += 2;
      }
    } else if (b === 0x10 && at(1) === 0x04) {
      i += 3; // DLE EOT n: real-time status request, answered by the printer, prints nothing
    } else if (b < 0x20) {
      result.unknown.push(`ctl ${b.toString(16)}`);
      i += 1;
    } else {
      pending.push(b);
      i += 1;
    }
  }
  if (pending.length) flush();
  if (slip.lines.length || slip.qr.length) result.slips.push(slip);
  result.text = result.slips.flatMap((s) => s.lines).join('\n');
  return result;
}
