/**
 * Keyboard helpers shared by the UI flow specs (checkout, orders, settlement, pre-auth). Selectors are
 * test ids and roles with stable names, never copy, so the same helpers work in either language.
 */
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export const MANAGER_PIN = '123456';
export const CASHIER_PIN = '0000';
/** WeChat-shaped payment codes; the simulator picks outcomes by the last 4 digits (docs/simulator.md). */
export const WECHAT_OK = '134567890123456789';
export const WECHAT_DECLINE_61 = '134567890123450061';
export const ALIPAY_OK = '284567890123451234';

/** The three counter screens the suite checks every screen at. */
export const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** A person typing (slower than a scanner, so the keyboard wedge passes the keys through). */
export async function typeAmount(page: Page, yuan: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.type(yuan, { delay: 90 });
}

/**
 * Like a keyboard-wedge scanner: a burst of keydowns then Enter, at the element that has focus, into the
 * page's real wedge detector. The burst is dispatched in the page in one go, so a loaded test machine
 * cannot stretch it into "typing"; real OS keystroke timing is scanner-wedge.spec.ts's subject.
 */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  await page.evaluate((keys) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...keys, 'Enter']) {
      target.dispatchEvent(
        new KeyboardEvent('keydown', {
          key,
          code: key === 'Enter' ? 'Enter' : `Digit${key}`,
          bubbles: true,
          cancelable: true,
          composed: true,
        }),
      );
    }
  }, code);
}

/** The fallback when the scanner fails: the manual code field, reached by Tab. */
export async function manualCode(page: Page, code: string): Promise<void> {
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('manual-code')).toBeFocused();
  await page.keyboard.type(code, { delay: 90 });
  await page.keyboard.press('Enter');
}

export function amountField(page: Page) {
  return page.getByTestId('amount');
}

export function resultPanel(page: Page) {
  return page.getByTestId('sale-panel');
}

/** Amount + Enter on the checkout screen, up to "scan the payment code". */
export async function charge(page: Page, yuan: string): Promise<void> {
  await expect(amountField(page)).toBeFocused();
  await typeAmount(page, yuan);
  await page.keyboard.press('Enter');
  await expect(resultPanel(page)).toHaveAttribute('data-phase', 'awaiting-code');
}

/** A whole paid sale from the checkout screen, ending ready for the next one. */
export async function paidSale(page: Page, yuan: string, code = WECHAT_OK): Promise<void> {
  await page.keyboard.press('F1');
  await charge(page, yuan);
  await wedgeScan(page, code);
  await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid', { timeout: 30_000 });
  await expect(resultPanel(page)).toContainText(`¥${yuan}`);
  await page.keyboard.press('Enter');
  await expect(amountField(page)).toHaveValue('');
}

/** Open an order on the orders screen by searching for its amount. */
export async function openOrder(page: Page, yuan: string): Promise<void> {
  await page.keyboard.press('F2');
  const search = page.getByTestId('orders-search');
  await search.fill(yuan);
  const list = page.getByTestId('orders-list');
  const row = list.getByRole('button', { name: new RegExp(`¥${yuan.replace('.', '\\.')}`) }).first();
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('order-detail')).toContainText(`¥${yuan}`);
}

/** Settings: open a section and unlock with the manager PIN (one prompt for the session). */
export async function unlockSettings(page: Page, section = 'shop', pin = MANAGER_PIN): Promise<void> {
  await page.keyboard.press('F5');
  await page.getByTestId(`settings-tab-${section}`).click();
  if (await page.getByTestId('manager-session').isVisible()) return;
  await page.locator('#manager-pin').fill(pin);
  await page.getByTestId('manager-unlock').click();
  await expect(page.getByTestId('manager-session')).toBeVisible();
}

/** The page scrolls nowhere sideways, and nothing sticks out past the right edge. */
export async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width)
      out.push(`page ${document.documentElement.scrollWidth}>${width}`);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      // Inside a scrolling box the box clips it: only its own box counts.
      let clipped = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (
          (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') &&
          p.getBoundingClientRect().right <= width + 1
        ) {
          clipped = true;
          break;
        }
      }
      if (!clipped && r.right > width + 1)
        out.push(`${el.tagName.toLowerCase()}.${String(el.className)} right=${Math.round(r.right)}`);
    }
    return out.slice(0, 8);
  });
  expect(found, `horizontal overflow on ${where}`).toEqual([]);
}

/** A manager's PIN elevates the session (auth.elevate) for calls made straight through the API. */
export async function elevate(page: Page, pin = MANAGER_PIN): Promise<void> {
  const r = await page.evaluate((p) => window.cashier.auth.elevate({ pin: p }), pin);
  expect(r.ok).toBe(true);
}
