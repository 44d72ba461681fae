import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BindingInterface,
  bindingBackend,
  nativeSerialBackend,
  type SerialScannerConfig,
  SerialScannerDriver,
} from './serial-driver.js';
import { createPtyPair, type PtyPair, waitFor } from './testing/pty.js';
import type { DriverState, ScanEvent } from './types.js';

const base = (pathName: string, over: Partial<SerialScannerConfig> = {}): SerialScannerConfig => ({
  kind: 'serial',
  path: pathName,
  baudRate: 9600,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  terminator: 'CR',
  interByteTimeoutMs: 50,
  ...over,
});

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

function collect(driver: SerialScannerDriver) {
  const scans: ScanEvent[] = [];
  const states: DriverState[] = [];
  driver.onScan((s) => scans.push(s));
  driver.onStatus((s) => states.push(s.state));
  return { scans, states };
}

let driver: SerialScannerDriver | undefined;
let pty: PtyPair | undefined;

afterEach(async () => {
  await driver?.stop();
  driver = undefined;
  await pty?.close();
  pty = undefined;
  MockBinding.reset();
});

describe('serial scanner over @serialport/binding-mock', () => {
  it.each([
    ['CR', '134567890123456789\r'],
    ['LF', '134567890123456789\n'],
    ['CRLF', '134567890123456789\r\n'],
  ] as const)('splits scans on %s, across chunk boundaries', async (terminator, wire) => {
    MockBinding.createPort('/dev/ttyMOCK0', { echo: false, record: false });
    const { binding, opened } = recordingMock();
    driver = new SerialScannerDriver({
      config: base('/dev/ttyMOCK0', { terminator }),
      backend: bindingBackend(binding),
    });
    const { scans, states } = collect(driver);
    await driver.start();
    expect(states).toEqual(['connected']);
    const port = opened[0] as MockPortBinding;
    port.emitData(Buffer.from(wire.slice(0, 7)));
    port.emitData(Buffer.from(`${wire.slice(7)}2845678901234567${wire.slice(18)}`));
    await waitFor(() => scans.length === 2, 'two scans');
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', '2845678901234567']);
    expect(scans[0]).toMatchObject({ source: 'serial', deviceId: 'serial:/dev/ttyMOCK0' });
  });

  it('with no terminator, a pause ends the scan', async () => {
    MockBinding.createPort('/dev/ttyMOCK1', { echo: false, record: false });
    const { binding, opened } = recordingMock();
    driver = new SerialScannerDriver({
      config: base('/dev/ttyMOCK1', { terminator: 'none', interByteTimeoutMs: 30 }),
      backend: bindingBackend(binding),
    });
    const { scans } = collect(driver);
    await driver.start();
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
    driver = new SerialScannerDriver({
      config: base('/dev/ttyMOCK2'),
      backend: bindingBackend(binding),
      retryMs: 20,
    });
    const { states } = collect(driver);
    await driver.start();
    expect(driver.status()).toMatchObject({
      state: 'absent',
      detail: { en: expect.stringContaining('waiting') },
    });
    MockBinding.createPort('/dev/ttyMOCK2', { echo: false, record: false });
    await waitFor(() => driver?.status().state === 'connected', 'the port to open');
    expect(states).toEqual(['absent', 'connected']);
  });

  it('a serial module that cannot load is an error status, not a crash', async () => {
    driver = new SerialScannerDriver({
      config: base('/dev/ttyMOCK9'),
      backend: {
        list: async () => [],
        identify: async () => undefined,
        binding: () => Promise.reject(new Error('no native module')),
      },
    });
    await driver.start();
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
    pty = await createPtyPair();
    driver = new SerialScannerDriver({
      config: base(pty.app, { baudRate: 115_200 }),
      backend: nativeSerialBackend(),
    });
    const { scans } = collect(driver);
    await driver.start();
    expect(driver.status().state).toBe('connected');
    pty.write('134567890123456789\r');
    pty.write('6212345678901234567\r');
    await waitFor(() => scans.length === 2, 'two scans over the pty');
    expect(scans.map((s) => s.code)).toEqual(['134567890123456789', '6212345678901234567']);
  });

  it('unplug → lost; replug at the same path → reopened by itself → reconnected, and scans again', async () => {
    pty = await createPtyPair();
    driver = new SerialScannerDriver({ config: base(pty.app), backend: nativeSerialBackend(), retryMs: 50 });
    const { scans, states } = collect(driver);
    await driver.start();
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
      pty = await createPtyPair();
      driver = new SerialScannerDriver({
        config: base(pty.app),
        backend: nativeSerialBackend(),
        retryMs: 50,
      });
      const { states } = collect(driver);
      await driver.start();
      await pty.unplug();
      await waitFor(() => states.includes('lost'), `'lost' in round ${round}`);
      await driver.stop();
      driver = undefined;
      await pty.close();
      pty = undefined;
    }
  });
});
