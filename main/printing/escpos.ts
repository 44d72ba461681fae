/**
 * ESC/POS bytes for a laid-out document, Chinese in GBK.
 *
 * Why not @point-of-sale/receipt-printer-encoder (installed): it encodes text through single-byte code
 * pages only (cp936/GBK was removed from it, see its issues #3 and #20) and measures columns with
 * String.length, so a CJK character counts as one column and every Chinese line overflows. The command
 * set we need is small, so this module writes it directly and the layout (layout.ts) does the column math.
 */
import { columnsFor, type Line, lineText, type PaperWidth, type PrintDocument, resolve } from './layout.js';
import { gbk } from './text.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export const CMD = {
  /** ESC @: reset the printer to its defaults. */
  init: [ESC, 0x40],
  /** FS &: Chinese (Kanji) character mode, so GBK double bytes print as one character. */
  chineseOn: [FS, 0x26],
  /** ESC p 0 25 250: pulse the cash drawer on pin 2 (50 ms on, 500 ms off). */
  drawerKick: [ESC, 0x70, 0x00, 0x19, 0xfa],
  /** GS V 66 3: feed to the cutter (+3 dots) and cut (partial cut where the printer has one). */
  cut: [GS, 0x56, 0x42, 0x03],
  bold: (on: boolean) => [ESC, 0x45, on ? 1 : 0],
  /** GS ! (ASCII) and FS ! (Chinese) character size: double width and height, or normal. */
  size: (double: boolean) => [GS, 0x21, double ? 0x11 : 0x00, FS, 0x21, double ? 0x0c : 0x00],
  align: (a: 'left' | 'center' | 'right') => [ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2],
  /** ESC d n: print and feed n lines. */
  feed: (n: number) => [ESC, 0x64, Math.max(0, Math.min(255, n))],
};

/** QR model 2 via GS ( k: model, module size, error correction M, store, print. */
export function qrBytes(data: string, moduleDots: number): number[] {
  const payload = [...gbk(data)];
  const storeLen = payload.length + 3;
  return [
    ...[GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00], // fn 65: model 2
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleDots], // fn 67: module size in dots
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31], // fn 69: error correction M
    ...[GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30, ...payload], // fn 80: store
    ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30], // fn 81: print
  ];
}

/** Dots per QR module: 6 on 58 mm, 8 on 80 mm (203 dpi: 0.75 mm and 1 mm). The HTML preview uses the same. */
export function qrModuleDots(paper: PaperWidth): number {
  return paper === '58' ? 6 : 8;
}

export function encodeEscPos(doc: PrintDocument, paper: PaperWidth): Uint8Array {
  const cols = columnsFor(paper);
  const out: number[] = [...CMD.init, ...CMD.chineseOn];
  if (doc.drawerKick) out.push(...CMD.drawerKick);
  for (const slip of doc.slips) {
    const { lines } = resolve(slip, cols);
    let bold = false;
    let double = false;
    for (const line of lines) {
      out.push(...encodeLine(line));
    }
    function encodeLine(line: Line): number[] {
      const bytes: number[] = [];
      if (line.kind === 'qr') {
        bytes.push(
          ...CMD.align('center'),
          ...qrBytes(line.data, qrModuleDots(paper)),
          ...CMD.align('left'),
          LF,
        );
        return bytes;
      }
      if (line.kind === 'feed') {
        bytes.push(...CMD.feed(line.lines));
        return bytes;
      }
      if (line.bold !== bold) {
        bold = line.bold;
        bytes.push(...CMD.bold(bold));
      }
      if ((line.size === 2) !== double) {
        double = line.size === 2;
        bytes.push(...CMD.size(double));
      }
      bytes.push(...gbk(lineText(line, cols).trimEnd()), LF);
      return bytes;
    }
    if (bold) out.push(...CMD.bold(false));
    if (double) out.push(...CMD.size(false));
    out.push(...CMD.cut);
  }
  return Uint8Array.from(out);
}
