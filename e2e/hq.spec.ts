/**
 * The head-office page in Chromium: a head office on PGlite fed by three counters' real journals through
 * the real uploader, then the page: the day's totals and chart, drill-down store → counter → orders,
 * counters not synced since when, unresolved orders chain-wide, and 对账 with a WeChat Pay bill upload.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { addCounter } from '../hq/src/counters.js';
import type { HqService } from '../hq/src/service.js';
import { startHqService } from '../hq/src/service.js';
import { type Counter, makeCounter, today } from '../hq/test/kit.js';
import { RECORD } from '../main/journal/records.js';

const root = path.resolve(import.meta.dirname, '..');
const webDir = path.join(root, 'dist', 'hq-web');
// Looked at by a person (docs/screenshots/hq-*.png are copies of these).
const shots = path.join(root, 'e2e', 'artifacts');

let hq: HqService;
const counters: Counter[] = [];
let tmp: string;

test.beforeAll(async ({ browserName }, testInfo) => {
  test.skip(
    testInfo.project.name !== 'web' || browserName !== 'chromium',
    'the head-office page is a web page: Chromium (project web) only',
  );
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'hq', 'web', 'vite.config.ts'), logLevel: 'warn' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hq-e2e-'));
  hq = await startHqService({ webDir, rollupDelayMs: 20 });
  const layout = [
    ['SH-001', 'SH001-A', 40],
    ['SH-001', 'SH001-B', 25],
    ['BJ-002', 'BJ002-A', 30],
  ] as const;
  for (const [store, terminal, orders] of layout) {
    const token = await addCounter(hq.db, { storeId: store, terminalId: terminal });
    const counter = makeCounter(terminal, { root: tmp });
    counter.sell(orders, (i) => 500 + ((i * 3571) % 20_000));
    counters.push(counter);
    const uploader = counter.upload({ target: () => ({ url: hq.url, token }), idleCheckMs: 200 });
    expect(await uploader.drained(15_000)).toBe(true);
    await uploader.stop();
  }
  // One order left pending on the Beijing counter (the pay reply never came): unresolved chain-wide.
  const bj = counters[2] as Counter;
  bj.store.append({
    t: RECORD.payIntent,
    k: 'BJ002-A-UNKNOWN-0001',
    op: 'cashier',
    st: 'pending',
    un: true,
    d: {
      amountFen: 8_800,
      channel: 'alipay',
      codeLast4: '4321',
      payMode: 'CODE_SCAN',
      merchantCode: 'm',
      terminalCode: 'BJ002-A',
    },
  });
  const bjToken = await addCounter(hq.db, { storeId: 'BJ-002', terminalId: 'BJ002-A' });
  const up = bj.upload({ target: () => ({ url: hq.url, token: bjToken }), idleCheckMs: 200 });
  expect(await up.drained(15_000)).toBe(true);
  await up.stop();
  // The second Shanghai counter last synced five hours ago.
  await hq.db.query(
    "UPDATE terminal_state SET last_batch_at = now() - interval '5 hours' WHERE terminal_id = 'SH001-B'",
  );
  await hq.db.query(
    "UPDATE counters SET last_seen_at = now() - interval '5 hours' WHERE terminal_id = 'SH001-B'",
  );
});

test.afterAll(async () => {
  for (const c of counters) await c.close();
  await hq?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('head office: day totals, drill-down, sync state, unresolved, 对账', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(hq.url);
  await expect(page.getByRole('heading', { name: /总部/ })).toBeVisible();
  // 95 sales across the chain.
  await expect(page.getByTestId('total-count')).toContainText('95');
  await expect(page.getByTestId('stores').getByRole('row')).toHaveCount(3);
  await page.screenshot({ path: path.join(shots, 'hq-day.png') });

  await page.getByTestId('stores').getByRole('button', { name: 'SH-001' }).click();
  await expect(page.getByTestId('counters').getByRole('row')).toHaveCount(3);
  await page.getByTestId('counters').getByRole('button', { name: 'SH001-B' }).click();
  await expect(page.getByTestId('orders').getByRole('row')).toHaveCount(26);
  await page.getByTestId('orders').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'hq-drilldown.png'), fullPage: true });

  await page.getByRole('button', { name: /终端同步/ }).click();
  const stale = page.getByTestId('sync').getByRole('row', { name: /SH001-B/ });
  await expect(stale).toContainText('5 小时前');
  await expect(page.getByText('1 台超过 1 小时未同步')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'hq-sync.png') });

  await page.getByRole('button', { name: /未决订单/ }).click();
  await expect(page.getByTestId('unresolved')).toContainText('BJ002-A-UNKNOWN-0001');
  await expect(page.getByTestId('unresolved')).toContainText('处理中');

  await page.getByRole('button', { name: /对账/ }).click();
  const day = today();
  const key = (i: number) => `SH001-A${String(i).padStart(10, '0')}`;
  const fen = (i: number) => 500 + ((i * 3571) % 20_000);
  const yuan = (f: number) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;
  const line = (order: string, amount: string, status = 'SUCCESS') =>
    [
      `${day} 11:00:00`,
      'wx1',
      '1900000001',
      '',
      'SH-001',
      'wx-order',
      order,
      'u',
      'MICROPAY',
      status,
      'CFT',
      'CNY',
      amount,
      '0.00',
      '',
      '',
      '0.00',
      '0.00',
      '',
      '',
      '商品',
      '',
      '0',
      '0.6%',
      amount,
      '0.00',
      '',
    ]
      .map((c) => `\`${c}`)
      .join(',');
  const bill = [
    '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
    line(key(0), yuan(fen(0))),
    line(key(3), yuan(fen(3) + 10)),
    line('SOMEONE-ELSE-01', '1.00'),
  ].join('\r\n');
  const file = path.join(tmp, 'wechat-bill.csv');
  fs.writeFileSync(file, `\uFEFF${bill}\r\n`);
  await page.locator('input[type=file]').setInputFiles(file);
  await expect(page.getByText('已导入 3 行')).toBeVisible();
  await expect(page.getByTestId('reconcile')).toContainText('金额不符');
  await expect(page.getByTestId('reconcile')).toContainText('SOMEONE-ELSE-01');
  await page.screenshot({ path: path.join(shots, 'hq-reconcile.png') });
  expect(errors).toEqual([]);
});
