/**
 * Test helpers shared by the driver and service tests: record what a driver emits, and release after
 * each test whatever it started (the driver or service stopped, the pty closed, the mock ports removed).
 */
import { SerialPortMock } from 'serialport';
import { afterEach } from 'vitest';
import type { SerialScannerConfig } from '../serial-driver.js';
import type { DriverState, ScanEvent, ScannerDriver } from '../types.js';
import { createPtyPair, type PtyPair } from './pty.js';

/** Every scan and every status state the driver emits, in order. */
export function collect(driver: ScannerDriver): { scans: ScanEvent[]; states: DriverState[] } {
  const scans: ScanEvent[] = [];
  const states: DriverState[] = [];
  driver.onScan((s) => scans.push(s));
  driver.onStatus((s) => states.push(s.state));
  return { scans, states };
}

export interface Held<T> {
  /** The driver or service under test: stopped after the test. */
  running?: T | undefined;
  /** The pseudo-terminal the test made: closed after the test. */
  pty?: PtyPair | undefined;
}

/** What a test puts here is released after it, even when it fails half-way. */
export function releasedAfterEach<T extends { stop(): Promise<void> }>(): Held<T> {
  const held: Held<T> = {};
  afterEach(async () => {
    await held.running?.stop();
    held.running = undefined;
    await held.pty?.close();
    held.pty = undefined;
    SerialPortMock.binding.reset();
  });
  return held;
}

/** A real pty pair (socat), closed after the test. */
export async function heldPty(held: Held<unknown>): Promise<PtyPair> {
  held.pty = await createPtyPair();
  return held.pty;
}

/** Put `driver` in `held`, record its events, start it. */
export async function startHeld<T extends ScannerDriver>(held: Held<T>, driver: T) {
  held.running = driver;
  const seen = collect(driver);
  await driver.start();
  return { driver, ...seen };
}

/** A serial scanner at `path`: 9600 8N1, CR-terminated, unless `over` says otherwise. */
export function serialConfig(path: string, over: Partial<SerialScannerConfig> = {}): SerialScannerConfig {
  return {
    kind: 'serial',
    path,
    baudRate: 9600,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    terminator: 'CR',
    interByteTimeoutMs: 50,
    ...over,
  };
}
