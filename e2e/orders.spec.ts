/**
 * Orders from the keyboard: partial refunds up to the paid amount (a third one over it is refused,
 * on screen and by main), a manager-PIN void, reprint to a real file printer, receipt preview.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN, openOrder, paidSale, wedgeScan } from './ui-helpers';

test.describe('orders', () => {
  test('refund twice partially, a third refund over the paid amount is refused', async ({ app }) => {
    const { page } = app;
    await paidSale(page, '30.00');
    await openOrder(page, '30.00');
    const detail = page.getByRole('region', { name: '订单详情' });
    await expect(detail.getByTestId('refundable')).toHaveText('¥30.00');

    const refund = async (yuan: string) => {
      await detail.getByRole('button', { name: '退款', exact: true }).press('Enter');
      const form = detail.getByRole('form', { name: '退款' });
      await form.getByLabel(/退款金额/).fill(yuan);
      await form.getByLabel('店长 PIN').fill(MANAGER_PIN);
      await form.getByLabel('店长 PIN').press('Enter');
    };

    await refund('10.00');
    await expect(detail.getByTestId('refundable')).toHaveText('¥20.00', { timeout: 20_000 });
    await expect(detail).toContainText('部分退款');
    await refund('15.50');
    await expect(detail.getByTestId('refundable')).toHaveText('¥4.50', { timeout: 20_000 });

    // The third is more than what is left: the screen says so and sends nothing.
    await refund('5.00');
    await expect(detail.getByRole('alert')).toContainText('退款金额超过可退金额 ¥4.50');
    await expect(detail.getByTestId('refundable')).toHaveText('¥4.50');
    await saveScreenshot(page, 'orders-refunds');

    // Main refuses it too, whatever the screen does.
    const direct = await page.evaluate(async (pin) => {
      const list = await window.cashier.orders.list({ query: '30.00' });
      if (!list.ok || !list.data[0]) return list;
      return window.cashier.orders.refund({
        merchantOrderId: list.data[0].merchantOrderId,
        amountFen: 500,
        pin,
      });
    }, MANAGER_PIN);
    expect(direct.ok).toBe(false);
    await expect(detail.getByRole('table').first()).toContainText('¥10.00');
    await expect(detail.getByRole('table').first()).toContainText('¥15.50');
  });

  test('void needs the manager PIN; a wrong PIN is refused', async ({ app }) => {
    const { page } = app;
    await paidSale(page, '7.00');
    await openOrder(page, '7.00');
    const detail = page.getByRole('region', { name: '订单详情' });
    await detail.getByRole('button', { name: '撤销（当日）' }).press('Enter');
    const form = detail.getByRole('form', { name: '撤销（当日）' });
    await form.getByLabel('店长 PIN').fill('0000');
    await form.getByLabel('店长 PIN').press('Enter');
    await expect(detail.getByRole('alert')).toContainText('PIN');
    await form.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await form.getByLabel('店长 PIN').press('Enter');
    await expect(detail).toContainText('已撤销', { timeout: 20_000 });
    await expect(detail.getByTestId('refundable')).toHaveText('¥0.00');
    await expect(detail.getByRole('list', { name: '处理记录' })).toContainText('void');
    await saveScreenshot(page, 'orders-void');
  });

  test('reprint goes to the printer; the receipt preview shows the sale', async ({ app }) => {
    const { page, dataDir } = app;
    // A real file printer: the ESC/POS bytes land in a file.
    const device = path.join(dataDir, 'printer.bin');
    writeFileSync(device, '');
    await page.keyboard.press('F5');
    await page.getByTestId('settings-tab-devices').click();
    await page.locator('#printer-kind').selectOption('usb-file');
    await page.locator('#printer-path').fill(device);
    await page.getByTestId('printer-apply').click();
    await expect(page.getByTestId('sb-printer')).toHaveAttribute('data-state', 'connected');

    await paidSale(page, '12.34');
    const printedBySale = readFileSync(device).length;
    await openOrder(page, '12.34');
    const detail = page.getByRole('region', { name: '订单详情' });
    await detail.getByRole('button', { name: '补打小票' }).press('Enter');
    // Reported once the printer took it, not when it was merely sent.
    await expect(detail.getByText('已打印', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect.poll(() => readFileSync(device).length, { timeout: 15_000 }).toBeGreaterThan(printedBySale);

    await detail.getByRole('button', { name: '预览小票' }).press('Enter');
    const receipt = detail.getByRole('region', { name: '小票预览' });
    await expect(receipt).toContainText('12.34');
    await expect(receipt).toContainText('•••• 6789'.slice(-4));
    // Rendered inert: nothing active survives, and the printer's monospace columns are kept.
    expect(await receipt.locator('script, iframe, [onload], [onerror]').count()).toBe(0);
    const whiteSpace = await receipt
      .locator('.line')
      .first()
      .evaluate((el) => getComputedStyle(el).whiteSpace);
    expect(whiteSpace).toBe('pre');
    await saveScreenshot(page, 'orders-preview');
  });

  test('scanning a receipt QR on the orders screen opens that order', async ({ app }) => {
    const { page } = app;
    await paidSale(page, '9.90');
    await paidSale(page, '4.20');
    const id = await page.evaluate(async () => {
      const list = await window.cashier.orders.list({ query: '9.90' });
      return list.ok ? list.data[0]?.merchantOrderId : undefined;
    });
    expect(id).toBeTruthy();
    await page.keyboard.press('F2');
    await expect(page.getByRole('navigation').getByRole('button', { name: /订单/ })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await wedgeScan(page, id!);
    const detail = page.getByRole('region', { name: '订单详情' });
    await expect(detail).toContainText(id!);
    await expect(detail).toContainText('¥9.90');
    await expect(page.getByTestId('orders-search')).toHaveValue('');
  });
});
