/**
 * Secrets and payment codes never reach a log, the journal or the renderer (issue 9): after real sales
 * through the app, grep every file the app wrote in its data folder for the AppKey, a newly written
 * Yima key and the full payment codes. Zero hits.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEMO_CREDENTIALS } from '../main/settings/defaults';
import { expect, test } from './fixtures';
import {
  charge,
  MANAGER_PIN,
  paidSale,
  resultPanel,
  WECHAT_DECLINE_61,
  WECHAT_OK,
  wedgeScan,
} from './ui-helpers';

const NEW_YIMA_KEY = 'yima-secret-key-9f8e7d6c5b4a';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test('no AppKey, key or full payment code in the logs, the journal or the renderer', async ({ app }) => {
  const { page, dataDir } = app;
  await paidSale(page, '12.34', WECHAT_OK);
  await charge(page, '3.00');
  await wedgeScan(page, WECHAT_DECLINE_61);
  await expect(resultPanel(page)).toContainText('61');
  const written = await page.evaluate(
    async ({ value, managerPin }) =>
      window.cashier.settings.setSecret({ name: 'yimaKey', value, managerPin }),
    { value: NEW_YIMA_KEY, managerPin: MANAGER_PIN },
  );
  expect(written).toMatchObject({ ok: true, data: { secrets: { yimaKey: { set: true } } } });
  // What the renderer can read: set / not set only.
  const visible = JSON.stringify(await page.evaluate(() => window.cashier.settings.get({})));
  for (const secret of [DEMO_CREDENTIALS.appKey, NEW_YIMA_KEY]) expect(visible).not.toContain(secret);

  const logs = filesUnder(path.join(dataDir, 'logs'));
  const journal = filesUnder(path.join(dataDir, 'journal'));
  const logText = logs.map((file) => readFileSync(file, 'utf8')).join('\n');
  // The logs did record the sales (by order and last 4 digits), so an empty log cannot pass this test.
  expect(logText).toContain('6789');
  expect(logText.length).toBeGreaterThan(1000);
  for (const file of [...logs, ...journal]) {
    const text = readFileSync(file, 'utf8');
    for (const needle of [DEMO_CREDENTIALS.appKey, NEW_YIMA_KEY, WECHAT_OK, WECHAT_DECLINE_61]) {
      expect(text.includes(needle), `${needle} found in ${path.relative(dataDir, file)}`).toBe(false);
    }
  }
});
