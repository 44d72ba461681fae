/** Pre-auth (担保) from the keyboard: authorize, then complete for less, then it leaves the open list. */
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN, WECHAT_OK } from './ui-helpers';

test.describe('pre-auth', () => {
  test('pre-auth, then complete', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F3');
    const start = page.getByRole('form', { name: '发起担保' });
    await start.getByLabel('金额（元）').fill('200.00');
    await start.getByLabel(/付款码/).fill(WECHAT_OK);
    await start.getByLabel(/付款码/).press('Enter');
    await expect(start.getByRole('status')).toContainText('担保中', { timeout: 20_000 });

    const open = page.getByRole('table', { name: '进行中的担保' });
    await expect(open).toContainText('¥200.00');
    const panel = page.getByRole('region', { name: '当前担保单' });
    await expect(panel).toContainText('担保中');
    await panel.getByLabel('完成金额（元）').fill('150.00');
    await panel.getByRole('button', { name: '担保完成' }).press('Enter');
    await expect(panel.getByRole('status')).toContainText('已完成', { timeout: 20_000 });
    await expect(open).not.toContainText('¥200.00');
    // The start form no longer says "担保中 ¥200.00" about a pre-auth that is completed.
    await expect(start.getByRole('status')).toBeHidden();
    await expect(start).not.toContainText('担保中');
    await page.getByLabel('显示全部').check();
    await expect(open).toContainText('已完成');
    await open.getByRole('button', { name: /¥200\.00/ }).press('Enter');
    await expect(panel.getByTestId('preauth-completed')).toHaveText('¥150.00');
    await saveScreenshot(page, 'preauth');
  });

  test('pre-auth, then void with the manager PIN', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('F3');
    const start = page.getByRole('form', { name: '发起担保' });
    await start.getByLabel('金额（元）').fill('88.00');
    await start.getByLabel(/付款码/).fill(WECHAT_OK);
    await start.getByLabel(/付款码/).press('Enter');
    const panel = page.getByRole('region', { name: '当前担保单' });
    await expect(panel).toContainText('担保中', { timeout: 20_000 });
    await panel.getByLabel('店长 PIN').fill(MANAGER_PIN);
    await panel.getByRole('button', { name: '担保撤销' }).press('Enter');
    await expect(panel.getByRole('status')).toContainText('已撤销', { timeout: 20_000 });
  });
});
