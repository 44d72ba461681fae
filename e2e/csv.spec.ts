/** 导出 CSV: in the UI language, with China time, from the screen (a real download in Chromium). */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { paidSale } from './ui-helpers';

test('the orders CSV speaks the UI language and China time', async ({ app }) => {
  const { page } = app;
  await paidSale(page, '12.34');
  const shown = await page.evaluate(async () => {
    const r = await window.cashier.orders.list({});
    return r.ok ? r.data[0]?.createdAt : undefined;
  });
  const china = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(shown ?? ''));
  await page.keyboard.press('F2');
  const [zhFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('orders-export').click(),
  ]);
  const zhCsv = readFileSync((await zhFile.path()) ?? '', 'utf8');
  expect(zhCsv.split('\r\n')[0]).toContain('商户订单号,银商订单号,时间');
  expect(zhCsv).toContain(china);
  expect(zhCsv).toContain('已支付');

  await page.getByTestId('sb-language').click();
  const [enFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('orders-export').click(),
  ]);
  const enCsv = readFileSync((await enFile.path()) ?? '', 'utf8');
  expect(enCsv.split('\r\n')[0]).toContain('Merchant order id,ChinaUMS order id,Time');
  expect(enCsv).toContain('paid');
  expect(enCsv).toContain(china);
});
