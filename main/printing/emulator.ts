/**
 * A network receipt printer on raw TCP (like port 9100) for tests and demos: captures every job's bytes,
 * answers DLE EOT status requests like an Epson-compatible printer, and can be told to be out of paper,
 * to stay silent about status, or to die in the middle of a job.
 */
import net from 'node:net';
import { type Decoded, decodeEscPos } from './escpos-decode.js';

export interface EmulatorOptions {
  /** Answer DLE EOT status requests (default true). */
  answersStatus?: boolean;
}

export interface PrinterEmulator {
  readonly port: number;
  /** One entry per finished connection, in order. */
  readonly jobs: Uint8Array[];
  decoded(index?: number): Decoded;
  paperOut: boolean;
  offline: boolean;
  /** Kill the next connection (TCP reset) after it has sent this many bytes. */
  killNextAfter(bytes: number): void;
  /** Resolves once `n` jobs have been captured. */
  waitForJobs(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPrinterEmulator(options: EmulatorOptions = {}): Promise<PrinterEmulator> {
  const answers = options.answersStatus ?? true;
  const jobs: Uint8Array[] = [];
  const sockets = new Set<net.Socket>();
  let killAfter: number | undefined;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const state = { paperOut: false, offline: false };

  const finished = (bytes: Uint8Array) => {
    jobs.push(bytes);
    for (const w of waiters.splice(0)) {
      if (jobs.length >= w.n) w.resolve();
      else waiters.push(w);
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    let received = 0;
    const limit = killAfter;
    killAfter = undefined;
    let tail: number[] = [];
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (limit !== undefined && received + data.length >= limit) {
        data = data.subarray(0, Math.max(0, limit - received));
        chunks.push(data);
        received += data.length;
        socket.resetAndDestroy();
        return;
      }
      chunks.push(data);
      received += data.length;
      if (!answers) return;
      // Real-time status requests (DLE EOT n), possibly split across chunks.
      const scan = [...tail, ...data];
      for (let i = 0; i + 2 < scan.length; i++) {
        if (scan[i] === 0x10 && scan[i + 1] === 0x04) {
          const n = scan[i + 2];
          const offline = state.offline || state.paperOut;
          if (n === 1) socket.write(Uint8Array.of(offline ? 0x1a : 0x12));
          else if (n === 2) socket.write(Uint8Array.of(state.paperOut ? 0x32 : 0x12));
          else if (n === 4) socket.write(Uint8Array.of(state.paperOut ? 0x72 : 0x12));
          else socket.write(Uint8Array.of(0x12));
          i += 2;
        }
      }
      tail = scan.slice(-2);
      if (tail[0] === 0x10 && tail[1] === 0x04) tail = [0x10, 0x04];
      else if (tail[1] === 0x10) tail = [0x10];
      else tail = [];
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      finished(Buffer.concat(chunks));
    });
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    jobs,
    decoded: (index = jobs.length - 1) => decodeEscPos(jobs[index] ?? new Uint8Array()),
    get paperOut() {
      return state.paperOut;
    },
    set paperOut(value: boolean) {
      state.paperOut = value;
    },
    get offline() {
      return state.offline;
    },
    set offline(value: boolean) {
      state.offline = value;
    },
    killNextAfter(bytes) {
      killAfter = bytes;
    },
    waitForJobs(n) {
      if (jobs.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
