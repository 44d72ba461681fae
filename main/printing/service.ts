/**
 * The printing service: builds slips from the contract types, queues them for the configured printer,
 * reports job and device status as events, and answers the printers.* calls.
 *
 * Data comes in through injected lookups (the engine, journal and Yima client are other modules), and
 * printing always happens after the money: callers journal the outcome first, then call `printOrder`,
 * which only queues and returns job ids. A printer problem never throws into the caller's transaction.
 */
import fs from 'node:fs/promises';
import type { z } from 'zod';
import type { EventHub, PartialHandlers } from '../ipc/router.js';
import type { OrderDetail, PreauthView } from '../journal/views.js';
import { createLogger } from '../log/logger.js';
import type { Report } from '../reports/types.js';
import type { SerialPortInfo as SerialPortSchema } from '../scanners/types.js';
import type { SettingsService } from '../settings/types.js';
import type { DeviceStatus } from '../shared/device-status.js';
import { AppError } from '../shared/errors.js';
import type { YimaRefundView } from '../yima/types.js';
import { renderHtml } from './html.js';
import type { PaperWidth, PrintDocument, Slip } from './layout.js';
import { createPrintQueue } from './queue.js';
import {
  type Copy,
  preauthSlip,
  refundSlip,
  reportSlip,
  type SlipContext,
  saleSlip,
  testSlip,
  voidSlip,
  yimaRefundSlip,
} from './receipts.js';
import type { RawSpooler } from './spooler/types.js';
import {
  DEFAULT_TIMEOUTS,
  PrintError,
  printerFor,
  type SystemPrinter,
  type TransportTimeouts,
} from './transports.js';
import type { PrinterConfig, PrintJobView } from './types.js';

const log = createLogger('printing');

type SerialPortInfo = z.infer<typeof SerialPortSchema>;

type Maybe<T> = T | undefined | Promise<T | undefined>;

export type Copies = Copy | 'both';

export interface PrintingDeps {
  settings: SettingsService;
  events: EventHub;
  /** An order by merchantOrderId, 银商订单号 or refundRequestId (as orders.get finds it). */
  getOrder: (id: string) => Maybe<OrderDetail>;
  getPreauth?: (id: string) => Maybe<PreauthView>;
  getYimaRefund?: (posSeq: string) => Maybe<YimaRefundView>;
  /** For reports.print: the settlement (day) or shift (operator) report to print. */
  getReport?: (request: {
    kind: 'settlement' | 'shift';
    day: string;
    operatorId?: string;
  }) => Promise<Report>;
  operatorName?: (id: string) => string | undefined;
  /** The OS printers (Electron); absent in the browser harness and in tests. */
  systemPrinter?: SystemPrinter;
  /** The OS print spooler for raw ESC/POS to installed printers (CUPS or the Windows helper). */
  spooler?: RawSpooler;
  listSerialPorts?: () => Promise<SerialPortInfo[]>;
  /** Where the Linux usblp device files live. */
  usbDir?: string;
  timeouts?: TransportTimeouts;
  backoffMs?: number[];
  /** Refuses a printer choice that is not a device (main/devices/paths.ts); the app always passes one. */
  checkPrinter?: (
    printer: PrinterConfig,
    lists: {
      serial: () => Promise<string[]>;
      usb: () => Promise<string[]>;
      system: () => Promise<string[]>;
      spooler: () => Promise<string[]>;
    },
  ) => Promise<void>;
  /** Copies printed after a sale when the caller does not say: 'both' (customer, then merchant) by default. */
  defaultCopies?: Copies;
  now?: () => Date;
}

export interface PrintOptions {
  copy?: Copies;
  /** Marks the slip 重打印 REPRINT; also makes "no printer configured" an error instead of a no-op. */
  reprint?: boolean;
  /** Print this refund of the order (after a refund, or to reprint one). */
  refundRequestId?: string;
}

export interface PrintingService {
  /**
   * Queue the slip(s) for an order (sale, void, refund, pre-auth or Yima refund, found by any of its ids).
   * Returns the job ids at once; never waits for paper. With no printer configured: [] for an automatic
   * print, AppError('UNAVAILABLE') for a reprint. Unknown id: AppError('NOT_FOUND').
   */
  printOrder(id: string, options?: PrintOptions): Promise<string[]>;
  printReport(report: Report): Promise<string[]>;
  preview(id: string, copy?: Copy): Promise<{ html: string; widthMm: number }>;
  /** printers.* plus orders.reprint and reports.print. */
  handlers(): PartialHandlers;
  jobs(): PrintJobView[];
  status(): DeviceStatus;
  /** Resolves when the queue has nothing left to do (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const notFound = (id: string) =>
  new AppError('NOT_FOUND', { zh: `找不到订单：${id}`, en: `No such order: ${id}` });
const noPrinter = () =>
  new AppError('UNAVAILABLE', {
    zh: '未配置打印机，请在设置中选择',
    en: 'No printer configured: choose one in Settings',
  });

export function createPrintingService(deps: PrintingDeps): PrintingService {
  const now = deps.now ?? (() => new Date());
  const timeouts = deps.timeouts ?? DEFAULT_TIMEOUTS;

  const current = () => {
    const { printer, paperWidth, drawerKick } = deps.settings.get().printer;
    return {
      config: printer,
      paper: paperWidth as PaperWidth,
      drawerKick,
      printer: printerFor(printer, deps.systemPrinter, timeouts, deps.spooler),
    };
  };

  let status: DeviceStatus = initialStatus();
  function initialStatus(): DeviceStatus {
    const { config, printer } = current();
    return {
      kind: 'printer',
      id: 'printer',
      label: printer?.label ?? '未配置 None',
      state: config.kind === 'none' ? 'disabled' : 'absent',
      at: now().toISOString(),
    };
  }
  const setStatus = (next: Omit<DeviceStatus, 'kind' | 'id' | 'at'>) => {
    const changed =
      next.state !== status.state || next.label !== status.label || next.detail?.en !== status.detail?.en;
    status = { kind: 'printer', id: 'printer', ...next, at: now().toISOString() };
    if (changed) deps.events.emit('device.status', status);
    return status;
  };
  const markOk = (label: string) => {
    const wasBad = status.state === 'lost' || status.state === 'error';
    return setStatus({ label, state: wasBad ? 'reconnected' : 'connected' });
  };
  const markBad = (label: string, error: PrintError) =>
    setStatus({
      label,
      state: error.reason === 'io' || error.reason === 'timeout' ? 'lost' : 'error',
      detail: error.bilingual,
    });

  const queue = createPrintQueue({
    target: () => {
      const { printer, paper } = current();
      return { printer, paper };
    },
    backoffMs: deps.backoffMs,
    now,
    onJob: (job) => deps.events.emit('print.job', job),
    onAttempt: (outcome) => {
      const label = outcome.printer?.label ?? '未配置 None';
      if (outcome.ok) markOk(label);
      else markBad(label, outcome.error);
    },
  });

  const context = (): SlipContext => {
    const s = deps.settings.get();
    return {
      shop: {
        shopName: s.shopName,
        merchantCode: s.merchantCode,
        terminalCode: s.terminalCode,
        ...(s.receiptLogoLine ? { logoLine: s.receiptLogoLine } : {}),
      },
      printedAt: now().toISOString(),
      operatorName: deps.operatorName,
    };
  };

  const copiesOf = (copies: Copies | 'none'): Copy[] =>
    copies === 'none' ? [] : copies === 'both' ? ['customer', 'merchant'] : [copies];

  /** Find what `id` names and how to draw one copy of it. */
  async function slipsFor(
    id: string,
    options: PrintOptions,
  ): Promise<{ title: string; draw: (copy: Copy) => Slip; kickable: boolean }> {
    const ctx = context();
    const reprint = options.reprint ?? false;
    const detail = await deps.getOrder(id);
    if (detail && detail.order.kind === 'sale') {
      const order = detail.order;
      const refundId =
        options.refundRequestId ?? detail.refunds.find((r) => r.refundRequestId === id)?.refundRequestId;
      if (refundId) {
        const refund = detail.refunds.find((r) => r.refundRequestId === refundId);
        if (!refund) throw notFound(refundId);
        return {
          title: `退款 REFUND ${refundId}`,
          draw: (copy) => refundSlip(detail, refund, ctx, { copy, reprint }),
          kickable: false,
        };
      }
      if (order.status === 'voided') {
        return {
          title: `撤销 VOID ${order.merchantOrderId}`,
          draw: (copy) => voidSlip(detail, ctx, { copy, reprint }),
          kickable: false,
        };
      }
      return {
        title: `消费 SALE ${order.merchantOrderId}`,
        draw: (copy) => saleSlip(detail, ctx, { copy, reprint }),
        kickable: order.status === 'paid',
      };
    }
    const preauthId = detail?.order.kind === 'preauth' ? detail.order.merchantOrderId : id;
    const preauth = await deps.getPreauth?.(preauthId);
    if (preauth) {
      return {
        title: `预授权 PRE-AUTH ${preauth.id}`,
        draw: (copy) => preauthSlip(preauth, ctx, { copy, reprint }),
        kickable: false,
      };
    }
    const yimaId = detail?.order.kind === 'yima-refund' ? detail.order.merchantOrderId : id;
    const yima = await deps.getYimaRefund?.(yimaId);
    if (yima) {
      return {
        title: `翼码退款 YIMA ${yima.posSeq}`,
        draw: (copy) => yimaRefundSlip(yima, ctx, { copy, reprint }),
        kickable: false,
      };
    }
    if (detail) {
      // A pre-auth or Yima order whose own view is not reachable: the order view still makes a slip.
      return {
        title: `${detail.order.kind} ${detail.order.merchantOrderId}`,
        draw: (copy) => saleSlip(detail, ctx, { copy, reprint }),
        kickable: false,
      };
    }
    throw notFound(id);
  }

  function enqueue(doc: PrintDocument): string {
    return queue.enqueue(doc).jobId;
  }

  async function printOrder(id: string, options: PrintOptions = {}): Promise<string[]> {
    const target = current();
    if (!target.printer) {
      if (options.reprint) throw noPrinter();
      return [];
    }
    const found = await slipsFor(id, options);
    // After a sale the shop's setting decides (none: no slip); a reprint names its copy.
    const copies = copiesOf(
      options.copy ?? deps.defaultCopies ?? deps.settings.get().receiptCopies ?? 'both',
    );
    return copies.map((copy, index) =>
      enqueue({
        title: `${found.title} ${copy === 'merchant' ? '商户联' : '顾客联'}${options.reprint ? ' 重打印' : ''}`,
        slips: [found.draw(copy)],
        drawerKick: index === 0 && found.kickable && !options.reprint && target.drawerKick,
      }),
    );
  }

  async function printReport(report: Report): Promise<string[]> {
    if (!current().printer) throw noPrinter();
    const title = `${report.kind === 'settlement' ? '日结单 SETTLEMENT' : '交班单 SHIFT'} ${report.day}`;
    return [enqueue({ title, slips: [reportSlip(report, context())] })];
  }

  async function preview(id: string, copy: Copy = 'customer') {
    const { paper } = current();
    const found = await slipsFor(id, {});
    const html = await renderHtml({ title: found.title, slips: [found.draw(copy)] }, paper);
    return { html, widthMm: Number(paper) };
  }

  async function probe(): Promise<DeviceStatus> {
    const { printer, config } = current();
    if (!printer || config.kind === 'none') return setStatus({ label: '未配置 None', state: 'disabled' });
    try {
      const result = await printer.probe();
      if (result?.paperLow) {
        return setStatus({
          label: printer.label,
          state: 'connected',
          detail: { zh: '纸将用完', en: 'Paper low' },
        });
      }
      return markOk(printer.label);
    } catch (error) {
      return markBad(
        printer.label,
        error instanceof PrintError ? error : new PrintError('io', String(error)),
      );
    }
  }

  async function listUsb(): Promise<string[]> {
    const dir = deps.usbDir ?? '/dev/usb';
    try {
      const names = await fs.readdir(dir);
      return names
        .filter((n) => /^lp\d+$/.test(n))
        .sort()
        .map((n) => `${dir}/${n}`);
    } catch {
      return [];
    }
  }

  async function listSerial(): Promise<SerialPortInfo[]> {
    try {
      if (deps.listSerialPorts) return await deps.listSerialPorts();
      const { SerialPort } = await import('serialport');
      const ports = await SerialPort.list();
      return ports.map((p) => ({
        path: p.path,
        ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
        ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
        ...(p.vendorId ? { vendorId: p.vendorId } : {}),
        ...(p.productId ? { productId: p.productId } : {}),
      }));
    } catch (error) {
      log.warn('serial port listing failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  const handlers = (): PartialHandlers => ({
    'printers.list': async () => ({
      serial: await listSerial(),
      usb: await listUsb(),
      system: deps.systemPrinter ? await deps.systemPrinter.list().catch(() => []) : [],
      spooler: deps.spooler ? await deps.spooler.list().catch(() => []) : [],
    }),
    'printers.configure': async ({ printer, paperWidth, drawerKick }) => {
      await deps.checkPrinter?.(printer, {
        serial: async () => (await listSerial()).map((p) => p.path),
        usb: listUsb,
        system: async () => (deps.systemPrinter ? await deps.systemPrinter.list() : []),
        spooler: async () => (deps.spooler ? await deps.spooler.list() : []),
      });
      const previous = deps.settings.get().printer;
      deps.settings.setDevice({
        printer: { printer, paperWidth, drawerKick: drawerKick ?? previous.drawerKick },
      });
      return probe();
    },
    'printers.status': () => probe(),
    'printers.test': async () => {
      const { printer, paper } = current();
      if (!printer) throw noPrinter();
      return {
        jobIds: [enqueue({ title: '打印测试 TEST', slips: [testSlip(context(), paper, printer.label)] })],
      };
    },
    'printers.jobs': () => queue.list(),
    'printers.retry': ({ jobId }) => {
      if (!current().printer) throw noPrinter();
      const job = queue.retry(jobId);
      if (!job) throw new AppError('NOT_FOUND', { zh: '找不到打印任务', en: `No such print job: ${jobId}` });
      return job;
    },
    'printers.preview': ({ id, copy }) => preview(id, copy),
    'orders.reprint': async ({ id, copy }) => ({
      jobIds: await printOrder(id, { reprint: true, copy: copy ?? 'customer' }),
    }),
    'reports.print': async ({ kind, day, operatorId }) => {
      if (!deps.getReport) {
        throw new AppError('UNAVAILABLE', { zh: '报表暂不可用', en: 'Reports are not available' });
      }
      const report = await deps.getReport({ kind, day, ...(operatorId ? { operatorId } : {}) });
      return { jobIds: await printReport(report) };
    },
  });

  return {
    printOrder,
    printReport,
    preview,
    handlers,
    jobs: () => queue.list(),
    status: () => status,
    idle: () => queue.idle(),
    async stop() {
      queue.stop();
      await deps.spooler?.close();
    },
  };
}
