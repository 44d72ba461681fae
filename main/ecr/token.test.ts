/** The bearer token a manager sets: write-only, sealed on disk, never in status, settings or logs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { type EcrApp, ecrFetch, MANAGER_PIN, startEcrApp } from './testing/app.js';
import type { EcrStatus } from './types.js';

const TOKEN = 'host-pos-token-7f3a9c2e51';
let sim: Simulator;
let ecr: EcrApp;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimulator();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-token-'));
  ecr = await startEcrApp({ dataDir, gatewayUrl: sim.url, envToken: false });
});
afterAll(async () => {
  await ecr?.stop();
  await sim?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('no token, no API; a manager sets one; it works, a wrong one does not, and it is never shown', async () => {
  const before = await ecr.call<EcrStatus>('ecr.status');
  expect(before).toMatchObject({ tokenSet: false, api: { state: 'error' } });
  expect(before.api.message?.en).toMatch(/token/);
  await expect(ecr.call('ecr.setToken', { token: 'short' })).rejects.toThrow(/BAD_INPUT/);
  await ecr.call('ecr.setToken', { token: TOKEN, managerPin: MANAGER_PIN });
  const after = await ecr.call<EcrStatus>('ecr.status');
  expect(after).toMatchObject({ tokenSet: true, tokenSource: 'file', api: { state: 'on' } });
  const url = after.api.where as string;
  expect((await ecrFetch(url, 'GET', '/v1/payments/none', undefined, TOKEN)).status).toBe(404);
  expect((await ecrFetch(url, 'GET', '/v1/payments/none', undefined, `${TOKEN}x`)).status).toBe(401);
  expect(JSON.stringify(after)).not.toContain(TOKEN);
  const stored = fs.readFileSync(path.join(dataDir, 'ecr-token.json'));
  expect((fs.statSync(path.join(dataDir, 'ecr-token.json')).mode & 0o777).toString(8)).toBe('600');
  expect(stored.toString()).not.toContain(TOKEN); // base64 at least; sealed where a keyring exists
  const settingsText = fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
  expect(settingsText).not.toContain(TOKEN);
  expect(settingsText).toContain('"ecr"');
  const logs = path.join(dataDir, 'logs');
  for (const f of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
    expect(fs.readFileSync(path.join(logs, f), 'utf8')).not.toContain(TOKEN);
  }
});
