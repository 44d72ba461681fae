/**
 * What the one operations core fixed, each against the real simulator over loopback HTTP:
 * a refund never decides the sale, recovery never stops, sale.begin refused while needs-attention is
 * shown or the journal cannot write, nothing stuck "in flight" when a write fails, early queries while
 * a pay still waits, and a pay that never left the machine declined at once.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalFs } from '../../journal/store.js';
import { settlementReport } from '../../reports/journal-source.js';
import type { Simulator } from '../../simulator/server.js';
import { closeSimKit, compare, type Kit, makeKit, openSimKit, wechatCode } from '../testkit.js';

let sim: Simulator;
let dir: string;
let kit: Kit;

beforeEach(async () => {
  ({ sim, dir, kit } = await openSimKit('core-test-'));
});
afterEach(() => closeSimKit({ sim, dir, kit }));

const code = wechatCode;
const PIN = '123456';

async function pay(amountFen: number, last4 = '1234') {
  kit.engine.sale.begin({ amountFen });
  await kit.engine.sale.acceptCode(code(last4), 'manual', 'test');
  const id = kit.engine.sale.current().merchantOrderId as string;
  await kit.engine.idle();
  return id;
}

const count = (endpoint: string) => sim.requests().filter((r) => r.endpoint === endpoint).length;
const types = (id: string) => kit.journal.order(id)?.records.map((r) => r.t) ?? [];

function agreeAll() {
  const rows = compare(kit.journal, sim.ledger());
  expect(rows.filter((r) => !r.ok)).toEqual([]);
}

describe('a refund never decides the sale', () => {
  it('a refund left unknown, then query-refund "no such refund" (25): failed, the sale stays paid, no void', async () => {
    const id = await pay(1000);
    sim.inject('refund', { kind: 'http-500', commit: false }); // never reached the bank
    const after = await kit.engine.refundOrder({ merchantOrderId: id, amountFen: 400, pin: PIN });
    expect(after.refunds).toMatchObject([{ amountFen: 400, status: 'failed' }]);
    expect(after.view).toMatchObject({
      status: 'paid',
      unresolved: false,
      refundedFen: 0,
      refundableFen: 1000,
    });
    // Recovery and 立即查询 change nothing either.
    await kit.engine.recover();
    await kit.engine.resolveNow(id);
    expect(kit.journal.order(id)?.view.status).toBe('paid');
    expect(count('voidPayment')).toBe(0);
    expect(settlementReport(kit.journal.store, kit.journal.today()).totals).toMatchObject({
      salesCount: 1,
      salesFen: 1000,
    });
    agreeAll();
  });

  it('a partial refund that happened but whose answers were lost: after a restart, exactly that part is refunded', async () => {
    const id = await pay(1000);
    sim.inject('refund', { kind: 'drop', commit: true });
    sim.inject('queryRefund', { kind: 'http-500' }, 3);
    const after = await kit.engine.refundOrder({ merchantOrderId: id, amountFen: 400, pin: PIN });
    expect(after.view).toMatchObject({ status: 'paid', unresolved: true, refundableFen: 600 });
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
    await kit.engine.start();
    await kit.engine.idle();
    const order = kit.journal.order(id);
    expect(order?.view).toMatchObject({
      status: 'partially-refunded',
      refundedFen: 400,
      refundableFen: 600,
      unresolved: false,
    });
    expect(count('voidPayment')).toBe(0);
    // The rest can still be refunded.
    const rest = await kit.engine.refundOrder({ merchantOrderId: id, amountFen: 600, pin: PIN });
    expect(rest.view).toMatchObject({ status: 'refunded', refundedFen: 1000 });
    agreeAll();
  });
});

describe('recovery never stops while anything is unresolved', () => {
  it('an order whose automatic void was unknown is voided by a later pass, after idle passes, with no restart', async () => {
    await kit.close();
    kit = makeKit({
      dataDir: dir,
      gatewayUrl: sim.url,
      engine: { schedule: { firstQueryMs: 10, queryEveryMs: 20, earlyQueryMs: 5_000, recoveryEveryMs: 40 } },
    });
    await kit.engine.start(); // nothing to do: an idle pass, and the loop must go on
    await new Promise((resolve) => setTimeout(resolve, 100));
    sim.inject('voidPayment', { kind: 'timeout', commit: false }, 1); // the first void: lost, no answer
    kit.engine.sale.begin({ amountFen: 1097 }); // never charged, the pay never answers
    await kit.engine.sale.acceptCode(code(), 'manual', 't');
    const id = kit.engine.sale.current().merchantOrderId as string;
    await expect
      .poll(() => kit.journal.order(id)?.view, { timeout: 10_000 })
      .toMatchObject({ status: 'voided', unresolved: false });
    // The first void's answer was lost (needs attention); a later pass voided it.
    const records = kit.journal.order(id)?.records ?? [];
    expect(records.some((r) => r.t === 'void.reply' && r.st === 'needs-attention')).toBe(true);
    expect(count('voidPayment')).toBeGreaterThanOrEqual(2);
    expect(count('pay')).toBe(1);
  });

  it('the day-end warning comes from the loop itself', async () => {
    const dayMs = 86_400_000;
    const shift = 23 * 3_600_000 + 40 * 60_000 - ((Date.now() + 8 * 3_600_000) % dayMs);
    await kit.close();
    kit = makeKit({
      dataDir: dir,
      gatewayUrl: sim.url,
      now: () => Date.now() + shift,
      engine: { schedule: { firstQueryMs: 10, queryEveryMs: 20, recoveryEveryMs: 40 } },
    });
    await pay(1096); // the pay and every void hang: unresolved
    await kit.engine.start();
    await expect
      .poll(() => kit.events.filter((e) => e.name === 'app.notice').length, { timeout: 5_000 })
      .toBe(1);
  });
});

describe('the sale screen', () => {
  it('sale.begin is refused while needs-attention is shown (the IPC, not only the UI)', async () => {
    await pay(1096);
    expect(kit.engine.sale.current().phase).toBe('needs-attention');
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    kit.engine.sale.park();
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).not.toThrow();
  });
});

/** node:fs for the journal, with writes failing (ENOSPC) while `failing` is set. */
function fullDisk() {
  const state = { failing: false };
  const shim: JournalFs = {
    openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
    writeSync: (fd, buf, off, len, pos) => {
      if (state.failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return fs.writeSync(fd, buf, off, len, pos);
    },
    fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
    ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
    closeSync: (fd) => fs.closeSync(fd),
    fstatSync: (fd) => fs.fstatSync(fd),
  };
  return { state, shim };
}

describe('a journal that cannot write', () => {
  it('no intent → nothing sent; the sale keeps waiting; sale.begin refused with the bilingual reason', async () => {
    const disk = fullDisk();
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, journal: { store: { fs: disk.shim, probeMs: 0 } } });
    kit.engine.sale.begin({ amountFen: 1000 });
    disk.state.failing = true;
    await expect(kit.engine.sale.acceptCode(code(), 'manual', 't')).rejects.toMatchObject({
      code: 'JOURNAL_UNAVAILABLE',
    });
    expect(count('pay')).toBe(0);
    expect(kit.engine.sale.current().phase).toBe('awaiting-code');
    kit.engine.sale.cancel();
    let refused: unknown;
    try {
      kit.engine.sale.begin({ amountFen: 100 });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'JOURNAL_UNAVAILABLE' });
    expect((refused as { bilingual: { zh: string; en: string } }).bilingual.zh).toMatch(/\S/);
    expect((refused as { bilingual: { zh: string; en: string } }).bilingual.en).toMatch(/\S/);
    disk.state.failing = false;
    expect(kit.journal.store.probe().writable).toBe(true);
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).not.toThrow();
  });

  it('a reply that cannot be journaled: not stuck in flight, park works, recovery settles it once writes work', async () => {
    const disk = fullDisk();
    await kit.close();
    kit = makeKit({
      dataDir: dir,
      gatewayUrl: sim.url,
      journal: { store: { fs: disk.shim, probeMs: 0 } },
      engine: {
        crashPoint: (name) => {
          if (name === 'after-reply') disk.state.failing = true;
        },
      },
    });
    await kit.engine.start();
    const id = await pay(1000);
    const state = kit.engine.sale.current();
    expect(state.phase).toBe('needs-attention');
    expect(state.message?.zh).toContain('无法写入');
    expect(kit.journal.order(id)?.view).toMatchObject({ status: 'pending', unresolved: true });
    // Nothing on the screen can be lost (the order is open in the journal): reset clears it like park.
    expect(kit.engine.sale.reset().phase).toBe('idle');
    expect(() => kit.engine.sale.park()).not.toThrow();
    expect(kit.engine.sale.current().phase).toBe('idle');
    expect(() => kit.engine.sale.begin({ amountFen: 100 })).toThrow(
      expect.objectContaining({ code: 'JOURNAL_UNAVAILABLE' }),
    );
    disk.state.failing = false;
    expect(kit.journal.store.probe().writable).toBe(true); // health up → a recovery pass
    await expect.poll(() => kit.journal.order(id)?.view.status, { timeout: 5_000 }).toBe('paid');
    await kit.engine.idle();
    expect(count('pay')).toBe(1);
    expect(kit.journal.verify().ok).toBe(true);
    agreeAll();
  });
});

describe('certainty as fast as the facts allow', () => {
  it('a hung pay that was charged is confirmed paid by an early query before the pay gives up', async () => {
    await kit.close();
    kit = makeKit({
      dataDir: dir,
      gatewayUrl: sim.url,
      timeoutMs: 3_000,
      engine: {
        schedule: { firstQueryMs: 30, queryEveryMs: 60, earlyQueryMs: 100, recoveryEveryMs: 3_600_000 },
      },
    });
    sim.inject('pay', { kind: 'timeout', commit: true });
    kit.engine.sale.begin({ amountFen: 2000 });
    await kit.engine.sale.acceptCode(code(), 'manual', 't');
    const id = kit.engine.sale.current().merchantOrderId as string;
    await expect.poll(() => kit.engine.sale.current().phase, { timeout: 2_500 }).toBe('paid');
    // Settled while the pay still awaits its reply: no pay.reply yet, an early query.reply.
    expect(types(id)).toEqual(['pay.intent', 'query.reply']);
    expect(kit.journal.order(id)?.records[1]?.d).toMatchObject({ early: true, queryState: 'paid' });
    await kit.engine.idle();
    expect(types(id)).toEqual(['pay.intent', 'query.reply', 'pay.reply']);
    expect(kit.journal.order(id)?.view).toMatchObject({ status: 'paid', unresolved: false });
    expect(count('pay')).toBe(1);
    expect(count('voidPayment')).toBe(0);
    agreeAll();
  });

  it('a refused connection (nothing left the machine) → declined at once "网络不通，未扣款", journaled as not sent', async () => {
    const closed = await new Promise<string>((resolve) => {
      const server = http.createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as AddressInfo).port;
        server.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    await kit.close();
    kit = makeKit({ dataDir: dir, gatewayUrl: closed });
    const id = await pay(1000);
    const state = kit.engine.sale.current();
    expect(state.phase).toBe('declined');
    expect(state.message?.zh).toBe('网络不通，未扣款');
    expect(types(id)).toEqual(['pay.intent', 'pay.reply']);
    expect(kit.journal.order(id)?.records[1]?.d).toMatchObject({ outcome: 'not-sent' });
    expect(kit.journal.order(id)?.view).toMatchObject({ status: 'declined', unresolved: false });
  });
});

describe('ECR origin', () => {
  it('sale.begin with an ECR origin: the pay intent carries d.ecr, journal.findByEcrId finds the order', async () => {
    const ecr = { ecrId: 'ECR-0001', fingerprint: 'f'.repeat(64), ref: 'TILL-7' };
    kit.engine.sale.begin({ amountFen: 1000, ecr });
    await kit.engine.sale.acceptCode(code(), 'manual', 't');
    const id = kit.engine.sale.current().merchantOrderId as string;
    await kit.engine.idle();
    expect(kit.journal.order(id)?.records[0]?.d).toMatchObject({ ecr });
    expect(kit.journal.findByEcrId('ECR-0001')?.view).toMatchObject({ merchantOrderId: id, status: 'paid' });
    expect(kit.journal.findByEcrId('ECR-0002')).toBeUndefined();
    // A sale still awaiting the code can be cancelled: nothing is journaled or sent.
    kit.engine.sale.begin({ amountFen: 500, ecr: { ecrId: 'ECR-0002', fingerprint: 'x' } });
    expect(kit.engine.sale.cancel().phase).toBe('idle');
    expect(kit.journal.findByEcrId('ECR-0002')).toBeUndefined();
    expect(count('pay')).toBe(1);
  });
});
