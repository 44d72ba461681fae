/**
 * The scanner service: owns the configured driver (HID, serial, or none for the keyboard wedge),
 * forwards its scans to the ScanRouter and its status to the UI, and serves the scanners.* and scan.*
 * IPC calls.
 *
 * Events (through the EventHub, checked against the contract):
 *   - 'device.status' { kind: 'scanner', state: connected | lost | reconnected | absent | error | disabled }
 *   - 'scan.received' for every scan, with the code masked (see router.ts)
 */

import type { EventHub, PartialHandlers } from '../ipc/router.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { SettingsService } from '../settings/types.js';
import type { DeviceStatus } from '../shared/device-status.js';
import { AppError } from '../shared/errors.js';
import {
  assertNotKeyboardMode,
  type HidBackend,
  HidScannerDriver,
  isKeyboardMode,
  nativeHidBackend,
} from './hid-driver.js';
import { type OrderLookup, type PreauthSink, type SaleSink, ScanRouter, type Screen } from './router.js';
import { nativeSerialBackend, type SerialBackend, SerialScannerDriver } from './serial-driver.js';
import type {
  DriverStatusEvent,
  HidDeviceInfo,
  ScanEvent,
  ScannerConfig,
  ScannerDriver,
  ScanReceived,
  SerialPortInfo,
} from './types.js';

export interface ScannerServiceOptions {
  settings: Pick<SettingsService, 'get' | 'setDevice'>;
  events: Pick<EventHub, 'emit'>;
  sale?: SaleSink;
  preauth?: PreauthSink;
  orders?: OrderLookup;
  hid?: HidBackend;
  serial?: SerialBackend;
  /** Refuses a scanner choice that is not a device (main/devices/paths.ts); the app always passes one. */
  checkScanner?: (
    config: ScannerConfig,
    lists: { serial: () => Promise<string[]>; hid: () => Promise<string[]> },
  ) => Promise<void>;
  /** Reopen attempts for a lost or absent device. */
  retryMs?: number;
  log?: Logger;
  now?: () => Date;
}

export interface ScannerService {
  readonly router: ScanRouter;
  /** Wire the transaction engine (engine.sale, engine) once it exists. */
  connect(parts: { sale?: SaleSink; preauth?: PreauthSink; orders?: OrderLookup }): void;
  /** Opens the scanner the settings name. */
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): Promise<{ hid: HidDeviceInfo[]; serial: SerialPortInfo[] }>;
  configure(config: ScannerConfig): Promise<DeviceStatus>;
  status(): DeviceStatus;
  /** Route a scan as if a device had read it (keyboard wedge, typed by hand, tests, bench). */
  submit(code: string, source: ScanEvent['source'], deviceId?: string): Promise<ScanReceived>;
  handlers(): PartialHandlers;
}

const WEDGE_LABEL = '键盘输入 / Keyboard wedge';

export function createScannerService(options: ScannerServiceOptions): ScannerService {
  const log = options.log ?? createLogger('scanners');
  const now = options.now ?? (() => new Date());
  const hid = options.hid ?? nativeHidBackend();
  const serial = options.serial ?? nativeSerialBackend();
  const router = new ScanRouter({
    emit: (payload) => options.events.emit('scan.received', payload),
    log,
    onSaleError: (error) =>
      options.events.emit('app.notice', {
        level: 'error',
        message:
          error instanceof AppError
            ? error.bilingual
            : { zh: '付款码未能提交，请重新扫码', en: 'The payment code could not be taken: scan again' },
        at: now().toISOString(),
      }),
    ...(options.sale ? { sale: options.sale } : {}),
    ...(options.preauth ? { preauth: options.preauth } : {}),
    ...(options.orders ? { orders: options.orders } : {}),
  });

  let driver: ScannerDriver | undefined;
  let unsubscribe: Array<() => void> = [];

  const toStatus = (d: ScannerDriver | undefined, s?: DriverStatusEvent): DeviceStatus => {
    if (!d)
      return {
        kind: 'scanner',
        id: 'wedge',
        label: WEDGE_LABEL,
        state: 'connected',
        at: now().toISOString(),
      };
    const status = s ?? d.status();
    return {
      kind: 'scanner',
      id: d.deviceId,
      label: d.label,
      state: status.state,
      ...(status.detail ? { detail: status.detail } : {}),
      at: status.at,
    };
  };

  const makeDriver = (config: ScannerConfig): ScannerDriver | undefined => {
    const retryMs = options.retryMs ?? 1000;
    switch (config.kind) {
      case 'wedge':
        return undefined;
      case 'hid':
        return new HidScannerDriver({ config, backend: hid, retryMs, log, now });
      case 'serial':
        return new SerialScannerDriver({ config, backend: serial, retryMs, log, now });
      default: {
        // A new kind in ScannerConfig fails to compile here until it has its driver.
        const unhandled: never = config;
        return unhandled;
      }
    }
  };

  const route = (scan: ScanEvent) => {
    router.route(scan).catch((error: unknown) => {
      log.error('routing a scan failed', { error: error instanceof Error ? error.message : String(error) });
    });
  };

  const use = async (config: ScannerConfig) => {
    const old = driver;
    for (const off of unsubscribe) off();
    unsubscribe = [];
    driver = undefined;
    await old?.stop();
    const next = makeDriver(config);
    driver = next;
    if (next) {
      unsubscribe = [
        next.onScan(route),
        next.onStatus((s) => options.events.emit('device.status', toStatus(next, s))),
      ];
      await next.start();
    } else {
      options.events.emit('device.status', toStatus(undefined));
    }
  };

  const service: ScannerService = {
    router,
    connect: (parts) => router.connect(parts),
    start: () => use(options.settings.get().scanner),
    async stop() {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      const old = driver;
      driver = undefined;
      await old?.stop();
    },
    async list() {
      const [hidDevices, serialPorts] = await Promise.all([
        hid.devices().catch((error: unknown) => {
          log.warn('listing HID devices failed', {
            error: error instanceof Error ? error.message : String(error),
          });
          return [];
        }),
        serial.list().catch((error: unknown) => {
          log.warn('listing serial ports failed', {
            error: error instanceof Error ? error.message : String(error),
          });
          return [];
        }),
      ]);
      return {
        hid: hidDevices
          .filter((d) => d.path)
          .map((d) => ({
            path: d.path as string,
            vendorId: d.vendorId,
            productId: d.productId,
            ...(d.usagePage !== undefined ? { usagePage: d.usagePage } : {}),
            ...(d.usage !== undefined ? { usage: d.usage } : {}),
            ...(d.manufacturer ? { manufacturer: d.manufacturer } : {}),
            ...(d.product ? { product: d.product } : {}),
            keyboardMode: isKeyboardMode(d),
          })),
        serial: serialPorts.map((p) => ({
          path: p.path,
          ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
          ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
          ...(p.vendorId ? { vendorId: p.vendorId } : {}),
          ...(p.productId ? { productId: p.productId } : {}),
        })),
      };
    },
    async configure(config) {
      await options.checkScanner?.(config, {
        serial: async () => (await serial.list()).map((p) => p.path),
        hid: async () => (await hid.devices()).flatMap((d) => (d.path ? [d.path] : [])),
      });
      if (config.kind === 'hid') {
        const devices = await hid.devices().catch(() => []);
        assertNotKeyboardMode(devices, config);
      }
      options.settings.setDevice({ scanner: config });
      await use(config);
      return service.status();
    },
    status: () => toStatus(driver),
    submit: (code, source, deviceId) =>
      router.route({ code, source, deviceId: deviceId ?? source, at: now().toISOString() }),
    handlers: () => ({
      'scanners.list': () => service.list(),
      'scanners.configure': (config) => service.configure(config),
      'scanners.status': () => service.status(),
      'scanners.test': () => {
        router.armTest();
        return { ok: true as const };
      },
      'scan.submit': ({ code, source }) => service.submit(code, source),
      'scan.setContext': ({ screen, draftAmountFen }) => {
        router.setContext({
          screen: screen as Screen,
          ...(draftAmountFen !== undefined ? { draftAmountFen } : {}),
        });
        return { ok: true as const };
      },
    }),
  };
  return service;
}
