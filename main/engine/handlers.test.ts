import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Router } from '../ipc/router.js';
import { reportsHandlers } from '../reports/handlers.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { engineHandlers } from './handlers.js';
import { type Kit, makeKit } from './testkit.js';

let sim: Simulator;
let dir: string;
let kit: Kit;
let router: Router;

beforeEach(async () => {
  sim = await startSimulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handlers-test-'));
  kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
  router = new Router({ error: () => {} })
    .mount(engineHandlers(kit.engine))
    .mount(reportsHandlers({ store: kit.journal.store, today: () => kit.journal.today() }));
});
afterEach(async () => {
  await kit.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('sale, orders, export, verify and reports through the contract', async () => {
  const begun = await router.dispatch('sale.begin', { amountFen: 2500 });
  expect(begun).toMatchObject({ ok: true, data: { phase: 'awaiting-code', amountFen: 2500 } });
  expect(await router.dispatch('sale.begin', { amountFen: 0 })).toMatchObject({
    ok: false,
    error: { code: 'BAD_INPUT' },
  });
  await kit.engine.sale.acceptCode('284712345678905678', 'wedge', 'kbd');
  await kit.engine.idle();
  const current = await router.dispatch('sale.current', {});
  expect(current).toMatchObject({
    ok: true,
    data: { phase: 'paid', channel: 'alipay', codeMasked: '•••• 5678' },
  });
  const id = (current as { data: { merchantOrderId: string } }).data.merchantOrderId;

  const list = await router.dispatch('orders.list', { query: '5678' });
  expect(list).toMatchObject({ ok: true, data: [{ merchantOrderId: id, status: 'paid', amountFen: 2500 }] });
  const detail = await router.dispatch('orders.get', { id });
  expect(detail).toMatchObject({ ok: true, data: { order: { merchantOrderId: id }, refunds: [] } });
  expect(await router.dispatch('orders.get', { id: 'nope' })).toMatchObject({
    ok: false,
    error: { code: 'NOT_FOUND' },
  });

  const refund = await router.dispatch('orders.refund', {
    merchantOrderId: id,
    amountFen: 500,
    pin: '123456',
  });
  expect(refund).toMatchObject({
    ok: true,
    data: { order: { status: 'partially-refunded', refundedFen: 500 } },
  });
  const csv = await router.dispatch('orders.export', { day: kit.journal.today(), format: 'csv' });
  expect(csv).toMatchObject({ ok: true, data: { mimeType: 'text/csv' } });
  expect((csv as { data: { content: string } }).data.content).toContain(`${id},`);
  expect(await router.dispatch('journal.verify', {})).toMatchObject({
    ok: true,
    data: { ok: true, headSeq: 4, files: 1, records: 4, damaged: [], legacy: 0, tornSetAside: [] },
  });
  const shift = await router.dispatch('reports.shift', { operatorId: 'cashier' });
  expect(shift).toMatchObject({
    ok: true,
    data: { kind: 'shift', totals: { salesCount: 1, salesFen: 2500, refundsFen: 500, netFen: 2000 } },
  });
  expect(await router.dispatch('sale.reset', {})).toMatchObject({ ok: true, data: { phase: 'idle' } });
});
