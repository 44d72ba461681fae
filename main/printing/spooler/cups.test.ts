/**
 * The installed-printer (raw) path on Linux for real: a private cupsd, a raw queue made with lpadmin,
 * our spooler sending `lp -o raw`, and the bytes that come out of CUPS's socket backend decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../../ipc/router.js';
import { createMemorySettings } from '../../settings/memory.js';
import { decodeEscPos } from '../escpos-decode.js';
import { FIXED_NOW, saleDetail } from '../fixtures.js';
import { createPrintingService } from '../service.js';
import {
  cupsdAvailable,
  type PrivateCups,
  socketPrinter,
  startPrivateCups,
} from '../testing/private-cups.js';
import { cupsSpooler } from './cups.js';

const available = cupsdAvailable();
if (!available.ok) console.warn(`[skip] CUPS raw printing tests: ${available.reason}`);

describe.skipIf(!available.ok)('installed printer (raw) through a private CUPS', () => {
  let cups: PrivateCups;
  let printer: Awaited<ReturnType<typeof socketPrinter>>;

  beforeAll(async () => {
    cups = await startPrivateCups();
    printer = await socketPrinter();
    // -m raw still works on CUPS 2.4 (it warns that raw queues are deprecated); a queue with no -m is
    // raw too, which is what newer CUPS leaves as the way to make one.
    cups.lpadmin(['-p', 'cashier-raw', '-E', '-v', `socket://127.0.0.1:${printer.port}`]);
  });
  afterAll(async () => {
    await cups?.stop();
    await printer?.close();
  });

  function service(printerName: string, jobMs = 10_000) {
    const settings = createMemorySettings();
    settings.setDevice({
      printer: { printer: { kind: 'spooler', printerName }, paperWidth: '80', drawerKick: true },
    });
    return createPrintingService({
      settings,
      events: new EventHub(),
      getOrder: (id) => (id === saleDetail.order.merchantOrderId ? saleDetail : undefined),
      spooler: cupsSpooler({ env: cups.env, pollMs: 50 }),
      timeouts: { connectMs: 1000, statusMs: 200, jobMs },
      backoffMs: [],
      now: () => new Date(FIXED_NOW),
    });
  }

  it('lists the queue, as the settings form offers it', async () => {
    const list = await service('cashier-raw')
      .handlers()
      ['printers.list']?.({} as never);
    expect(list?.spooler).toContain('cashier-raw');
  });

  it('prints a sale: the bytes that leave CUPS are our ESC/POS (GBK text, QR payload, cut, drawer kick)', async () => {
    const s = service('cashier-raw');
    const [jobId] = await s.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await s.idle();
    expect(s.jobs().find((j) => j.jobId === jobId)?.state).toBe('done');
    const bytes = printer.received();
    const decoded = decodeEscPos(bytes);
    expect(decoded.cuts).toBe(1);
    expect(decoded.text).toContain('消费凭证 SALE');
    expect(decoded.text).toContain('微信支付 WeChat Pay');
    expect(decoded.slips[0]?.qr).toEqual([saleDetail.order.merchantOrderId]);
    expect(bytes.includes(Buffer.from([0x1b, 0x70, 0x00]))).toBe(true); // ESC p: the drawer kick
    await s.stop();
  });

  it('a name that is not installed fails the job with a bilingual "not found"', async () => {
    const s = service('no-such-queue');
    const [jobId] = await s.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await s.idle();
    const job = s.jobs().find((j) => j.jobId === jobId);
    expect(job?.state).toBe('failed');
    expect(job?.message?.zh).toContain('找不到这台打印机');
    expect(job?.message?.en).toContain('No installed printer');
    await s.stop();
  });

  it('a paused queue is reported as paused and gets nothing', async () => {
    cups.lpadmin(['-p', 'paused-raw', '-E', '-v', `socket://127.0.0.1:${printer.port}`]);
    cups.run('cupsdisable', ['paused-raw']);
    const s = service('paused-raw');
    const status = await s.handlers()['printers.status']?.({} as never);
    expect(status?.state).toBe('error');
    expect(status?.detail?.en).toContain('paused');
    await s.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await s.idle();
    expect(cups.run('lpstat', ['-o', 'paused-raw']).trim()).toBe('');
    await s.stop();
  });

  it('a printer that never takes the job: timed out, cancelled in CUPS, nothing left to print twice', async () => {
    const dead = await socketPrinter();
    const deadPort = dead.port;
    await dead.close(); // nobody listens there now: CUPS's backend keeps retrying
    cups.lpadmin(['-p', 'dead-raw', '-E', '-v', `socket://127.0.0.1:${deadPort}`]);
    const s = service('dead-raw', 1500);
    const [jobId] = await s.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await s.idle();
    const job = s.jobs().find((j) => j.jobId === jobId);
    expect(job?.state).toBe('failed');
    expect(job?.message?.en).toMatch(/timed? ?out|not responding|paused/i);
    expect(cups.run('lpstat', ['-o', 'dead-raw']).trim()).toBe('');
    await s.stop();
  });
});
