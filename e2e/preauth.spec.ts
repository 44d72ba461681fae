/** Pre-auth (担保) from the keyboard: authorize, then complete for less, then it leaves the open list. */
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN, WECHAT_OK } from './ui-helpers';

test.describe('pre-auth', () => {
  test('pre-auth, then complete', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F3');
    const start = page.getByTestId('preauth-start');
    await page.locator('#preauth-amount').fill('200.00');
    await page.locator('#preauth-code').fill(WECHAT_OK);
    await page.locator('#preauth-code').press('Enter');
    await expect(start.getByRole('status')).toContainText('¥200.00', { timeout: 20_000 });

    const open = page.getByTestId('preauth-open');
    await expect(open).toContainText('¥200.00');
    const panel = page.getByTestId('preauth-selected');
    await expect(panel.getByTestId('preauth-status')).toHaveAttribute('data-status', 'authorized');
    await page.locator('#preauth-complete-amount').fill('150.00');
    // Completing is the manager's: the PIN in the panel elevates the session, and does not stay.
    await page.locator('#preauth-pin').fill(MANAGER_PIN);
    await panel.getByTestId('preauth-complete').press('Enter');
    await expect(panel.getByTestId('preauth-status')).toHaveAttribute('data-status', 'completed', {
      timeout: 20_000,
    });
    await expect(page.locator('#preauth-pin')).toHaveValue('');
    await expect(open).not.toContainText('¥200.00');
    // The start form no longer speaks of a pre-auth that is completed.
    await expect(start.getByRole('status')).toBeHidden();
    await page.locator('#preauth-all').check();
    await expect(open.locator('.st-completed')).toHaveCount(1);
    await open.getByRole('button', { name: /¥200\.00/ }).press('Enter');
    await expect(panel.getByTestId('preauth-completed')).toHaveText('¥150.00');
    await saveScreenshot(page, 'preauth');
  });

  test('pre-auth, then void with the manager PIN', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F3');
    await page.locator('#preauth-amount').fill('88.00');
    await page.locator('#preauth-code').fill(WECHAT_OK);
    await page.locator('#preauth-code').press('Enter');
    const panel = page.getByTestId('preauth-selected');
    await expect(panel.getByTestId('preauth-status')).toHaveAttribute('data-status', 'authorized', {
      timeout: 20_000,
    });
    await page.locator('#preauth-pin').fill(MANAGER_PIN);
    await panel.getByTestId('preauth-void').press('Enter');
    await expect(panel.getByTestId('preauth-status')).toHaveAttribute('data-status', 'voided', {
      timeout: 20_000,
    });
    // The PIN does not stay for the next action.
    await expect(page.locator('#preauth-pin')).toHaveValue('');
  });
});
