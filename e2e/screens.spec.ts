/**
 * Every screen at the three counter viewports (1024×768, 1366×768, 1920×1080), in Chinese and in
 * English: a screenshot of each (e2e/artifacts/screens/), nothing sticking out past the right edge,
 * and each UI in its own language (no English words on the Chinese screens beyond key and device
 * names, no Chinese on the English ones beyond the switch back to 中文). Names the shop typed and
 * identifiers (data-user-text, data-raw) are data, not copy, and are left out of the language check.
 */
import type { Page } from '@playwright/test';
import { chineseIn, englishIn } from '../renderer/src/i18n/language-check';
import { expect, saveScreenshot, test } from './fixtures';
import {
  amountField,
  charge,
  expectNoHorizontalOverflow,
  openOrder,
  paidSale,
  resultPanel,
  VIEWPORTS,
  WECHAT_OK,
} from './ui-helpers';

/** The text a cashier can see: visible text nodes, without data the shop typed or identifiers. */
function visibleCopy(page: Page): Promise<string> {
  return page.evaluate(() => {
    let out = '';
    let last: Element | null = null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('[data-user-text],[data-raw],script,style,option')) continue;
      if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) continue;
      const text = node.textContent ?? '';
      if (!text.trim()) continue;
      // Pieces of one element ("F" + "1") read as one; separate elements as separate lines.
      out += (el === last ? '' : '\n') + text;
      last = el;
    }
    return out;
  });
}

async function check(page: Page, lang: 'zh' | 'en', name: string, size: string): Promise<void> {
  await saveScreenshot(page, `screens/${lang}-${size}-${name}`);
  await expectNoHorizontalOverflow(page, `${lang} ${size} ${name}`);
  const text = await visibleCopy(page);
  const wrong = lang === 'zh' ? englishIn(text) : chineseIn(text);
  expect(
    wrong,
    `${lang === 'zh' ? 'English in the Chinese' : 'Chinese in the English'} UI on ${name}`,
  ).toEqual([]);
}

async function tour(page: Page, lang: 'zh' | 'en', size: string): Promise<void> {
  await page.keyboard.press('F1');
  await expect(amountField(page)).toBeFocused();
  await check(page, lang, 'checkout-idle', size);
  await charge(page, '6.60');
  await check(page, lang, 'checkout-scan', size);
  // Routed exactly like the wedge's scan (the wedge itself is scanner-wedge.spec.ts): this tour is
  // about the screens, and must not hang on keystroke timing on a busy machine.
  await page.evaluate((code) => window.cashier.scan.submit({ code, source: 'wedge' }), WECHAT_OK);
  await expect(resultPanel(page)).toHaveAttribute('data-phase', 'paid', { timeout: 30_000 });
  await check(page, lang, 'checkout-paid', size);
  await page.keyboard.press('Enter');

  await openOrder(page, '6.60');
  await check(page, lang, 'orders', size);

  await page.keyboard.press('F3');
  await expect(page.getByTestId('preauth')).toBeVisible();
  await check(page, lang, 'preauth', size);

  await page.keyboard.press('F4');
  await expect(page.getByTestId('report-net')).toBeVisible();
  await page.getByRole('img').locator('.recharts-bar-rectangle').first().waitFor();
  await check(page, lang, 'settlement', size);

  await page.keyboard.press('F5');
  for (const section of ['shop', 'devices', 'operators', 'receipt', 'yima', 'hq', 'about']) {
    await page.getByTestId(`settings-tab-${section}`).click();
    await expect(page.getByTestId(`settings-panel-${section}`)).toBeVisible();
    await check(page, lang, `settings-${section}`, size);
  }

  await page.getByTestId('sb-operator').click();
  await expect(page.getByTestId('signin')).toBeVisible();
  await check(page, lang, 'signin', size);
  await page.getByTestId('signin-cancel').click();
}

test.describe('every screen, three viewports, two languages', () => {
  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`${size}`, async ({ app }) => {
      test.setTimeout(180_000);
      const { page } = app;
      await page.setViewportSize(viewport);
      // A sale so the lists, the detail and the chart have something in them.
      await paidSale(page, '12.34');
      await tour(page, 'zh', size);
      await page.getByTestId('sb-language').click();
      await expect(page.getByTestId('nav-checkout')).toContainText('Checkout');
      await tour(page, 'en', size);
    });
  }
});
