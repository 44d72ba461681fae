/**
 * The ECR link on the real checkout screen: a host POS's payment arrives over the local API and waits
 * for the scan with the host's reference shown; a total captured from the customer display (over a
 * real socat pty) is offered as a proposal the cashier takes with Enter, then the scan pays it.
 */
import type { Page } from '@playwright/test';
import { STREAMS, splitWrites } from '../main/ecr/display/fixtures';
import type { EcrStatus } from '../main/ipc/channels/ecr';
import { createPtyPair, type PtyPair } from '../main/scanners/testing/pty';
import { expect, saveScreenshot, test } from './fixtures';
import { MANAGER_PIN, resultPanel, WECHAT_OK } from './ui-helpers';

/**
 * The scanner's code, handed to main as the wedge does (scan.submit): the keyboard-timing side of the
 * wedge has its own spec, and on a loaded machine its timing must not decide this one.
 */
async function scan(page: Page, code: string): Promise<void> {
  await page.evaluate(async (c) => {
    const r = await window.cashier.scan.submit({ code: c, source: 'wedge' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }, code);
}

const TOKEN = 'e2e-ecr-token-abcdef';
test.use({ appEnv: { CASHIER_ECR_TOKEN: TOKEN, CASHIER_ECR_PORT: '0' } });

let pty: PtyPair | undefined;
test.afterEach(async () => {
  await pty?.close();
  pty = undefined;
});

async function configure(page: Page, ecr: Record<string, unknown>): Promise<EcrStatus> {
  await page.waitForFunction(() => typeof window.cashier?.ecr?.configure === 'function');
  return page.evaluate(
    async ({ ecr, pin }) => {
      // The app starts signed out: the demo manager signs in (the sign-in screen is the UI's).
      const state = await window.cashier.auth.state({});
      if (state.ok && !state.data.signedIn) await window.cashier.auth.signIn({ operatorId: 'manager', pin });
      const r = await window.cashier.ecr.configure({ ecr, managerPin: pin } as never);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.data;
    },
    { ecr, pin: MANAGER_PIN },
  );
}

async function host(url: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('a host POS payment brings the window to checkout with its reference, the scan pays it, the host sees paid', async ({
  app,
}) => {
  const { page } = app;
  const status = await configure(page, { enabled: true });
  const url = status.api.where as string;
  expect(status.api.state).toBe('on');
  // The cashier is looking at another screen when the host's payment comes.
  await page.getByTestId('nav-orders').click();
  await expect(page.locator('main.screen')).toHaveAttribute('data-screen', 'orders');
  const posted = await host(url, 'POST', '/v1/payments', {
    ecrId: 'E2E-1',
    amountFen: 4250,
    orderRef: '小票 0815',
  });
  expect(posted.status).toBe(202);
  await expect(page.locator('main.screen')).toHaveAttribute('data-screen', 'checkout');
  await expect(page.getByText('请扫描付款码', { exact: true })).toBeVisible();
  await expect(page.getByText('收银机发起: 小票 0815')).toBeVisible();
  await expect(page.getByLabel('收款金额')).toHaveValue('42.50');
  await saveScreenshot(page, 'ecr-host-payment');
  await scan(page, WECHAT_OK);
  await expect(resultPanel(page)).toContainText('收款成功', { timeout: 30_000 });
  await expect
    .poll(async () => (await host(url, 'GET', '/v1/payments/E2E-1')).body.state, { timeout: 15_000 })
    .toBe('paid');
});

test('a total captured from the customer display is a proposal: Enter takes it, the scan pays it', async ({
  app,
}) => {
  const { page } = app;
  pty = await createPtyPair();
  await configure(page, { display: { enabled: true, path: pty.app, quietMs: 200 } });
  await expect
    .poll(async () =>
      page.evaluate(async () => {
        const r = await window.cashier.ecr.status({});
        return r.ok ? r.data.display.state : 'error';
      }),
    )
    .toBe('on');
  const stream = STREAMS.find((s) => s.protocol === 'cd5220');
  if (!stream) throw new Error('no CD5220 stream');
  for (const chunk of splitWrites(stream.sale)) pty.write(chunk);
  const proposal = page.getByRole('alert', { name: '客显金额' });
  await expect(proposal).toContainText('¥17.50');
  await expect(proposal).toContainText('合计');
  await saveScreenshot(page, 'ecr-display-proposal');
  await page.keyboard.press('Enter');
  await expect(page.getByText('请扫描付款码', { exact: true })).toBeVisible();
  await expect(page.getByLabel('收款金额')).toHaveValue('17.50');
  await scan(page, WECHAT_OK);
  await expect(resultPanel(page)).toContainText('收款成功', { timeout: 30_000 });
  await expect(resultPanel(page)).toContainText('¥17.50');
});

test('a host refund waits on checkout for a manager: PIN + 批准 → refunded at the bank, the host sees it', async ({
  app,
}) => {
  const { page } = app;
  const status = await configure(page, { enabled: true });
  const url = status.api.where as string;
  await host(url, 'POST', '/v1/payments', { ecrId: 'E2E-P', amountFen: 3000, payCode: WECHAT_OK });
  await expect
    .poll(async () => (await host(url, 'GET', '/v1/payments/E2E-P')).body.state, { timeout: 15_000 })
    .toBe('paid');
  await page.keyboard.press('Enter'); // next sale: back to an empty checkout
  const asked = await host(url, 'POST', '/v1/refunds', {
    ecrId: 'E2E-R',
    originalEcrId: 'E2E-P',
    amountFen: 1000,
  });
  expect(asked.body.state).toBe('awaiting-approval');
  const card = page.getByRole('alert', { name: '收银机请求' });
  await expect(card).toContainText('收银机请求退款 ¥10.00');
  await card.getByLabel('店长 PIN').fill(MANAGER_PIN);
  await saveScreenshot(page, 'ecr-host-refund-approval');
  await card.getByRole('button', { name: '批准' }).click();
  await expect
    .poll(async () => (await host(url, 'GET', '/v1/refunds/E2E-R')).body.state, { timeout: 15_000 })
    .toBe('refunded');
  await expect(card).toBeHidden();
});

test('Settings → ECR: a manager turns the API on; the host can pay through it', async ({ app }) => {
  const { page } = app;
  await page.keyboard.press('F5');
  await page.getByTestId('settings-tab-devices').click();
  const card = page.getByTestId('ecr-settings');
  await expect(card.getByTestId('ecr-api-state')).toContainText('关闭');
  await page.getByTestId('manager-bar').getByLabel('店长 PIN').fill(MANAGER_PIN);
  await page.getByTestId('manager-unlock').click();
  await expect(page.getByTestId('manager-session')).toBeVisible();
  await card.getByLabel('开启本地接口（HTTP API）').check();
  await card.getByRole('button', { name: '保存' }).click();
  await expect(card.getByTestId('ecr-api-state')).toContainText('运行中');
  await card.getByRole('heading', { name: '收银机对接 ECR' }).scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'ecr-settings');
  const text = (await card.getByTestId('ecr-api-state').textContent()) ?? '';
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(text)?.[0];
  expect(url).toBeTruthy();
  const r = await host(url as string, 'POST', '/v1/payments', { ecrId: 'E2E-S', amountFen: 100 });
  expect(r.body.state).toBe('awaiting-code');
});
