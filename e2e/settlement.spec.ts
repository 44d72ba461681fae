/**
 * Settlement: the day's figures equal the sum of the flows run at the counter (sales, a void, a
 * partial refund, a decline that counts nowhere), shown per channel, with the hourly chart.
 */
import { expect, saveScreenshot, test } from './fixtures';
import {
  ALIPAY_OK,
  charge,
  MANAGER_PIN,
  openOrder,
  paidSale,
  resultPanel,
  WECHAT_DECLINE_61,
  wedgeScan,
} from './ui-helpers';

test.describe('settlement', () => {
  test('daily settlement figures equal the sum of the flows', async ({ app }) => {
    test.setTimeout(120_000);
    const { page } = app;
    await paidSale(page, '12.34');
    await paidSale(page, '20.00', ALIPAY_OK);
    // A decline charges nothing and counts nowhere.
    await charge(page, '8.00');
    await wedgeScan(page, WECHAT_DECLINE_61);
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'declined', { timeout: 20_000 });
    await page.keyboard.press('Enter');

    // Void the ¥12.34 sale, refund ¥5.00 of the ¥20.00 one.
    await openOrder(page, '12.34');
    const detail = page.getByTestId('order-detail');
    await detail.getByTestId('order-void').press('Enter');
    await page.locator('#void-pin').fill(MANAGER_PIN);
    await page.locator('#void-pin').press('Enter');
    await expect(detail.getByTestId('order-status')).toHaveAttribute('data-status', 'voided', {
      timeout: 20_000,
    });
    await openOrder(page, '20.00');
    await detail.getByTestId('order-refund').press('Enter');
    await page.locator('#refund-amount').fill('5.00');
    await page.locator('#refund-pin').fill(MANAGER_PIN);
    await page.locator('#refund-pin').press('Enter');
    await expect(detail.getByTestId('refundable')).toHaveText('¥15.00', { timeout: 20_000 });

    await page.keyboard.press('F4');
    const totals = page.getByTestId('report-totals');
    await expect(totals.getByTestId('row-sales')).toContainText('2');
    await expect(totals.getByTestId('row-sales')).toContainText('¥32.34');
    await expect(totals.getByTestId('row-voids')).toContainText('¥12.34');
    await expect(totals.getByTestId('row-refunds')).toContainText('¥5.00');
    await expect(totals.getByTestId('row-net')).toContainText('¥15.00');
    await expect(page.getByTestId('report-net')).toHaveText('¥15.00');
    const byChannel = page.getByTestId('report-by-channel');
    await expect(byChannel.getByTestId('row-wechat')).toContainText('¥0.00'); // 12.34 − 12.34
    await expect(byChannel.getByTestId('row-alipay')).toContainText('¥15.00');
    await expect(page.getByTestId('report-unresolved')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('report-chart').locator('.recharts-bar-rectangle').first()).toBeAttached();

    // The same figures from main, summed independently from the orders list.
    const sums = await page.evaluate(async () => {
      const orders = await window.cashier.orders.list({});
      if (!orders.ok) return undefined;
      let refunded = 0;
      let sold = 0;
      for (const o of orders.data) {
        if (['paid', 'partially-refunded', 'refunded', 'voided'].includes(o.status))
          sold += o.paidFen ?? o.amountFen;
        refunded += o.refundedFen;
      }
      return { sold, refunded };
    });
    expect(sums).toEqual({ sold: 3234, refunded: 500 });
    await saveScreenshot(page, 'settlement');

    // Shift handover for the operator at the counter shows the same sales.
    await page.getByTestId('report-kind-shift').press('Enter');
    await expect(page.getByTestId('report-totals').getByTestId('row-sales')).toContainText('¥32.34');
    await saveScreenshot(page, 'settlement-shift');
    // 交班 prints the shift and signs the cashier out: the sign-in screen is back.
    await page.getByTestId('hand-over').click();
    await expect(page.getByTestId('signin')).toBeVisible({ timeout: 20_000 });
    await saveScreenshot(page, 'signin-after-handover');
  });
});
