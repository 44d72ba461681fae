/**
 * The receipt as HTML: the on-screen preview and what the system (driver) printer prints. Drawn from the
 * same resolved lines as the ESC/POS bytes (layout.ts), with the same wraps, so the two cannot drift.
 *
 * Geometry: a thermal printer's 12×24-dot font at 203 dpi is 1.5 mm per column, so 48 columns fill the
 * 72 mm printable width of 80 mm paper and 32 columns the 48 mm of 58 mm paper. A monospace font at
 * 2.5 mm has 1.5 mm Latin cells; pairs are laid out with flex so CJK glyph widths cannot push them off.
 */
import QRCode from 'qrcode';
import { qrModuleDots } from './escpos.js';
import { columnsFor, type Line, type PaperWidth, type PrintDocument, resolve } from './layout.js';

const MM_PER_COLUMN = 1.5;
const LINE_MM = 3.25;
const TOP_MM = 3;
const BOTTOM_MM = 2;
const DOT_MM = 25.4 / 203;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

export function paperMm(paper: PaperWidth): number {
  return paper === '58' ? 58 : 80;
}

function qrSizeMm(data: string, paper: PaperWidth): number {
  const modules = QRCode.create(data, { errorCorrectionLevel: 'M' }).modules.size;
  return modules * qrModuleDots(paper) * DOT_MM;
}

/** The printed length of the longest slip, from the same resolved lines the page draws (CSS below). */
export function pageHeightMm(doc: PrintDocument, paper: PaperWidth): number {
  const cols = columnsFor(paper);
  let tallest = 0;
  for (const slip of doc.slips) {
    let mm = TOP_MM + BOTTOM_MM;
    for (const line of resolve(slip, cols).lines) {
      if (line.kind === 'qr') mm += qrSizeMm(line.data, paper) + 3;
      else if (line.kind === 'feed') mm += LINE_MM * line.lines;
      else mm += line.size === 2 ? LINE_MM * 2 : LINE_MM;
    }
    tallest = Math.max(tallest, mm);
  }
  return Math.ceil(tallest + 4);
}

async function qrImg(data: string, paper: PaperWidth): Promise<string> {
  const svg = await QRCode.toString(data, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
  const sizeMm = qrSizeMm(data, paper).toFixed(2);
  const src = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
  return `<div class="qr"><img alt="QR ${escapeHtml(data)}" data-qr="${escapeHtml(data)}" src="${src}" style="width:${sizeMm}mm;height:${sizeMm}mm"></div>`;
}

function lineHtml(line: Exclude<Line, { kind: 'qr' }>): string {
  if (line.kind === 'feed') return '<div class="line">&#8203;</div>'.repeat(line.lines);
  const cls = ['line', line.bold ? 'b' : '', line.size === 2 ? 'x2' : ''].filter(Boolean).join(' ');
  if (line.kind === 'pair') {
    return `<div class="${cls} pair"><span>${escapeHtml(line.left)}</span><span>${escapeHtml(line.right)}</span></div>`;
  }
  const align = line.align === 'left' ? '' : ` ${line.align}`;
  return `<div class="${cls}${align}">${escapeHtml(line.text) || '&#8203;'}</div>`;
}

/** A complete, self-contained HTML document (no external resources: works from a data: URL). */
export async function renderHtml(doc: PrintDocument, paper: PaperWidth): Promise<string> {
  const cols = columnsFor(paper);
  const widthMm = paperMm(paper);
  const printableMm = cols * MM_PER_COLUMN;
  const sideMm = (widthMm - printableMm) / 2;
  const slips: string[] = [];
  for (const slip of doc.slips) {
    const parts: string[] = [];
    for (const line of resolve(slip, cols).lines) {
      parts.push(line.kind === 'qr' ? await qrImg(line.data, paper) : lineHtml(line));
    }
    slips.push(`<section class="slip">${parts.join('\n')}</section>`);
  }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(doc.title)}</title>
<style>
@page { size: ${widthMm}mm auto; margin: 0; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body { width: ${widthMm}mm; }
.slip { box-sizing: border-box; width: ${widthMm}mm; padding: 3mm ${sideMm}mm 2mm;
  font-family: "NSimSun", "SimSun", "Noto Sans Mono CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei Mono", "DejaVu Sans Mono", monospace;
  font-size: 2.5mm; line-height: 3.25mm; }
.line { white-space: pre; overflow: hidden; min-height: 3.25mm; }
.pair { display: flex; justify-content: space-between; gap: 1.5mm; }
.center { text-align: center; }
.right { text-align: right; }
.b { font-weight: bold; }
.x2 { font-size: 5mm; line-height: 6.5mm; min-height: 6.5mm; }
.qr { text-align: center; padding: 1.5mm 0; }
.qr img { image-rendering: pixelated; }
@media screen { .slip + .slip { border-top: 1px dashed #888; margin-top: 2mm; } }
@media print { .slip { break-after: page; } .slip:last-child { break-after: auto; } }
</style></head>
<body data-columns="${cols}" data-paper="${paper}">
${slips.join('\n')}
</body></html>`;
}
