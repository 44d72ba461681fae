/**
 * The settings screen: sections, one manager-PIN session for a run of changes, field formats checked
 * before anything is sent, write-only secret, receipt copies, unsaved edits that survive a language
 * switch, saved device choices. Selectors are element ids, test ids and roles: no copy.
 */
import { expect, saveScreenshot, test } from './fixtures';
import { elevate, MANAGER_PIN, unlockSettings } from './ui-helpers';

const settingsNow = (page: import('@playwright/test').Page) =>
  page.evaluate(async () => {
    const r = await window.cashier.settings.get({});
    return r.ok ? r.data : undefined;
  });

test.describe('settings', () => {
  test('one manager PIN opens a session of changes; formats are checked; the PIN never stays', async ({
    app,
  }) => {
    const { page } = app;
    await page.keyboard.press('F5');
    await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
    for (const id of ['shop', 'devices', 'operators', 'receipt', 'yima', 'hq', 'about']) {
      await expect(page.getByTestId(`settings-tab-${id}`)).toBeVisible();
    }
    // Raised while main started, before this window listened: still shown here.
    await expect(page.getByTestId('settings-panel-shop')).toContainText('演示账号的 PIN');

    const form = page.getByTestId('merchant-form');
    const max = page.locator('#set-maxAmount');
    await expect(max).toHaveValue('50000.00');
    await max.fill('100');
    await page.locator('#set-shopName').fill('测试小店');
    // The custom gateway URL appears only for the custom environment.
    await expect(page.locator('#set-customGatewayUrl')).toBeHidden();
    await page.locator('#set-environment').selectOption('custom');
    await expect(page.locator('#set-customGatewayUrl')).toBeVisible();
    await page.locator('#set-environment').selectOption('demo');
    await page.locator('#set-authMode').selectOption('access-token');

    // Without the session: main refuses, nothing saved.
    await max.press('Enter');
    await expect(form.getByRole('alert')).toBeVisible();
    expect(await settingsNow(page)).toMatchObject({ maxAmountFen: 5_000_000, authMode: 'body-signature' });

    // A wrong PIN: refused, the session ends, the field is empty again.
    await page.locator('#manager-pin').fill('999999');
    await page.getByTestId('manager-unlock').click();
    await max.press('Enter');
    await expect(form.getByRole('alert')).toBeVisible();
    await expect(page.getByTestId('manager-session')).toBeHidden();
    await expect(page.locator('#manager-pin')).toHaveValue('');

    // One prompt, then several changes go through without another.
    await unlockSettings(page);
    await expect(page.locator('#manager-pin')).toHaveCount(0);
    await max.press('Enter');
    await expect(form.getByRole('status')).toBeVisible();
    expect(await settingsNow(page)).toMatchObject({ maxAmountFen: 10_000, authMode: 'access-token' });

    // Formats the gateway expects, checked before sending: nothing saved.
    await page.locator('#set-merchantCode').fill('abc');
    await page.locator('#set-terminalCode').fill('');
    await max.press('Enter');
    await expect(form.getByRole('alert')).toBeVisible();
    expect(await settingsNow(page)).toMatchObject({
      merchantCode: '898310000000001',
      terminalCode: 'DEMO0001',
    });
    await page.locator('#set-merchantCode').fill('898310000000001');
    await page.locator('#set-terminalCode').fill('DEMO0001');

    // 测试连接: a harmless signed query to the gateway (here the demo simulator) proves route and key.
    await page.getByTestId('gateway-test-run').click();
    await expect(page.getByTestId('gateway-test-result')).toHaveClass(/msg-ok/, { timeout: 20_000 });
    await expect(page.getByTestId('sb-gateway')).toHaveAttribute('data-state', 'ok');

    // The AppKey is write-only: set / not set, never shown; the same session writes it.
    await page.locator('#secret-chinaumsAppKey').fill('0123456789abcdef0123456789abcdef');
    await page.locator('#secret-chinaumsAppKey').press('Enter');
    await expect(page.locator('#secret-chinaumsAppKey')).toHaveValue('');
    await saveScreenshot(page, 'settings');

    // Receipt copies: merchant copy only, saved in the same session.
    await page.getByTestId('settings-tab-receipt').click();
    await page.locator('#set-receiptCopies').selectOption('customer');
    await page.locator('#set-receiptLogoLine').fill('欢迎光临 电话 021-12345678');
    await page.locator('#set-receiptLogoLine').press('Enter');
    await expect(page.getByTestId('receipt-form').getByRole('status')).toBeVisible();
    expect(await settingsNow(page)).toMatchObject({
      receiptCopies: 'customer',
      receiptLogoLine: '欢迎光临 电话 021-12345678',
    });
    await saveScreenshot(page, 'settings-receipt');

    // 锁定 ends the session: the next change needs the PIN again.
    await page.getByTestId('manager-lock').click();
    await expect(page.getByTestId('manager-bar')).toBeVisible();

    // The new maximum applies at the counter.
    await page.keyboard.press('F1');
    await expect(page.getByTestId('amount')).toBeFocused();
    await page.keyboard.type('100.01', { delay: 90 });
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('amount-hint')).toContainText('¥100.00');
  });

  test('the manager session removes an operator: the PIN is asked once, not kept for the call', async ({
    app,
  }) => {
    const { page } = app;
    const saved = await page.evaluate(
      (managerPin) =>
        window.cashier.operators.save({ id: 'c2', name: '小张', role: 'cashier', pin: '2222', managerPin }),
      MANAGER_PIN,
    );
    expect(saved.ok).toBe(true);
    await unlockSettings(page, 'operators');
    await page.getByTestId('operator-remove-c2').click();
    await expect(page.getByTestId('operator-remove-c2')).toHaveCount(0);
    const left = await page.evaluate(() => window.cashier.operators.list({}));
    expect(left.ok && left.data.map((o) => o.id).sort()).toEqual(['cashier', 'manager']);
  });

  test('a language switch keeps unsaved edits and needs no PIN', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F5');
    await page.locator('#set-shopName').fill('还没保存的店名');
    await page.getByTestId('sb-language').click();
    await expect(page.getByTestId('settings-tab-shop')).toHaveText('Shop & merchant');
    await expect(page.locator('#set-shopName')).toHaveValue('还没保存的店名');
    expect(await settingsNow(page)).toMatchObject({ language: 'en' });
    await saveScreenshot(page, 'settings-en');
    // And back, from Settings → About, in the other language's own word.
    await page.getByTestId('settings-tab-about').click();
    await page.getByTestId('about-lang-zh').click();
    await expect(page.getByTestId('settings-tab-shop')).toHaveText('店铺与商户');
    await expect(page.locator('#set-shopName')).toHaveValue('还没保存的店名');
  });

  test('the scanner and printer forms start from the saved choices', async ({ app }) => {
    const { page } = app;
    await elevate(page);
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
    await page.getByTestId('settings-tab-devices').click();
    await expect(page.locator('#printer-kind')).toHaveValue('tcp');
    await expect(page.locator('#printer-host')).toHaveValue('127.0.0.1');
    await expect(page.locator('#printer-port')).toHaveValue('9');
    await expect(page.locator('#printer-width')).toHaveValue('58');
    await expect(page.locator('#printer-drawer')).toBeChecked();
    await expect(page.locator('#scanner-kind')).toHaveValue('wedge');

    // The printer test reports what the printer said (nothing listens on port 9), never "printed".
    await page.getByTestId('printer-test').click();
    await expect(page.getByTestId('settings-panel-devices').getByRole('alert')).toBeVisible({
      timeout: 20_000,
    });
    await saveScreenshot(page, 'settings-devices-refused');

    // Changed through the form, the saved choice follows.
    await page.locator('#printer-kind').selectOption('none');
    await page.locator('#printer-drawer').uncheck();
    await page.getByTestId('printer-apply').click();
    await expect
      .poll(async () => (await settingsNow(page))?.printer)
      .toEqual({ printer: { kind: 'none' }, paperWidth: '58', drawerKick: false });
    await saveScreenshot(page, 'settings-devices');
  });
});
