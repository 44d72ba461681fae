/**
 * The lifecycle every device-backed scanner driver (HID, serial) shares: listeners, status, start/stop,
 * and the retry loop that waits for an absent device or reopens a lost one.
 *
 * A subclass supplies `tryOpen` (open the device once: call `opened()` on success, `waiting()` while
 * it is absent, `scheduleRetry()` to try again) and `close` (let go of the device and any partial
 * scan), and reports an unplug with `lost()`. Consecutive identical statuses are emitted once.
 */
import type { Logger } from '../log/logger.js';
import {
  type DriverStatusEvent,
  Listeners,
  type ScanEvent,
  type ScannerDriver,
  type ScanSource,
} from './types.js';

export interface DriverBaseOptions {
  /** How often to try opening an absent or lost device. Default 1 000 ms. */
  retryMs?: number;
  now?: () => Date;
}

const LOST = { zh: '扫码枪已断开，正在重连', en: 'Scanner disconnected: reconnecting' };

export abstract class DeviceScannerDriver implements ScannerDriver {
  abstract readonly deviceId: string;
  abstract readonly label: string;
  protected readonly retryMs: number;
  protected readonly now: () => Date;
  protected stopped = true;
  protected everOpened = false;
  private current: DriverStatusEvent;
  private readonly scans = new Listeners<ScanEvent>();
  private readonly statuses = new Listeners<DriverStatusEvent>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  protected constructor(
    private readonly source: Extract<ScanSource, 'hid' | 'serial'>,
    protected readonly log: Logger,
    options: DriverBaseOptions,
  ) {
    this.retryMs = options.retryMs ?? 1000;
    this.now = options.now ?? (() => new Date());
    this.current = { state: 'disabled', at: this.stamp() };
  }

  /** Open the device once (or arrange a retry). Runs only while started and not open. */
  protected abstract tryOpen(): Promise<void>;
  /** Let go of the device (if open) and any partial scan; stop any device-specific timer. */
  protected abstract close(): Promise<void> | void;

  onScan(listener: (scan: ScanEvent) => void): () => void {
    return this.scans.add(listener);
  }

  onStatus(listener: (status: DriverStatusEvent) => void): () => void {
    return this.statuses.add(listener);
  }

  status(): DriverStatusEvent {
    return this.current;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.tryOpen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.close();
    this.setStatus({ state: 'disabled', at: this.stamp() });
  }

  protected stamp(): string {
    return this.now().toISOString();
  }

  protected emitScan(code: string): void {
    this.scans.emit({ code, source: this.source, deviceId: this.deviceId, at: this.stamp() });
  }

  /** The device is open: 'connected' the first time, 'reconnected' after. */
  protected opened(): void {
    this.setStatus({ state: this.everOpened ? 'reconnected' : 'connected', at: this.stamp() });
    this.everOpened = true;
  }

  /** The device is not there: 'absent' until it has been opened once (after that the state stays 'lost'). */
  protected waiting(detail: { zh: string; en: string }): void {
    if (!this.everOpened && this.current.state !== 'absent') {
      this.setStatus({ state: 'absent', detail, at: this.stamp() });
    }
  }

  /** An open device went away: 'lost', then retry. The caller has already released it. */
  protected lost(error: unknown, context: Record<string, unknown> = {}): void {
    this.log.warn(`${this.source} scanner lost`, { ...context, error: errorText(error) });
    this.setStatus({ state: 'lost', detail: LOST, at: this.stamp() });
    this.scheduleRetry();
  }

  protected scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.tryOpen().catch((error: unknown) => {
        this.log.warn(`${this.source} reopen failed`, { error: errorText(error) });
        this.scheduleRetry();
      });
    }, this.retryMs);
  }

  protected setStatus(status: DriverStatusEvent): void {
    const same = this.current.state === status.state && this.current.detail?.en === status.detail?.en;
    this.current = status;
    if (!same) this.statuses.emit(status);
  }
}

export function errorText(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  return error instanceof Error ? error.message : String(error);
}
