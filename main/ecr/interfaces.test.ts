/**
 * The program and folder interfaces end to end against the real app services + simulator: the CLI as a
 * real child process (exit code per outcome), the watched folder in JSON and in GBK fixed-field mode.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleState } from '../engine/sale-state.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { EXIT } from './cli.js';
import { FIXED_REQUEST, FIXED_RESULT, formatFixedRequest, parseFixedResult } from './folder.js';
import { type EcrApp, MANAGER_PIN, startEcrApp, TEST_TOKEN, until } from './testing/app.js';

const CLI = path.join(import.meta.dirname, 'cli.ts');
const CODE = '134567890123451234';
let sim: Simulator;
let ecr: EcrApp;
let dataDir: string;
let folder: string;

beforeAll(async () => {
  sim = await startSimulator();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-if-'));
  dataDir = path.join(root, 'data');
  folder = path.join(root, 'exchange');
  ecr = await startEcrApp({
    dataDir,
    gatewayUrl: sim.url,
    ecr: { folder: { enabled: true, path: folder, mode: 'json' } },
  });
});
afterAll(async () => {
  await ecr?.stop();
  await sim?.close();
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--url', ecr.url], {
      env: { ...process.env, CASHIER_ECR_TOKEN: TEST_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += String(c);
    });
    child.stderr.on('data', (c) => {
      out += String(c);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const waitForSale = (phase: SaleState['phase']) =>
  until(`sale ${phase}`, async () =>
    (await ecr.call<SaleState>('sale.current')).phase === phase ? true : undefined,
  );

describe('counter-cashier-ecr (CLI)', () => {
  it('pay waits at the counter for the scan, prints the result, exits 0; the same again is the same payment', async () => {
    const running = cli(['pay', '--id', 'C1', '--amount', '12.34', '--ref', 'POS-88']);
    await waitForSale('awaiting-code');
    await ecr.call('scan.submit', { code: CODE, source: 'manual' });
    const r = await running;
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^C1 paid ¥12\.34 \S+ •••• 1234/);
    await ecr.call('sale.reset');
    const again = await cli(['pay', '--id', 'C1', '--amount', '12.34', '--ref', 'POS-88', '--json']);
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.out)).toMatchObject({ ecrId: 'C1', state: 'paid', paidFen: 1234 });
    expect(sim.ledger().filter((e) => e.amountFen === 1234)).toHaveLength(1);
    const reused = await cli(['pay', '--id', 'C1', '--amount', '12.35']);
    expect(reused.code).toBe(EXIT.bad);
    expect(reused.out).toContain('ECR_ID_REUSED');
  });

  it('declined exits 1, status reads it back, abort exits 2, bad input exits 6, a wrong token 7', async () => {
    const declined = await cli(['pay', '--id', 'C2', '--amount', '10.00', '--code', '134567890123450057']);
    expect(declined.code).toBe(EXIT.declined);
    await ecr.call('sale.reset');
    expect((await cli(['status', '--id', 'C2'])).code).toBe(EXIT.declined);
    const waiting = cli(['pay', '--id', 'C3', '--amount', '1.00']);
    await waitForSale('awaiting-code');
    const abort = await cli(['abort', '--id', 'C3']);
    expect(abort.code).toBe(EXIT.aborted);
    expect((await waiting).code).toBe(EXIT.aborted);
    expect((await cli(['pay', '--id', 'C4', '--amount', '1.234'])).code).toBe(EXIT.bad);
    const wrong = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [
        '--import',
        'tsx',
        CLI,
        'status',
        '--id',
        'C2',
        '--url',
        ecr.url,
        '--token',
        'nope',
      ]);
      child.on('exit', resolve);
    });
    expect(wrong).toBe(EXIT.unreachable);
  });

  it('refund waits for the manager on the counter, then exits 0', async () => {
    const running = cli(['refund', '--id', 'C1-R', '--original', 'C1', '--amount', '2.34']);
    await until('approval pending', async () => {
      const s = await ecr.call<{ pending: Array<{ ecrId: string }> }>('ecr.status');
      return s.pending.some((p) => p.ecrId === 'C1-R') ? true : undefined;
    });
    await ecr.call('ecr.approve', { ecrId: 'C1-R', pin: MANAGER_PIN });
    const r = await running;
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('refunded');
  });
});

describe('watched folder', () => {
  const writeAtomic = (name: string, content: string | Buffer) => {
    const tmp = path.join(folder, `${name}.part`);
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, path.join(folder, name));
  };
  const readRes = (id: string) =>
    until(`res-${id}.json`, () => {
      const file = path.join(folder, `res-${id}.json`);
      return fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)
        : undefined;
    });

  it('req-<id>.json → (scan) → res-<id>.json; the same id again returns the journaled result', async () => {
    writeAtomic('req-F1.json', JSON.stringify({ amountFen: 880, orderRef: 'F-1' }));
    await waitForSale('awaiting-code');
    expect(fs.existsSync(path.join(folder, 'res-F1.json'))).toBe(false);
    await ecr.call('scan.submit', { code: CODE, source: 'manual' });
    const res = await readRes('F1');
    expect(res).toMatchObject({ httpStatus: 200, ecrId: 'F1', state: 'paid', paidFen: 880 });
    expect(fs.existsSync(path.join(folder, 'req-F1.json'))).toBe(false);
    await ecr.call('sale.reset');
    fs.rmSync(path.join(folder, 'res-F1.json'));
    writeAtomic('req-F1.json', JSON.stringify({ amountFen: 880, orderRef: 'F-1' }));
    expect(await readRes('F1')).toMatchObject({ state: 'paid', merchantOrderId: res.merchantOrderId });
    expect(sim.ledger().filter((e) => e.amountFen === 880)).toHaveLength(1);
    // No temp files left behind by our side.
    expect(fs.readdirSync(folder).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('the folder is outside the data folder, the display a device: anything else is refused', async () => {
    const refused = (patch: unknown) =>
      ecr.call('ecr.configure', { ecr: patch, managerPin: MANAGER_PIN }).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    expect(await refused({ folder: { path: path.join(dataDir, 'journal') } })).toMatch(/BAD_INPUT/);
    expect(await refused({ folder: { path: 'relative/dir' } })).toMatch(/BAD_INPUT/);
    const plain = path.join(path.dirname(dataDir), 'not-a-device');
    fs.writeFileSync(plain, '');
    expect(await refused({ display: { enabled: true, path: plain } })).toMatch(/not a device/);
    expect(await refused({ display: { path: '', relayPath: path.join(dataDir, 'settings.json') } })).toMatch(
      /BAD_INPUT/,
    );
    expect(
      (await ecr.call<{ settings: { folder: { path: string } } }>('ecr.status')).settings.folder.path,
    ).toBe(folder);
  });

  it('a broken request file gets a bilingual error answer', async () => {
    writeAtomic('req-F2.json', JSON.stringify({ amountFen: 'lots' }));
    const res = await readRes('F2');
    expect(res).toMatchObject({ httpStatus: 400, error: { code: 'BAD_INPUT' } });
  });

  it('request.txt / result.txt: GBK fixed fields, pay then refund', async () => {
    await ecr.call('ecr.configure', {
      ecr: { folder: { mode: 'fixed' }, allowApiApproval: true },
      managerPin: MANAGER_PIN,
    });
    const resultFile = path.join(folder, 'result.txt');
    const readResult = async () => {
      const bytes = await until('result.txt', () =>
        fs.existsSync(resultFile) ? fs.readFileSync(resultFile) : undefined,
      );
      fs.rmSync(resultFile);
      return bytes;
    };
    writeAtomic(
      'request.txt',
      formatFixedRequest({ type: '00', ecrId: 'M1', amountFen: 1500, payCode: CODE, orderRef: '小票 0001' }),
    );
    const bytes = await readResult();
    const width = FIXED_RESULT.reduce((n, [, w]) => n + w, 0);
    expect(bytes.length).toBe(width + 2);
    const fields = parseFixedResult(bytes);
    expect(fields).toMatchObject({
      code: '00',
      amountFen: '000000001500',
      ecrId: 'M1',
      state: 'paid',
      codeLast4: '1234',
      channel: 'wechat',
    });
    expect(iconv.decode(bytes, 'gbk')).toContain('支付成功');
    await ecr.call('sale.reset');
    writeAtomic(
      'request.txt',
      formatFixedRequest({ type: '02', ecrId: 'M1-R', originalEcrId: 'M1', amountFen: 500 }),
    );
    expect(parseFixedResult(await readResult())).toMatchObject({
      code: '00',
      state: 'refunded',
      amountFen: '000000000500',
    });
    writeAtomic('request.txt', Buffer.from('99garbage'));
    expect(parseFixedResult(await readResult()).code).toBe('XX');
    expect(FIXED_REQUEST.reduce((n, [, w]) => n + w, 0)).toBe(142);
  });
});
