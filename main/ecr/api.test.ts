/**
 * The ECR HTTP API over real loopback against the real app services and the POS通 simulator:
 * idempotency (one pay at the bank), 422 on a reused id, 409 busy, abort before and after the scan,
 * refunds and voids with manager approval, SSE, OpenAPI, the bearer token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleState } from '../engine/sale-state.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { type EcrApp, ecrFetch, MANAGER_PIN, startEcrApp, until } from './testing/app.js';

const CODE = '134567890123451234';
let sim: Simulator;
let ecr: EcrApp;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimulator();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-api-'));
  ecr = await startEcrApp({ dataDir, gatewayUrl: sim.url });
});
afterAll(async () => {
  await ecr?.stop();
  await sim?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const post = (p: string, body: unknown) => ecrFetch(ecr.url, 'POST', p, body);
const get = (p: string) => ecrFetch(ecr.url, 'GET', p);
const finalOf = (id: string) =>
  until(`${id} final`, async () => {
    const r = await get(`/v1/payments/${id}`);
    return r.status === 200 &&
      !['awaiting-code', 'in-progress', 'awaiting-approval'].includes(String(r.body.state))
      ? r.body
      : undefined;
  });
const chargesAtBank = (merchantOrderId: unknown) =>
  sim
    .ledger()
    .filter((e) => e.merchantOrderId === merchantOrderId)
    .reduce((n, e) => n + e.chargedTimes, 0);
const scanAtCounter = (code = CODE) => ecr.call('scan.submit', { code, source: 'manual' });

describe('ECR API', () => {
  it('refuses a request without the bearer token', async () => {
    const r = await ecrFetch(ecr.url, 'GET', '/v1/payments/X1', undefined, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('serves the OpenAPI document built from the schemas', async () => {
    const r = await get('/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/v1/payments',
        '/v1/payments/{ecrId}',
        '/v1/payments/{ecrId}/abort',
        '/v1/events',
      ]),
    );
  });

  it('a bad body gets a bilingual 400 and creates nothing', async () => {
    const r = await post('/v1/payments', { ecrId: 'T-bad', amountFen: 12.5 });
    expect(r.status).toBe(400);
    expect((r.body.error as { message: { zh: string; en: string } }).message.zh).toBeTruthy();
    expect((await get('/v1/payments/T-bad')).status).toBe(404);
  });

  it('with payCode: the same POST twice is one pay at the simulator; a different body is 422', async () => {
    const body = { ecrId: 'T42', amountFen: 1234, payCode: CODE, orderRef: 'R-1001' };
    const first = await post('/v1/payments', body);
    expect([200, 202]).toContain(first.status);
    const again = await post('/v1/payments', body);
    expect([200, 202]).toContain(again.status);
    const done = await finalOf('T42');
    expect(done).toMatchObject({ state: 'paid', amountFen: 1234, paidFen: 1234, codeLast4: '1234' });
    const repeat = await post('/v1/payments', body);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ state: 'paid', merchantOrderId: done.merchantOrderId });
    expect(chargesAtBank(done.merchantOrderId)).toBe(1);
    expect(sim.ledger().filter((e) => e.amountFen === 1234)).toHaveLength(1);
    const other = await post('/v1/payments', { ...body, amountFen: 1235 });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'ECR_ID_REUSED' });
    expect((other.body.current as { state: string }).state).toBe('paid');
    // The payment code never appears in the journal.
    const journalText = (fs.readdirSync(path.join(dataDir, 'journal'), { recursive: true }) as string[])
      .map((f) => path.join(dataDir, 'journal', f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, 'latin1'))
      .join('');
    expect(journalText).not.toContain(CODE);
    expect(journalText).toContain('"ecrId":"T42"');
  });

  it('without payCode: awaiting-code on the counter with the host reference, busy 409, then a scan pays', async () => {
    const r = await post('/v1/payments', { ecrId: 'T43', amountFen: 2000, orderRef: 'TABLE-7' });
    expect(r.status).toBe(202);
    expect(r.body.state).toBe('awaiting-code');
    const sale = await ecr.call<SaleState>('sale.current');
    expect(sale).toMatchObject({
      phase: 'awaiting-code',
      amountFen: 2000,
      ecr: { ecrId: 'T43', ref: 'TABLE-7' },
    });
    const ledgerBefore = sim.ledger().length;
    const busy = await post('/v1/payments', { ecrId: 'T44', amountFen: 500 });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'BUSY' });
    expect((await get('/v1/payments/T44')).status).toBe(404);
    expect((await post('/v1/payments', { ecrId: 'T43', amountFen: 2000, orderRef: 'TABLE-7' })).status).toBe(
      202,
    );
    await scanAtCounter();
    const done = await finalOf('T43');
    expect(done).toMatchObject({ state: 'paid', paidFen: 2000, orderRef: 'TABLE-7' });
    expect(sim.ledger().length).toBe(ledgerBefore + 1);
    await ecr.call('sale.reset');
  });

  it('abort before the scan: aborted, nothing at the bank; after the scan: 409 with the state', async () => {
    const before = sim.ledger().length;
    expect((await post('/v1/payments', { ecrId: 'T50', amountFen: 3000 })).status).toBe(202);
    const aborted = await post('/v1/payments/T50/abort', {});
    expect(aborted.status).toBe(200);
    expect(aborted.body).toMatchObject({ state: 'aborted', message: { en: 'Aborted: nothing charged' } });
    expect((await ecr.call<SaleState>('sale.current')).phase).toBe('idle');
    // A scan now finds nothing waiting: still nothing charged.
    await scanAtCounter();
    expect(sim.ledger().length).toBe(before);
    expect((await get('/v1/payments/T50')).body.state).toBe('aborted');
    // The same id again is the same (aborted) transaction, never a new one.
    expect((await post('/v1/payments', { ecrId: 'T50', amountFen: 3000 })).body.state).toBe('aborted');

    expect((await post('/v1/payments', { ecrId: 'T51', amountFen: 3100 })).status).toBe(202);
    await scanAtCounter();
    const late = await post('/v1/payments/T51/abort', {});
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'TOO_LATE' });
    expect(['in-progress', 'paid']).toContain((late.body.current as { state: string }).state);
    expect((await finalOf('T51')).state).toBe('paid');
    await ecr.call('sale.reset');
  });

  it('the cashier cancelling on the counter aborts the host request', async () => {
    expect((await post('/v1/payments', { ecrId: 'T52', amountFen: 3200 })).status).toBe(202);
    await ecr.call('sale.cancel');
    expect((await get('/v1/payments/T52')).body).toMatchObject({ state: 'aborted' });
  });

  it('a declined pay is final and declined', async () => {
    const r = await post('/v1/payments', { ecrId: 'T53', amountFen: 1000, payCode: '134567890123450057' });
    expect([200, 202]).toContain(r.status);
    expect((await finalOf('T53')).state).toBe('declined');
    await ecr.call('sale.reset');
  });

  it('refund: awaiting-approval until a manager approves on the counter, then refunded at the bank', async () => {
    const tooMuch = await post('/v1/refunds', { ecrId: 'RF0', originalEcrId: 'T42', amountFen: 1235 });
    expect(tooMuch.status).toBe(400);
    expect((await get('/v1/refunds/RF0')).status).toBe(404);
    const r = await post('/v1/refunds', { ecrId: 'RF1', originalEcrId: 'T42', amountFen: 234 });
    expect(r.status).toBe(202);
    expect(r.body.state).toBe('awaiting-approval');
    expect(JSON.stringify(await ecr.call('ecr.status'))).toContain('RF1');
    await expect(ecr.call('ecr.approve', { ecrId: 'RF1', pin: '999999' })).rejects.toThrow(/PIN/);
    expect((await get('/v1/refunds/RF1')).body.state).toBe('awaiting-approval');
    await ecr.call('ecr.approve', { ecrId: 'RF1', pin: MANAGER_PIN });
    const done = await until('refund final', async () => {
      const s = await get('/v1/refunds/RF1');
      return s.body.state === 'refunded' ? s.body : undefined;
    });
    expect(done.refundRequestId).toBeTruthy();
    const t42 = (await get('/v1/payments/T42')).body;
    expect(sim.ledger().find((e) => e.merchantOrderId === t42.merchantOrderId)?.refundedFen).toBe(234);
    expect((await post('/v1/refunds', { ecrId: 'RF1', originalEcrId: 'T42', amountFen: 234 })).status).toBe(
      200,
    );
  });

  it('void: a manager rejects one (nothing sent); with API approval allowed, a void goes out at once', async () => {
    const r = await post('/v1/voids', { ecrId: 'V1', originalEcrId: 'T43' });
    expect(r.body.state).toBe('awaiting-approval');
    await ecr.call('ecr.reject', { ecrId: 'V1', pin: MANAGER_PIN });
    expect((await get('/v1/voids/V1')).body.state).toBe('declined');
    // The host may withdraw one still waiting for the manager.
    expect((await post('/v1/voids', { ecrId: 'V0', originalEcrId: 'T43' })).body.state).toBe(
      'awaiting-approval',
    );
    expect((await post('/v1/voids/V0/abort', {})).body.state).toBe('aborted');
    await ecr.call('ecr.configure', { ecr: { allowApiApproval: true }, managerPin: MANAGER_PIN });
    const v2 = await post('/v1/voids', { ecrId: 'V2', originalEcrId: 'T43' });
    expect([200, 202]).toContain(v2.status);
    await until('void final', async () =>
      (await get('/v1/voids/V2')).body.state === 'voided' ? true : undefined,
    );
    // The payment keeps its original result; the void is its own transaction.
    const t43 = (await get('/v1/payments/T43')).body;
    expect(t43.state).toBe('paid');
    expect(sim.ledger().find((e) => e.merchantOrderId === t43.merchantOrderId)?.state).toBe('voided');
  });

  it('GET /v1/events streams each change as a server-sent event', async () => {
    const controller = new AbortController();
    const res = await fetch(`${ecr.url}/v1/events`, {
      headers: { authorization: 'Bearer test-ecr-token-0123456789' },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString();
        if (text.includes('"state":"paid"') && text.includes('T60')) return;
      }
    })();
    await post('/v1/payments', { ecrId: 'T60', amountFen: 600, payCode: CODE });
    await Promise.race([
      reading,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no event')), 10_000)),
    ]);
    controller.abort();
    expect(text).toMatch(/event: payment\nid: T60\ndata: \{.*"state":"paid"/);
    await ecr.call('sale.reset');
  });

  it('nobody signed in at the counter: 409 COUNTER_CLOSED, nothing created', async () => {
    await ecr.call('auth.signOut');
    try {
      const r = await post('/v1/payments', { ecrId: 'T70', amountFen: 700 });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'COUNTER_CLOSED' });
      expect((await get('/v1/payments/T70')).status).toBe(404);
      // The host can still read what happened before.
      expect((await get('/v1/payments/T42')).body.state).toBe('paid');
    } finally {
      await ecr.call('auth.signIn', { operatorId: 'manager', pin: MANAGER_PIN });
    }
  });

  it('a host that connects to /v1/events while a payment waits gets its state first', async () => {
    expect((await post('/v1/payments', { ecrId: 'T80', amountFen: 800 })).status).toBe(202);
    const controller = new AbortController();
    const res = await fetch(`${ecr.url}/v1/events`, {
      headers: { authorization: 'Bearer test-ecr-token-0123456789' },
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('T80')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    expect(text).toMatch(/id: T80\ndata: \{.*"state":"awaiting-code"/);
    expect((await post('/v1/payments/T80/abort', {})).body.state).toBe('aborted');
  });
});
