/** The driver interface every scanner source (HID, serial) implements. */
import type { DeviceStatus } from '../ipc/channels/devices.js';

export type ScanSourceKind = 'hid' | 'serial' | 'wedge' | 'manual';

/** One complete scan, in full. Only the router sees it; everything it emits is masked. */
export interface ScanEvent {
  code: string;
  source: ScanSourceKind;
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
