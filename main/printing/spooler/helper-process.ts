/**
 * A long-lived helper process spoken to with length-prefixed frames over stdin/stdout (the Windows
 * winspool helper; in tests, a stand-in speaking the same protocol). Started on first use, one request
 * at a time on the wire, each answered by id. A helper that dies fails the requests in flight and is
 * started again on the next one; a helper that stops answering is killed when its request times out.
 *
 *   frame = u32 LE header length | header (UTF-8 JSON) | u32 LE payload length | payload bytes
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createLogger } from '../../log/logger.js';
import { PrintError, type PrintFailure } from '../print-error.js';
import { HELPER_PROTOCOL } from './winspool-helper.js';

const log = createLogger('print-helper');

const MAX_HEADER = 1 << 16;
const MAX_PAYLOAD = 16 << 20;

export type Header = Record<string, unknown>;

export function encodeFrame(header: Header, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + body.length + payload.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  out.writeUInt32LE(payload.length, 4 + body.length);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(out, 8 + body.length);
  return out;
}

/** Turns a byte stream into frames, whatever the chunking. Throws on a malformed stream. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ header: Header; payload: Buffer }> {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Array<{ header: Header; payload: Buffer }> = [];
    for (;;) {
      if (this.buffer.length < 4) break;
      const headerLength = this.buffer.readUInt32LE(0);
      if (headerLength > MAX_HEADER) throw new Error(`frame header of ${headerLength} bytes`);
      if (this.buffer.length < 8 + headerLength) break;
      const payloadLength = this.buffer.readUInt32LE(4 + headerLength);
      if (payloadLength > MAX_PAYLOAD) throw new Error(`frame payload of ${payloadLength} bytes`);
      const end = 8 + headerLength + payloadLength;
      if (this.buffer.length < end) break;
      const text = this.buffer.subarray(4, 4 + headerLength).toString('utf8');
      const header = JSON.parse(text) as unknown;
      if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        throw new Error('frame header is not a JSON object');
      }
      frames.push({
        header: header as Header,
        payload: Buffer.from(this.buffer.subarray(8 + headerLength, end)),
      });
      this.buffer = this.buffer.subarray(end);
    }
    return frames;
  }
}

export interface HelperOptions {
  /** What to run: powershell.exe with the helper script, or a stand-in. */
  command: () => { command: string; args: string[]; env?: Record<string, string> };
  /** How long the helper may take to say it is ready (PowerShell compiles the C# first). */
  startMs?: number;
  /** Added to each request's own time before the helper is deemed stuck and killed. */
  slackMs?: number;
}

const REASONS: ReadonlySet<PrintFailure> = new Set([
  'not-found',
  'offline',
  'paused',
  'paper-out',
  'unsupported',
  'timeout',
  'io',
]);

interface Pending {
  resolve: (header: Header) => void;
  reject: (error: PrintError) => void;
  timer: NodeJS.Timeout;
}

interface Live {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  pending: Map<number, Pending>;
}

export interface HelperClient {
  /** Sends one request; resolves with the helper's `ok: true` answer, or throws a PrintError. */
  request(header: Header, payload?: Uint8Array, timeoutMs?: number): Promise<Header>;
  /** Processes started so far (1 after the first request; +1 after each restart). */
  readonly starts: number;
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export function createHelperClient(options: HelperOptions): HelperClient {
  const startMs = options.startMs ?? 20_000;
  const slackMs = options.slackMs ?? 5_000;
  let live: Live | undefined;
  let starts = 0;
  let nextId = 1;
  let closed = false;

  function start(): Live {
    const { command, args, env } = options.command();
    starts += 1;
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    const pending = new Map<number, Pending>();
    const decoder = new FrameDecoder();
    let stderr = '';
    let readyResolve!: () => void;
    let readyReject!: (e: PrintError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      readyReject(new PrintError('io', `print helper did not start in ${startMs} ms`));
      child.kill();
    }, startMs);
    let isReady = false;
    const self: Live = { child, ready, pending };

    const fail = (error: PrintError) => {
      clearTimeout(startTimer);
      readyReject(error);
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(id);
        p.reject(error);
      }
    };

    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      let frames: ReturnType<FrameDecoder['push']>;
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        log.error('print helper sent a bad frame; restarting it', { error });
        fail(new PrintError('io', 'print helper protocol error'));
        if (live === self) live = undefined;
        child.kill();
        return;
      }
      for (const { header } of frames) {
        if (!isReady) {
          if (header.ready === true && header.protocol === HELPER_PROTOCOL) {
            isReady = true;
            clearTimeout(startTimer);
            readyResolve();
          } else {
            fail(new PrintError('io', 'print helper speaks another protocol'));
            if (live === self) live = undefined;
            child.kill();
          }
          continue;
        }
        const id = typeof header.id === 'number' ? header.id : -1;
        const p = pending.get(id);
        if (!p) continue; // the answer to a request that already timed out
        pending.delete(id);
        clearTimeout(p.timer);
        if (header.ok === true) p.resolve(header);
        else {
          const reason = REASONS.has(header.error as PrintFailure) ? (header.error as PrintFailure) : 'io';
          const detail = typeof header.detail === 'string' ? header.detail.slice(0, 300) : undefined;
          p.reject(new PrintError(reason, detail));
        }
      }
    });
    child.stdin.on('error', () => undefined); // a dead helper is handled by 'exit'
    child.once('error', (error) => {
      fail(new PrintError('io', `print helper could not start: ${error.message}`));
      if (live === self) live = undefined;
    });
    child.once('exit', (code, signal) => {
      const why = stderr.trim().split('\n').pop()?.slice(0, 200);
      log.warn('print helper exited', { code, signal, stderr: why });
      fail(
        new PrintError('io', `print helper stopped (${signal ?? `exit ${code}`})${why ? `: ${why}` : ''}`),
      );
      if (live === self) live = undefined;
    });
    return self;
  }

  return {
    async request(header, payload, timeoutMs = 10_000) {
      if (closed) throw new PrintError('unavailable', 'print helper closed');
      live ??= start();
      const current = live;
      await current.ready;
      const id = nextId++;
      return new Promise<Header>((resolve, reject) => {
        const timer = setTimeout(() => {
          current.pending.delete(id);
          // Stuck: drop it and kill it, so the next request starts a fresh one.
          if (live === current) live = undefined;
          current.child.kill();
          reject(new PrintError('timeout', 'print helper did not answer'));
        }, timeoutMs + slackMs);
        current.pending.set(id, { resolve, reject, timer });
        current.child.stdin.write(encodeFrame({ ...header, id }, payload));
      });
    },
    get starts() {
      return starts;
    },
    get pid() {
      return live?.child.pid;
    },
    async close() {
      closed = true;
      const current = live;
      live = undefined;
      if (!current || current.child.exitCode !== null) return;
      const gone = new Promise((resolve) => current.child.once('exit', resolve));
      current.child.stdin.end(); // end of input: the helper's loop returns
      const timer = setTimeout(() => current.child.kill(), 2000);
      await gone;
      clearTimeout(timer);
    },
  };
}
