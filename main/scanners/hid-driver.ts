/**
 * USB HID scanners through node-hid: scanners in HID POS mode (usage page 0x8C) and scanners that
 * send keyboard-format reports on an interface the OS does not own (vendor-defined pages).
 *
 * A scanner in keyboard mode (Generic Desktop page 0x01, usage 0x06 Keyboard) is owned by the OS: it
 * types into whatever has focus, and Windows and macOS do not let an app open it. Such interfaces are
 * listed with `keyboardMode: true` and refused here; the keyboard wedge in the renderer reads them.
 *
 * node-hid cannot open a device on a machine without one, so the backend is injectable: the tests
 * feed recorded reports through a fake device with node-hid's event interface ('data', 'error').
 *
 * Hot-plug: a read error (the device was unplugged) → 'lost'; the driver then polls the device list
 * every `retryMs` for the same vendor/product (the OS path usually changes on replug) and reopens it
 * → 'reconnected'.
 */

import { createLogger, type Logger } from '../log/logger.js';
import { AppError } from '../shared/errors.js';
import { ScanAssembler } from './assembler.js';
import { DeviceScannerDriver, errorText } from './driver-base.js';
import {
  decoderFor,
  HID_USAGE_KEYBOARD,
  HID_USAGE_PAGE_BARCODE_SCANNER,
  HID_USAGE_PAGE_KEYBOARD_DESKTOP,
  type ReportDecoder,
} from './hid-decode.js';
import type { ScannerConfig } from './types.js';

export type HidScannerConfig = Extract<ScannerConfig, { kind: 'hid' }>;

/** One HID interface as node-hid's devices() lists it. */
export interface HidDeviceRecord {
  path?: string | undefined;
  vendorId: number;
  productId: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  interface?: number | undefined;
}

/** The part of node-hid's HID / HIDAsync object the driver uses. */
export interface HidHandle {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): unknown;
}

export interface HidBackend {
  devices(): Promise<HidDeviceRecord[]>;
  open(path: string): Promise<HidHandle>;
}

/** node-hid, loaded on first use so that a missing native module only disables HID scanners. */
export function nativeHidBackend(): HidBackend {
  type NodeHid = typeof import('node-hid');
  let loaded: Promise<NodeHid> | undefined;
  const hid = () => {
    loaded ??= import('node-hid').then((m) => ((m as { default?: NodeHid }).default ?? m) as NodeHid);
    return loaded;
  };
  return {
    devices: async () => (await hid()).devicesAsync(),
    open: async (path) => (await hid()).HIDAsync.open(path) as unknown as HidHandle,
  };
}

export function isKeyboardMode(device: Pick<HidDeviceRecord, 'usagePage' | 'usage'>): boolean {
  return device.usagePage === HID_USAGE_PAGE_KEYBOARD_DESKTOP && device.usage === HID_USAGE_KEYBOARD;
}

export function hidDeviceId(vendorId: number, productId: number): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `hid:${hex(vendorId)}:${hex(productId)}`;
}

export const KEYBOARD_MODE_MESSAGE = {
  zh: '此扫码枪处于键盘模式，由系统接管：请选择“键盘输入”，或把扫码枪设置为 HID POS 模式',
  en: 'This scanner is in keyboard mode and owned by the OS: choose "Keyboard wedge", or set the scanner to HID POS mode',
};

/**
 * The interface to open for a configured scanner: the configured path if it is still there, else the
 * same vendor/product, preferring a HID POS interface and never a keyboard-mode one.
 */
export function pickInterface(
  devices: HidDeviceRecord[],
  config: Pick<HidScannerConfig, 'vendorId' | 'productId' | 'path'>,
): { device?: HidDeviceRecord; keyboardOnly: boolean } {
  const same = devices.filter(
    (d) => d.vendorId === config.vendorId && d.productId === config.productId && d.path,
  );
  const usable = same.filter((d) => !isKeyboardMode(d));
  const byPath = config.path ? usable.find((d) => d.path === config.path) : undefined;
  const device = byPath ?? usable.find((d) => d.usagePage === HID_USAGE_PAGE_BARCODE_SCANNER) ?? usable[0];
  return device ? { device, keyboardOnly: false } : { keyboardOnly: same.length > 0 };
}

export interface HidDriverOptions {
  config: HidScannerConfig;
  backend: HidBackend;
  retryMs?: number;
  /** A scan without a terminator ends after this pause between reports. */
  gapMs?: number;
  log?: Logger;
  now?: () => Date;
}

export class HidScannerDriver extends DeviceScannerDriver {
  readonly deviceId: string;
  label: string;
  private readonly config: HidScannerConfig;
  private readonly backend: HidBackend;
  private readonly assembler: ScanAssembler;
  private handle: HidHandle | undefined;
  private decoder: ReportDecoder | undefined;

  constructor(options: HidDriverOptions) {
    super('hid', options.log ?? createLogger('scanner.hid'), options);
    this.config = options.config;
    this.backend = options.backend;
    this.deviceId = hidDeviceId(this.config.vendorId, this.config.productId);
    this.label = `USB 扫码枪 / USB scanner ${this.deviceId.slice(4)}`;
    this.assembler = new ScanAssembler({
      gapMs: options.gapMs ?? 100,
      onScan: (code) => this.emitScan(code),
      onDiscard: (_reason, length) => this.log.warn('HID scan too long: discarded', { length }),
    });
  }

  protected close(): void {
    this.assembler.reset();
    this.release();
  }

  private release(): void {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return;
    handle.removeAllListeners();
    handle.on('error', () => {});
    try {
      void Promise.resolve(handle.close()).catch(() => {});
    } catch {
      // already gone
    }
  }

  protected async tryOpen(): Promise<void> {
    if (this.stopped || this.handle) return;
    let picked: ReturnType<typeof pickInterface>;
    try {
      picked = pickInterface(await this.backend.devices(), this.config);
    } catch (error) {
      this.fail(error, { zh: '无法读取 USB 设备列表', en: 'Cannot list USB devices' });
      return;
    }
    if (!picked.device?.path) {
      if (picked.keyboardOnly) {
        // Not a hot-plug condition: the scanner must be switched to HID POS mode (or use the wedge).
        this.setStatus({ state: 'error', detail: KEYBOARD_MODE_MESSAGE, at: this.stamp() });
      } else {
        this.waiting({
          zh: '未找到扫码枪，等待接入',
          en: 'Scanner not found: waiting for it to be plugged in',
        });
      }
      this.scheduleRetry();
      return;
    }
    const device = picked.device;
    let handle: HidHandle;
    try {
      handle = await this.backend.open(device.path as string);
    } catch (error) {
      this.fail(error, {
        zh: '无法打开扫码枪（权限或被占用）',
        en: 'Cannot open the scanner (permission, or in use)',
      });
      return;
    }
    if (this.stopped) {
      void Promise.resolve(handle.close()).catch(() => {});
      return;
    }
    this.handle = handle;
    this.decoder = decoderFor(device.usagePage);
    this.assembler.reset();
    if (device.product) this.label = `${device.product} (${this.deviceId.slice(4)})`;
    handle.on('data', (data: Buffer) => this.onReport(data));
    handle.on('error', (error: unknown) => this.onGone(handle, error));
    this.opened();
  }

  private onReport(data: Buffer): void {
    const chunk = this.decoder?.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (chunk) this.assembler.push(chunk.text, chunk.complete);
  }

  private onGone(handle: HidHandle, error: unknown): void {
    if (this.handle !== handle || this.stopped) return;
    this.close();
    this.lost(error);
  }

  private fail(error: unknown, message: { zh: string; en: string }): void {
    this.log.warn('HID scanner open failed', { error: errorText(error) });
    if (this.status().state !== 'lost') this.setStatus({ state: 'error', detail: message, at: this.stamp() });
    this.scheduleRetry();
  }
}

/** Refuse a configuration the driver can never serve, with a message the cashier can act on. */
export function assertNotKeyboardMode(devices: HidDeviceRecord[], config: HidScannerConfig): void {
  const picked = pickInterface(devices, config);
  if (!picked.device && picked.keyboardOnly) throw new AppError('DEVICE', KEYBOARD_MODE_MESSAGE);
}
