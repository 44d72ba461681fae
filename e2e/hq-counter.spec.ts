/**
 * A counter joins head office through its own screens: Settings → 总部同步 (URL, store id, the token,
 * with the manager's PIN), then a sale; the status bar says 已同步 and head office's settlement holds
 * that sale to the fen. Head office runs in the test on PGlite.
 */
import { addCounter } from '../hq/src/counters.js';
import type { Settlement } from '../hq/src/reports.js';
import { type HqService, startHqService } from '../hq/src/service.js';
import { expect, saveScreenshot, test } from './fixtures';
import { paidSale, unlockSettings } from './ui-helpers';

test.use({ signInAs: 'manager' });

let hq: HqService | undefined;
test.afterAll(async () => {
  await hq?.stop();
});

test('Settings → 总部同步, then a sale reaches head office; the status bar says so', async ({ app }) => {
  const { page } = app;
  hq = await startHqService({ rollupDelayMs: 20 });
  const info = await page.evaluate(async () => {
    const r = await window.cashier.app.info({});
    return r.ok ? r.data : undefined;
  });
  const terminal = info?.terminalCode as string;
  const token = await addCounter(hq.db, { storeId: 'SH-001', terminalId: terminal });

  await unlockSettings(page, 'hq');
  const panel = page.getByTestId('settings-panel-hq');
  // Plain http beyond this machine is refused on save, with the reason, and nothing is kept.
  await panel.locator('#hq-url').fill('http://hq.example.com:8620');
  await panel.getByRole('button', { name: '保存' }).click();
  await expect(panel.getByText(/总部地址必须使用 https/)).toBeVisible();
  await saveScreenshot(page, 'settings-hq-refused');
  const kept = await page.evaluate(async () => JSON.stringify(await window.cashier.settings.get({})));
  expect(kept).not.toContain('hq.example.com');
  await panel.locator('#hq-url').fill(hq.url);
  await panel.locator('#hq-store').fill('SH-001');
  await panel.getByRole('button', { name: '保存' }).click();
  await expect(panel.getByRole('status').first()).toBeVisible();
  await panel.locator('#secret-hqToken').fill(token);
  await panel.locator('#secret-hqToken').press('Enter');
  await expect(panel.getByText('已设置')).toBeVisible();
  await saveScreenshot(page, 'settings-hq');
  // The token never comes back to the renderer.
  const view = await page.evaluate(async () => JSON.stringify(await window.cashier.settings.get({})));
  expect(view).not.toContain(token);

  await paidSale(page, '12.34');
  await expect(page.getByText(/总部同步.*已同步/)).toBeVisible({ timeout: 20_000 });
  const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  await expect
    .poll(async () => {
      const s = (await (await fetch(`${hq?.url}/api/settlement?day=${day}`)).json()) as Settlement;
      return s.totals.totals.salesFen;
    })
    .toBe(1234);
  await saveScreenshot(page, 'checkout-synced');
});
