/**
 * A private CUPS scheduler for tests: its own configuration, spool and state in a temporary folder, a
 * Unix socket instead of port 631, nothing shared with the machine's CUPS. Queues are made with lpadmin
 * like a shop's technician would; the client tools reach it through CUPS_SERVER.
 *
 * Why raw queues here point at a loopback socket printer and not at a file: CUPS 2.4's file: device
 * writes nothing for a one-document raw job (cupsd only adds its pass-through filter for file: devices
 * when a job has several documents), so the bytes are caught by a TCP listener through CUPS's real
 * `socket` backend, the one a network receipt printer's queue uses.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function cupsdAvailable(): { ok: true } | { ok: false; reason: string } {
  const find = (name: string) =>
    ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (process.platform !== 'linux') return { ok: false, reason: 'private cupsd test runs on Linux only' };
  for (const tool of ['cupsd', 'lpadmin', 'lp', 'lpstat', 'cancel']) {
    if (!find(tool))
      return { ok: false, reason: `${tool} not installed (apt-get install cups cups-client cups-bsd)` };
  }
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'a private cupsd needs root here (it drops to lp for backends)' };
  return { ok: true };
}

export interface PrivateCups {
  env: NodeJS.ProcessEnv;
  dir: string;
  lpadmin(args: string[]): void;
  run(cmd: string, args: string[]): string;
  stop(): Promise<void>;
}

export async function startPrivateCups(): Promise<PrivateCups> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cups-'));
  fs.chmodSync(dir, 0o755);
  for (const d of ['spool', 'cache', 'state', 'log', 'ppd', 'ssl']) fs.mkdirSync(path.join(dir, d));
  const socket = path.join(dir, 'cups.sock');
  fs.writeFileSync(
    path.join(dir, 'cupsd.conf'),
    [
      `Listen ${socket}`,
      'LogLevel warn',
      'WebInterface No',
      'Browsing Off',
      'DefaultAuthType None',
      'ErrorPolicy stop-printer',
      '<Location />',
      '  Order allow,deny',
      '  Allow all',
      '</Location>',
      '<Policy default>',
      '  <Limit All>',
      '    Order deny,allow',
      '  </Limit>',
      '</Policy>',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'cups-files.conf'),
    [
      `ServerRoot ${dir}`,
      `RequestRoot ${dir}/spool`,
      `TempDir ${dir}/spool`,
      `CacheDir ${dir}/cache`,
      `StateDir ${dir}/state`,
      `ErrorLog ${dir}/log/error_log`,
      `AccessLog ${dir}/log/access_log`,
      `PageLog ${dir}/log/page_log`,
      'ServerBin /usr/lib/cups',
      'DataDir /usr/share/cups',
      'SystemGroup root',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'cupsd',
    ['-f', '-c', path.join(dir, 'cupsd.conf'), '-s', path.join(dir, 'cups-files.conf')],
    { stdio: 'ignore' },
  );
  const env = { ...process.env, CUPS_SERVER: socket, LC_ALL: 'C', LANG: 'C' };
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { env, encoding: 'utf8', timeout: 10_000 });
  // Ready when the socket answers.
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    ready = await new Promise<boolean>((resolve) => {
      const c = net.createConnection(socket);
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`private cupsd did not start (see ${dir}/log/error_log)`);
  }
  return {
    env: { CUPS_SERVER: socket },
    dir,
    lpadmin: (args) => void run('lpadmin', args),
    run,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback "printer": collects what every connection sends; `answer` (optional) is sent back. */
export async function socketPrinter(): Promise<{
  port: number;
  received: () => Buffer;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const chunks: Buffer[] = [];
  let connections = 0;
  const server = net.createServer((c) => {
    connections += 1;
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => c.end());
    c.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received: () => Buffer.concat(chunks),
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
