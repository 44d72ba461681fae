/**
 * The scanner domain: where a scan comes from, what happened to it, scanner choice and discovery, and the
 * driver interface every scanner source (HID, serial) implements. The IPC channel files re-export these.
 */
import { z } from 'zod';
import { UsbSerialId } from '../devices/usb-serial.js';
import type { DeviceStatus } from '../shared/device-status.js';
import { Bilingual, Instant, PayChannel } from '../shared/schemas.js';

export const ScanSource = z.enum(['hid', 'serial', 'wedge', 'manual']);
export type ScanSource = z.infer<typeof ScanSource>;

/** Which screen is in front: a scan with no sale waiting may open an order on the orders screen. */
export const ScanScreen = z.enum(['checkout', 'orders', 'preauth', 'settlement', 'settings', 'other']);
export type ScanScreen = z.infer<typeof ScanScreen>;

export const ScanRoute = z.enum(['sale', 'preauth', 'order-lookup', 'scanner-test', 'dropped']);

export const ScanReceived = z.object({
  codeMasked: z.string(),
  channel: PayChannel.optional(),
  source: ScanSource,
  deviceId: z.string(),
  routedTo: ScanRoute,
  /** For an order-lookup route: the merchantOrderId the scan named. */
  orderId: z.string().optional(),
  /** For a 'preauth' route: the typed amount the scan confirmed, in fen. */
  amountFen: z.number().int().min(1).optional(),
  /** Why a scan was dropped or rejected (not a payment code, nothing waiting for it, ...). */
  reason: Bilingual.optional(),
  at: Instant,
});
export type ScanReceived = z.infer<typeof ScanReceived>;

export const HidDeviceInfo = z.object({
  path: z.string(),
  vendorId: z.number().int(),
  productId: z.number().int(),
  usagePage: z.number().int().optional(),
  usage: z.number().int().optional(),
  manufacturer: z.string().optional(),
  product: z.string().optional(),
  /** Keyboard-mode scanners are owned by the OS: use the keyboard wedge instead. */
  keyboardMode: z.boolean(),
});
export type HidDeviceInfo = z.infer<typeof HidDeviceInfo>;

export const SerialPortInfo = z.object({
  path: z.string(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
});
export type SerialPortInfo = z.infer<typeof SerialPortInfo>;

export const ScannerConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wedge') }).strict(),
  z
    .object({
      kind: z.literal('hid'),
      vendorId: z.number().int().min(0).max(0xffff),
      productId: z.number().int().min(0).max(0xffff),
      path: z.string().max(512).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('serial'),
      path: z.string().min(1).max(512),
      baudRate: z.number().int().min(300).max(921_600),
      dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
      parity: z.enum(['none', 'even', 'odd', 'mark', 'space']),
      stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]),
      terminator: z.enum(['CR', 'LF', 'CRLF', 'none']),
      /** With terminator 'none': a scan ends after this many ms without a byte. */
      interByteTimeoutMs: z.number().int().min(5).max(2000),
      /** Found by USB ids at open; `path` is where it was last seen. */
      usb: UsbSerialId.optional(),
    })
    .strict(),
]);
export type ScannerConfig = z.infer<typeof ScannerConfig>;

/** One complete scan, in full. Only the router sees it; everything it emits is masked. */
export interface ScanEvent {
  code: string;
  source: ScanSource;
  deviceId: string;
  /** ISO-8601 instant the scan completed. */
  at: string;
}

export type DriverState = DeviceStatus['state'];

export interface DriverStatusEvent {
  state: DriverState;
  detail?: { zh: string; en: string };
  at: string;
}

export interface ScannerDriver {
  /** Stable id for events, e.g. "hid:0c2e:0b61" or "serial:/dev/ttyACM0". */
  readonly deviceId: string;
  readonly label: string;
  /** Opens the device (or starts waiting for it to appear). Never throws for an absent device. */
  start(): Promise<void>;
  /** Closes the device and stops reconnect attempts. */
  stop(): Promise<void>;
  status(): DriverStatusEvent;
  onScan(listener: (scan: ScanEvent) => void): () => void;
  onStatus(listener: (status: DriverStatusEvent) => void): () => void;
}

/** Small listener registry shared by the drivers. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of this.set) listener(value);
  }
}
