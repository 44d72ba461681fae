/**
 * The standalone simulator as the README runs it: bundled by scripts/build.mjs into dist/main/simulator.cjs,
 * started as its own process with --port 0, the printed URL read from stdout, one signed pay sent by the
 * real client, and a clean exit on SIGTERM.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPosLinkClient } from '../gateway/client.js';
import { interpretQuery } from '../gateway/codes.js';
import type { PosLinkClient } from '../gateway/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP_ID = 'CLI-TEST-APP';
const APP_KEY = 'cli-test-key-0001';

let child: ChildProcessWithoutNullStreams | undefined;
let output = '';
let url = '';

/** Resolves with the first stdout match of `pattern`; rejects if the process exits first. */
function waitFor(proc: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(output);
      if (m) {
        proc.stdout.off('data', check);
        proc.off('exit', exited);
        resolve(m);
      }
    };
    const exited = (code: number | null) =>
      reject(new Error(`simulator exited (${code}) before printing its URL:\n${output}`));
    proc.stdout.on('data', check);
    proc.once('exit', exited);
    check();
  });
}

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--main-only'], {
    cwd: root,
    timeout: 60_000,
  });
  child = spawn(
    process.execPath,
    ['dist/main/simulator.cjs', '--port', '0', '--app-id', APP_ID, '--app-key', APP_KEY],
    { cwd: root, stdio: 'pipe' },
  );
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    output += chunk;
  });
  // The last of the three lines it prints at start.
  const m = await waitFor(child, /CASHIER_GATEWAY_URL=(http:\/\/127\.0\.0\.1:\d+)\n/);
  url = m[1] as string;
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

const client = (appKey: string): PosLinkClient =>
  createPosLinkClient({
    baseUrl: () => url,
    appId: () => APP_ID,
    appKey: () => appKey,
    merchantCode: () => '898310000000001',
    terminalCode: () => 'T0000001',
    timeoutMs: 5_000,
  });

describe('npm run simulator (dist/main/simulator.cjs)', () => {
  it('prints its URL and AppId, and charges one signed pay exactly once', async () => {
    expect(url).not.toMatch(/:0$/);
    expect(output).toContain(`AppId ${APP_ID}\n`);
    expect(output).toContain(`POS通 simulator listening on ${url}\n`);
    expect(output).not.toContain(APP_KEY);

    const merchantOrderId = `CLI${Date.now()}`;
    const paid = await client(APP_KEY).pay({
      transactionAmount: 1234,
      merchantOrderId,
      payCode: '134567890123451234',
    });
    expect(paid.outcome).toBe('ok');
    if (paid.outcome !== 'ok') return;
    expect(paid.errCode).toBe('00');
    expect(paid.body.amount).toBe(1234);
    expect(paid.body.orderId).toMatch(/^\d{1,26}$/);

    const query = interpretQuery(await client(APP_KEY).query({ merchantOrderId }));
    expect(query).toMatchObject({ state: 'paid', amountFen: 1234, orderId: paid.body.orderId });
  });

  it('checks signatures with the --app-key it was given', async () => {
    const refused = await client('not-the-key').pay({
      transactionAmount: 1234,
      merchantOrderId: `CLI${Date.now()}x`,
      payCode: '134567890123451234',
    });
    expect(refused.outcome).toBe('declined');
    if (refused.outcome === 'declined') expect(refused.errCode).toBe('1000');
  });

  it('stops cleanly on SIGTERM', async () => {
    const proc = child as ChildProcessWithoutNullStreams;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
