import { SerialPortMock } from 'serialport';
import { describe, expect, it } from 'vitest';
import {
  type BindingInterface,
  bindingBackend,
  nativeSerialBackend,
  type SerialDriverOptions,
  SerialScannerDriver,
} from './serial-driver.js';
import { heldPty, releasedAfterEach, serialConfig, startHeld } from './testing/driver-test.js';
import { waitFor } from './testing/pty.js';

/** @serialport/binding-mock, as serialport re-exports it (its own package has no resolvable types here). */
const MockBinding = SerialPortMock.binding;
interface MockPortBinding {
  emitData(data: Buffer | string): void;
}

/** The mock binding, remembering every port it opened so the test can push bytes into it. */
function recordingMock(): { binding: BindingInterface; opened: MockPortBinding[] } {
  const opened: MockPortBinding[] = [];
  const binding = {
    ...MockBinding,
    async open(options: Parameters<typeof MockBinding.open>[0]) {
      const port = await MockBinding.open(options);
      opened.push(port as unknown as MockPortBinding);
      return port;
    },
  } as unknown as BindingInterface;
  return { binding, opened };
}

const held = releasedAfterEach<SerialScannerDriver>();
const start = (options: SerialDriverOptions) => startHeld(held, new SerialScannerDriver(options));

describe('serial scanner over @serialport/binding-mock', () => {
  it.each([
    ['CR', '134567890123456789\r'],
    ['LF', '134567890123456789\n'],
    ['CRLF', '134567890123456789\r\n'],
  ] as const)('splits scans on %s, across chunk boundaries', async (terminator, wire) => {
    MockBinding.createPort('/dev/ttyMOCK0', { echo: false, record: false });
    const { binding, opened } = recordingMock();
    const { scans, states } = await start({
      config: serialConfig('/dev/ttyMOCK0', { terminator }),
      backend: bindingBackend(binding),
    });
    expect(states).toEqual(['connected']);
    const port = opened[0] as MockPortBinding;
    port.emitData(Buffer.from(wire.slice(0, 7)));
    port.emitData(Buffer.from(`${wire.slice(7)}2845678901234567${wire.slice(18)}`));
    await waitFor(() => scans.length === 2, 'two scans');
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', '2845678901234567']);
    expect(scans[0]).toMatchObject({ source: 'serial', deviceId: 'serial:/dev/ttyMOCK0' });
  });

  it('saved by USB ids: opens the port where the scanner is now, not where it was saved', async () => {
    MockBinding.createPort('/dev/ttyMOCK7', {
      echo: false,
      record: false,
      vendorId: '0c2e',
      productId: '0b61',
    });
    const { binding, opened } = recordingMock();
    const { scans, states } = await start({
      config: { ...serialConfig('/dev/ttyMOCK3'), usb: { vendorId: '0C2E', productId: '0B61' } },
      backend: bindingBackend(binding),
    });
    expect(states).toEqual(['connected']);
    (opened[0] as MockPortBinding).emitData('6912345678901\r');
    await waitFor(() => scans.length === 1, 'a scan');
    expect(scans[0]?.code).toBe('6912345678901');
  });

  it('with no terminator, a pause ends the scan', async () => {
    MockBinding.createPort('/dev/ttyMOCK1', { echo: false, record: false });
    const { binding, opened } = recordingMock();
    const { scans } = await start({
      config: serialConfig('/dev/ttyMOCK1', { terminator: 'none', interByteTimeoutMs: 30 }),
      backend: bindingBackend(binding),
    });
    const port = opened[0] as MockPortBinding;
    port.emitData(Buffer.from('13456789'));
    port.emitData(Buffer.from('0123456789'));
    await waitFor(() => scans.length === 1, 'the scan after the pause');
    port.emitData(Buffer.from('2845678901234567'));
    await waitFor(() => scans.length === 2, 'the second scan');
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', '2845678901234567']);
  });

  it('an absent port is reported and waited for, then opens by itself', async () => {
    const { binding } = recordingMock();
    const { driver, states } = await start({
      config: serialConfig('/dev/ttyMOCK2'),
      backend: bindingBackend(binding),
      retryMs: 20,
    });
    expect(driver.status()).toMatchObject({
      state: 'absent',
      detail: { en: expect.stringContaining('waiting') },
    });
    MockBinding.createPort('/dev/ttyMOCK2', { echo: false, record: false });
    await waitFor(() => driver.status().state === 'connected', 'the port to open');
    expect(states).toEqual(['absent', 'connected']);
  });

  it('a serial module that cannot load is an error status, not a crash', async () => {
    const { driver } = await start({
      config: serialConfig('/dev/ttyMOCK9'),
      backend: {
        list: async () => [],
        identify: async () => undefined,
        binding: () => Promise.reject(new Error('no native module')),
      },
    });
    expect(driver.status()).toMatchObject({
      state: 'error',
      detail: { en: expect.stringContaining('unavailable') },
    });
  });

  it('lists the ports the binding knows', async () => {
    MockBinding.createPort('/dev/ttyMOCK3', { echo: false, record: false, manufacturer: 'Newland' });
    const ports = await bindingBackend(MockBinding).list();
    expect(ports).toEqual([expect.objectContaining({ path: '/dev/ttyMOCK3', manufacturer: 'Newland' })]);
  });
});

describe('serial scanner on a real pseudo-terminal (socat)', () => {
  it('reads scans written to the other end of the pty', async () => {
    const pty = await heldPty(held);
    const { driver, scans } = await start({
      config: serialConfig(pty.app, { baudRate: 115_200 }),
      backend: nativeSerialBackend(),
    });
    expect(driver.status().state).toBe('connected');
    pty.write('134567890123456789\r');
    pty.write('6212345678901234567\r');
    await waitFor(() => scans.length === 2, 'two scans over the pty');
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', '6212345678901234567']);
  });

  it('unplug → lost; replug at the same path → reopened by itself → reconnected, and scans again', async () => {
    const pty = await heldPty(held);
    const { scans, states } = await start({
      config: serialConfig(pty.app),
      backend: nativeSerialBackend(),
      retryMs: 50,
    });
    pty.write('134567890123456789\r');
    await waitFor(() => scans.length === 1, 'a scan before unplugging');

    await pty.unplug();
    await waitFor(() => states.includes('lost'), "the 'lost' state");
    await pty.plug();
    await waitFor(() => states.includes('reconnected'), "the 'reconnected' state");
    expect(states).toEqual(['connected', 'lost', 'reconnected']);

    pty.write('2845678901234567\r');
    await waitFor(() => scans.length === 2, 'a scan after replugging');
    expect(scans[1]?.code).toBe('2845678901234567');
  });

  it('unplugged right after opening (the pty reads as endless end-of-file, no error) is still lost', async () => {
    // Regression: without the watchdog this went unnoticed in most runs (the binding retries EOF forever).
    for (let round = 0; round < 3; round++) {
      const pty = await heldPty(held);
      const { driver, states } = await start({
        config: serialConfig(pty.app),
        backend: nativeSerialBackend(),
        retryMs: 50,
      });
      await pty.unplug();
      await waitFor(() => states.includes('lost'), `'lost' in round ${round}`);
      await driver.stop();
      held.running = undefined;
      await pty.close();
      held.pty = undefined;
    }
  });
});
