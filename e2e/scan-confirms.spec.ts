/**
 * A scan confirms what the cashier typed, as in 收钱吧 / 银豹 / 美团: on checkout a typed amount plus a
 * scan charges at once (no Enter); on 担保 a typed amount plus a scan starts the pre-auth. And the
 * action hotkeys: F6 reprint the last sale, F7 refund it, F9 next sale, shown on screen.
 */
import { expect, saveScreenshot, test } from './fixtures';
import { amountField, resultPanel, typeAmount, WECHAT_OK, wedgeScan } from './ui-helpers';

test.describe('a scan confirms the typed amount', () => {
  test('checkout: type ¥12.34, scan, paid — no Enter; the amount is kept across screens', async ({ app }) => {
    const { page } = app;
    await expect(amountField(page)).toBeFocused();
    await typeAmount(page, '12.34');
    // F2 → F1 keeps what was typed.
    await page.keyboard.press('F2');
    await page.keyboard.press('F1');
    await expect(amountField(page)).toHaveValue('12.34');
    await saveScreenshot(page, 'scan-confirms-typed');
    await wedgeScan(page, WECHAT_OK);
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid', { timeout: 30_000 });
    await expect(resultPanel(page)).toContainText('¥12.34');
    // The amount was spent on that sale: a second scan charges nothing.
    const again = await page.evaluate(
      (code) => window.cashier.scan.submit({ code, source: 'manual' }),
      WECHAT_OK,
    );
    expect(again).toMatchObject({ ok: true, data: { routedTo: 'dropped' } });
    const orders = await page.evaluate(() => window.cashier.orders.list({}));
    expect(orders.ok && orders.data.filter((o) => o.kind === 'sale').length).toBe(1);
    // A digit on the result starts the next sale with it.
    await page.keyboard.type('7', { delay: 90 });
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'idle');
    await expect(amountField(page)).toHaveValue('7');
  });

  test('pre-auth: type the amount, scan the code, the pre-auth starts and shows', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F3');
    await page.locator('#preauth-amount').fill('100');
    await page.locator('#preauth-amount').press('Tab');
    await wedgeScan(page, WECHAT_OK);
    const selected = page.getByTestId('preauth-selected');
    await expect(selected).toContainText('¥100.00', { timeout: 30_000 });
    await expect(selected.locator('.badge')).toHaveClass(/st-authorized/);
    // The scan never landed in the code field.
    await expect(page.locator('#preauth-code')).toHaveValue('');
    await saveScreenshot(page, 'preauth-scanned');
  });

  test('hotkeys: F6 reprints the last sale, F7 opens its refund, F9 starts the next sale', async ({
    app,
  }) => {
    const { page } = app;
    await expect(page.getByTestId('hotkeys')).toBeVisible();
    await typeAmount(page, '8.80');
    await wedgeScan(page, WECHAT_OK);
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid', { timeout: 30_000 });
    // No printer is set up: F6 says so instead of pretending it printed.
    await page.keyboard.press('F6');
    await expect(page.getByTestId('sb-notice')).not.toBeEmpty();
    await page.keyboard.press('F7');
    await expect(page.getByTestId('order-detail')).toContainText('¥8.80');
    await expect(page.locator('#refund-amount')).toBeFocused();
    await saveScreenshot(page, 'hotkey-refund-last');
    await page.keyboard.press('F9');
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'idle');
    await expect(amountField(page)).toBeFocused();
  });
});
