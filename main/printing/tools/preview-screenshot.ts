/**
 * Renders the receipt preview HTML in Chromium and saves screenshots, to check by eye that the preview
 * looks like a real receipt: `npx tsx main/printing/tools/preview-screenshot.ts`
 * → e2e/artifacts/receipt-preview-80.png and receipt-preview-58.png (sale customer copy, plus a refund
 * and the settlement beside it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { refundDetail, saleDetail, sampleContext, settlementReport } from '../fixtures.js';
import { renderHtml } from '../html.js';
import type { PaperWidth } from '../layout.js';
import { refundSlip, reportSlip, saleSlip } from '../receipts.js';

const outDir = path.resolve('e2e/artifacts');
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const paper of ['80', '58'] as PaperWidth[]) {
    const widthPx = Math.ceil((Number(paper) * 96) / 25.4);
    const page = await browser.newPage({ deviceScaleFactor: 2, viewport: { width: widthPx, height: 600 } });
    const html = await renderHtml(
      {
        title: 'preview',
        slips: [
          saleSlip(saleDetail, sampleContext, { copy: 'customer', reprint: true }),
          refundSlip(refundDetail, refundDetail.refunds[0]!, sampleContext, {
            copy: 'merchant',
            reprint: false,
          }),
          reportSlip(settlementReport, sampleContext),
        ],
      },
      paper,
    );
    await page.setContent(html);
    const file = path.join(outDir, `receipt-preview-${paper}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
    await page.close();
  }
} finally {
  await browser.close();
}
