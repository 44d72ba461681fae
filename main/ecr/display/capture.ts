/**
 * Display capture on a serial port: the host POS writes to what it thinks is its pole display (one end
 * of a com0com pair, a Y cable, a pty); we read it into the emulated screen, optionally pass every byte
 * on to the real display, and keep the raw bytes of the last minutes for support.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SerialPortStream } from '@serialport/stream';
import { createLogger } from '../../log/logger.js';
import { type BindingInterface, nativeSerialBackend } from '../../scanners/serial-driver.js';
import type { DisplayCaptureSettings, EcrProposal, EcrStatus } from '../types.js';
import { captureFilePath } from './capture-file.js';
import { CANDIDATES, type LineSettings, looksRight } from './detect.js';
import { Proposer } from './proposal.js';

const log = createLogger('ecr.display');
/** Raw capture kept: this long, at most this many bytes. */
const KEEP_MS = 5 * 60_000;
const KEEP_BYTES = 1 << 20;

export interface DisplayCapture {
  info(): { protocol: string; encoding: string; capturedBytes: number; line: string };
  /** The open proposal was taken or dismissed by the cashier. */
  consumed(): void;
  /** Raw capture of the last minutes as hex lines with times; also written to the data folder. */
  dump(): string;
  stop(): Promise<void>;
}

export interface DisplayCaptureOptions {
  config: DisplayCaptureSettings;
  dataDir: string;
  onProposal: (p: EcrProposal) => void;
  onStatus: (s: EcrStatus['display']) => void;
  binding?: () => Promise<BindingInterface>;
  retryMs?: number;
}

let proposalSeq = 0;

export async function startDisplayCapture(options: DisplayCaptureOptions): Promise<DisplayCapture> {
  const { config } = options;
  const binding = options.binding ?? nativeSerialBackend().binding;
  const retryMs = options.retryMs ?? 1000;
  const raw: Array<{ at: number; bytes: Buffer }> = [];
  let rawBytes = 0;
  let open: EcrProposal | undefined;
  let port: SerialPortStream | undefined;
  let relay: SerialPortStream | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // Line settings: the configured ones; with autoLine, the candidates in turn until a sample looks right.
  const configured: LineSettings = {
    baudRate: config.baudRate,
    dataBits: config.dataBits,
    parity: config.parity,
    stopBits: config.stopBits,
  };
  const same = (a: LineSettings, b: LineSettings) =>
    a.baudRate === b.baudRate &&
    a.dataBits === b.dataBits &&
    a.parity === b.parity &&
    a.stopBits === b.stopBits;
  const tries = [configured, ...CANDIDATES.filter((c) => !same(c, configured))];
  let tryIndex = 0;
  let line: LineSettings = configured;
  let detecting = config.autoLine === true;
  let sample: Buffer[] = [];
  const lineText = (l: LineSettings) =>
    `${l.baudRate} ${l.dataBits}${l.parity[0]?.toUpperCase()}${l.stopBits}`;

  const proposer = new Proposer({
    protocol: config.protocol,
    encoding: config.encoding,
    quietMs: config.quietMs,
    onPropose: (p) => {
      proposalSeq += 1;
      open = {
        id: `D${Date.now().toString(36)}${proposalSeq}`,
        amountFen: p.amountFen,
        state: 'open',
        text: p.text,
        protocol: p.protocol,
        at: new Date().toISOString(),
      };
      options.onProposal(open);
    },
    onCancel: () => {
      if (!open) return;
      options.onProposal({ ...open, state: 'cancelled', at: new Date().toISOString() });
      open = undefined;
    },
  });

  let dirty = false;
  const keep = (bytes: Buffer) => {
    dirty = true;
    const now = Date.now();
    raw.push({ at: now, bytes });
    rawBytes += bytes.length;
    while (raw.length > 0 && (rawBytes > KEEP_BYTES || (raw[0] as { at: number }).at < now - KEEP_MS)) {
      rawBytes -= (raw.shift() as { bytes: Buffer }).bytes.length;
    }
  };

  const openPort = async (p: string, l: LineSettings = line): Promise<SerialPortStream> => {
    const s = new SerialPortStream({
      binding: await binding(),
      path: p,
      baudRate: l.baudRate,
      dataBits: l.dataBits,
      parity: l.parity,
      stopBits: l.stopBits,
      autoOpen: false,
    });
    const error = await new Promise<Error | null>((resolve) => s.open(resolve));
    if (error) {
      s.removeAllListeners();
      throw error;
    }
    return s;
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      const s = await openPort(config.path);
      if (stopped) {
        s.close();
        return;
      }
      port = s;
      const take = (chunk: Buffer) => {
        keep(chunk);
        if (relay?.isOpen) relay.write(chunk);
        proposer.feed(chunk);
      };
      s.on('data', (chunk: Buffer) => {
        if (!detecting) return take(chunk);
        sample.push(chunk);
        const all = Buffer.concat(sample);
        if (all.length < 24) return;
        sample = [];
        if (looksRight(all)) {
          detecting = false;
          log.info('display line settings detected', { line: lineText(line) });
          options.onStatus({ state: 'on', where: `${config.path} ${lineText(line)}` });
          take(all);
          return;
        }
        // Garbage at these settings: the next candidate.
        tryIndex = (tryIndex + 1) % tries.length;
        line = tries[tryIndex] as LineSettings;
        port = undefined;
        s.removeAllListeners();
        s.on('error', () => {});
        s.close(() => void connect());
      });
      const gone = () => {
        if (port !== s) return;
        port = undefined;
        options.onStatus({
          state: 'waiting',
          where: config.path,
          message: { zh: '客显串口已断开，正在重连', en: 'Display port lost: reconnecting' },
        });
        schedule();
      };
      s.on('close', gone);
      s.on('error', gone);
      options.onStatus(
        detecting
          ? {
              state: 'waiting',
              where: `${config.path} ${lineText(line)}`,
              message: { zh: '正在识别客显串口参数', en: 'Detecting the display line settings' },
            }
          : { state: 'on', where: `${config.path} ${lineText(line)}` },
      );
    } catch (error) {
      log.debug('display port not open yet', { path: config.path, error: String(error) });
      options.onStatus({
        state: 'waiting',
        where: config.path,
        message: { zh: `无法打开 ${config.path}，等待中`, en: `Cannot open ${config.path}: waiting` },
      });
      schedule();
    }
  };
  const schedule = () => {
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), retryMs);
    retry.unref();
  };

  if (config.relayPath) {
    relay = await openPort(config.relayPath, configured).catch((error: unknown) => {
      log.warn('relay display not opened', { path: config.relayPath, error: String(error) });
      return undefined;
    });
  }
  await connect();

  const dump = (): string => {
    const text = raw.map((r) => `${new Date(r.at).toISOString()} ${r.bytes.toString('hex')}`).join('\n');
    try {
      const file = captureFilePath(options.dataDir);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, `${text}\n`, { mode: 0o600 });
    } catch (error) {
      log.warn('display capture not written', { error: String(error) });
    }
    return text;
  };

  // Written every few seconds while bytes come, so a crash of the app still leaves the capture.
  const flush = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    dump();
  }, 5000);
  flush.unref();

  const close = (s: SerialPortStream | undefined) =>
    new Promise<void>((resolve) => {
      if (!s?.isOpen) return resolve();
      s.removeAllListeners();
      s.on('error', () => {});
      s.close(() => resolve());
    });

  return {
    info: () => {
      const snap = proposer.screen.snapshot();
      return {
        protocol: snap.protocol,
        encoding: snap.encoding,
        capturedBytes: rawBytes,
        line: lineText(line),
      };
    },
    consumed: () => {
      proposer.consumed();
      open = undefined;
    },
    dump,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(flush);
      proposer.stop();
      if (raw.length > 0) dump();
      const p = port;
      port = undefined;
      await close(p);
      await close(relay);
    },
  };
}
