/**
 * The API on the LAN: refused without TLS; with a certificate it answers over HTTPS only, and the
 * bearer token is still required.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { selfSignedCert } from '../shared/testing/tls.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { type EcrApp, MANAGER_PIN, startEcrApp, TEST_TOKEN } from './testing/app.js';
import type { EcrStatus } from './types.js';

let sim: Simulator;
let ecr: EcrApp;
let dir: string;
let cert: string;

beforeAll(async () => {
  // The LAN mode's code path, bound to loopback only for the test.
  process.env.CASHIER_ECR_LAN_HOST = '127.0.0.1';
  sim = await startSimulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-tls-'));
  cert = fs.readFileSync(selfSignedCert(dir).certFile, 'utf8');
  ecr = await startEcrApp({ dataDir: path.join(dir, 'data'), gatewayUrl: sim.url });
});
afterAll(async () => {
  await ecr?.stop();
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function get(url: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}/v1/openapi.json`,
      { ca: cert, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

it('LAN without TLS is refused; with a certificate: HTTPS, token required; plain HTTP gets nothing', async () => {
  const noTls = await ecr.call<EcrStatus>('ecr.configure', {
    ecr: { listen: 'lan', tlsCertPath: '', tlsKeyPath: '' },
    managerPin: MANAGER_PIN,
  });
  expect(noTls.api.state).toBe('error');
  expect(noTls.api.message?.en).toMatch(/TLS/);
  const on = await ecr.call<EcrStatus>('ecr.configure', {
    ecr: { listen: 'lan', tlsCertPath: path.join(dir, 'cert.pem'), tlsKeyPath: path.join(dir, 'key.pem') },
    managerPin: MANAGER_PIN,
  });
  expect(on.api.state).toBe('on');
  const url = on.api.where as string;
  expect(url).toMatch(/^https:\/\//);
  expect(await get(url, TEST_TOKEN)).toBe(200);
  expect(await get(url)).toBe(401);
  await expect(fetch(url.replace('https:', 'http:'))).rejects.toThrow();
});

it('turned off, nothing listens', async () => {
  const before = (await ecr.call<EcrStatus>('ecr.status')).api.where as string;
  const off = await ecr.call<EcrStatus>('ecr.configure', {
    ecr: { enabled: false },
    managerPin: MANAGER_PIN,
  });
  expect(off.api.state).toBe('off');
  await expect(get(before, TEST_TOKEN)).rejects.toThrow();
});
