import { EventEmitter } from 'node:events';
import { SerialPortMock } from 'serialport';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../ipc/contract.js';
import { EventHub, Router } from '../ipc/router.js';
import { createMemorySettings } from '../settings/memory.js';
import type { HidBackend, HidDeviceRecord } from './hid-driver.js';
import type { SaleSink } from './router.js';
import { bindingBackend, nativeSerialBackend } from './serial-driver.js';
import { createScannerService, type ScannerService } from './service.js';
import { heldPty, releasedAfterEach, serialConfig } from './testing/driver-test.js';
import { waitFor } from './testing/pty.js';

const MockBinding = SerialPortMock.binding;
const WECHAT = '134567890123456789';

class Bus implements HidBackend {
  constructor(public attached: HidDeviceRecord[]) {}
  async devices() {
    return this.attached;
  }
  async open() {
    return Object.assign(new EventEmitter(), { close() {} });
  }
}

const KEYBOARD_SCANNER: HidDeviceRecord = {
  path: '/dev/hidraw2',
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x01,
  usage: 0x06,
  product: 'Voyager 1450g',
};
const POS_SCANNER: HidDeviceRecord = {
  ...KEYBOARD_SCANNER,
  path: '/dev/hidraw3',
  usagePage: 0x8c,
  usage: 0x02,
};

const held = releasedAfterEach<ScannerService>();

function setup(hidDevices: HidDeviceRecord[] = [], serial = bindingBackend(MockBinding)) {
  const events = new EventHub();
  const seen: Array<{ name: EventName; payload: unknown }> = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const settings = createMemorySettings();
  const accepted: string[] = [];
  let waiting = true;
  const sale: SaleSink = {
    awaitingCode: () => waiting,
    acceptCode: async (code) => {
      accepted.push(code);
      waiting = false;
    },
  };
  const scanners = createScannerService({
    settings,
    events,
    sale,
    orders: { findOrder: (id) => (id === 'CC20261122A0001' ? { id } : undefined) },
    hid: new Bus(hidDevices),
    serial,
    retryMs: 20,
  });
  held.running = scanners;
  const router = new Router({ error() {} }).mount(scanners.handlers());
  const call = (name: string, input: unknown = {}) => router.dispatch(name, input);
  const of = (name: EventName) => seen.filter((e) => e.name === name).map((e) => e.payload);
  return { scanners, settings, call, of, accepted };
}

describe('scanner service over the IPC router', () => {
  it('lists HID interfaces with the keyboard-mode flag, and serial ports', async () => {
    MockBinding.createPort('/dev/ttyACM0', { echo: false, record: false, manufacturer: 'Newland' });
    const { call } = setup([KEYBOARD_SCANNER, POS_SCANNER]);
    const listed = await call('scanners.list');
    expect(listed).toMatchObject({
      ok: true,
      data: {
        hid: [
          { path: '/dev/hidraw2', keyboardMode: true, product: 'Voyager 1450g' },
          { path: '/dev/hidraw3', keyboardMode: false, usagePage: 0x8c },
        ],
        serial: [{ path: '/dev/ttyACM0', manufacturer: 'Newland' }],
      },
    });
  });

  it('configures a serial scanner: persisted, status pushed, scans routed to the sale, masked events', async () => {
    MockBinding.createPort('/dev/ttyACM0', { echo: false, record: false });
    const { settings, call, of, accepted } = setup();
    const config = serialConfig('/dev/ttyACM0');
    const configured = await call('scanners.configure', config);
    expect(configured).toMatchObject({
      ok: true,
      data: { kind: 'scanner', id: 'serial:/dev/ttyACM0', state: 'connected' },
    });
    expect(settings.get().scanner).toEqual(config);
    expect(of('device.status')).toContainEqual(expect.objectContaining({ state: 'connected' }));
    expect(await call('scanners.status')).toMatchObject({ data: { state: 'connected' } });

    // The scanner reads a code: the mock port's binding pushes the bytes.
    await waitFor(() => findOpenMockPort('/dev/ttyACM0') !== undefined, 'the port to be open');
    const port = findOpenMockPort('/dev/ttyACM0') as { emitData(b: Buffer): void };
    port.emitData(Buffer.from(`${WECHAT}\r`));
    await waitFor(() => accepted.length === 1, 'the code to reach the sale');
    expect(accepted).toEqual([WECHAT]);
    const received = of('scan.received');
    expect(received).toEqual([
      expect.objectContaining({ routedTo: 'sale', source: 'serial', codeMasked: '•••• 6789' }),
    ]);
    expect(JSON.stringify(received)).not.toContain(WECHAT);
  });

  it('refuses a keyboard-mode HID scanner and says to use the wedge', async () => {
    const { call, settings } = setup([KEYBOARD_SCANNER]);
    const result = await call('scanners.configure', { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'DEVICE', message: { en: expect.stringContaining('Keyboard wedge') } },
    });
    expect(settings.get().scanner).toEqual({ kind: 'wedge' });
  });

  it('configures the HID POS interface of the same scanner', async () => {
    const { call } = setup([KEYBOARD_SCANNER, POS_SCANNER]);
    const result = await call('scanners.configure', { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b61 });
    expect(result).toMatchObject({ ok: true, data: { id: 'hid:0c2e:0b61', state: 'connected' } });
  });

  it('wedge: status is connected; a wedge scan goes through the same router', async () => {
    const { call, accepted, of } = setup();
    await call('scanners.configure', { kind: 'wedge' });
    expect(await call('scanners.status')).toMatchObject({ data: { id: 'wedge', state: 'connected' } });
    const submitted = await call('scan.submit', { code: WECHAT, source: 'wedge' });
    expect(submitted).toMatchObject({
      ok: true,
      data: { routedTo: 'sale', channel: 'wechat', deviceId: 'wedge' },
    });
    await waitFor(() => accepted.length === 1, 'the sale to take the code');
    expect(of('scan.received')).toHaveLength(1);
  });

  it('scanners.test shows the next scan masked and does not send it', async () => {
    const { call, accepted } = setup();
    expect(await call('scanners.test')).toEqual({ ok: true, data: { ok: true } });
    const tested = await call('scan.submit', { code: WECHAT, source: 'manual' });
    expect(tested).toMatchObject({ ok: true, data: { routedTo: 'scanner-test', codeMasked: '•••• 6789' } });
    expect(accepted).toEqual([]);
  });

  it('scan.setContext orders + a receipt QR scan opens the order', async () => {
    const { call } = setup();
    expect(await call('scan.setContext', { screen: 'orders' })).toEqual({ ok: true, data: { ok: true } });
    const found = await call('scan.submit', { code: 'CC20261122A0001', source: 'wedge' });
    expect(found).toMatchObject({ ok: true, data: { routedTo: 'order-lookup', orderId: 'CC20261122A0001' } });
  });

  it('scan.submit refuses an unbounded input at the contract', async () => {
    const { call } = setup();
    const result = await call('scan.submit', { code: '1'.repeat(300), source: 'wedge' });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});

describe('scanner service with a serial scanner on a real pty', () => {
  it('the cashier sees unplug and replug as device.status events and in scanners.status', async () => {
    const pty = await heldPty(held);
    const { call, of, accepted } = setup([], nativeSerialBackend());
    const configured = await call('scanners.configure', serialConfig(pty.app, { terminator: 'CRLF' }));
    expect(configured).toMatchObject({ ok: true, data: { state: 'connected' } });
    const states = () => of('device.status').map((s) => (s as { state: string }).state);

    await pty.unplug();
    await waitFor(() => states().includes('lost'), "device.status 'lost'");
    expect(await call('scanners.status')).toMatchObject({
      data: { state: 'lost', detail: { en: expect.any(String) } },
    });
    await pty.plug();
    await waitFor(() => states().includes('reconnected'), "device.status 'reconnected'");
    expect(states()).toEqual(['connected', 'lost', 'reconnected']);
    expect(await call('scanners.status')).toMatchObject({ data: { state: 'reconnected' } });

    pty.write(`${WECHAT}\r\n`);
    await waitFor(() => accepted.length === 1, 'a scan after the replug to reach the sale');
  });
});

/** The mock binding keeps its open ports internally; reach the one for `path` to push scanner bytes. */
function findOpenMockPort(path: string): { emitData(b: Buffer): void } | undefined {
  return openedMockPorts.find((p) => p.openOptions.path === path && p.isOpen);
}

const openedMockPorts: Array<{ openOptions: { path: string }; isOpen: boolean; emitData(b: Buffer): void }> =
  [];
const originalOpen = MockBinding.open.bind(MockBinding);
MockBinding.open = (async (options: Parameters<typeof MockBinding.open>[0]) => {
  const port = await originalOpen(options);
  openedMockPorts.push(port as unknown as (typeof openedMockPorts)[number]);
  return port;
}) as typeof MockBinding.open;
