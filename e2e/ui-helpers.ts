/** Keyboard helpers shared by the UI flow specs (checkout, orders, settlement, pre-auth). */
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export const MANAGER_PIN = '123456';
/** WeChat-shaped payment codes; the simulator picks outcomes by the last 4 digits (docs/simulator.md). */
export const WECHAT_OK = '134567890123456789';
export const WECHAT_DECLINE_61 = '134567890123450061';
export const ALIPAY_OK = '284567890123451234';

/** A person typing (slower than a scanner, so the keyboard wedge passes the keys through). */
export async function typeAmount(page: Page, yuan: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.type(yuan, { delay: 90 });
}

/** Like a keyboard-wedge scanner: fast keys then Enter, with the focus wherever the screen put it. */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 10 });
  await page.keyboard.press('Enter');
}

/** The fallback when the scanner fails: the manual code field, reached by Tab. */
export async function manualCode(page: Page, code: string): Promise<void> {
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('手动输入付款码')).toBeFocused();
  await page.keyboard.type(code, { delay: 90 });
  await page.keyboard.press('Enter');
}

/** Amount + Enter on the checkout screen, up to "scan the payment code". */
export async function charge(page: Page, yuan: string): Promise<void> {
  await expect(page.getByLabel('收款金额')).toBeFocused();
  await typeAmount(page, yuan);
  await page.keyboard.press('Enter');
  await expect(page.getByText('请扫描付款码', { exact: true })).toBeVisible();
}

export function resultPanel(page: Page) {
  return page.getByRole('status', { name: '收款结果' });
}

/** A whole paid sale from the checkout screen, ending ready for the next one. */
export async function paidSale(page: Page, yuan: string, code = WECHAT_OK): Promise<void> {
  await page.keyboard.press('F1');
  await charge(page, yuan);
  await wedgeScan(page, code);
  await expect(resultPanel(page)).toContainText('收款成功', { timeout: 30_000 });
  await expect(resultPanel(page)).toContainText(`¥${yuan}`);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('收款金额')).toHaveValue('');
}

/** Open an order on the orders screen by searching for its amount. */
export async function openOrder(page: Page, yuan: string): Promise<void> {
  await page.keyboard.press('F2');
  const search = page.getByLabel('搜索订单（单号 / 后四位 / 金额）');
  await search.fill(yuan);
  const list = page.getByRole('table', { name: '订单列表' });
  const row = list.getByRole('button', { name: new RegExp(`¥${yuan.replace('.', '\\.')}`) }).first();
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: '订单详情' })).toContainText(`¥${yuan}`);
}
