/**
 * Two counters — the real app services (engine, journal, embedded POS通 simulator, uploader) over real
 * journals — sell at the same time into one head office. Head office's settlement of the day, built from
 * the replicated records with the counter's report module, equals each counter's own 日结, and the
 * chain's totals are their sum to the fen. Runs on PostgreSQL and on PGlite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServices, startAppServices } from '../main/app/services.js';
import type { SaleState } from '../main/ipc/channels/sale.js';
import type { SyncStatus } from '../main/ipc/channels/sync.js';
import { RECORD } from '../main/journal/records.js';
import { settlementReport } from '../main/reports/index.js';
import type { Report } from '../main/reports/types.js';
import { addCounter } from './src/counters.js';
import type { Settlement } from './src/reports.js';
import type { HqService } from './src/service.js';
import {
  type Backend,
  makeCounter,
  pgliteBackend,
  postgresBackend,
  startPgCluster,
  until,
} from './test/kit.js';
import type { PgCluster } from './test/pg-cluster.js';

const WECHAT = '134567890123456789';
const ALIPAY = '281234567890123456';
const PIN = '123456';

let cluster: PgCluster | undefined;
beforeAll(async () => {
  cluster = await startPgCluster({ fsync: false });
}, 60_000);
afterAll(() => cluster?.stop());

async function call<T>(app: AppServices, name: string, input: unknown): Promise<T> {
  const answer = await app.router.dispatch(name as never, input as never);
  if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
  return answer.data as T;
}

async function sell(app: AppServices, amountFen: number, code: string): Promise<void> {
  await call(app, 'sale.begin', { amountFen });
  await call(app, 'scan.submit', { code, source: 'manual' });
  let state: SaleState | undefined;
  await until(
    async () => {
      state = await call<SaleState>(app, 'sale.current', {});
      return state.phase !== 'in-flight' && state.phase !== 'awaiting-code';
    },
    15_000,
    'the sale to finish',
  );
  expect(state?.phase).toBe('paid');
  await call(app, 'sale.reset', {});
}

describe.each([['PostgreSQL'], ['PGlite']] as const)('two counters into %s', (backendName) => {
  let backend: Backend;
  let hq: HqService;
  const apps: AppServices[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    backend =
      backendName === 'PostgreSQL' ? await postgresBackend(cluster as PgCluster) : await pgliteBackend();
    hq = await backend.start();
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await hq?.stop();
    await backend?.dispose();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sell concurrently; chain settlement = the sum of their own 日结, each counter identical to the fen', async () => {
    const terminals = ['CHAIN01', 'CHAIN02'];
    for (const terminal of terminals) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hq-chain-${terminal}-`));
      dirs.push(dir);
      const app = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
      apps.push(app);
      // The app starts signed out: the demo manager signs in.
      await call(app, 'auth.signIn', { operatorId: 'manager', pin: PIN });
      const token = await addCounter(hq.db, { storeId: 'STORE-A', terminalId: terminal });
      expect((await call<SyncStatus>(app, 'sync.status', {})).state).toBe('off');
      // Settings → 总部同步, with the manager's PIN.
      await call(app, 'settings.update', { hq: { url: hq.url, storeId: 'STORE-A' }, managerPin: PIN });
      await call(app, 'settings.setSecret', { name: 'hqToken', value: token, managerPin: PIN });
    }
    // Both counters sell at the same time (amounts avoid the simulator's scripted endings 93–99).
    await Promise.all(
      apps.map(async (app, n) => {
        for (let i = 0; i < 8; i += 1) await sell(app, 1_000 + n * 100 + i * 11, i % 2 ? WECHAT : ALIPAY);
      }),
    );
    for (const app of apps) {
      await until(
        async () => (await call<SyncStatus>(app, 'sync.status', {})).state === 'synced',
        20_000,
        'synced',
      );
    }
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const own = await Promise.all(apps.map((app) => call<Report>(app, 'reports.settlement', { day })));
    const response = await fetch(`${hq.url}/api/settlement?day=${day}`);
    expect(response.status).toBe(200);
    const chain = (await response.json()) as Settlement;

    const sum = (key: 'salesFen' | 'salesCount' | 'netFen') => own.reduce((n, r) => n + r.totals[key], 0);
    expect(chain.totals.totals.salesCount).toBe(16);
    expect(chain.totals.totals.salesFen).toBe(sum('salesFen'));
    expect(chain.totals.totals.netFen).toBe(sum('netFen'));
    expect(chain.stores.map((s) => s.storeId)).toEqual(['STORE-A']);
    const counters = chain.stores[0]?.counters ?? [];
    expect(counters.map((c) => c.terminalId)).toEqual(terminals);
    counters.forEach((c, n) => {
      const mine = own[n] as Report;
      expect(c.report.totals).toEqual(mine.totals);
      expect(c.report.byChannel).toEqual(mine.byChannel);
      expect(c.report.byOperator).toEqual(mine.byOperator);
      expect(c.report.byHour).toEqual(mine.byHour);
    });
    // A store filter gives the same store; an unknown store nothing.
    const store = (await (
      await fetch(`${hq.url}/api/settlement?day=${day}&store=STORE-A`)
    ).json()) as Settlement;
    expect(store.totals.totals).toEqual(chain.totals.totals);
    const none = (await (await fetch(`${hq.url}/api/settlement?day=${day}&store=NOPE`)).json()) as Settlement;
    expect(none.totals.totals.salesCount).toBe(0);
    // A bad day is refused in both languages.
    const bad = await fetch(`${hq.url}/api/settlement?day=yesterday`);
    expect(bad.status).toBe(400);
    // Drill-down: the counter's orders, folded the counter's way.
    const orders = (await (await fetch(`${hq.url}/api/orders?day=${day}&terminal=CHAIN01`)).json()) as {
      orders: Array<{ status: string; amountFen: number }>;
    };
    expect(orders.orders).toHaveLength(8);
    expect(orders.orders.every((o) => o.status === 'paid')).toBe(true);
  }, 90_000);

  it('a refund written a day later counts on the day it was written, at head office as at the counter', async () => {
    let clock = Date.parse('2026-11-30T03:00:00.000Z'); // 11:00 China time, 30 Nov
    const counter = makeCounter('LATER01', { now: () => clock });
    const token = await addCounter(hq.db, { storeId: 'STORE-B', terminalId: 'LATER01' });
    counter.sell(5, (i) => 2_000 + i);
    const first = counter.store.recordsWrittenOn('2026-11-30')[0];
    clock += 86_400_000; // the next day
    const refund = { refundRequestId: 'RLATER0100001', amountFen: 700, channel: 'wechat' };
    counter.store.append({
      t: RECORD.refundIntent,
      k: first?.k as string,
      od: '2026-11-30',
      op: 'manager',
      st: 'paid',
      un: true,
      d: refund,
    });
    counter.store.append({
      t: RECORD.refundReply,
      k: first?.k as string,
      od: '2026-11-30',
      op: 'manager',
      st: 'partially-refunded',
      un: false,
      d: { ...refund, outcome: 'ok' },
    });
    const uploader = counter.upload({
      target: () => ({ url: hq.url, token }),
      idleCheckMs: 100,
      now: () => clock,
    });
    expect(await uploader.drained(15_000)).toBe(true);
    for (const day of ['2026-11-30', '2026-12-01']) {
      const own = settlementReport(counter.store, day, clock);
      const chain = (await (
        await fetch(`${hq.url}/api/settlement?day=${day}&store=STORE-B`)
      ).json()) as Settlement;
      expect(chain.totals.totals).toEqual(own.totals);
      expect(chain.stores[0]?.counters[0]?.report.byChannel).toEqual(own.byChannel);
    }
    expect(settlementReport(counter.store, '2026-12-01', clock).totals).toMatchObject({
      salesCount: 0,
      refundsFen: 700,
    });
    await counter.close();
  });
});
