/** The settings screen, driven from the keyboard: merchant fields, write-only secret, language. */
import { expect, saveScreenshot, test } from './fixtures';

test.describe('settings', () => {
  test('change the maximum amount, store a secret, switch to English', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F5');
    await expect(page.getByRole('navigation').getByRole('button', { name: /设置/ })).toHaveAttribute(
      'aria-current',
      'page',
    );
    const max = page.getByLabel('单笔最大金额（元）');
    await expect(max).toHaveValue('50000.00');
    await max.fill('100');
    await page.getByLabel('店名（打印在小票上）').fill('测试小店');
    await max.press('Enter');
    await expect(page.getByRole('form', { name: '商户与网关' }).getByText('已保存')).toBeVisible();

    // The AppKey is write-only: set / not set, never shown.
    const appKeyCard = page.locator('.card', { hasText: 'AppKey:' });
    await page.getByLabel('新的 AppKey（只写，不会显示）').fill('0123456789abcdef0123456789abcdef');
    await page.getByRole('button', { name: '写入 AppKey' }).click();
    await expect(appKeyCard.getByText('已设置', { exact: true })).toBeVisible();
    await expect(page.getByLabel('新的 AppKey（只写，不会显示）')).toHaveValue('');
    await saveScreenshot(page, 'settings');

    // The new maximum applies at the counter.
    await page.keyboard.press('F1');
    await expect(page.getByLabel('收款金额')).toBeFocused();
    await page.keyboard.type('100.01', { delay: 90 });
    await page.keyboard.press('Enter');
    await expect(page.getByText('金额不能超过 ¥100.00')).toBeVisible();

    // Language: English everywhere, remembered in settings.
    await page.keyboard.press('Alt+5');
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('button', { name: '保存', exact: true }).first().click();
    await expect(page.getByRole('navigation').getByRole('button', { name: /Settings/ })).toBeVisible();
    await expect(page.getByLabel('Largest single charge (yuan)')).toHaveValue('100.00');
    const saved = await page.evaluate(() => window.cashier.settings.get({}));
    expect(saved).toMatchObject({
      ok: true,
      data: { language: 'en', maxAmountFen: 10_000, shopName: '测试小店' },
    });
    await saveScreenshot(page, 'settings-en');
  });
});
