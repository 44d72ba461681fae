import { describe, expect, it } from 'vitest';
import { type SaleSink, ScanRouter } from './router.js';
import type { ScanEvent } from './types.js';
import { ScanReceived } from './types.js';

/** A sale that waits for one code, like the engine's: after accepting it is no longer awaiting. */
class FakeSale implements SaleSink {
  waiting = true;
  accepted: Array<{ code: string; source: string; deviceId: string }> = [];
  release: (() => void) | undefined;
  fail: Error | undefined;
  /** When true, acceptCode stays pending until `release()` (a slow engine). */
  hold = false;

  awaitingCode(): boolean {
    return this.waiting;
  }

  begun: number[] = [];
  refuseBegin: Error | undefined;

  begin(input: { amountFen: number }): void {
    if (this.refuseBegin) throw this.refuseBegin;
    this.begun.push(input.amountFen);
    this.waiting = true;
  }

  async acceptCode(code: string, source: string, deviceId: string): Promise<void> {
    this.accepted.push({ code, source, deviceId });
    if (this.fail) throw this.fail;
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    this.waiting = false;
  }
}

function setup(options: { orders?: string[] } = {}) {
  const emitted: ScanReceived[] = [];
  const sale = new FakeSale();
  const errors: unknown[] = [];
  const known = new Set(options.orders ?? []);
  const preauths: Array<{ amountFen: number; code: string }> = [];
  const router = new ScanRouter({
    emit: (payload) => emitted.push(ScanReceived.parse(payload)),
    sale,
    preauth: {
      start: async (input) => {
        preauths.push(input);
      },
    },
    orders: { findOrder: async (id: string) => (known.has(id) ? { merchantOrderId: id } : undefined) },
    onSaleError: (e) => errors.push(e),
  });
  return { router, sale, emitted, errors, preauths };
}

const scan = (code: string, source: ScanEvent['source'] = 'serial'): ScanEvent => ({
  code,
  source,
  deviceId: source === 'serial' ? 'serial:/dev/ttyACM0' : source,
  at: '2026-11-22T10:00:00.000Z',
});

const WECHAT = '134567890123456789';

describe('ScanRouter', () => {
  it('sends a plausible code to the sale waiting for it, and emits it masked', async () => {
    const { router, sale, emitted } = setup();
    const result = await router.route(scan(`${WECHAT}\r`));
    await router.idle();
    expect(result).toMatchObject({ routedTo: 'sale', channel: 'wechat', codeMasked: '•••• 6789' });
    expect(sale.accepted).toEqual([{ code: WECHAT, source: 'serial', deviceId: 'serial:/dev/ttyACM0' }]);
    expect(emitted).toHaveLength(1);
    expect(JSON.stringify(emitted)).not.toContain(WECHAT);
  });

  it('drops a scan with nowhere to go, says why, and sends nothing', async () => {
    const { router, sale, emitted } = setup();
    sale.waiting = false;
    const result = await router.route(scan(WECHAT));
    expect(result.routedTo).toBe('dropped');
    expect(result.reason?.en).toContain('No sale is waiting');
    expect(sale.accepted).toEqual([]);
    expect(emitted.map((e) => e.routedTo)).toEqual(['dropped']);
  });

  it('drops a product barcode even when a sale is waiting', async () => {
    const { router, sale } = setup();
    const result = await router.route(scan('6901234567892'));
    expect(result).toMatchObject({ routedTo: 'dropped', reason: { zh: '这是商品条码，不是付款码' } });
    expect(sale.accepted).toEqual([]);
    expect(sale.waiting).toBe(true);
  });

  it('a second scan while the first is being accepted is dropped, never sent twice', async () => {
    const { router, sale } = setup();
    sale.hold = true;
    const first = await router.route(scan(WECHAT));
    const second = await router.route(scan(WECHAT));
    expect(first.routedTo).toBe('sale');
    expect(second).toMatchObject({ routedTo: 'dropped', reason: { en: expect.stringContaining('already') } });
    sale.release?.();
    await router.idle();
    const third = await router.route(scan(WECHAT));
    expect(third.routedTo).toBe('dropped'); // the sale is no longer waiting
    expect(sale.accepted).toHaveLength(1);
  });

  it('reports an engine refusal without throwing at the scanner', async () => {
    const { router, sale, errors } = setup();
    sale.fail = new Error('CONFLICT');
    const result = await router.route(scan(WECHAT));
    await router.idle();
    expect(result.routedTo).toBe('sale');
    expect(errors).toHaveLength(1);
    // A refused code does not leave the router stuck: the next scan is routed again.
    sale.fail = undefined;
    expect((await router.route(scan(WECHAT))).routedTo).toBe('sale');
  });

  it('on the orders screen a scanned receipt QR opens that order', async () => {
    const { router, sale } = setup({ orders: ['CC20261122A0001'] });
    router.setScreen('orders');
    const found = await router.route(scan('CC20261122A0001', 'hid'));
    expect(found).toMatchObject({ routedTo: 'order-lookup', orderId: 'CC20261122A0001' });
    const missing = await router.route(scan('CC20261122A0002', 'hid'));
    expect(missing).toMatchObject({ routedTo: 'dropped', reason: { en: 'No order with this number' } });
    expect(sale.accepted).toEqual([]);
  });

  it('on the orders screen a payment code still reaches the waiting sale', async () => {
    const { router, sale } = setup({ orders: ['CC20261122A0001'] });
    router.setScreen('orders');
    expect((await router.route(scan(WECHAT))).routedTo).toBe('sale');
    await router.idle();
    expect(sale.accepted).toHaveLength(1);
  });

  it('order ids are not looked up on other screens', async () => {
    const { router } = setup({ orders: ['CC20261122A0001'] });
    router.setScreen('checkout');
    expect((await router.route(scan('CC20261122A0001'))).routedTo).toBe('dropped');
  });

  it('test mode takes exactly the next scan, masked, and never sends it', async () => {
    const { router, sale } = setup();
    router.armTest();
    const tested = await router.route(scan(WECHAT, 'wedge'));
    expect(tested).toMatchObject({ routedTo: 'scanner-test', codeMasked: '•••• 6789', channel: 'wechat' });
    expect(sale.accepted).toEqual([]);
    expect(router.isTestArmed()).toBe(false);
    expect((await router.route(scan(WECHAT, 'wedge'))).routedTo).toBe('sale');
  });

  it('test mode explains a scan that is not a payment code', async () => {
    const { router } = setup();
    router.armTest();
    const tested = await router.route(scan('6901234567892'));
    expect(tested).toMatchObject({ routedTo: 'scanner-test', codeMasked: '•••• 7892' });
    expect(tested.reason?.en).toContain('product barcode');
  });

  it('on checkout a typed amount plus a scan begins the sale at that amount and charges the code', async () => {
    const { router, sale } = setup();
    sale.waiting = false;
    router.setContext({ screen: 'checkout', draftAmountFen: 1234 });
    const result = await router.route(scan(WECHAT));
    await router.idle();
    expect(result.routedTo).toBe('sale');
    expect(sale.begun).toEqual([1234]);
    expect(sale.accepted.map((a) => a.code)).toEqual([WECHAT]);
    // The amount confirmed one sale: a second scan with no new amount goes nowhere.
    const again = await router.route(scan(WECHAT));
    expect(again.routedTo).toBe('dropped');
    expect(sale.begun).toEqual([1234]);
  });

  it('a scan with no typed amount on checkout begins nothing', async () => {
    const { router, sale } = setup();
    sale.waiting = false;
    router.setContext({ screen: 'checkout' });
    expect((await router.route(scan(WECHAT))).routedTo).toBe('dropped');
    expect(sale.begun).toEqual([]);
  });

  it('a typed amount is not charged by a product barcode, nor on another screen', async () => {
    const { router, sale } = setup();
    sale.waiting = false;
    router.setContext({ screen: 'checkout', draftAmountFen: 500 });
    expect((await router.route(scan('6901234567892'))).routedTo).toBe('dropped');
    router.setContext({ screen: 'settlement', draftAmountFen: 500 });
    expect((await router.route(scan(WECHAT))).routedTo).toBe('dropped');
    expect(sale.begun).toEqual([]);
    expect(sale.accepted).toEqual([]);
  });

  it('a sale that cannot begin (an unresolved order) drops the scan with the reason', async () => {
    const { router, sale } = setup();
    sale.waiting = false;
    sale.refuseBegin = Object.assign(new Error('blocked'), {
      bilingual: { zh: '有未处理的订单', en: 'An order is unresolved' },
    });
    router.setContext({ screen: 'checkout', draftAmountFen: 500 });
    const result = await router.route(scan(WECHAT));
    expect(result).toMatchObject({ routedTo: 'dropped', reason: { zh: '有未处理的订单' } });
    expect(sale.accepted).toEqual([]);
  });

  it('on the pre-auth screen a scan starts the pre-auth at the typed amount', async () => {
    const { router, preauths, sale, emitted } = setup();
    router.setContext({ screen: 'preauth', draftAmountFen: 10000 });
    const result = await router.route(scan(WECHAT));
    await router.idle();
    expect(result).toMatchObject({ routedTo: 'preauth', amountFen: 10000, channel: 'wechat' });
    expect(preauths).toEqual([{ amountFen: 10000, code: WECHAT }]);
    expect(sale.accepted).toEqual([]);
    expect(JSON.stringify(emitted)).not.toContain(WECHAT);
  });

  it('on the pre-auth screen with no amount the scan is dropped and says to type one', async () => {
    const { router, preauths } = setup();
    router.setContext({ screen: 'preauth' });
    const result = await router.route(scan(WECHAT));
    expect(result).toMatchObject({ routedTo: 'dropped', reason: { zh: '请先输入担保金额，再扫付款码' } });
    expect(preauths).toEqual([]);
  });
});
