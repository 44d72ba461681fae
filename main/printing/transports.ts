/**
 * Ways to reach a printer: raw TCP (port 9100), a serial port, the Linux USB printer device file
 * (/dev/usb/lp*), and the operating system's printers through an injected `SystemPrinter` (Electron's
 * silent webContents.print; the browser harness has none).
 *
 * TCP and serial are two-way: before a job we ask the printer for its status (DLE EOT 1 and 4) and refuse
 * to send into an offline printer or one that is out of paper; after the job, if the printer answered
 * that first question, we ask again and wait for the answer, which proves every byte before it arrived.
 * A printer that never answers status requests is still printed to, trusting the connection alone.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import { resolveSerialPath, type UsbSerialId } from '../devices/usb-serial.js';
import { encodeEscPos } from './escpos.js';
import { pageHeightMm, renderHtml } from './html.js';
import type { PaperWidth, PrintDocument } from './layout.js';
import { PrintError } from './print-error.js';
import { type RawSpooler, validPrinterName } from './spooler/types.js';
import type { PrinterConfig } from './types.js';

/** The operating system's printers (implemented in main/electron/system-printer.ts). */
export interface SystemPrinter {
  list(): Promise<string[]>;
  /** `heightMicrons`: the receipt's length (one slip per page), so a roll printer does not feed a whole A4. */
  print(
    html: string,
    opts: { deviceName: string; widthMicrons: number; heightMicrons?: number },
  ): Promise<void>;
}

export { PrintError, type PrintFailure } from './print-error.js';

export interface PrinterStatus {
  /** False when the printer did not answer a status request (many cheap ones do not): unknown, not bad. */
  answered: boolean;
  offline: boolean;
  paperOut: boolean;
  paperLow: boolean;
}

export interface Printer {
  readonly label: string;
  print(doc: PrintDocument, paper: PaperWidth): Promise<void>;
  /** Reachable and ready? Throws a PrintError when not. */
  probe(): Promise<PrinterStatus | undefined>;
}

export interface TransportTimeouts {
  connectMs: number;
  /** How long to wait for an answer to a status request. */
  statusMs: number;
  /** The whole job, from connect to confirmation. */
  jobMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { connectMs: 3000, statusMs: 1000, jobMs: 20_000 };

/** DLE EOT 1 (printer status) and DLE EOT 4 (roll paper sensor). */
export const STATUS_REQUEST = Uint8Array.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x04]);
const ACK_REQUEST = Uint8Array.from([0x10, 0x04, 0x01]);

/** A status byte always reads 0xx1xx10. */
function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export function parseStatus(printerByte: number, paperByte: number): PrinterStatus {
  return {
    answered: true,
    offline: (printerByte & 0x08) !== 0,
    paperOut: (paperByte & 0x60) !== 0,
    paperLow: (paperByte & 0x0c) !== 0,
  };
}

/** A byte pipe with an inbox: what both TCP and serial look like to the job runner. */
interface Pipe {
  write(bytes: Uint8Array): Promise<void>;
  /** Resolves with `n` status bytes received after this call, or undefined after `ms`. Rejects if the pipe dies. */
  read(n: number, ms: number): Promise<number[] | undefined>;
  close(): Promise<void>;
}

function inbox() {
  const bytes: number[] = [];
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  return {
    push(chunk: Uint8Array) {
      for (const b of chunk) if (isStatusByte(b)) bytes.push(b);
      waiter?.();
    },
    fail(error: Error) {
      failure ??= error;
      waiter?.();
    },
    clear() {
      bytes.length = 0;
    },
    async read(n: number, ms: number): Promise<number[] | undefined> {
      const deadline = Date.now() + ms;
      while (bytes.length < n) {
        if (failure) throw failure;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waiter = undefined;
      }
      return bytes.splice(0, n);
    },
    get failure() {
      return failure;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PrintError('timeout', what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function asPrintError(error: unknown): PrintError {
  if (error instanceof PrintError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new PrintError('io', code ?? (error instanceof Error ? error.message : String(error)));
}

async function statusOver(pipe: Pipe, ms: number): Promise<PrinterStatus | undefined> {
  await pipe.write(STATUS_REQUEST);
  const answer = await pipe.read(2, ms);
  if (!answer) return undefined;
  return parseStatus(answer[0] ?? 0, answer[1] ?? 0);
}

function refuseIfNotReady(status: PrinterStatus | undefined): void {
  if (status?.paperOut) throw new PrintError('paper-out');
  if (status?.offline) throw new PrintError('offline');
}

/** Status check, bytes, confirmation: the job on any two-way pipe. */
async function runJob(open: () => Promise<Pipe>, bytes: Uint8Array, t: TransportTimeouts): Promise<void> {
  let pipe: Pipe | undefined;
  const job = (async () => {
    pipe = await open();
    const status = await statusOver(pipe, t.statusMs);
    refuseIfNotReady(status);
    await pipe.write(bytes);
    if (status?.answered) {
      await pipe.write(ACK_REQUEST);
      const ack = await pipe.read(1, t.jobMs);
      if (!ack) throw new PrintError('timeout', 'no confirmation');
      if (((ack[0] ?? 0) & 0x08) !== 0) throw new PrintError('offline');
    }
  })();
  try {
    await withTimeout(job, t.jobMs, 'job');
  } catch (error) {
    throw asPrintError(error);
  } finally {
    await (pipe as Pipe | undefined)?.close().catch(() => undefined);
  }
}

async function probeOver(
  open: () => Promise<Pipe>,
  t: TransportTimeouts,
): Promise<PrinterStatus | undefined> {
  let pipe: Pipe | undefined;
  try {
    pipe = await withTimeout(open(), t.connectMs, 'connect');
    const status = await statusOver(pipe, t.statusMs);
    refuseIfNotReady(status);
    return status;
  } catch (error) {
    throw asPrintError(error);
  } finally {
    await (pipe as Pipe | undefined)?.close().catch(() => undefined);
  }
}

function openTcp(host: string, port: number, connectMs: number): Promise<Pipe> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    const box = inbox();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrintError('timeout', 'connect'));
    }, connectMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => box.push(chunk));
    socket.on('error', (error) => box.fail(error));
    socket.on('close', () => box.fail(new PrintError('io', 'connection closed')));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve({
        write: (bytes) =>
          new Promise((res, rej) => {
            if (box.failure) return rej(box.failure);
            socket.write(bytes, (error) => (error ? rej(error) : res()));
          }),
        read: (n, ms) => box.read(n, ms),
        close: () =>
          new Promise((res) => {
            if (socket.destroyed) return res();
            socket.end(() => {
              socket.destroy();
              res();
            });
            setTimeout(() => {
              socket.destroy();
              res();
            }, 1000).unref();
          }),
      });
    });
  });
}

async function openSerial(savedPath: string, baudRate: number, usb?: UsbSerialId): Promise<Pipe> {
  const { SerialPort } = await import('serialport');
  const path = usb ? resolveSerialPath({ path: savedPath, usb }, await SerialPort.list()) : savedPath;
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const box = inbox();
  port.on('data', (chunk: Buffer) => box.push(chunk));
  port.on('error', (error) => box.fail(error));
  port.on('close', () => box.fail(new PrintError('io', 'port closed')));
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (box.failure) return reject(box.failure);
        port.write(Buffer.from(bytes), (error) => {
          if (error) return reject(error);
          port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    read: (n, ms) => box.read(n, ms),
    close: () =>
      new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

export function tcpPrinter(host: string, port: number, t: TransportTimeouts = DEFAULT_TIMEOUTS): Printer {
  const open = () => openTcp(host, port, t.connectMs);
  return {
    label: `TCP ${host}:${port}`,
    print: (doc, paper) => runJob(open, encodeEscPos(doc, paper), t),
    probe: () => probeOver(open, t),
  };
}

export function serialPrinter(
  path: string,
  baudRate: number,
  t: TransportTimeouts = DEFAULT_TIMEOUTS,
  /** Found by these USB ids at each job (a new COM number does not lose it). */
  usb?: UsbSerialId,
): Printer {
  const open = () => openSerial(path, baudRate, usb);
  return {
    label: `串口 Serial ${path} @${baudRate}`,
    print: (doc, paper) => runJob(open, encodeEscPos(doc, paper), t),
    probe: () => probeOver(open, t),
  };
}

/**
 * The Linux usblp device file. One-way: the kernel driver accepts the bytes; status needs an ioctl Node
 * cannot make. A write to an unplugged printer fails with ENODEV, a stuck one hits the job timeout.
 */
export function usbFilePrinter(path: string, t: TransportTimeouts = DEFAULT_TIMEOUTS): Printer {
  const write = async (bytes: Uint8Array) => {
    const handle = await fs.open(path, 'a');
    try {
      await handle.write(bytes);
    } finally {
      await handle.close();
    }
  };
  return {
    label: `USB ${path}`,
    async print(doc, paper) {
      try {
        await withTimeout(write(encodeEscPos(doc, paper)), t.jobMs, 'write');
      } catch (error) {
        throw asPrintError(error);
      }
    },
    async probe() {
      try {
        await fs.access(path, fs.constants.W_OK);
      } catch (error) {
        throw asPrintError(error);
      }
      return undefined;
    },
  };
}

export function systemPrinter(
  port: SystemPrinter | undefined,
  deviceName: string,
  t: TransportTimeouts = DEFAULT_TIMEOUTS,
): Printer {
  return {
    label: `系统打印机 System ${deviceName || '(default)'}`,
    async print(doc, paper) {
      if (!port) throw new PrintError('unavailable', 'system printing needs the desktop app');
      const html = await renderHtml(doc, paper);
      try {
        const size = {
          deviceName,
          widthMicrons: Number(paper) * 1000,
          heightMicrons: Math.ceil(pageHeightMm(doc, paper) * 1000),
        };
        await withTimeout(port.print(html, size), t.jobMs, 'print');
      } catch (error) {
        throw asPrintError(error);
      }
    },
    async probe() {
      if (!port) throw new PrintError('unavailable', 'system printing needs the desktop app');
      const names = await port.list();
      if (deviceName && !names.includes(deviceName))
        throw new PrintError('offline', `${deviceName} not installed`);
      return undefined;
    },
  };
}

/**
 * An installed printer fed raw ESC/POS through the OS spooler (CUPS on Linux/macOS, winspool on Windows):
 * the same bytes as TCP and serial, so the cut, the drawer kick and the QR code work.
 */
export function spoolerPrinter(
  spooler: RawSpooler | undefined,
  printerName: string,
  t: TransportTimeouts = DEFAULT_TIMEOUTS,
): Printer {
  const need = (): RawSpooler => {
    if (!spooler) throw new PrintError('unavailable', 'no system print spooler here');
    if (!validPrinterName(printerName)) throw new PrintError('not-found', printerName.slice(0, 64));
    return spooler;
  };
  return {
    label: `已安装打印机 Installed ${printerName} (RAW)`,
    async print(doc, paper) {
      try {
        await need().print({
          printer: printerName,
          title: doc.title,
          bytes: encodeEscPos(doc, paper),
          timeoutMs: t.jobMs,
        });
      } catch (error) {
        throw asPrintError(error);
      }
    },
    async probe() {
      try {
        await need().check(printerName);
      } catch (error) {
        throw asPrintError(error);
      }
      return undefined;
    },
  };
}

/** What a transport may use besides its own configuration. */
export interface TransportContext {
  system?: SystemPrinter;
  spooler?: RawSpooler;
  timeouts: TransportTimeouts;
}

type Kind = PrinterConfig['kind'];
type ConfigOf<K extends Kind> = Extract<PrinterConfig, { kind: K }>;

/**
 * One entry per printer kind (docs/printing.md, "How to add a printer transport"). The mapped type
 * makes a new kind in PrinterConfig a compile error until it has an entry here.
 */
export const TRANSPORTS: {
  [K in Kind]: (config: ConfigOf<K>, ctx: TransportContext) => Printer | undefined;
} = {
  none: () => undefined,
  tcp: (c, ctx) => tcpPrinter(c.host, c.port, ctx.timeouts),
  serial: (c, ctx) => serialPrinter(c.path, c.baudRate, ctx.timeouts, c.usb),
  'usb-file': (c, ctx) => usbFilePrinter(c.path, ctx.timeouts),
  system: (c, ctx) => systemPrinter(ctx.system, c.deviceName, ctx.timeouts),
  spooler: (c, ctx) => spoolerPrinter(ctx.spooler, c.printerName, ctx.timeouts),
};

/** The printer for a configuration, or undefined for `none`. */
export function printerFor(
  config: PrinterConfig,
  system: SystemPrinter | undefined,
  t: TransportTimeouts = DEFAULT_TIMEOUTS,
  spooler?: RawSpooler,
): Printer | undefined {
  const make = TRANSPORTS[config.kind] as (c: PrinterConfig, ctx: TransportContext) => Printer | undefined;
  return make(config, { system, spooler, timeouts: t });
}
