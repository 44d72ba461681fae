/**
 * A throwaway PostgreSQL cluster for tests and the bench: initdb in a temp folder, the server on
 * 127.0.0.1 at a free port, removed afterwards. PostgreSQL refuses to run as root, so as root the
 * cluster belongs to `nobody` (set HQ_PG_USER to choose another account).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgCluster {
  readonly url: string;
  readonly port: number;
  readonly bin: string;
  /** A fresh, empty database on this cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** pg_dump -Fc of a database into a file. */
  dump(database: string, file: string): void;
  /** Drop the database and restore it from a dump (the "restored from an older backup" case). */
  restore(database: string, file: string): void;
  /** CPU seconds (user + system) the server's processes have used so far: a figure load cannot skew. */
  cpuSeconds(): number;
  stop(): void;
}

/** utime + stime of a process, in seconds (Linux /proc; 0 where unreadable). */
function processCpu(pid: number): { cpu: number; ppid: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { cpu: ticks / 100, ppid: Number(fields[1]) };
  } catch {
    return { cpu: 0, ppid: 0 };
  }
}

export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions[0];
  if (!found) {
    throw new Error(
      'PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install the Debian package `postgresql` (apt-get install -y postgresql)',
    );
  }
  return path.join(root, found, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(options: { fsync?: boolean } = {}): Promise<PgCluster> {
  const bin = findPostgresBin();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hq-pg-'));
  const data = path.join(root, 'data');
  const isRoot = process.getuid?.() === 0;
  const user = process.env.HQ_PG_USER ?? 'nobody';
  let uid = process.getuid?.() ?? 0;
  let gid = process.getgid?.() ?? 0;
  if (isRoot) {
    uid = Number(execFileSync('id', ['-u', user]).toString().trim());
    gid = Number(execFileSync('id', ['-g', user]).toString().trim());
    fs.chownSync(root, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const full = isRoot ? ['runuser', ['-u', user, '--', cmd, ...args]] : [cmd, args];
    const result = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8', cwd: root });
    if (result.status !== 0) {
      throw new Error(`${path.basename(cmd)} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
    return result.stdout;
  };
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale']);
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      `-k ${root}`,
      `-c fsync=${options.fsync === false ? 'off' : 'on'}`,
      '-c max_connections=60',
      '-c shared_buffers=128MB',
    ].join(' ');
    try {
      run(path.join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        path.join(root, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        settings,
        'start',
      ]);
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (lastError) {
    fs.rmSync(root, { recursive: true, force: true });
    throw lastError;
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  const psql = (database: string, sql: string) =>
    execFileSync(
      path.join(bin, 'psql'),
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${base}/${database}`, '-c', sql],
      {
        encoding: 'utf8',
      },
    );
  return {
    url: `${base}/postgres`,
    port,
    bin,
    async createDatabase(name) {
      psql('postgres', `CREATE DATABASE ${name}`);
      return `${base}/${name}`;
    },
    dump(database, file) {
      execFileSync(path.join(bin, 'pg_dump'), ['-Fc', '-f', file, `${base}/${database}`]);
    },
    restore(database, file) {
      psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      psql('postgres', `CREATE DATABASE ${database}`);
      execFileSync(path.join(bin, 'pg_restore'), ['-d', `${base}/${database}`, file]);
    },
    cpuSeconds() {
      const postmaster = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      let total = processCpu(postmaster).cpu;
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const p = processCpu(Number(entry));
        if (p.ppid === postmaster) total += p.cpu;
      }
      return total;
    },
    stop,
  };
}
