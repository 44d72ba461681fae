/**
 * kill -9 during a host payment: the app (a child process) takes the host's POST, the pay is on its way
 * to the simulator, the process is SIGKILLed. The app restarts on the same data folder: GET answers the
 * final state, and it agrees with the simulator's ledger (charged once, or not at all).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { type EcrApp, ecrFetch, startEcrApp, until } from './testing/app.js';

const runner = path.join(import.meta.dirname, 'testing', 'app-runner.ts');
let sim: Simulator;
const dirs: string[] = [];

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', runner], {
    env: {
      ...process.env,
      CASHIER_DATA_DIR: dataDir,
      CASHIER_GATEWAY_URL: sim.url,
      CASHIER_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 25_000);
    child.stderr?.on('data', (c) => {
      err += String(c);
    });
    child.stdout?.on('data', (c) => {
      out += String(c);
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

const CASES = [
  { name: 'charged, the reply lost', ecrId: 'K1', amountFen: 1098, bank: 'paid', state: 'paid' },
  { name: 'slow gateway, killed while waiting', ecrId: 'K2', amountFen: 1093, bank: 'paid', state: 'paid' },
  { name: 'declined', ecrId: 'K3', amountFen: 1000, code: '134567890123450057', state: 'declined' },
];

for (const c of CASES) {
  it(`kill -9 during a payment (${c.name}) → after restart GET gives the final state the bank agrees with`, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-crash-'));
    dirs.push(dataDir);
    const { child, url } = await startChild(dataDir);
    const body = { ecrId: c.ecrId, amountFen: c.amountFen, payCode: c.code ?? '134567890123451234' };
    const first = await ecrFetch(url, 'POST', '/v1/payments', body);
    expect([200, 202]).toContain(first.status);
    // The pay has reached the bank (or been answered): kill the app with no chance to clean up.
    await until('the pay at the bank', () =>
      sim.ledger().some((e) => e.amountFen === c.amountFen) ? true : undefined,
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    let app: EcrApp | undefined;
    try {
      app = await startEcrApp({ dataDir, gatewayUrl: sim.url });
      const done = await until(
        'final state after restart',
        async () => {
          const r = await ecrFetch(app?.url as string, 'GET', `/v1/payments/${c.ecrId}`);
          return r.status === 200 && !['in-progress', 'awaiting-code'].includes(String(r.body.state))
            ? r.body
            : undefined;
        },
        25_000,
      );
      expect(done.state).toBe(c.state);
      const entry = sim.ledger().find((e) => e.merchantOrderId === done.merchantOrderId);
      expect(entry?.chargedTimes ?? 0).toBeLessThanOrEqual(1);
      expect(entry?.state === 'paid').toBe(c.state === 'paid');
      // The host retries with the same request: the same transaction, no second pay.
      const retry = await ecrFetch(app.url, 'POST', '/v1/payments', body);
      expect(retry.status).toBe(200);
      expect(retry.body.merchantOrderId).toBe(done.merchantOrderId);
      expect(sim.ledger().filter((e) => e.amountFen === c.amountFen)).toHaveLength(1);
    } finally {
      await app?.stop();
    }
  }, 60_000);
}

it('kill -9 while the counter waits for the code → after restart the host request is aborted, nothing charged', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-crash-'));
  dirs.push(dataDir);
  const { child, url } = await startChild(dataDir);
  const first = await ecrFetch(url, 'POST', '/v1/payments', { ecrId: 'K4', amountFen: 4444 });
  expect(first.body.state).toBe('awaiting-code');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const app = await startEcrApp({ dataDir, gatewayUrl: sim.url });
  try {
    const r = await ecrFetch(app.url, 'GET', '/v1/payments/K4');
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('aborted');
    expect(sim.ledger().some((e) => e.amountFen === 4444)).toBe(false);
  } finally {
    await app.stop();
  }
}, 60_000);
