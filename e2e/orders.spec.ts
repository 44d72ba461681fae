/**
 * Orders from the keyboard: partial refunds up to the paid amount (a third one over it is refused,
 * on screen and by main), a manager-PIN void, reprint to a real file printer, receipt preview.
 */

import { startPrinterEmulator } from '../main/printing/emulator';
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN, openOrder, paidSale, unlockSettings, wedgeScan } from './ui-helpers';

test.describe('orders', () => {
  test('refund twice partially, a third refund over the paid amount is refused', async ({ app }) => {
    const { page } = app;
    await paidSale(page, '30.00');
    await openOrder(page, '30.00');
    const detail = page.getByTestId('order-detail');
    await expect(detail.getByTestId('refundable')).toHaveText('¥30.00');

    const refund = async (yuan: string, reason?: string) => {
      await detail.getByTestId('order-refund').press('Enter');
      // The form opens with the amount focused.
      await expect(page.locator('#refund-amount')).toBeFocused();
      await page.locator('#refund-amount').fill(yuan);
      if (reason) await page.locator('#refund-reason').fill(reason);
      await page.locator('#refund-pin').fill(MANAGER_PIN);
      await page.locator('#refund-pin').press('Enter');
    };

    await refund('10.00', '顾客退货');
    await expect(detail.getByTestId('refundable')).toHaveText('¥20.00', { timeout: 20_000 });
    // The reason typed is kept with the refund and shown on the order.
    await expect(detail.getByTestId('refund-reason').first()).toHaveText('原因：顾客退货');
    await expect(detail.getByTestId('order-status')).toHaveAttribute('data-status', 'partially-refunded');
    await refund('15.50');
    await expect(detail.getByTestId('refundable')).toHaveText('¥4.50', { timeout: 20_000 });
    await expect(detail.getByTestId('refund-reason')).toHaveText(['原因：顾客退货', '']);
    await detail.getByTestId('refund-reason').first().scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'orders-refund-reason');

    // The third is more than what is left: the screen says so and sends nothing.
    await refund('5.00');
    await expect(detail.getByRole('alert')).toContainText('¥4.50');
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
    const detail = page.getByTestId('order-detail');
    await detail.getByTestId('order-void').press('Enter');
    await page.locator('#void-pin').fill('0000');
    await page.locator('#void-pin').press('Enter');
    await expect(detail.getByRole('alert')).toContainText('PIN');
    await page.locator('#void-pin').fill(MANAGER_PIN);
    await page.locator('#void-pin').press('Enter');
    await expect(detail.getByTestId('order-status')).toHaveAttribute('data-status', 'voided', {
      timeout: 20_000,
    });
    await expect(detail.getByTestId('refundable')).toHaveText('¥0.00');
    await expect(detail.getByTestId('timeline').locator('time[data-type="void.reply"]')).toHaveCount(1);
    await saveScreenshot(page, 'orders-void');
  });

  test('reprint goes to the printer; the receipt preview shows the sale', async ({ app }) => {
    const { page } = app;
    // A real TCP 9100 printer (the emulator) chosen on the settings screen; choosing is the manager's.
    const printer = await startPrinterEmulator();
    try {
      await unlockSettings(page, 'devices');
      await page.locator('#printer-kind').selectOption('tcp');
      await page.locator('#printer-host').fill('127.0.0.1');
      await page.locator('#printer-port').fill(String(printer.port));
      await page.getByTestId('printer-apply').click();
      await expect(page.getByTestId('sb-printer')).toHaveAttribute('data-state', 'connected');

      await paidSale(page, '12.34');
      const printedBySale = printer.jobs.length;
      await openOrder(page, '12.34');
      const detail = page.getByTestId('order-detail');
      await detail.getByTestId('order-reprint').press('Enter');
      // Reported once the printer took it, not when it was merely sent.
      await expect(detail.getByRole('status')).toBeVisible({ timeout: 15_000 });
      await expect.poll(() => printer.jobs.length, { timeout: 15_000 }).toBeGreaterThan(printedBySale);

      await detail.getByTestId('order-preview').press('Enter');
      const receipt = detail.getByTestId('receipt-preview');
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
    } finally {
      await printer.close();
    }
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
    await expect(page.getByTestId('nav-orders')).toHaveAttribute('aria-current', 'page');
    await wedgeScan(page, id!);
    const detail = page.getByTestId('order-detail');
    await expect(detail).toContainText(id!);
    await expect(detail).toContainText('¥9.90');
    await expect(page.getByTestId('orders-search')).toHaveValue('');
  });
});
