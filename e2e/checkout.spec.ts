/**
 * Checkout flows from the keyboard, against the embedded simulator (demo mode). The simulator picks
 * outcomes by amount and code (docs/simulator.md): a code ending 0061 declines with 61; an amount
 * ending 99 fen waits for the customer's password, then pays; an amount ending 97 stays unknown
 * until the engine voids it.
 */
import { startPrinterEmulator } from '../main/printing/emulator';
import { expect, saveScreenshot, test } from './fixtures';
import {
  amountField,
  charge,
  elevate,
  MANAGER_PIN,
  manualCode,
  resultPanel,
  typeAmount,
  WECHAT_DECLINE_61,
  WECHAT_OK,
  wedgeScan,
} from './ui-helpers';

test.describe('checkout', () => {
  test('amount rules: decimals, zero, maximum, with a clear message', async ({ app }) => {
    const { page } = app;
    const amount = amountField(page);
    await expect(amount).toBeFocused();
    await typeAmount(page, '12.345');
    await expect(amount).toHaveValue('12.34');
    await expect(page.getByTestId('amount-hint')).toHaveAttribute('role', 'alert');
    await typeAmount(page, '0');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('amount-hint')).toHaveAttribute('role', 'alert');
    await saveScreenshot(page, 'checkout-amount-rule');
    await typeAmount(page, '99999999');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('amount-hint')).toContainText('¥50000.00');
    await page.keyboard.press('Escape');
    await expect(amount).toHaveValue('');
    // The on-screen keypad types into the same amount.
    await page.getByTestId('pad-7').click();
    await page.getByTestId('pad-point').click();
    await page.getByTestId('pad-5').click();
    await expect(amount).toHaveValue('7.5');
    await page.getByTestId('pad-back').click();
    await expect(amount).toHaveValue('7.');
    await saveScreenshot(page, 'checkout-idle');
  });

  test('sale paid: amount, wedge scan, large result, next sale with Enter', async ({ app }) => {
    const { page } = app;
    await charge(page, '12.34');
    await saveScreenshot(page, 'checkout-scan');
    await wedgeScan(page, WECHAT_OK);
    const result = resultPanel(page);
    await expect(result).toHaveAttribute('data-phase', 'paid', { timeout: 20_000 });
    await expect(result).toContainText('¥12.34');
    await expect(result).toContainText('•••• 6789');
    await saveScreenshot(page, 'checkout-paid');
    await page.keyboard.press('Enter');
    await expect(amountField(page)).toBeFocused();
    await expect(amountField(page)).toHaveValue('');
  });

  test('declined: the reason is shown, nothing charged', async ({ app }) => {
    const { page } = app;
    await charge(page, '8.00');
    await manualCode(page, WECHAT_DECLINE_61);
    const result = resultPanel(page);
    await expect(result).toHaveAttribute('data-phase', 'declined', { timeout: 20_000 });
    await expect(result).toContainText('61');
    await saveScreenshot(page, 'checkout-declined');
    await page.keyboard.press('Enter');
    await expect(amountField(page)).toBeFocused();
  });

  test('Esc backs out of a sale waiting for its code', async ({ app }) => {
    const { page } = app;
    await charge(page, '3.00');
    await page.keyboard.press('Escape');
    await expect(amountField(page)).toBeFocused();
    await expect(resultPanel(page)).toHaveAttribute('data-phase', 'idle');
  });

  test('password wait, then paid', async ({ app }) => {
    const { page } = app;
    await charge(page, '20.99');
    await manualCode(page, WECHAT_OK);
    const result = resultPanel(page);
    // The password prompt and a countdown stay up for the whole wait, queries or not.
    const wait = page.getByTestId('password-wait');
    await expect(wait).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('countdown')).toHaveText(/\d+/);
    await saveScreenshot(page, 'checkout-password-wait');
    await expect(result).toHaveAttribute('data-phase', 'paid', { timeout: 40_000 });
    await expect(result).toContainText('¥20.99');
  });

  test('unknown, then voided: nothing charged', async ({ app }) => {
    test.setTimeout(120_000);
    const { page } = app;
    const set = await page.evaluate(
      (managerPin) => window.cashier.settings.update({ queryDeadlineSeconds: 10, managerPin }),
      MANAGER_PIN,
    );
    expect(set.ok).toBe(true);
    await charge(page, '5.97');
    await manualCode(page, WECHAT_OK);
    const result = resultPanel(page);
    // The pay is never answered: the screen shows it in flight until the engine voids it.
    await expect(result).toHaveAttribute('data-phase', 'in-flight', { timeout: 20_000 });
    await saveScreenshot(page, 'checkout-in-flight');
    await expect(result).toHaveAttribute('data-phase', 'voided', { timeout: 60_000 });
    // Said once, and the same amount can be charged again in one key.
    await expect(result.locator('.result-reason')).toHaveCount(1);
    await expect(page.getByTestId('retry-sale')).toContainText('¥5.97');
    await saveScreenshot(page, 'checkout-voided');
    await page.keyboard.press('Enter');
    await expect(amountField(page)).toBeFocused();
  });

  test('void unanswered too: needs attention, Enter does not clear it, park and sell on', async ({ app }) => {
    test.setTimeout(180_000);
    const { page } = app;
    const set = await page.evaluate(
      (managerPin) => window.cashier.settings.update({ queryDeadlineSeconds: 10, managerPin }),
      MANAGER_PIN,
    );
    expect(set.ok).toBe(true);
    await charge(page, '4.96');
    await wedgeScan(page, WECHAT_OK);
    const result = resultPanel(page);
    await expect(result).toHaveAttribute('data-phase', 'needs-attention', { timeout: 150_000 });
    // The order number to quote to ChinaUMS is on screen.
    await expect(page.getByTestId('attention-order-id')).toHaveText(/\S{10,}/);
    await saveScreenshot(page, 'checkout-needs-attention');
    // Enter must not wipe an unresolved result away.
    await page.keyboard.press('Enter');
    await expect(result).toHaveAttribute('data-phase', 'needs-attention');
    await page.getByTestId('park').press('Enter');
    await expect(amountField(page)).toBeFocused();
    await expect(page.getByTestId('sb-unresolved')).not.toContainText(': 0');
    // The parked order keeps being worked in the background; the counter can sell again.
    await charge(page, '1.00');
    await page.keyboard.press('Escape');
    await expect(amountField(page)).toBeFocused();
  });

  test('a receipt that did not print is shown with Reprint; the sale stays paid', async ({ app }) => {
    test.setTimeout(150_000);
    const { page } = app;
    const printer = await startPrinterEmulator();
    try {
      printer.paperOut = true;
      await elevate(page);
      const configured = await page.evaluate(
        (port) =>
          window.cashier.printers.configure({
            printer: { kind: 'tcp', host: '127.0.0.1', port },
            paperWidth: '80',
          }),
        printer.port,
      );
      expect(configured.ok).toBe(true);
      const alert = page.getByTestId('print-alert');
      await expect(alert).toBeHidden();

      await charge(page, '3.00');
      await wedgeScan(page, WECHAT_OK);
      await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid', { timeout: 30_000 });
      await expect(alert).toBeVisible({ timeout: 20_000 });
      // The printer's own reason, in words (no paper).
      await expect(alert).toContainText('缺纸');
      await expect(alert.getByTestId('print-reprint')).toBeEnabled();
      // The sale itself is untouched by the printer.
      await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid');
      await expect(resultPanel(page)).toContainText('¥3.00');
      await saveScreenshot(page, 'checkout-print-failed');

      // The queue gives up after its retries: from now on only Reprint prints it.
      await expect
        .poll(
          async () => {
            const jobs = await page.evaluate(() => window.cashier.printers.jobs({}));
            return jobs.ok && jobs.data.length > 0 && jobs.data.every((j) => j.state === 'failed');
          },
          { timeout: 90_000, intervals: [2000] },
        )
        .toBe(true);
      // A window that opens later (a restart of the screen) still shows it, from printers.jobs.
      await page.reload();
      await expect(alert).toBeVisible({ timeout: 20_000 });
      // What reached the printer so far: status requests only (it said it had no paper).
      const printed = () => printer.jobs.map((_, i) => printer.decoded(i).text).join('\n');
      expect(printed()).not.toContain('3.00');

      printer.paperOut = false;
      await alert.getByTestId('print-reprint').click();
      await expect(alert).toBeHidden({ timeout: 30_000 });
      await expect.poll(printed, { timeout: 10_000 }).toContain('3.00');
    } finally {
      await printer.close();
    }
  });
});
