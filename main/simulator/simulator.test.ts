/**
 * The client against the simulator over real loopback HTTP: every endpoint, every outcome class, every
 * scripted behaviour and fault. The simulator clock is moved instead of waiting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPosLinkClient } from '../gateway/client.js';
import { interpretPreauthQuery, interpretQuery } from '../gateway/codes.js';
import { bodySigHeader, chinaTimestamp } from '../gateway/sign.js';
import type { PosLinkClient, PosLinkClientOptions } from '../gateway/types.js';
import { setLogSink } from '../log/logger.js';
import { type Simulator, startSimulator } from './server.js';

const MERCHANT = '898310000000001';
const TERMINAL = 'T0000001';
const WECHAT = '134567890123451234'; // 18 digits, starts 13, ends 1234: no script

let sim: Simulator;
let client: PosLinkClient;
let seq = 0;
const oid = () => `TEST${Date.now()}${++seq}`;
const code = (last4: string) => `1345678901234${'5'}${last4}`; // 18 digits

function makeClient(extra: Partial<PosLinkClientOptions> = {}): PosLinkClient {
  return createPosLinkClient({
    baseUrl: () => sim.url,
    appId: () => sim.credentials.appId,
    appKey: () => sim.credentials.appKey,
    merchantCode: () => MERCHANT,
    terminalCode: () => TERMINAL,
    now: () => sim.clock.now(),
    timeoutMs: 800,
    ...extra,
  });
}

beforeAll(async () => {
  sim = await startSimulator({ passwordDelayMs: 12_000, slowMs: 10 });
  client = makeClient();
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.clock.reset();
  sim.clearFaults();
});

const ledgerOf = (merchantOrderId: string) => sim.ledger().find((o) => o.merchantOrderId === merchantOrderId);

describe('pay, query, void', () => {
  it('pays, and the ledger shows one charge', async () => {
    const id = oid();
    const paid = await client.pay({ transactionAmount: 1234, merchantOrderId: id, payCode: WECHAT });
    expect(paid.outcome).toBe('ok');
    if (paid.outcome !== 'ok') return;
    expect(paid.body.amount).toBe(1234);
    expect(paid.body.orderId).toMatch(/^\d{1,26}$/);
    expect(paid.raw).toContain('"errCode":"00"');
    expect(paid.body.thirdPartyName).toBe('微信支付');
    const q = interpretQuery(await client.query({ merchantOrderId: id }));
    expect(q).toMatchObject({ state: 'paid', amountFen: 1234, orderId: paid.body.orderId });
    expect(ledgerOf(id)).toMatchObject({ state: 'paid', chargedTimes: 1, capturedFen: 1234 });
  });

  it('refuses a duplicate merchantOrderId with 94 (unknown to the client) and charges nothing more', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 500, merchantOrderId: id, payCode: WECHAT });
    const again = await client.pay({ transactionAmount: 500, merchantOrderId: id, payCode: WECHAT });
    expect(again).toMatchObject({ outcome: 'unknown', cause: 'unknown-code', errCode: '94' });
    expect(sim.ledger().filter((o) => o.merchantOrderId === id)).toHaveLength(1);
    expect(ledgerOf(id)?.chargedTimes).toBe(1);
  });

  it('voids the same day; a second void answers success and changes nothing', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 800, merchantOrderId: id, payCode: WECHAT });
    const v = await client.voidPayment({ merchantOrderId: id });
    expect(v.outcome).toBe('ok');
    expect((await client.voidPayment({ merchantOrderId: id })).outcome).toBe('ok');
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('voided');
    expect(ledgerOf(id)).toMatchObject({ state: 'voided', capturedFen: 0 });
  });

  it('refuses a void and a query on another day (China time)', async () => {
    const id = oid();
    const paid = await client.pay({ transactionAmount: 800, merchantOrderId: id, payCode: WECHAT });
    expect(paid.outcome).toBe('ok');
    // Jump to 00:00:01 China time of the next day.
    const today = chinaTimestamp(sim.clock.now()).slice(0, 8);
    const next = new Date(
      Date.UTC(
        Number(today.slice(0, 4)),
        Number(today.slice(4, 6)) - 1,
        Number(today.slice(6, 8)) + 1,
        0,
        0,
        1,
      ) -
        8 * 3600_000,
    );
    sim.clock.set(next);
    const v = await client.voidPayment({ merchantOrderId: id });
    expect(v).toMatchObject({ outcome: 'declined', errCode: '57' });
    const q = await client.query({ merchantOrderId: id });
    expect(q).toMatchObject({ outcome: 'declined', errCode: '57' });
    expect(interpretQuery(q).state).toBe('unknown'); // never "not found" for an old order
    expect(ledgerOf(id)?.state).toBe('paid');
  });

  it('answers 22 原交易不存在 to a query for an order it never saw', async () => {
    const q = await client.query({ merchantOrderId: 'NEVER-SEEN' });
    expect(q).toMatchObject({ outcome: 'declined', errCode: '22', errInfo: '原交易不存在' });
    expect(interpretQuery(q).state).toBe('not-found');
    expect((await client.voidPayment({ merchantOrderId: 'NEVER-SEEN' })).outcome).toBe('declined');
  });

  it('activates the terminal (v2)', async () => {
    expect((await client.activateTerminal()).outcome).toBe('ok');
  });
});

describe('scripted pay behaviours', () => {
  for (const decline of ['03', '05', '13', '30', '51', '55', '57', '61', '64', '97']) {
    it(`code ending 00${decline} declines with ${decline}, nothing charged`, async () => {
      const id = oid();
      const r = await client.pay({
        transactionAmount: 100,
        merchantOrderId: id,
        payCode: code(`00${decline}`),
      });
      expect(r).toMatchObject({ outcome: 'declined', errCode: decline });
      if (r.outcome === 'declined') expect(r.meaning.zh.length).toBeGreaterThan(0);
      expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('failed');
      expect(ledgerOf(id)).toMatchObject({ state: 'failed', chargedTimes: 0 });
    });
  }

  it('code ending 0051 declines with its meaning: 余额不足（51） / Insufficient funds (51)', async () => {
    const r = await client.pay({ transactionAmount: 100, merchantOrderId: oid(), payCode: code('0051') });
    expect(r).toMatchObject({
      outcome: 'declined',
      errCode: '51',
      message: { zh: '余额不足（51）', en: 'Insufficient funds (51)' },
    });
  });

  it('code ending 0099 answers 9999 after charging: unknown, the query says paid', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 100, merchantOrderId: id, payCode: code('0099') });
    expect(r).toMatchObject({ outcome: 'unknown', errCode: '9999' });
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('paid');
  });

  it('amount ending 99: customer typing password → FF until the delay, then paid', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 1099, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'unknown', cause: 'unknown-code', errCode: 'ER' });
    const first = interpretQuery(await client.query({ merchantOrderId: id }));
    expect(first).toMatchObject({ state: 'pending', queryResCode: 'FF' });
    sim.clock.advance(11_000);
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('pending');
    sim.clock.advance(1_500);
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('paid');
    expect(ledgerOf(id)?.chargedTimes).toBe(1);
  });

  it('amount ending 98: charged, connection destroyed → unknown network; query paid; not re-sent', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 298, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'unknown', cause: 'network' });
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('paid');
    expect(sim.requests().filter((x) => x.endpoint === 'pay' && x.ids.merchantOrderId === id)).toHaveLength(
      1,
    );
  });

  it('amount ending 97: pay times out, no charge, FF forever, the void succeeds', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 397, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'unknown', cause: 'timeout' });
    sim.clock.advance(3600_000);
    expect(interpretQuery(await client.query({ merchantOrderId: id })).queryResCode).toBe('FF');
    expect((await client.voidPayment({ merchantOrderId: id })).outcome).toBe('ok');
    expect(ledgerOf(id)).toMatchObject({ state: 'voided', chargedTimes: 0 });
  });

  it('amount ending 96: like 97 but the void gets no answer either', async () => {
    const id = oid();
    expect((await client.pay({ transactionAmount: 496, merchantOrderId: id, payCode: WECHAT })).outcome).toBe(
      'unknown',
    );
    const v = await client.voidPayment({ merchantOrderId: id });
    expect(v).toMatchObject({ outcome: 'unknown', cause: 'timeout' });
    expect(ledgerOf(id)).toMatchObject({ chargedTimes: 0 });
  });

  it('amount ending 95: HTTP 500 after charging', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 595, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'unknown', cause: 'http-status', httpStatus: 500 });
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('paid');
  });

  it('amount ending 94: malformed JSON after charging', async () => {
    const id = oid();
    const r = await client.pay({ transactionAmount: 694, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'unknown', cause: 'unparsable', httpStatus: 200 });
    if (r.outcome === 'unknown') expect(r.raw?.length).toBeGreaterThan(0);
    expect(interpretQuery(await client.query({ merchantOrderId: id })).state).toBe('paid');
  });
});

describe('refunds', () => {
  it('refunds within 30 days, idempotent per refundRequestId, never above the paid amount', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 1000, merchantOrderId: id, payCode: WECHAT });
    sim.clock.advance(29 * 86_400_000);
    const r1 = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R1`,
      transactionAmount: 600,
    });
    expect(r1.outcome).toBe('ok');
    if (r1.outcome === 'ok') expect(r1.body.refundInvoiceAmount).toBe(600); // sent as "600", stored as integer
    const again = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R1`,
      transactionAmount: 600,
    });
    expect(again.outcome).toBe('ok');
    if (again.outcome === 'ok' && r1.outcome === 'ok') expect(again.raw).toBe(r1.raw);
    expect(ledgerOf(id)).toMatchObject({ refundedFen: 600, capturedFen: 400 });

    const over = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R2`,
      transactionAmount: 500,
    });
    expect(over).toMatchObject({ outcome: 'declined', errCode: '61' });
    const tooBig = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R3`,
      transactionAmount: 1001,
    });
    expect(tooBig).toMatchObject({ outcome: 'declined', errCode: '64' });
    const rest = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R4`,
      transactionAmount: 400,
    });
    expect(rest.outcome).toBe('ok');
    expect(ledgerOf(id)).toMatchObject({ refundedFen: 1000, capturedFen: 0 });
    expect(ledgerOf(id)?.refunds.map((r) => r.refundRequestId)).toEqual([`${id}-R1`, `${id}-R4`]);

    const qr = await client.queryRefund({ merchantOrderId: id, refundRequestId: `${id}-R1` });
    expect(qr.outcome).toBe('ok');
    if (qr.outcome === 'ok') expect(qr.body).toMatchObject({ queryResCode: '00', refundInvoiceAmount: 600 });
    const missing = await client.queryRefund({ merchantOrderId: id, refundRequestId: 'nope' });
    expect(missing).toMatchObject({ outcome: 'declined', errCode: '25' });
  });

  it('refuses a refund after 30 days', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 1000, merchantOrderId: id, payCode: WECHAT });
    sim.clock.advance(31 * 86_400_000);
    const r = await client.refund({ merchantOrderId: id, refundRequestId: `${id}-R`, transactionAmount: 1 });
    expect(r).toMatchObject({ outcome: 'declined', errCode: '57' });
    expect(ledgerOf(id)?.refundedFen).toBe(0);
  });

  it('a refund whose reply is lost is found by query-refund and not doubled when re-sent', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 1000, merchantOrderId: id, payCode: WECHAT });
    sim.inject('refund', { kind: 'drop' });
    const lost = await client.refund({
      merchantOrderId: id,
      refundRequestId: `${id}-R`,
      transactionAmount: 300,
    });
    expect(lost).toMatchObject({ outcome: 'unknown', cause: 'network' });
    const qr = await client.queryRefund({ merchantOrderId: id, refundRequestId: `${id}-R` });
    expect(qr.outcome === 'ok' && qr.body.queryResCode).toBe('00');
    await client.refund({ merchantOrderId: id, refundRequestId: `${id}-R`, transactionAmount: 300 });
    expect(ledgerOf(id)?.refundedFen).toBe(300);
  });
});

describe('authorization', () => {
  it('answers 1000 to a wrong AppKey (declined, nothing charged)', async () => {
    const bad = makeClient({ appKey: () => 'wrong-key-wrong-key-wrong-key-00' });
    const id = oid();
    const r = await bad.pay({ transactionAmount: 100, merchantOrderId: id, payCode: WECHAT });
    expect(r).toMatchObject({ outcome: 'declined', errCode: '1000', httpStatus: 401 });
    expect(ledgerOf(id)).toBeUndefined();
  });

  it('answers 1000 to a stale timestamp', async () => {
    const stale = makeClient({ now: () => new Date(Date.now() - 3600_000) });
    const r = await stale.query({ merchantOrderId: 'x' });
    expect(r).toMatchObject({ outcome: 'declined', errCode: '1000' });
  });

  it('answers 1000 to a body that was changed after signing, and 9001 to unknown fields', async () => {
    const body = JSON.stringify({ merchantCode: MERCHANT, terminalCode: TERMINAL, merchantOrderId: 'a' });
    const ts = chinaTimestamp(new Date());
    const auth = bodySigHeader(sim.credentials.appId, sim.credentials.appKey, ts, 'ab'.repeat(16), body);
    const tampered = await fetch(`${sim.url}/v2/poslink/transaction/query`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body.replace('"a"', '"b"'),
    });
    expect(((await tampered.json()) as { errCode: string }).errCode).toBe('1000');

    const extra = JSON.stringify({
      merchantCode: MERCHANT,
      terminalCode: TERMINAL,
      merchantOrderId: 'a',
      x: 1,
    });
    const ok = await fetch(`${sim.url}/v2/poslink/transaction/query`, {
      method: 'POST',
      headers: {
        authorization: bodySigHeader(
          sim.credentials.appId,
          sim.credentials.appKey,
          ts,
          'cd'.repeat(16),
          extra,
        ),
        'content-type': 'application/json',
      },
      body: extra,
    });
    expect(((await ok.json()) as { errCode: string }).errCode).toBe('9001');
  });

  it('access-token mode: fetches one token, reuses it, refreshes once on 1000', async () => {
    const tokenClient = makeClient({ authMode: 'access-token' });
    const tokensBefore = sim.requests().filter((r) => r.endpoint === 'token').length;
    const id = oid();
    expect(
      (await tokenClient.pay({ transactionAmount: 100, merchantOrderId: id, payCode: WECHAT })).outcome,
    ).toBe('ok');
    expect((await tokenClient.query({ merchantOrderId: id })).outcome).toBe('ok');
    expect(sim.requests().filter((r) => r.endpoint === 'token').length).toBe(tokensBefore + 1);
    sim.revokeTokens();
    expect((await tokenClient.query({ merchantOrderId: id })).outcome).toBe('ok');
    expect(sim.requests().filter((r) => r.endpoint === 'token').length).toBe(tokensBefore + 2);
  });
});

describe('access-token lifetime', () => {
  it('refreshes shortly before expiry without waiting for a 1000, and refuses to send without a token', async () => {
    const short = await startSimulator({ tokenTtlSeconds: 600 });
    try {
      const tc = createPosLinkClient({
        baseUrl: short.url,
        appId: () => short.credentials.appId,
        appKey: () => short.credentials.appKey,
        merchantCode: () => MERCHANT,
        terminalCode: () => TERMINAL,
        authMode: 'access-token',
        now: () => short.clock.now(),
      });
      const tokens = () => short.requests().filter((r) => r.endpoint === 'token').length;
      await tc.query({ merchantOrderId: 'a' });
      short.clock.advance(4 * 60_000);
      await tc.query({ merchantOrderId: 'a' });
      expect(tokens()).toBe(1);
      short.clock.advance(2 * 60_000); // 6 min of 10: inside the 5-minute margin
      await tc.query({ merchantOrderId: 'a' });
      expect(tokens()).toBe(2);
      expect(short.requests().filter((r) => r.errCode === '1000')).toHaveLength(0);

      const wrong = createPosLinkClient({
        baseUrl: short.url,
        appId: () => short.credentials.appId,
        appKey: () => 'not-the-key-not-the-key-not-the-',
        merchantCode: () => MERCHANT,
        terminalCode: () => TERMINAL,
        authMode: 'access-token',
      });
      const before = short.requests().filter((r) => r.endpoint === 'pay').length;
      const refused = await wrong.pay({ transactionAmount: 100, merchantOrderId: oid(), payCode: WECHAT });
      // No token, no pay: a definite "not sent", never an exception the sale would get stuck on.
      expect(refused).toMatchObject({ outcome: 'declined', notSent: true, cause: 'token-refused' });
      expect(short.requests().filter((r) => r.endpoint === 'pay').length).toBe(before);
    } finally {
      await short.close();
    }
  });
});

describe('fault injection', () => {
  it('HTTP 500 for the next 2 queries, then normal', async () => {
    const id = oid();
    await client.pay({ transactionAmount: 100, merchantOrderId: id, payCode: WECHAT });
    sim.inject('query', { kind: 'http-500' }, 2);
    expect(await client.query({ merchantOrderId: id })).toMatchObject({
      outcome: 'unknown',
      cause: 'http-status',
    });
    expect(await client.query({ merchantOrderId: id })).toMatchObject({
      outcome: 'unknown',
      cause: 'http-status',
    });
    expect((await client.query({ merchantOrderId: id })).outcome).toBe('ok');
  });

  it('malformed JSON, latency, and a timeout that never reached the bank', async () => {
    const id = oid();
    sim.inject('pay', { kind: 'malformed' });
    expect(await client.pay({ transactionAmount: 100, merchantOrderId: id, payCode: WECHAT })).toMatchObject({
      outcome: 'unknown',
      cause: 'unparsable',
    });
    expect(ledgerOf(id)?.chargedTimes).toBe(1); // committed before the fault

    sim.inject('query', { kind: 'latency', ms: 20 });
    expect((await client.query({ merchantOrderId: id })).outcome).toBe('ok');

    const id2 = oid();
    sim.inject('pay', { kind: 'timeout', commit: false });
    expect(await client.pay({ transactionAmount: 100, merchantOrderId: id2, payCode: WECHAT })).toMatchObject(
      {
        outcome: 'unknown',
        cause: 'timeout',
      },
    );
    expect(ledgerOf(id2)).toBeUndefined();
    expect(interpretQuery(await client.query({ merchantOrderId: id2 })).state).toBe('not-found');
  });

  it('a refused connection never left the machine: declined, not sent', async () => {
    const other = await startSimulator();
    const url = other.url;
    await other.close();
    const dead = makeClient({ baseUrl: url });
    expect(await dead.query({ merchantOrderId: 'x' })).toMatchObject({
      outcome: 'declined',
      notSent: true,
      cause: 'refused',
    });
  });
});

describe('pre-authorization', () => {
  let trace = 100;
  const next = () => String(++trace).padStart(6, '0');

  it('requires activation, then preauthorize → complete; trace numbers unique per day', async () => {
    const term = `PA${Date.now() % 1_000_000}`;
    const pc = makeClient({ terminalCode: () => term });
    const early = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 5000,
      payCode: WECHAT,
    });
    expect(early).toMatchObject({ outcome: 'declined', errCode: '97' });
    const t = next();
    expect((await pc.preauth.activate({ systemTraceNum: t })).outcome).toBe('ok');
    expect(await pc.preauth.activate({ systemTraceNum: t })).toMatchObject({
      errCode: '94',
      outcome: 'unknown',
    });

    const paTrace = next();
    const pa = await pc.preauth.preauthorize({
      systemTraceNum: paTrace,
      transactionAmount: 5000,
      merchantOrderId: oid(),
      payCode: WECHAT,
    });
    expect(pa.outcome).toBe('ok');
    if (pa.outcome !== 'ok') return;
    const { authorizationCode, transactionDate, orderId } = pa.body;
    expect(authorizationCode).toMatch(/^\d{6}$/);
    expect(transactionDate).toMatch(/^\d{4}$/);

    const byTrace = await pc.preauth.queryByTrace({
      systemTraceNum: next(),
      originalSystemTraceNum: paTrace,
    });
    expect(byTrace.outcome === 'ok' && byTrace.body).toMatchObject({
      queryResCode: '0',
      originalAmount: 5000,
    });
    expect(
      interpretPreauthQuery(await pc.preauth.query({ systemTraceNum: next(), originalOrderId: orderId })),
    ).toMatchObject({ state: 'authorized', secureStatus: 0 });

    const over = await pc.preauth.complete({
      systemTraceNum: next(),
      transactionAmount: 5001,
      authorizationCode: authorizationCode as string,
      originalTransactionDate: transactionDate as string,
      originalSystemTraceNum: paTrace,
    });
    expect(over).toMatchObject({ outcome: 'declined', errCode: '61' });
    const done = await pc.preauth.complete({
      systemTraceNum: next(),
      transactionAmount: 4500,
      authorizationCode: authorizationCode as string,
      originalTransactionDate: transactionDate as string,
      originalSystemTraceNum: paTrace,
    });
    expect(done.outcome).toBe('ok');
    expect(
      interpretPreauthQuery(
        await pc.preauth.query({ systemTraceNum: next(), originalSystemTraceNum: paTrace }),
      ),
    ).toMatchObject({ state: 'completed', secureStatus: 2 });
    const voidAfter = await pc.preauth.void({
      systemTraceNum: next(),
      transactionAmount: 5000,
      authorizationCode: authorizationCode as string,
      originalTransactionDate: transactionDate as string,
      originalSystemTraceNum: paTrace,
    });
    expect(voidAfter).toMatchObject({ outcome: 'declined', errCode: '57' });
    expect(sim.preauthLedger().find((p) => p.orderId === orderId)).toMatchObject({
      state: 'completed',
      completedFen: 4500,
    });
  });

  it('void, quick void, quick complete, and the 99 "auto-query" script', async () => {
    const pc = client;
    await pc.preauth.activate({ systemTraceNum: next() });
    const a = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 300,
      payCode: WECHAT,
    });
    const b = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 400,
      payCode: WECHAT,
    });
    const aTrace = String(trace - 1).padStart(6, '0');
    if (a.outcome !== 'ok' || b.outcome !== 'ok') throw new Error('preauthorize failed');
    const v = await pc.preauth.void({
      systemTraceNum: next(),
      transactionAmount: 300,
      authorizationCode: a.body.authorizationCode as string,
      originalTransactionDate: a.body.transactionDate as string,
      originalSystemTraceNum: aTrace,
    });
    expect(v.outcome).toBe('ok');
    const qa = await pc.preauth.query({ systemTraceNum: next(), originalOrderId: a.body.orderId });
    expect(interpretPreauthQuery(qa)).toMatchObject({ state: 'voided', secureStatus: 1 });

    const qv = await pc.preauth.quickVoid({
      systemTraceNum: next(),
      transactionAmount: 400,
      orderId: b.body.orderId as string,
    });
    expect(qv.outcome).toBe('ok');

    const c = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 700,
      payCode: WECHAT,
    });
    if (c.outcome !== 'ok') throw new Error('preauthorize failed');
    const qc = await pc.preauth.quickComplete({
      systemTraceNum: next(),
      transactionAmount: 650,
      orderId: c.body.orderId as string,
    });
    expect(qc.outcome === 'ok' && qc.body.actualTransactionAmount).toBe(650);

    const d = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 1099,
      payCode: WECHAT,
    });
    expect(d).toMatchObject({ outcome: 'unknown', cause: 'auto-query', errCode: '00' });
    const dOrder = d.outcome === 'unknown' ? (d.body?.orderId as string) : '';
    const pending = await pc.preauth.query({ systemTraceNum: next(), originalOrderId: dOrder });
    expect(interpretPreauthQuery(pending).state).toBe('pending');
    sim.clock.advance(12_001);
    const later = await pc.preauth.query({ systemTraceNum: next(), originalOrderId: dOrder });
    expect(interpretPreauthQuery(later).state).toBe('authorized');

    const declined = await pc.preauth.preauthorize({
      systemTraceNum: next(),
      transactionAmount: 100,
      payCode: code('0057'),
    });
    expect(declined).toMatchObject({ outcome: 'declined', errCode: '57' });
  });
});

describe('mount', () => {
  it('serves extra routes on the same server and refuses to hide POS通 paths', async () => {
    const unmount = sim.mount('/yima/', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`yima ${req.url}`);
    });
    const r = await fetch(`${sim.url}/yima/refund`, { method: 'POST', body: 'x' });
    expect(await r.text()).toBe('yima /yima/refund');
    sim.inject('/yima/', { kind: 'http-500' });
    expect((await fetch(`${sim.url}/yima/refund`, { method: 'POST', body: 'x' })).status).toBe(500);
    unmount();
    expect((await fetch(`${sim.url}/yima/refund`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(() => sim.mount('/v2/', () => {})).toThrow();
  });
});

describe('wire details', () => {
  it('sends goods, storeId and operatorId the simulator accepts under its strict schema', async () => {
    const id = oid();
    const r = await client.pay({
      transactionAmount: 300,
      merchantOrderId: id,
      payCode: WECHAT,
      goods: [
        { goodsId: 'G1', goodsName: '矿泉水', quantity: 2, price: 100 },
        { goodsId: 'G2', goodsName: '面包', quantity: 1, price: 100, goodsCategory: 'food', discount: 0 },
      ],
      storeId: 'S1',
      operatorId: 'cashier',
      limitCreditCard: false,
    });
    expect(r.outcome).toBe('ok');
  });

  it('never logs the AppKey, a signature or a full payment code', async () => {
    const lines: string[] = [];
    const previous = setLogSink((record) => lines.push(JSON.stringify(record)), 'debug');
    try {
      const payCode = '281234567890126789';
      await client.pay({ transactionAmount: 1234, merchantOrderId: oid(), payCode });
      await client.pay({ transactionAmount: 1295, merchantOrderId: oid(), payCode }); // unknown: warn line
      await makeClient({ appKey: () => 'x'.repeat(32) }).pay({
        transactionAmount: 100,
        merchantOrderId: oid(),
        payCode,
      });
      const text = lines.join('\n');
      expect(lines.length).toBeGreaterThan(2);
      expect(text).not.toContain(payCode);
      expect(text).not.toContain(sim.credentials.appKey);
      expect(text).not.toMatch(/Signature=/);
      expect(text).toContain('6789');
    } finally {
      setLogSink(previous, 'info');
    }
  });
});
