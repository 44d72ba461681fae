/**
 * Yima (翼码) refunds: a second refund of the same original payment is not sent until a manager says
 * yes to a clear question; cancelling sends nothing; confirming sends it once, marked as confirmed.
 */
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN } from './ui-helpers';

const ORG = 'AP2026120100000042';

test.describe('yima refund', () => {
  test('a second refund of the same payment asks first; cancel sends nothing, confirm sends one', async ({
    app,
  }) => {
    const { page } = app;
    await page.keyboard.press('F2');
    await page.getByTestId('yima-open').click();
    const refund = async (yuan: string) => {
      await page.locator('#yima-posseq').fill(ORG);
      await page.locator('#yima-amount').fill(yuan);
      await page.locator('#yima-pin').fill(MANAGER_PIN);
      await page.locator('#yima-pin').press('Enter');
    };
    const refundsOfOrg = () =>
      page.evaluate(async (org) => {
        const r = await window.cashier.yima.list({});
        return r.ok ? r.data.filter((v) => v.orgPosSeq === org).map((v) => [v.amountFen, v.status]) : [];
      }, ORG);

    await refund('5.00');
    await expect.poll(refundsOfOrg, { timeout: 20_000 }).toEqual([[500, 'refunded']]);
    await expect(page.getByTestId('yima-duplicate')).toHaveCount(0);

    // The same payment again: a question, not a refund.
    await refund('3.00');
    const ask = page.getByRole('alertdialog');
    await expect(ask).toBeVisible();
    await expect(ask).toContainText('这笔支付已经退过款');
    await expect(ask).toContainText(`确认对原交易 ${ORG} 再退 ¥3.00`);
    // The safe answer has the focus.
    await expect(page.getByTestId('yima-duplicate-cancel')).toBeFocused();
    await saveScreenshot(page, 'yima-duplicate-confirm');
    await page.keyboard.press('Enter');
    await expect(ask).toHaveCount(0);
    await expect(page.locator('#yima-pin')).toHaveValue('');
    expect(await refundsOfOrg()).toEqual([[500, 'refunded']]);

    // Asked again and confirmed: exactly one more refund.
    await refund('3.00');
    await page.getByTestId('yima-duplicate-confirm').click();
    await expect(ask).toHaveCount(0);
    await expect.poll(refundsOfOrg, { timeout: 20_000 }).toHaveLength(2);
    const after = await refundsOfOrg();
    expect(after).toEqual(
      expect.arrayContaining([
        [500, 'refunded'],
        [300, 'refunded'],
      ]),
    );
    await expect(page.locator('#yima-pin')).toHaveValue('');
  });
});
