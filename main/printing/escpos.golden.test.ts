/**
 * Golden ESC/POS bytes for every slip type at both paper widths. The goldens are hex files in __golden__/;
 * they are rewritten only with UPDATE_PRINT_GOLDEN=1 (then review the diff and the decoded text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeEscPos } from './escpos.js';
import { decodeEscPos } from './escpos-decode.js';
import {
  sampleContext as ctx,
  preauthAuthorized,
  preauthCompleted,
  refundDetail,
  saleDetail,
  settlementReport,
  shiftReport,
  voidDetail,
  yimaRefund,
} from './fixtures.js';
import type { PaperWidth, PrintDocument } from './layout.js';
import {
  preauthSlip,
  refundSlip,
  reportSlip,
  saleSlip,
  testSlip,
  voidSlip,
  yimaRefundSlip,
} from './receipts.js';
import { columns } from './text.js';

const GOLDEN_DIR = path.join(import.meta.dirname, '__golden__');
const UPDATE = process.env.UPDATE_PRINT_GOLDEN === '1';

const refund = refundDetail.refunds[0]!;
const docs: Record<string, PrintDocument> = {
  'sale-customer': {
    title: 'sale',
    slips: [saleSlip(saleDetail, ctx, { copy: 'customer', reprint: false })],
    drawerKick: true,
  },
  'sale-merchant-reprint': {
    title: 'sale',
    slips: [saleSlip(saleDetail, ctx, { copy: 'merchant', reprint: true })],
  },
  void: { title: 'void', slips: [voidSlip(voidDetail, ctx, { copy: 'customer', reprint: false })] },
  refund: {
    title: 'refund',
    slips: [refundSlip(refundDetail, refund, ctx, { copy: 'customer', reprint: false })],
  },
  'preauth-authorized': {
    title: 'pa',
    slips: [preauthSlip(preauthAuthorized, ctx, { copy: 'customer', reprint: false })],
  },
  'preauth-completed': {
    title: 'pa',
    slips: [preauthSlip(preauthCompleted, ctx, { copy: 'merchant', reprint: false })],
  },
  'yima-refund': {
    title: 'yima',
    slips: [yimaRefundSlip(yimaRefund, ctx, { copy: 'customer', reprint: false })],
  },
  settlement: { title: 'settlement', slips: [reportSlip(settlementReport, ctx)] },
  shift: { title: 'shift', slips: [reportSlip(shiftReport, ctx)] },
  test: { title: 'test', slips: [testSlip(ctx, '80', 'TCP 127.0.0.1:9100')] },
};

function hexLines(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.match(/.{1,96}/g)?.join('\n') ?? ''}\n`;
}

describe.each<PaperWidth>(['58', '80'])('ESC/POS goldens, %s mm', (paper) => {
  const cols = paper === '58' ? 32 : 48;
  it.each(Object.keys(docs))('%s', (name) => {
    const doc = docs[name]!;
    const bytes = encodeEscPos(doc, paper);
    const file = path.join(GOLDEN_DIR, `${name}-${paper}.hex`);
    const text = decodeEscPos(bytes);
    if (UPDATE) {
      fs.writeFileSync(file, hexLines(bytes));
      fs.writeFileSync(file.replace(/\.hex$/, '.txt'), `${text.text}\n`);
    }
    expect(fs.existsSync(file), `golden missing: run with UPDATE_PRINT_GOLDEN=1 (${file})`).toBe(true);
    expect(hexLines(bytes)).toBe(fs.readFileSync(file, 'utf8'));

    // Whatever the golden says, these must hold: fits the paper, one cut, nothing the decoder cannot read.
    expect(text.unknown).toEqual([]);
    expect(text.cuts).toBe(1);
    expect(text.chineseMode).toBe(true);
    for (const line of text.slips[0]!.lines) {
      const double = text.slips[0]!.emphasized.includes(line) && columns(line) <= cols / 2;
      expect(columns(line), `line too wide: "${line}"`).toBeLessThanOrEqual(double ? cols / 2 : cols);
    }
  });
});
