/**
 * The printing service end to end over real loopback TCP: a 9100 printer emulator captures the bytes,
 * decodes them (GBK) and we assert text, QR payload and cut; then the failure paths: a printer killed in
 * the middle of a job, paper out, no printer at all. The "sale" is a journal stand-in that must not change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../ipc/contract.js';
import { EventHub, Router } from '../ipc/router.js';
import type { OrderDetail } from '../journal/views.js';
import { createMemorySettings } from '../settings/memory.js';
import { type PrinterEmulator, startPrinterEmulator } from './emulator.js';
import {
  FIXED_NOW,
  preauthAuthorized,
  refundDetail,
  saleDetail,
  settlementReport,
  voidDetail,
  yimaRefund,
} from './fixtures.js';
import { createPrintingService, type PrintingDeps } from './service.js';

const FAST = { connectMs: 1000, statusMs: 300, jobMs: 3000 };

let emulator: PrinterEmulator | undefined;
let stopService: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopService?.();
  await emulator?.close();
  emulator = undefined;
});

function setup(extra: Partial<PrintingDeps> = {}, port = emulator?.port ?? 9) {
  const settings = createMemorySettings();
  settings.setDevice({
    printer: { printer: { kind: 'tcp', host: '127.0.0.1', port }, paperWidth: '58', drawerKick: true },
  });
  const events = new EventHub();
  const seen: Array<{ name: EventName; payload: Record<string, unknown> }> = [];
  events.subscribe((name, payload) => seen.push({ name, payload: payload as Record<string, unknown> }));
  const journal = new Map<string, OrderDetail>([
    [saleDetail.order.merchantOrderId, structuredClone(saleDetail)],
    [voidDetail.order.merchantOrderId, structuredClone(voidDetail)],
    ['R-DEMO000120250301141205000017-1', structuredClone(refundDetail)],
  ]);
  const service = createPrintingService({
    settings,
    events,
    getOrder: (id) => journal.get(id),
    getPreauth: (id) => (id === preauthAuthorized.id ? preauthAuthorized : undefined),
    getYimaRefund: (id) => (id === yimaRefund.posSeq ? yimaRefund : undefined),
    getReport: async () => settlementReport,
    timeouts: FAST,
    backoffMs: [20, 20, 20],
    now: () => new Date(FIXED_NOW),
    ...extra,
  });
  const router = new Router({ error: () => undefined }).mount(service.handlers());
  stopService = () => service.stop();
  return { service, router, settings, seen, journal };
}

describe('printing to a TCP 9100 printer', () => {
  it('prints customer and merchant copies of a sale: GBK text, QR payload, cut, drawer kick', async () => {
    emulator = await startPrinterEmulator();
    const { service, seen } = setup();
    const jobIds = await service.printOrder(saleDetail.order.merchantOrderId);
    expect(jobIds).toHaveLength(2);
    await service.idle();
    await emulator.waitForJobs(2);

    const customer = emulator.decoded(0);
    expect(customer.text).toContain('顾客存根 CUSTOMER COPY');
    expect(customer.text).toContain('****4321');
    expect(customer.text).toContain('DEMO000120250301141205000017');
    expect(customer.text).toContain('￥123.00');
    expect(customer.text).not.toContain('重打印');
    expect(customer.slips[0]?.qr).toEqual(['DEMO000120250301141205000017']);
    expect(customer.cuts).toBe(1);
    expect(customer.drawerKicks).toBe(1);
    const merchant = emulator.decoded(1);
    expect(merchant.text).toContain('商户存根 MERCHANT COPY');
    expect(merchant.drawerKicks).toBe(0);

    expect(service.jobs().map((j) => j.state)).toEqual(['done', 'done']);
    const statuses = seen.filter((e) => e.name === 'device.status').map((e) => e.payload.state);
    expect(statuses).toContain('connected');
    const jobEvents = seen.filter((e) => e.name === 'print.job').map((e) => e.payload.state);
    expect(jobEvents.filter((s) => s === 'done')).toHaveLength(2);
  });

  it('reprints are marked 重打印 REPRINT; refund, void, pre-auth and Yima slips find their data', async () => {
    emulator = await startPrinterEmulator();
    const { router } = setup();
    const reprint = await router.dispatch('orders.reprint', { id: saleDetail.order.merchantOrderId });
    expect(reprint).toMatchObject({ ok: true });
    await router.dispatch('orders.reprint', { id: 'R-DEMO000120250301141205000017-1' });
    await router.dispatch('orders.reprint', { id: voidDetail.order.merchantOrderId });
    await router.dispatch('orders.reprint', { id: preauthAuthorized.id });
    await router.dispatch('orders.reprint', { id: yimaRefund.posSeq });
    await emulator.waitForJobs(5);
    const texts = [0, 1, 2, 3, 4].map((i) => emulator!.decoded(i).text);
    for (const text of texts) expect(text).toContain('*** 重打印 REPRINT ***');
    expect(texts[1]).toContain('退款凭证 REFUND');
    expect(texts[1]).toContain('-￥20.00');
    expect(texts[2]).toContain('撤销凭证 VOID');
    expect(texts[3]).toContain('预授权 PRE-AUTH');
    expect(texts[4]).toContain('翼码退款凭证 YIMA REFUND');
    expect(emulator.decoded(4).slips[0]?.qr).toEqual([yimaRefund.posSeq]);
    const missing = await router.dispatch('orders.reprint', { id: 'NOPE' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('prints the settlement report through reports.print', async () => {
    emulator = await startPrinterEmulator();
    const { router } = setup();
    const result = await router.dispatch('reports.print', { kind: 'settlement', day: '2025-03-01' });
    expect(result).toMatchObject({ ok: true });
    await emulator.waitForJobs(1);
    const text = emulator.decoded(0).text;
    expect(text).toContain('日结单 DAILY SETTLEMENT');
    expect(text.indexOf('UNRESOLVED')).toBeLessThan(text.indexOf('合计 TOTALS'));
  });

  it('a printer killed mid-job: the job is retried, printed whole, and the sale is untouched', async () => {
    emulator = await startPrinterEmulator();
    const { service, journal, seen } = setup();
    const before = structuredClone(journal.get(saleDetail.order.merchantOrderId));
    emulator.killNextAfter(200);
    const [jobId] = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await service.idle();
    await emulator.waitForJobs(2);

    expect(emulator.jobs[0]!.length).toBeLessThanOrEqual(200);
    expect(emulator.decoded(0).cuts).toBe(0); // the dead attempt never reached the cut
    const whole = emulator.decoded(1);
    expect(whole.cuts).toBe(1);
    expect(whole.slips[0]?.qr).toEqual([saleDetail.order.merchantOrderId]);

    const job = service.jobs().find((j) => j.jobId === jobId);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    const states = seen
      .filter((e) => e.name === 'print.job' && e.payload.jobId === jobId)
      .map((e) => e.payload.state);
    expect(states).toContain('retrying');
    expect(seen.filter((e) => e.name === 'device.status').map((e) => e.payload.state)).toEqual(
      expect.arrayContaining(['lost', 'reconnected']),
    );
    expect(journal.get(saleDetail.order.merchantOrderId)).toEqual(before);
  });

  it('paper out: nothing is sent, the job fails with 缺纸 after its retries, and the reprint button prints it', async () => {
    emulator = await startPrinterEmulator();
    emulator.paperOut = true;
    const { service, router, seen } = setup();
    const [jobId] = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await service.idle();
    const failed = service.jobs().find((j) => j.jobId === jobId)!;
    expect(failed.state).toBe('failed');
    expect(failed.attempts).toBe(4);
    expect(failed.message?.zh).toContain('缺纸');
    expect(seen.some((e) => e.name === 'device.status' && e.payload.state === 'error')).toBe(true);
    // Four attempts, four connections: only status requests went out, never the receipt.
    await emulator.waitForJobs(4);
    for (let i = 0; i < 4; i++) expect(emulator.decoded(i).text).toBe('');

    emulator.paperOut = false;
    const retried = await router.dispatch('printers.retry', { jobId: jobId! });
    expect(retried).toMatchObject({ ok: true });
    await service.idle();
    expect(service.jobs().find((j) => j.jobId === jobId)?.state).toBe('done');
    await emulator.waitForJobs(5);
    const printed = emulator.decoded(4);
    expect(printed.cuts).toBe(1);
    expect(printed.text).toContain('消费凭证 SALE');
  });

  it('an unreachable printer never throws into the caller; no printer configured means no job', async () => {
    const { service, settings } = setup({}, 1); // nothing listens on port 1
    const ids = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    expect(ids).toHaveLength(1);
    await service.idle();
    expect(service.jobs()[0]).toMatchObject({ state: 'failed' });
    settings.setDevice({ printer: { printer: { kind: 'none' }, paperWidth: '80', drawerKick: false } });
    expect(await service.printOrder(saleDetail.order.merchantOrderId)).toEqual([]);
    await expect(
      service.printOrder(saleDetail.order.merchantOrderId, { reprint: true }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

describe('other transports and calls', () => {
  it('prints to a USB printer device file (a real file standing in for /dev/usb/lp0)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usb-'));
    fs.writeFileSync(path.join(dir, 'lp0'), '');
    const { service, router, settings } = setup();
    const configured = await router.dispatch('printers.configure', {
      printer: { kind: 'usb-file', path: path.join(dir, 'lp0') },
      paperWidth: '80',
    });
    expect(configured).toMatchObject({ ok: true, data: { state: 'connected' } });
    expect(settings.get().printer).toMatchObject({ paperWidth: '80', drawerKick: true });
    const list = await router.dispatch('printers.list', {});
    expect(list).toMatchObject({ ok: true, data: { system: [] } });
    await router.dispatch('printers.test', {});
    await service.idle();
    const { decodeEscPos } = await import('./escpos-decode.js');
    const decoded = decodeEscPos(fs.readFileSync(path.join(dir, 'lp0')));
    expect(decoded.text).toContain('打印测试 PRINTER TEST');
    expect(decoded.text).toContain('汉'.repeat(24));
    fs.rmSync(dir, { recursive: true });
  });

  it('preview returns the HTML of the slip at the configured width; system printer absent → empty list', async () => {
    const { router } = setup();
    const result = await router.dispatch('printers.preview', {
      id: saleDetail.order.merchantOrderId,
      copy: 'merchant',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const { html, widthMm } = result.data as { html: string; widthMm: number };
    expect(widthMm).toBe(58);
    expect(html).toContain('商户存根 MERCHANT COPY');
    expect(html).toContain(`data-qr="${saleDetail.order.merchantOrderId}"`);
    expect(html).toContain('data-columns="32"');
  });

  it('system printer: the HTML and paper width go to the injected port', async () => {
    const printed: Array<{
      html: string;
      opts: { deviceName: string; widthMicrons: number; heightMicrons?: number };
    }> = [];
    const { service, router } = setup({
      systemPrinter: {
        list: async () => ['XP-80C'],
        print: async (html, opts) => {
          printed.push({ html, opts });
        },
      },
    });
    const configured = await router.dispatch('printers.configure', {
      printer: { kind: 'system', deviceName: 'XP-80C' },
      paperWidth: '80',
    });
    expect(configured).toMatchObject({ ok: true, data: { state: 'connected' } });
    await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await service.idle();
    expect(printed).toHaveLength(1);
    expect(printed[0]!.opts).toMatchObject({ deviceName: 'XP-80C', widthMicrons: 80_000 });
    // A receipt-length page (one slip), not A4: between 10 cm and 30 cm for a sale slip.
    expect(printed[0]!.opts.heightMicrons).toBeGreaterThan(100_000);
    expect(printed[0]!.opts.heightMicrons).toBeLessThan(300_000);
    expect(printed[0]!.html).toContain('消费凭证 SALE');
  });
});
