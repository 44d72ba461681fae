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
    await expect(resultPanel(page)).toContainText('收款失败', { timeout: 20_000 });
    await page.keyboard.press('Enter');

    // Void the ¥12.34 sale, refund ¥5.00 of the ¥20.00 one.
    await openOrder(page, '12.34');
    const detail = page.getByRole('region', { name: '订单详情' });
    await detail.getByRole('button', { name: '撤销（当日）' }).press('Enter');
    await detail.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await detail.getByLabel('店长 PIN').press('Enter');
    await expect(detail).toContainText('已撤销', { timeout: 20_000 });
    await openOrder(page, '20.00');
    await detail.getByRole('button', { name: '退款', exact: true }).press('Enter');
    await detail.getByLabel(/退款金额/).fill('5.00');
    await detail.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await detail.getByLabel('店长 PIN').press('Enter');
    await expect(detail.getByTestId('refundable')).toHaveText('¥15.00', { timeout: 20_000 });

    await page.keyboard.press('F4');
    const totals = page.getByRole('table', { name: '合计' });
    await expect(totals.getByRole('row', { name: /收款/ })).toContainText('2');
    await expect(totals.getByRole('row', { name: /收款/ })).toContainText('¥32.34');
    await expect(totals.getByRole('row', { name: /撤销/ })).toContainText('¥12.34');
    await expect(totals.getByRole('row', { name: /退款/ })).toContainText('¥5.00');
    await expect(totals.getByRole('row', { name: /净额/ })).toContainText('¥15.00');
    await expect(page.getByTestId('report-net')).toHaveText('¥15.00');
    const byChannel = page.getByRole('table', { name: '按渠道' });
    await expect(byChannel.getByRole('row', { name: /微信支付/ })).toContainText('¥0.00'); // 12.34 − 12.34
    await expect(byChannel.getByRole('row', { name: /支付宝/ })).toContainText('¥15.00');
    await expect(page.getByText('没有未确定的订单')).toBeVisible();
    await expect(
      page.getByRole('img', { name: '每小时销售额' }).locator('.recharts-bar-rectangle').first(),
    ).toBeAttached();

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
    await page.getByRole('button', { name: '交班' }).press('Enter');
    await expect(page.getByRole('table', { name: '合计' }).getByRole('row', { name: /收款/ })).toContainText(
      '¥32.34',
    );
    await saveScreenshot(page, 'settlement-shift');
  });
});
