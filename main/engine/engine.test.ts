import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORD } from '../journal/records.js';
import { settlementReport } from '../reports/journal-source.js';
import type { Simulator } from '../simulator/server.js';
import { closeSimKit, compare, type Kit, makeKit, openSimKit, wechatCode } from './testkit.js';

let sim: Simulator;
let dir: string;
let kit: Kit;

beforeEach(async () => {
  ({ sim, dir, kit } = await openSimKit('engine-test-'));
});
afterEach(() => closeSimKit({ sim, dir, kit }));

const code = wechatCode;

async function pay(amountFen: number, last4 = '1234') {
  kit.engine.sale.begin({ amountFen });
  await kit.engine.sale.acceptCode(code(last4), 'manual', 'test');
  const id = kit.engine.sale.current().merchantOrderId as string;
  await kit.engine.idle();
  return { id, state: kit.engine.sale.current(), order: kit.journal.order(id)?.view };
}

function payRequests(): number {
  return sim.requests().filter((r) => r.endpoint === 'pay').length;
}

function agreeAll() {
  const rows = compare(kit.journal, sim.ledger());
  expect(rows.filter((r) => !r.ok)).toEqual([]);
  return rows;
}

describe('pay', () => {
  it('journals the intent before the request, then the outcome: paid', async () => {
    const { id, state, order } = await pay(1234);
    expect(state.phase).toBe('paid');
    expect(order).toMatchObject({ status: 'paid', paidFen: 1234, unresolved: false, codeLast4: '1234' });
    const records = kit.journal.order(id)?.records ?? [];
    expect(records.map((r) => r.t)).toEqual([RECORD.payIntent, RECORD.payReply]);
    expect(id.length).toBeLessThanOrEqual(50);
    // The full code never reaches the journal.
    const text = fs.readFileSync(path.join(dir, 'journal', `${kit.journal.today()}.jsonl`), 'utf8');
    expect(text).not.toContain(code());
    const steps = kit.events
      .filter((e) => e.name === 'txn.progress')
      .map((e) => (e.payload as { step: string }).step);
    expect(steps).toEqual(['journaled', 'sending', 'resolved']);
    agreeAll();
  });

  it('a decline is final, nothing charged', async () => {
    const { state, order } = await pay(500, '0057');
    expect(state.phase).toBe('declined');
    expect(state.declineCode).toBe('57');
    expect(state.message?.zh).toBe('不允许此交易');
    expect(sim.requests().filter((r) => r.endpoint === 'query')).toHaveLength(0);
    expect(order?.status).toBe('declined');
    agreeAll();
  });

  it('a second scan or double submit while a pay is in flight never sends a second pay', async () => {
    kit.engine.sale.begin({ amountFen: 1093 }); // the slow script: 2 s before the answer
    const first = kit.engine.sale.acceptCode(code(), 'manual', 'test');
    await expect(kit.engine.sale.acceptCode(code(), 'hid', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).toThrow(/in progress/);
    await first;
    await kit.engine.idle();
    expect(payRequests()).toBe(1);
    expect(kit.engine.sale.current().phase).toBe('paid');
    agreeAll();
  });

  it('a bad code keeps the sale waiting with a bilingual message', async () => {
    kit.engine.sale.begin({ amountFen: 100 });
    await expect(kit.engine.sale.acceptCode('6901234567892', 'manual', 't')).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    const state = kit.engine.sale.current();
    expect(state.phase).toBe('awaiting-code');
    expect(state.message?.zh).toContain('商品条码');
    expect(payRequests()).toBe(0);
  });

  it.each([
    ['reply dropped after the charge', 1098, '1234', 'paid'],
    ['HTTP 500 after the charge', 1095, '1234', 'paid'],
    ['malformed reply after the charge', 1094, '1234', 'paid'],
    ['9999 after the charge', 1000, '0099', 'paid'],
    ['96, nothing charged', 1000, '0096', 'declined'],
    ['51 (not a documented decline code: unknown), failed on query', 1000, '0051', 'declined'],
    ['customer typing a password', 1099, '1234', 'paid'],
    ['timeout, never charged: voided at the deadline', 1097, '1234', 'voided'],
  ])('unknown outcome (%s) → query → %s', async (_name, amount, last4, expected) => {
    const { id, state, order } = await pay(amount, last4);
    expect(order?.status).toBe(expected);
    expect(state.phase).toBe(expected);
    expect(order?.unresolved).toBe(false);
    expect(payRequests()).toBe(1);
    expect(kit.journal.order(id)?.records.filter((r) => r.t === RECORD.payIntent)).toHaveLength(1);
    agreeAll();
  });

  it('queries at least once before voiding, even when the pay timed out after the deadline', async () => {
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, timeoutMs: 2_500 }); // deadline is 2 s
    sim.inject('pay', { kind: 'timeout', commit: true }); // charged, but the reply never comes
    const { state, order } = await pay(2000);
    expect(sim.requests().filter((r) => r.endpoint === 'query').length).toBeGreaterThanOrEqual(1);
    expect(sim.requests().filter((r) => r.endpoint === 'voidPayment')).toHaveLength(0);
    expect(order?.status).toBe('paid');
    expect(state.phase).toBe('paid');
    agreeAll();
  });

  it('a void that hangs too leaves the order needing attention, and blocks the next sale until parked', async () => {
    const { id, state } = await pay(1096);
    expect(state.phase).toBe('needs-attention');
    expect(kit.journal.order(id)?.view).toMatchObject({ status: 'needs-attention', unresolved: true });
    expect(() => kit.engine.sale.reset()).toThrow();
    kit.engine.sale.park();
    expect(kit.engine.sale.current().phase).toBe('idle');
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).not.toThrow();
    expect(payRequests()).toBe(1);
  });

  it.each([
    ['timeout, not received', { kind: 'timeout', commit: false }, 'declined'],
    ['timeout, processed', { kind: 'timeout', commit: true }, 'paid'],
    ['drop, processed', { kind: 'drop', commit: true }, 'paid'],
    ['http-500, processed', { kind: 'http-500', commit: true }, 'paid'],
    ['malformed, processed', { kind: 'malformed', commit: true }, 'paid'],
    ['latency under the timeout', { kind: 'latency', ms: 100 }, 'paid'],
  ] as const)('simulator fault on pay: %s → %s', async (_name, fault, expected) => {
    sim.inject('pay', fault);
    const { order } = await pay(2000);
    expect(order?.status).toBe(expected);
    expect(payRequests()).toBe(1);
    agreeAll();
  });

  it('faults on the queries too: still resolved, still one pay', async () => {
    sim.inject('pay', { kind: 'drop', commit: true });
    sim.inject('query', { kind: 'http-500' }, 2);
    const { order } = await pay(2000);
    expect(order?.status).toBe('paid');
    expect(payRequests()).toBe(1);
    agreeAll();
  });
});

describe('recovery', () => {
  it('resolves an order whose process died after the intent, without re-sending the pay', async () => {
    // A pay that reached the bank, then the process died before the reply was journaled.
    kit.engine.sale.begin({ amountFen: 777 });
    sim.inject('pay', { kind: 'timeout', commit: true });
    await kit.engine.sale.acceptCode(code(), 'manual', 't');
    await kit.close(); // stops the flow mid-way
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
    expect(kit.journal.unresolved()).toHaveLength(1);
    await kit.engine.start();
    await kit.engine.idle();
    expect(kit.journal.unresolved()).toHaveLength(0);
    expect(payRequests()).toBe(1);
    agreeAll();
  });
});

describe('recovery of a manager void whose answer was lost', () => {
  it.each([
    ['the void reached the bank', true, 'voided'],
    ['the void never reached the bank', false, 'paid'],
  ] as const)(
    '%s → resolved by query after a restart, never a second void: %s',
    async (_n, commit, expected) => {
      const { id } = await pay(1000);
      sim.inject('voidPayment', { kind: 'drop', commit });
      const after = await kit.engine.voidOrder({ merchantOrderId: id, pin: '123456' });
      // The answer was lost: still shown paid, but unresolved until someone finds out.
      expect(after.view).toMatchObject({ status: 'paid', unresolved: true });

      await kit.close(); // the app is closed (or dies) before the void is resolved
      kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
      expect(kit.journal.unresolved().map((o) => o.view.merchantOrderId)).toEqual([id]);
      await kit.engine.start();
      await kit.engine.idle();

      expect(kit.journal.order(id)?.view).toMatchObject({ status: expected, unresolved: false });
      // One void ever sent (a request that "never reached the bank" carries no ids: count them all).
      expect(sim.requests().filter((r) => r.endpoint === 'voidPayment')).toHaveLength(1);
      expect(sim.requests().filter((r) => r.endpoint === 'query').length).toBeGreaterThanOrEqual(1);
      expect(payRequests()).toBe(1);
      agreeAll();
    },
  );
});

describe('day-end warning', () => {
  /** A clock that runs in real time but reads `hh:mm` China time today (so deadlines still pass). */
  function chinaClock(hh: number, mm: number) {
    const dayMs = 86_400_000;
    const chinaNow = () => Date.now() + 8 * 3_600_000;
    const shiftTo = (h: number, m: number) => h * 3_600_000 + m * 60_000 - (chinaNow() % dayMs);
    let shift = shiftTo(hh, mm);
    return {
      now: () => Date.now() + shift,
      set(h: number, m: number) {
        shift = shiftTo(h, m);
      },
    };
  }
  const notices = () => kit.events.filter((e) => e.name === 'app.notice');

  it('an unresolved order with less than dayEndWarnMinutes left in the China day raises app.notice', async () => {
    const clock = chinaClock(22, 0);
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, now: clock.now });
    const { id } = await pay(1096); // the pay and its void hang: needs attention, unresolved
    expect(kit.journal.order(id)?.view.unresolved).toBe(true);
    const today = kit.journal.today();

    clock.set(23, 0); // 60 minutes left: more than the 30 of the default schedule
    await kit.engine.recover();
    expect(notices()).toEqual([]);

    clock.set(23, 40); // 20 minutes left
    await kit.engine.recover();
    expect(kit.journal.today()).toBe(today); // still the same China day
    expect(kit.journal.order(id)?.view.unresolved).toBe(true);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]?.payload).toMatchObject({
      level: 'warning',
      message: { en: expect.stringContaining('1 order(s) today are still unresolved') },
    });

    clock.set(23, 45); // the same warning is not repeated within 10 minutes
    await kit.engine.recover();
    expect(notices()).toHaveLength(1);
  });

  it('no warning when nothing is unresolved', async () => {
    const clock = chinaClock(23, 50);
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, now: clock.now });
    await pay(1000);
    await kit.engine.recover();
    expect(notices()).toEqual([]);
  });
});

describe('void and refund', () => {
  it('needs a manager PIN; void same day; partial refunds never above the paid amount', async () => {
    const a = await pay(1000);
    await expect(kit.engine.voidOrder({ merchantOrderId: a.id, pin: '0000' })).rejects.toMatchObject({
      code: 'PIN_INVALID',
    });
    const voided = await kit.engine.voidOrder({ merchantOrderId: a.id, pin: '123456' });
    expect(voided.view.status).toBe('voided');

    const b = await pay(1000);
    const r1 = await kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 300, pin: '123456' });
    expect(r1.view).toMatchObject({ status: 'partially-refunded', refundedFen: 300, refundableFen: 700 });
    await expect(
      kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 701, pin: '123456' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const r2 = await kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 700, pin: '123456' });
    expect(r2.view).toMatchObject({ status: 'refunded', refundedFen: 1000, refundableFen: 0 });
    expect(new Set(r2.refunds.map((r) => r.refundRequestId)).size).toBe(2);
    agreeAll();
    const report = settlementReport(kit.journal.store, kit.journal.today());
    expect(report.totals).toMatchObject({
      salesCount: 2,
      salesFen: 2000,
      voidsCount: 1,
      voidsFen: 1000,
      refundsCount: 2,
      refundsFen: 1000,
      netFen: 0,
    });
  });

  it('refund ids never collide across a restart, even at the same clock reading', async () => {
    const frozen = Date.now();
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, now: () => frozen });
    const b = await pay(1000);
    const r1 = await kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 300, pin: '123456' });
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, now: () => frozen }); // a restart, same instant
    const r2 = await kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 200, pin: '123456' });
    const ids = r2.refunds.map((r) => r.refundRequestId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(r1.refunds[0]?.refundRequestId);
    expect(new Set(ids).size).toBe(2);
    // The last 8 digits are the persistent journal sequence: it only grows.
    const seq = (id: string | undefined) => Number(id?.slice(-8));
    expect(seq(ids[1])).toBeGreaterThan(seq(ids[0]));
    const sent = sim
      .requests()
      .filter((r) => r.endpoint === 'refund')
      .map((r) => r.ids.refundRequestId);
    expect(sent).toEqual(ids);
    expect(r2.view).toMatchObject({ status: 'partially-refunded', refundedFen: 500 });
    agreeAll();
  });

  it('an unknown refund is queried with the same refundRequestId, never sent again', async () => {
    const b = await pay(1000);
    sim.inject('refund', { kind: 'drop', commit: true });
    const r = await kit.engine.refundOrder({ merchantOrderId: b.id, amountFen: 400, pin: '123456' });
    expect(r.view).toMatchObject({ status: 'partially-refunded', refundedFen: 400 });
    const refundCalls = sim.requests().filter((x) => x.endpoint === 'refund');
    expect(refundCalls).toHaveLength(1);
    const queried = sim.requests().filter((x) => x.endpoint === 'queryRefund');
    expect(queried.length).toBeGreaterThan(0);
    expect(queried.every((q) => q.ids.refundRequestId === r.refunds[0]?.refundRequestId)).toBe(true);
    agreeAll();
  });
});
