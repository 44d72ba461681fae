/**
 * The one layout model. Slips are built as blocks (receipts.ts); `resolve` lays them out for a paper width
 * into lines with every wrap already decided. The ESC/POS encoder and the HTML preview both draw those
 * same resolved lines, so what is on screen is what comes out of the printer.
 */
import { center, columns, padStart, printable, wrap } from './text.js';

export type Align = 'left' | 'center' | 'right';

export type Block =
  /** A paragraph, wrapped to the width. Size 2 is double width and height (half the columns). */
  | { t: 'text'; text: string; align?: Align; bold?: boolean; size?: 1 | 2 }
  /** A label on the left, a value on the right; if both do not fit on one line, the value goes below. */
  | { t: 'pair'; left: string; right: string; bold?: boolean; size?: 1 | 2 }
  | { t: 'rule'; char?: '-' | '=' }
  | { t: 'qr'; data: string }
  | { t: 'feed'; lines?: number };

/** One copy of a slip (customer copy, merchant copy): printed, then cut. */
export interface Slip {
  blocks: Block[];
}

/** What the queue prints: one or more slips, each ending in a cut. */
export interface PrintDocument {
  title: string;
  slips: Slip[];
  /** Open the cash drawer before printing (a new sale, never a reprint). */
  drawerKick?: boolean;
}

export type PaperWidth = '58' | '80';

/** Columns of the standard 12×24 font: 32 on 58 mm paper (48 mm printable), 48 on 80 mm (72 mm). */
export function columnsFor(paper: PaperWidth): 32 | 48 {
  return paper === '58' ? 32 : 48;
}

export type Line =
  | { kind: 'text'; text: string; align: Align; bold: boolean; size: 1 | 2 }
  | { kind: 'pair'; left: string; right: string; bold: boolean; size: 1 | 2 }
  | { kind: 'qr'; data: string }
  | { kind: 'feed'; lines: number };

export interface ResolvedSlip {
  columns: number;
  lines: Line[];
}

/**
 * Lay blocks out at `cols` columns. Text lines come back unpadded with their alignment: the encoders pad
 * (ESC/POS) or align (HTML), with the same column math.
 */
export function resolve(slip: Slip, cols: number): ResolvedSlip {
  const lines: Line[] = [];
  for (const block of slip.blocks) {
    switch (block.t) {
      case 'text': {
        const size = block.size ?? 1;
        const width = Math.floor(cols / size);
        for (const text of wrap(printable(block.text), width)) {
          lines.push({ kind: 'text', text, align: block.align ?? 'left', bold: block.bold ?? false, size });
        }
        break;
      }
      case 'pair': {
        const size = block.size ?? 1;
        const width = Math.floor(cols / size);
        const bold = block.bold ?? false;
        const left = printable(block.left);
        const right = printable(block.right);
        if (columns(left) + 1 + columns(right) <= width) {
          lines.push({ kind: 'pair', left, right, bold, size });
        } else {
          for (const text of wrap(left, width)) lines.push({ kind: 'text', text, align: 'left', bold, size });
          for (const text of wrap(right, width))
            lines.push({ kind: 'text', text, align: 'right', bold, size });
        }
        break;
      }
      case 'rule':
        lines.push({
          kind: 'text',
          text: (block.char ?? '-').repeat(cols),
          align: 'left',
          bold: false,
          size: 1,
        });
        break;
      case 'qr':
        lines.push({ kind: 'qr', data: printable(block.data) });
        break;
      case 'feed':
        lines.push({ kind: 'feed', lines: block.lines ?? 1 });
        break;
    }
  }
  return { columns: cols, lines };
}

/** A text or pair line as the exact characters on paper (padded with spaces to its alignment). */
export function lineText(line: Extract<Line, { kind: 'text' | 'pair' }>, cols: number): string {
  const width = Math.floor(cols / line.size);
  if (line.kind === 'pair') {
    return line.left + padStart(line.right, width - columns(line.left));
  }
  if (line.align === 'center') return center(line.text, width);
  if (line.align === 'right') return padStart(line.text, width);
  return line.text;
}
