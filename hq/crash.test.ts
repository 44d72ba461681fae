/**
 * kill -9 of the head-office service while batches are in flight, on a real PostgreSQL server: the
 * service is a child process (`hq/src/cli.ts serve`), killed without warning while the fault proxy holds
 * a forwarded request, and started again. PostgreSQL's transaction either committed a batch or did not;
 * the counter asks the restarted service where to resume. (PGlite is one process's embedded database:
 * a kill -9 of its process is not the production case, so this runs on PostgreSQL only.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addCounter } from './src/counters.js';
import { openPostgres } from './src/db.js';
import { migrate } from './src/migrate.js';
import { startFaultProxy } from './test/fault-proxy.js';
import { compare, makeCounter, printTable, resultTable, startPgCluster, until } from './test/kit.js';
import type { PgCluster } from './test/pg-cluster.js';

let cluster: PgCluster | undefined;

beforeAll(async () => {
  cluster = await startPgCluster({ fsync: false });
}, 60_000);

afterAll(() => {
  cluster?.stop();
  printTable();
});

const cli = path.join(import.meta.dirname, 'src', 'cli.ts');

function startChild(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'serve', '--database-url', databaseUrl, '--port', '0', '--no-web'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!/listening/.test(out)) reject(new Error(`service exited ${code}: ${out}`));
    });
  });
}

it('kill -9 of the service mid-batch, three times: the database ends with exactly the journal', async () => {
  const pg = cluster as PgCluster;
  const url = await pg.createDatabase('hq_crash');
  const db = await openPostgres(url);
  await migrate(db);
  const token = await addCounter(db, { storeId: 'S9', terminalId: 'KILL' });
  let service = await startChild(url);
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: service.port });
  // Slow enough that a batch is in flight when the kill comes.
  proxy.policy = () => ({ kind: 'latency', ms: 40 });
  const counter = makeCounter('KILL');
  counter.sell(500);
  const uploader = counter.upload({
    target: () => ({ url: proxy.url, token }),
    batchSize: 150,
    requestTimeoutMs: 2_000,
    backoff: { initialMs: 20, maxMs: 200 },
    idleCheckMs: 100,
  });
  let kills = 0;
  try {
    for (let round = 0; round < 3; round += 1) {
      counter.sell(200);
      await until(() => proxy.inFlight() > 0, 15_000, 'a batch in flight');
      service.child.kill('SIGKILL');
      await new Promise((resolve) => service.child.once('exit', resolve));
      kills += 1;
      service = await startChild(url);
      proxy.target = { host: '127.0.0.1', port: service.port };
    }
    expect(await uploader.drained(30_000)).toBe(true);
    const result = await compare(db, counter);
    resultTable.push({ backend: 'PostgreSQL', case: `kill -9 mid-batch ×${kills}`, ...result });
    expect(result).toMatchObject({
      sent: 2200,
      stored: 2200,
      duplicates: 0,
      missing: 0,
      extra: 0,
      differing: 0,
    });
    const { rows } = await db.query<{ hwm: string }>(
      "SELECT hwm FROM terminal_state WHERE terminal_id = 'KILL'",
    );
    expect(Number(rows[0]?.hwm)).toBe(2200);
  } finally {
    await counter.close();
    service.child.kill('SIGKILL');
    await proxy.close();
    await db.close();
  }
}, 90_000);
