/**
 * The keyboard wedge in the real app (renderer/src/main.tsx mounts installWedge at start-up), driven
 * by Playwright's keyboard in Chromium: a scanner types ≈10 ms a key and ends with Enter; a person
 * types ≈150 ms a key. The scanner's characters must never reach the focused input and must arrive in
 * main as one scan (seen here as the masked 'scan.received' event); the person's must all reach the
 * input and never become a scan.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const CODE = '134567890123456789';

/** Record every scan.received event, and put a plain text input in the page to type into. */
async function prepare(page: Page): Promise<Page> {
  await page.waitForFunction(() => typeof window.cashier?.on === 'function');
  await page.evaluate(() => {
    const w = window as unknown as { __scans: unknown[] };
    w.__scans = [];
    window.cashier.on('scan.received', (payload) => w.__scans.push(payload));
    const input = document.createElement('input');
    input.id = 'wedge-probe';
    input.setAttribute('aria-label', 'wedge probe');
    input.style.position = 'fixed';
    input.style.top = '0';
    input.style.left = '0';
    input.style.zIndex = '99999';
    document.body.append(input);
  });
  return page;
}

const scans = (page: Page) =>
  page.evaluate(() => (window as unknown as { __scans: Array<Record<string, unknown>> }).__scans);

/** Types `code` as a scanner does (≈10 ms a key, then Enter); waits for the one scan.received and returns it. */
async function scanIn(page: Page, code: string): Promise<Record<string, unknown> | undefined> {
  await page.keyboard.type(code, { delay: 10 });
  await page.keyboard.press('Enter');
  await expect.poll(() => scans(page)).toHaveLength(1);
  return (await scans(page))[0];
}

/** Types as a person does: ≈150 ms a key. */
const typeByHand = (page: Page, text: string) => page.keyboard.type(text, { delay: 150 });

const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test.describe('keyboard wedge', () => {
  // Real OS keystroke timing is this spec's subject; on a loaded machine Playwright's 10 ms keys can
  // arrive 80 ms apart (typing, not a scan). A retry tells a slow machine from a broken detector.
  test.describe.configure({ retries: 2 });

  test('scanner-speed typing (≈10 ms a key) + Enter is one scan; nothing leaks into the focused input', async ({
    app,
  }) => {
    const page = await prepare(app.page);
    const probe = page.getByLabel('wedge probe');
    await probe.focus();
    const received = await scanIn(page, CODE);
    expect(received).toMatchObject({ source: 'wedge', codeMasked: '•••• 6789' });
    expect(JSON.stringify(received)).not.toContain(CODE);
    await expect(probe).toHaveValue('');
  });

  test('human-speed typing (≈150 ms a key) reaches the input in full and is never a scan', async ({
    app,
  }) => {
    const page = await prepare(app.page);
    const probe = page.getByLabel('wedge probe');
    await probe.focus();
    const typed = '1345678901';
    await typeByHand(page, typed);
    await page.keyboard.press('Enter');
    await expect(probe).toHaveValue(typed);
    // Give a would-be scan every chance to arrive before concluding none did.
    await page.waitForTimeout(300);
    expect(await scans(page)).toEqual([]);
  });

  test("the app's own React-controlled amount field: typing works through the wedge, a scan does not leak", async ({
    app,
  }) => {
    const page = await prepare(app.page);
    const amount = page.locator('#amount-input');
    await amount.focus();
    await typeByHand(page, '12.5');
    await expect(amount).toHaveValue('12.5');
    // The scan confirms the typed amount (it charges ¥12.50): not one of its digits reaches the field.
    expect(await scanIn(page, CODE)).toMatchObject({ routedTo: 'sale' });
    await expect(amount).toHaveValue('12.50');
  });

  test('a scan with no input focused is still recognised (the wedge listens whatever has focus)', async ({
    app,
  }) => {
    const page = await prepare(app.page);
    await blur(page);
    expect(await scanIn(page, '2845678901234567')).toMatchObject({
      source: 'wedge',
      codeMasked: '•••• 4567',
    });
  });

  test('with a sale waiting, a wedge scan pays it through main (engine → embedded simulator)', async ({
    app,
  }) => {
    const page = await prepare(app.page);
    const phases = await page.evaluate(async () => {
      const w = window as unknown as { __phases: string[] };
      w.__phases = [];
      window.cashier.on('sale.state', (s) => w.__phases.push(s.phase));
      const begun = await window.cashier.sale.begin({ amountFen: 1234 });
      return begun.ok ? begun.data.phase : JSON.stringify(begun.error);
    });
    expect(phases).toBe('awaiting-code');
    await blur(page);
    expect(await scanIn(page, CODE)).toMatchObject({
      routedTo: 'sale',
      channel: 'wechat',
      codeMasked: '•••• 6789',
    });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __phases: string[] }).__phases))
      .toContain('paid');
  });
});
