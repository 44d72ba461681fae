import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import {
  BOOT_KEYBOARD_6912345678901234,
  HID_POS_CONTINUED,
  HID_POS_CONTINUED_TEXT,
  HID_POS_SINGLE_134567890123456789,
  REPORT_ID_KEYPAD_2800112233445566,
} from './fixtures/hid-reports.js';
import {
  assertNotKeyboardMode,
  type HidBackend,
  type HidDeviceRecord,
  type HidDriverOptions,
  type HidScannerConfig,
  HidScannerDriver,
  pickInterface,
} from './hid-driver.js';
import { releasedAfterEach, startHeld } from './testing/driver-test.js';
import { waitFor } from './testing/pty.js';

/**
 * The one allowed mock: a device object with node-hid's event interface ('data' with a Buffer per
 * input report, 'error' when the device goes away, close()). Everything above it is the real driver.
 */
class FakeHidDevice extends EventEmitter {
  closed = false;
  close(): void {
    this.closed = true;
  }
  report(bytes: number[]): void {
    this.emit('data', Buffer.from(bytes));
  }
  unplug(): void {
    this.emit('error', new Error('could not read from HID device'));
  }
}

class FakeHidBus implements HidBackend {
  attached: HidDeviceRecord[] = [];
  opened: FakeHidDevice[] = [];
  async devices(): Promise<HidDeviceRecord[]> {
    return this.attached;
  }
  async open(path: string): Promise<FakeHidDevice> {
    if (!this.attached.some((d) => d.path === path)) throw new Error(`cannot open ${path}`);
    const device = new FakeHidDevice();
    this.opened.push(device);
    return device;
  }
  last(): FakeHidDevice {
    const device = this.opened.at(-1);
    if (!device) throw new Error('nothing opened');
    return device;
  }
}

const HONEYWELL_POS: HidDeviceRecord = {
  path: '/dev/hidraw3',
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x8c,
  usage: 0x02,
  product: 'Voyager 1450g',
};
const HONEYWELL_KBD: HidDeviceRecord = {
  ...HONEYWELL_POS,
  path: '/dev/hidraw2',
  usagePage: 0x01,
  usage: 0x06,
};
const VENDOR_KBD_FORMAT: HidDeviceRecord = {
  path: '/dev/hidraw5',
  vendorId: 0x1eab,
  productId: 0x8310,
  usagePage: 0xff00,
  usage: 0x01,
};

const config = (d: HidDeviceRecord): HidScannerConfig => ({
  kind: 'hid',
  vendorId: d.vendorId,
  productId: d.productId,
});

const held = releasedAfterEach<HidScannerDriver>();
const start = (options: HidDriverOptions) => startHeld(held, new HidScannerDriver(options));

describe('HID scanner driver', () => {
  it('opens the HID POS interface (not the keyboard one) and reads single and continued reports', async () => {
    const bus = new FakeHidBus();
    bus.attached = [HONEYWELL_KBD, HONEYWELL_POS];
    const { scans, states } = await start({ config: config(HONEYWELL_POS), backend: bus });
    expect(states).toEqual(['connected']);
    for (const r of HID_POS_SINGLE_134567890123456789) bus.last().report(r);
    for (const r of HID_POS_CONTINUED) bus.last().report(r);
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', HID_POS_CONTINUED_TEXT]);
    expect(scans[0]).toMatchObject({ source: 'hid', deviceId: 'hid:0c2e:0b61' });
  });

  it('decodes keyboard-format reports from a vendor-page interface', async () => {
    const bus = new FakeHidBus();
    bus.attached = [VENDOR_KBD_FORMAT];
    const { scans } = await start({ config: config(VENDOR_KBD_FORMAT), backend: bus });
    for (const r of BOOT_KEYBOARD_6912345678901234) bus.last().report(r);
    for (const r of REPORT_ID_KEYPAD_2800112233445566) bus.last().report(r);
    expect(scans.map((s) => s.code)).toEqual(['6912345678901234', '2800112233445566']);
  });

  it('ends a scan without a terminator after the inter-report gap', async () => {
    const bus = new FakeHidBus();
    bus.attached = [VENDOR_KBD_FORMAT];
    const { scans } = await start({ config: config(VENDOR_KBD_FORMAT), backend: bus, gapMs: 20 });
    // The boot stream without its last two reports (Enter down, key-up).
    for (const r of BOOT_KEYBOARD_6912345678901234.slice(0, -2)) bus.last().report(r);
    await waitFor(() => scans.length === 1, 'the gap to end the scan');
    expect(scans[0]?.code).toBe('6912345678901234');
  });

  it('unplug → lost, half a scan thrown away; replug at a new path → reconnected by itself', async () => {
    const bus = new FakeHidBus();
    bus.attached = [HONEYWELL_POS];
    const { scans, states } = await start({
      config: { ...config(HONEYWELL_POS), path: '/dev/hidraw3' },
      backend: bus,
      retryMs: 10,
    });
    const first = bus.last();
    first.report(HID_POS_CONTINUED[0] as number[]); // first half of a long code …
    bus.attached = [];
    first.unplug(); // … then the cable is pulled
    expect(states).toEqual(['connected', 'lost']);
    expect(first.closed).toBe(true);

    bus.attached = [{ ...HONEYWELL_POS, path: '/dev/hidraw7' }];
    await waitFor(() => states.includes('reconnected'), 'the reconnect');
    expect(bus.opened).toHaveLength(2);
    for (const r of HID_POS_SINGLE_134567890123456789) bus.last().report(r);
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789']);
  });

  it('waits for a scanner that is not plugged in at start', async () => {
    const bus = new FakeHidBus();
    const { driver, states } = await start({ config: config(HONEYWELL_POS), backend: bus, retryMs: 10 });
    expect(driver.status().state).toBe('absent');
    bus.attached = [HONEYWELL_POS];
    await waitFor(() => states.includes('connected'), 'the first open');
    expect(states).toEqual(['absent', 'connected']);
  });

  it('a keyboard-mode-only scanner is refused with a message pointing to the wedge', async () => {
    const bus = new FakeHidBus();
    bus.attached = [HONEYWELL_KBD];
    expect(pickInterface(bus.attached, config(HONEYWELL_KBD))).toEqual({ keyboardOnly: true });
    expect(() => assertNotKeyboardMode(bus.attached, config(HONEYWELL_KBD))).toThrow(AppError);
    const { driver } = await start({ config: config(HONEYWELL_KBD), backend: bus, retryMs: 10 });
    expect(driver.status()).toMatchObject({
      state: 'error',
      detail: { en: expect.stringContaining('keyboard mode') },
    });
    expect(bus.opened).toHaveLength(0);
  });
});
