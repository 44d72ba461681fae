/**
 * The settings screen, driven from the keyboard: merchant fields and authorization (manager PIN),
 * write-only secret (manager PIN), language (free for the cashier), notices, saved device choices.
 */
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN } from './ui-helpers';

test.describe('settings', () => {
  test('change the maximum amount and authorization with a manager PIN, store a secret, switch to English', async ({
    app,
  }) => {
    const { page } = app;
    await page.keyboard.press('F5');
    await expect(page.getByRole('navigation').getByRole('button', { name: /设置/ })).toHaveAttribute(
      'aria-current',
      'page',
    );
    // Raised while main started, before this window listened: still shown here.
    await expect(page.getByRole('region', { name: '设置提醒' })).toContainText('演示账号的 PIN');

    const form = page.getByRole('form', { name: '商户与网关' });
    const max = page.getByLabel('单笔最大金额（元）');
    await expect(max).toHaveValue('50000.00');
    await max.fill('100');
    await page.getByLabel('店名（打印在小票上）').fill('测试小店');
    // The custom gateway URL appears only for the custom environment.
    await expect(form.getByLabel('自定义网关地址')).toBeHidden();
    await form.getByLabel('环境').selectOption('custom');
    await expect(form.getByLabel('自定义网关地址')).toBeVisible();
    await form.getByLabel('环境').selectOption('demo');
    await expect(form.getByLabel('自定义网关地址')).toBeHidden();
    await form.getByLabel('鉴权方式').selectOption('access-token');

    // A cashier cannot change money or credentials: no PIN, nothing saved.
    await max.press('Enter');
    await expect(form.getByRole('alert')).toContainText('需要店长 PIN');
    let saved = await page.evaluate(() => window.cashier.settings.get({}));
    expect(saved).toMatchObject({ ok: true, data: { maxAmountFen: 5_000_000, authMode: 'body-signature' } });

    await form.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await max.press('Enter');
    await expect(form.getByText('已保存')).toBeVisible();
    await expect(form.getByLabel('店长 PIN')).toHaveValue('');
    saved = await page.evaluate(() => window.cashier.settings.get({}));
    expect(saved).toMatchObject({ ok: true, data: { maxAmountFen: 10_000, authMode: 'access-token' } });

    // The AppKey is write-only: set / not set, never shown; writing it takes a manager PIN.
    const appKeyCard = page.getByRole('region', { name: 'AppKey' });
    await appKeyCard.getByLabel('新的 AppKey（只写，不会显示）').fill('0123456789abcdef0123456789abcdef');
    await appKeyCard.getByRole('button', { name: '写入 AppKey' }).click();
    await expect(appKeyCard.getByRole('alert')).toContainText('需要店长 PIN');
    await appKeyCard.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await appKeyCard.getByRole('button', { name: '写入 AppKey' }).click();
    await expect(appKeyCard.getByText('已保存')).toBeVisible();
    await expect(appKeyCard.getByText('已设置', { exact: true })).toBeVisible();
    await expect(appKeyCard.getByLabel('新的 AppKey（只写，不会显示）')).toHaveValue('');
    await saveScreenshot(page, 'settings');

    // The new maximum applies at the counter.
    await page.keyboard.press('F1');
    await expect(page.getByLabel('收款金额')).toBeFocused();
    await page.keyboard.type('100.01', { delay: 90 });
    await page.keyboard.press('Enter');
    await expect(page.getByText('金额不能超过 ¥100.00')).toBeVisible();

    // Language: free for the cashier (no PIN), English everywhere, remembered in settings.
    await page.keyboard.press('Alt+5');
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('button', { name: '保存', exact: true }).first().click();
    await expect(page.getByRole('navigation').getByRole('button', { name: /Settings/ })).toBeVisible();
    await expect(page.getByLabel('Largest single charge (yuan)')).toHaveValue('100.00');
    saved = await page.evaluate(() => window.cashier.settings.get({}));
    expect(saved).toMatchObject({
      ok: true,
      data: { language: 'en', maxAmountFen: 10_000, shopName: '测试小店' },
    });
    await saveScreenshot(page, 'settings-en');
  });

  test('the scanner and printer forms start from the saved choices', async ({ app }) => {
    const { page } = app;
    const configured = await page.evaluate(() =>
      window.cashier.printers.configure({
        printer: { kind: 'tcp', host: '127.0.0.1', port: 9 },
        paperWidth: '58',
        drawerKick: true,
      }),
    );
    expect(configured.ok).toBe(true);
    // A fresh window knows only what main saved.
    await page.reload();
    await page.keyboard.press('F5');
    await expect(page.getByLabel('打印机类型')).toHaveValue('tcp');
    await expect(page.getByLabel('主机')).toHaveValue('127.0.0.1');
    await expect(page.getByLabel('端口')).toHaveValue('9');
    await expect(page.getByLabel('纸宽 (mm)')).toHaveValue('58');
    await expect(page.getByLabel('打印后弹出钱箱')).toBeChecked();
    await expect(page.getByLabel('扫码枪类型')).toHaveValue('wedge');

    // Changed through the form, the saved choice follows.
    await page.getByLabel('打印机类型').selectOption('none');
    await page.getByLabel('打印后弹出钱箱').uncheck();
    await page.getByRole('button', { name: '应用打印机' }).click();
    await expect
      .poll(async () => {
        const s = await page.evaluate(() => window.cashier.settings.get({}));
        return s.ok ? s.data.printer : undefined;
      })
      .toEqual({ printer: { kind: 'none' }, paperWidth: '58', drawerKick: false });
    await saveScreenshot(page, 'settings-devices');
  });
});
