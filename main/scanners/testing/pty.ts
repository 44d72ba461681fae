/**
 * Test and bench helper: a real pseudo-terminal pair made by socat, standing in for a serial scanner.
 * The app opens `app` (like /dev/ttyACM0); the test plays the scanner by writing to `scanner`.
 * `unplug()` kills socat (the app's end hangs up, like a pulled USB cable); `plug()` makes the pair
 * again at the same link paths.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end the application opens as its serial port. */
  readonly app: string;
  /** The end the test writes scanner bytes to. */
  readonly scanner: string;
  write(bytes: string | Buffer): void;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function createPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cashier-pty-'));
  const app = path.join(dir, 'app');
  const scanner = path.join(dir, 'scanner');
  let child: ChildProcess | undefined;
  let fd: number | undefined;

  const plug = async () => {
    const started = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${app}`, `pty,raw,echo=0,link=${scanner}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // socat logs "starting data transfer loop" once both ptys exist and the links are made.
    await waitFor(
      () => stderr.includes('starting data transfer loop') || started.exitCode !== null,
      'socat to create the pty pair',
    );
    if (started.exitCode !== null) throw new Error(`socat exited: ${stderr}`);
  };

  const unplug = async () => {
    if (fd !== undefined) {
      closeSync(fd);
      fd = undefined;
    }
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
    // socat removes its links on a clean exit; wait until it has, so plug() makes fresh ones.
    await waitFor(() => !existsSync(app) && !existsSync(scanner), 'socat to remove its links', 5000).catch(
      () => {
        rmSync(app, { force: true });
        rmSync(scanner, { force: true });
      },
    );
  };

  await plug();
  return {
    app,
    scanner,
    write(bytes) {
      fd ??= openSync(scanner, 'w');
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    },
    unplug,
    plug,
    async close() {
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
