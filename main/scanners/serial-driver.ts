/**
 * Serial scanners (RS-232, and USB-CDC scanners, which appear as serial ports: /dev/ttyACM0, COM5).
 * The scanner sends the code followed by its configured suffix (CR, LF or CRLF), or with no suffix,
 * in which case a pause of `interByteTimeoutMs` ends the scan.
 *
 * Hot-plug: when the port goes away (USB unplugged, cable pulled, pty closed) the state becomes
 * 'lost' and the driver tries to reopen the same path every `retryMs` until it comes back
 * ('reconnected'). A path that is absent at start is waited for the same way ('absent').
 *
 * A watchdog also checks, every `retryMs` while the port is open, that the device is still the one
 * that was opened (`SerialBackend.identify`): a port whose other end hung up does not always report
 * it — a pty whose master closed can read as endless end-of-file, which the serialport binding retries
 * forever without an error — so a vanished or replaced device node counts as unplugged too.
 */
import { realpath } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { SerialPortStream } from '@serialport/stream';
import { resolveSerialPath } from '../devices/usb-serial.js';
import { createLogger, type Logger } from '../log/logger.js';
import { ScanAssembler } from './assembler.js';
import { DeviceScannerDriver, errorText } from './driver-base.js';
import type { ScannerConfig } from './types.js';

export type SerialScannerConfig = Extract<ScannerConfig, { kind: 'serial' }>;

/** A serialport binding (bindings-cpp, binding-mock). Typed through @serialport/stream, whose types resolve. */
export type BindingInterface = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export interface PortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** Where ports come from: the real OS binding, or @serialport/binding-mock in tests. */
export interface SerialBackend {
  list(): Promise<PortInfo[]>;
  binding(): Promise<BindingInterface>;
  /**
   * What `path` refers to now (e.g. the device node behind a link), or undefined when it is gone.
   * A change between two calls means the device was unplugged and another plugged in.
   */
  identify(path: string): Promise<string | undefined>;
}

/** Listed by the binding (Windows COM ports, the mock): identity is the path itself. */
async function identifyByList(list: () => Promise<PortInfo[]>, path: string): Promise<string | undefined> {
  const ports = await list();
  return ports.some((p) => p.path.toLowerCase() === path.toLowerCase()) ? path : undefined;
}

/** The OS serial binding (bindings-cpp), loaded on first use so a missing native module fails softly. */
export function nativeSerialBackend(): SerialBackend {
  let loaded: Promise<BindingInterface> | undefined;
  const binding = () => {
    loaded ??= import('serialport').then((m) => m.SerialPort.binding as unknown as BindingInterface);
    return loaded;
  };
  const list = async () => (await binding()).list();
  return {
    binding,
    list,
    // Unix: the device node behind the path (links like /dev/serial/by-id/… or a pty link included);
    // it disappears on unplug. Windows: COM ports have no file; ask the OS's port list.
    identify: (path) =>
      process.platform === 'win32' ? identifyByList(list, path) : realpath(path).catch(() => undefined),
  };
}

export function bindingBackend(binding: BindingInterface): SerialBackend {
  const list = () => binding.list();
  return { binding: async () => binding, list, identify: (path) => identifyByList(list, path) };
}

export interface SerialDriverOptions {
  config: SerialScannerConfig;
  backend: SerialBackend;
  /** How often to try reopening a lost or absent port. */
  retryMs?: number;
  /** A partial scan older than this (no terminator came) is thrown away before new bytes. */
  staleMs?: number;
  log?: Logger;
  now?: () => Date;
}

const TERMINATORS: Record<Exclude<SerialScannerConfig['terminator'], 'none'>, string> = {
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
};
const MAX_SCAN = 256;

export class SerialScannerDriver extends DeviceScannerDriver {
  readonly deviceId: string;
  readonly label: string;
  private readonly config: SerialScannerConfig;
  private readonly backend: SerialBackend;
  private readonly staleMs: number;
  private port: SerialPortStream | undefined;
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private identity: string | undefined;
  /** The path actually opened (resolved by USB ids when the config has them). */
  private openPath = '';
  private pending = '';
  private lastByteAt = 0;
  private decoder = new StringDecoder('utf8');
  private readonly assembler: ScanAssembler | undefined;

  constructor(options: SerialDriverOptions) {
    super('serial', options.log ?? createLogger('scanner.serial'), options);
    this.config = options.config;
    this.backend = options.backend;
    this.staleMs = options.staleMs ?? 2000;
    this.deviceId = `serial:${this.config.path}`;
    this.label = `串口扫码枪 / Serial scanner ${this.config.path}`;
    if (this.config.terminator === 'none') {
      this.assembler = new ScanAssembler({
        gapMs: this.config.interByteTimeoutMs,
        maxLength: MAX_SCAN,
        onScan: (code) => this.emitScan(code),
        onDiscard: (_reason, length) => this.log.warn('serial scan too long: discarded', { length }),
      });
    }
  }

  protected async close(): Promise<void> {
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    this.pending = '';
    this.assembler?.reset();
    const port = this.port;
    this.port = undefined;
    if (!port) return;
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port.removeAllListeners();
    port.on('error', () => {});
  }

  protected async tryOpen(): Promise<void> {
    if (this.stopped || this.port) return;
    let binding: BindingInterface;
    try {
      binding = await this.backend.binding();
    } catch (error) {
      // The native serial module did not load: nothing to retry until the app is fixed.
      this.log.error('serial support unavailable', { error: errorText(error) });
      this.setStatus({
        state: 'error',
        detail: {
          zh: '串口功能不可用（驱动模块未加载）',
          en: 'Serial ports unavailable (native module not loaded)',
        },
        at: this.stamp(),
      });
      return;
    }
    // By USB ids when saved that way: the port may have a new name since (a new COM number).
    const path = this.config.usb
      ? resolveSerialPath(this.config, await this.backend.list().catch(() => []))
      : this.config.path;
    const port = new SerialPortStream({
      binding,
      path,
      baudRate: this.config.baudRate,
      dataBits: this.config.dataBits,
      parity: this.config.parity,
      stopBits: this.config.stopBits,
      autoOpen: false,
    });
    const error = await new Promise<Error | null>((resolve) => port.open(resolve));
    if (this.stopped) {
      if (!error) port.close();
      return;
    }
    if (error) {
      port.removeAllListeners();
      // Never opened yet: the device is absent (unplugged at start, wrong path). Once opened, a failed
      // reopen keeps the 'lost' state. Either way: keep trying.
      this.waiting({
        zh: `无法打开 ${path}，等待设备接入`,
        en: `Cannot open ${path}: waiting for the device`,
      });
      this.log.debug('serial open failed, will retry', { path, error: error.message });
      this.scheduleRetry();
      return;
    }
    this.port = port;
    this.openPath = path;
    this.identity = await this.backend.identify(path).catch(() => undefined);
    this.pending = '';
    this.decoder = new StringDecoder('utf8');
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', (err: Error) => this.onGone(port, err));
    port.on('close', (err: Error | null) => this.onGone(port, err));
    this.opened();
    this.watch(port);
  }

  private watch(port: SerialPortStream): void {
    clearInterval(this.watchTimer);
    this.watchTimer = setInterval(() => {
      if (this.port !== port) {
        clearInterval(this.watchTimer);
        return;
      }
      void this.backend
        .identify(this.openPath)
        .catch(() => undefined)
        .then((now) => {
          if (this.port === port && now !== this.identity) {
            this.onGone(port, new Error(now ? 'device replaced' : 'device gone'));
          }
        });
    }, this.retryMs);
  }

  private onGone(port: SerialPortStream, err: Error | null): void {
    if (this.port !== port || this.stopped) return;
    this.port = undefined;
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    port.removeAllListeners();
    port.on('error', () => {});
    if (port.isOpen) port.close();
    this.pending = '';
    this.assembler?.reset();
    this.lost(err, { path: this.config.path });
  }

  private onData(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    if (this.assembler) {
      this.assembler.push(text, false);
      return;
    }
    const at = Date.now();
    if (this.pending && at - this.lastByteAt > this.staleMs) this.pending = '';
    this.lastByteAt = at;
    this.pending += text;
    const terminator = TERMINATORS[this.config.terminator as keyof typeof TERMINATORS];
    let index = this.pending.indexOf(terminator);
    while (index >= 0) {
      const code = this.pending
        .slice(0, index)
        .replace(/[\r\n]/g, '')
        .trim();
      this.pending = this.pending.slice(index + terminator.length);
      if (code.length > MAX_SCAN) this.log.warn('serial scan too long: discarded', { length: code.length });
      else if (code) this.emitScan(code);
      index = this.pending.indexOf(terminator);
    }
    if (this.pending.length > MAX_SCAN * 2) {
      this.log.warn('serial input without terminator: discarded', { length: this.pending.length });
      this.pending = '';
    }
  }
}
