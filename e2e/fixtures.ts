/**
 * One fixture, two transports: `app` is a Page showing the cashier, either served by the browser
 * harness (project `web`) or the real Electron window (project `electron`). Each test gets a fresh,
 * empty data folder, so tests never see each other's journal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type Browser, test as base, type Page } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

export interface AppFixtureOptions {
  appTransport: 'web' | 'electron';
  /** Who signs in on the sign-in screen before the test starts (the app starts signed out); false: nobody. */
  signInAs: 'cashier' | 'manager' | false;
}

const DEMO_PINS = { cashier: '0000', manager: '123456' } as const;

/** Through the sign-in screen, as a person would: tap the name, type the PIN, Enter. */
export async function signInThroughScreen(page: Page, who: 'cashier' | 'manager'): Promise<void> {
  await page.getByTestId('signin').waitFor({ timeout: 20_000 });
  await page.getByTestId(`signin-op-${who}`).click();
  await page.locator('#signin-pin').fill(DEMO_PINS[who]);
  await page.locator('#signin-pin').press('Enter');
  await page.getByTestId('checkout').waitFor({ timeout: 20_000 });
}

export interface RunningApp {
  page: Page;
  dataDir: string;
  /** Extra environment passed to the app (e.g. CASHIER_GATEWAY_URL). */
  env: Record<string, string>;
}

const root = path.resolve(import.meta.dirname, '..');

/** Start `dist/main/web.cjs` on a free port and wait for the URL it prints. */
export async function startHarness(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'dist/main/web.cjs'), '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`harness exited with ${code}:\n${output}`));
    });
  });
  return { url, child };
}

export const test = base.extend<
  AppFixtureOptions & { appEnv: Record<string, string>; app: RunningApp },
  { lazyBrowser: () => Promise<Browser> }
>({
  appTransport: ['web', { option: true }],
  signInAs: ['cashier', { option: true }],
  appEnv: [{}, { option: true }],
  // The electron project must not launch a browser at all, so the browser starts only when asked for.
  lazyBrowser: [
    async ({ playwright, launchOptions }, use) => {
      let browser: Browser | undefined;
      await use(async () => {
        browser ??= await playwright.chromium.launch(launchOptions);
        return browser;
      });
      await browser?.close();
    },
    { scope: 'worker' },
  ],
  app: async ({ appTransport, appEnv, lazyBrowser, signInAs }, use, testInfo) => {
    if (appTransport === 'electron' && !findElectronBinary()) {
      console.log(
        `[electron] skipped "${testInfo.title}": the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)`,
      );
      testInfo.skip(true, 'Electron binary not installed here; the same spec runs in the web project');
      return;
    }
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cashier-e2e-'));
    const env = { CASHIER_DATA_DIR: dataDir, ...appEnv };
    if (appTransport === 'electron') {
      const electronApp = await _electron.launch({
        executablePath: findElectronBinary(),
        args: [root],
        env: { ...process.env, ...env },
      });
      const page = await electronApp.firstWindow();
      if (signInAs) await signInThroughScreen(page, signInAs);
      await use({ page, dataDir, env });
      await electronApp.close();
    } else {
      const { url, child } = await startHarness(env);
      const context = await (await lazyBrowser()).newContext(testInfo.project.use);
      const page = await context.newPage();
      await page.goto(url);
      if (signInAs) await signInThroughScreen(page, signInAs);
      await use({ page, dataDir, env });
      await context.close();
      // Wait for the harness to exit so it has closed its journal before the folder goes.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null && child.kill('SIGTERM')) await exited;
    }
    // A failed test keeps its data folder (journal, logs) for a look; a passed one leaves nothing behind.
    if (testInfo.status === testInfo.expectedStatus) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`[${appTransport}] data folder kept for "${testInfo.title}": ${dataDir}`);
  },
});

export { expect } from '@playwright/test';

/** Screenshots the tests save for people to look at: e2e/artifacts/<name>.png */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(root, 'e2e', 'artifacts', `${name}.png`), fullPage: false });
}
