/**
 * The shop's receipt settings reach the printer: which copies print after a sale (customer, merchant,
 * both, none) and the line under the shop name. Over real loopback TCP to the 9100 printer emulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../ipc/router.js';
import type { OrderDetail } from '../journal/views.js';
import { createMemorySettings } from '../settings/memory.js';
import { type PrinterEmulator, startPrinterEmulator } from './emulator.js';
import { FIXED_NOW, saleDetail } from './fixtures.js';
import { createPrintingService } from './service.js';

let emulator: PrinterEmulator | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await emulator?.close();
  emulator = undefined;
});

async function printSale(patch: Parameters<ReturnType<typeof createMemorySettings>['update']>[0]) {
  emulator = await startPrinterEmulator();
  const settings = createMemorySettings();
  settings.setDevice({
    printer: {
      printer: { kind: 'tcp', host: '127.0.0.1', port: emulator.port },
      paperWidth: '58',
      drawerKick: false,
    },
  });
  settings.update(patch);
  const journal = new Map<string, OrderDetail>([
    [saleDetail.order.merchantOrderId, structuredClone(saleDetail)],
  ]);
  const service = createPrintingService({
    settings,
    events: new EventHub(),
    getOrder: (id) => journal.get(id),
    timeouts: { connectMs: 1000, statusMs: 300, jobMs: 3000 },
    backoffMs: [20],
    now: () => new Date(FIXED_NOW),
  });
  stop = () => service.stop();
  const jobIds = await service.printOrder(saleDetail.order.merchantOrderId);
  await service.idle();
  return { jobIds, service };
}

describe('receipt settings', () => {
  it('customer copy only, with the logo line under the shop name', async () => {
    const { jobIds } = await printSale({
      receiptCopies: 'customer',
      receiptLogoLine: '欢迎光临 电话 021-12345678',
    });
    expect(jobIds).toHaveLength(1);
    await emulator?.waitForJobs(1);
    const slip = emulator?.decoded(0).text ?? '';
    expect(slip).toContain('顾客存根');
    expect(slip).not.toContain('商户存根');
    expect(slip).toContain('欢迎光临 电话 021-12345678');
  });

  it('none: nothing prints after a sale, and a reprint still does', async () => {
    const { jobIds, service } = await printSale({ receiptCopies: 'none' });
    expect(jobIds).toEqual([]);
    const again = await service.printOrder(saleDetail.order.merchantOrderId, {
      reprint: true,
      copy: 'customer',
    });
    expect(again).toHaveLength(1);
    await service.idle();
    await emulator?.waitForJobs(1);
    expect(emulator?.decoded(0).text).toContain('重打印');
  });

  it('both (the default): customer then merchant copy', async () => {
    const { jobIds } = await printSale({});
    expect(jobIds).toHaveLength(2);
  });
});
