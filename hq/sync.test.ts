/**
 * Counter → head office, end to end over real journals, real HTTP through a fault proxy, and a real
 * database: a throwaway PostgreSQL cluster, and the embedded PGlite default. The same cases run on both.
 * At the end the table of case × records sent, stored, duplicates, missing is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCounter, hashToken } from './src/counters.js';
import { num } from './src/db.js';
import type { HqService } from './src/service.js';
import { type Fault, type FaultProxy, startFaultProxy } from './test/fault-proxy.js';
import {
  type Backend,
  compare,
  makeCounter,
  pgliteBackend,
  postgresBackend,
  printTable,
  resultTable,
  startPgCluster,
  until,
} from './test/kit.js';
import type { PgCluster } from './test/pg-cluster.js';

let cluster: PgCluster | undefined;

beforeAll(async () => {
  cluster = await startPgCluster({ fsync: false });
}, 60_000);

afterAll(() => {
  cluster?.stop();
  printTable();
});

const fast = { initialMs: 5, maxMs: 40 };

describe.each([['PostgreSQL'], ['PGlite']] as const)('sync into %s', (backendName) => {
  let backend: Backend;
  let service: HqService;
  let proxy: FaultProxy;

  const restart = async (between?: () => Promise<void>) => {
    await service.stop();
    await between?.();
    service = await backend.start();
    proxy.target = { host: '127.0.0.1', port: service.port };
  };

  beforeAll(async () => {
    backend =
      backendName === 'PostgreSQL' ? await postgresBackend(cluster as PgCluster) : await pgliteBackend();
    service = await backend.start();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: service.port });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await service?.stop();
    await backend?.dispose();
  });

  const record = async (name: string, counter: ReturnType<typeof makeCounter>) => {
    const result = await compare(service.db, counter);
    resultTable.push({ backend: backendName, case: name, ...result });
    return result;
  };

  it('registers counters with hashed, revocable tokens; refuses unknown tokens with a bilingual error', async () => {
    const token = await addCounter(service.db, { storeId: 'S0', terminalId: 'TOK1' });
    const { rows } = await service.db.query<{ token_hash: string }>(
      "SELECT token_hash FROM counters WHERE terminal_id = 'TOK1'",
    );
    expect(rows[0]?.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const ask = (t: string) =>
      fetch(`${service.url}/api/sync/hwm`, { headers: { authorization: `Bearer ${t}` } });
    expect((await ask(token)).status).toBe(200);
    await service.db.query("UPDATE counters SET revoked_at = now() WHERE terminal_id = 'TOK1'");
    const refused = await ask(token);
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as { error: { message: { zh: string; en: string } } };
    expect(body.error.message.zh).toContain('令牌');
    expect(body.error.message.en).toContain('token');
    // A malformed batch is refused whole, with both languages, and nothing is stored.
    const good = await addCounter(service.db, { storeId: 'S0', terminalId: 'TOK2' });
    const bad = await fetch(`${service.url}/api/sync/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        records: [{ s: 1, at: 'never', t: 'x', k: 'k', od: '2026-01-01', op: 'o', d: {} }],
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: { zh: string } } }).error.message.zh).toContain('时间');
  });

  it('a batch that does not follow the hash chain (an edited record) is refused whole, in both languages', async () => {
    const token = await addCounter(service.db, { storeId: 'S0', terminalId: 'EDIT' });
    const counter = makeCounter('EDIT');
    counter.sell(5);
    const records = counter.records();
    expect(records.every((r) => /^[0-9a-f]{64}$/.test((r as { h?: string }).h ?? ''))).toBe(true);
    // Someone changes an amount in the journal and keeps the old hash.
    const edited = records.map((r) => (r.s === 3 ? { ...r, d: { ...r.d, amountFen: 1 } } : r));
    const post = (batch: unknown[]) =>
      fetch(`${service.url}/api/sync/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: batch }),
      });
    const refused = await post(edited);
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; message: { zh: string; en: string } } };
    expect(body.error.code).toBe('CHAIN_BROKEN');
    expect(body.error.message.zh).toContain('第 3 条');
    expect(body.error.message.en).toContain('record 3');
    expect((await compare(service.db, counter)).stored).toBe(0);
    // The journal as written goes in.
    expect((await post(records)).status).toBe(200);
    expect(await compare(service.db, counter)).toMatchObject({
      sent: 10,
      stored: 10,
      missing: 0,
      differing: 0,
    });
    await counter.close();
  });

  it('a reply lost after the server committed: the counter sends again, the server holds one row', async () => {
    const token = await addCounter(service.db, { storeId: 'S1', terminalId: 'LOST' });
    const counter = makeCounter('LOST');
    counter.sell(150);
    // The first two batch replies are dropped after the server committed them.
    let drops = 0;
    proxy.policy = (): Fault => {
      if (drops < 2) {
        drops += 1;
        return { kind: 'drop-response' };
      }
      return { kind: 'pass' };
    };
    const uploader = counter.upload({
      target: () => ({ url: proxy.url, token }),
      batchSize: 100,
      backoff: fast,
      idleCheckMs: 50,
    });
    expect(await uploader.drained(15_000)).toBe(true);
    proxy.policy = () => ({ kind: 'pass' });
    const result = await record('reply lost after commit', counter);
    expect(proxy.counts['drop-response']).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({
      sent: 300,
      stored: 300,
      duplicates: 0,
      missing: 0,
      extra: 0,
      differing: 0,
    });
    await counter.close();
  });

  it('offline for twelve hours on a fake clock: bounded retries, "offline since", then everything arrives', async () => {
    const token = await addCounter(service.db, { storeId: 'S1', terminalId: 'OFFLINE' });
    let clock = Date.parse('2026-12-01T01:00:00.000Z');
    const started = clock;
    const counter = makeCounter('OFFLINE', { now: () => clock });
    counter.sell(40);
    proxy.policy = () => ({ kind: 'refuse' });
    const before = proxy.counts.refuse;
    const statuses: string[] = [];
    const uploader = counter.upload({
      target: () => ({ url: proxy.url, token }),
      now: () => clock,
      // The fake clock: a wait passes at once, and moves the clock by its length.
      sleep: (ms) => {
        clock += ms;
        return new Promise((resolve) => setImmediate(resolve));
      },
      backoff: { initialMs: 1_000, maxMs: 5 * 60_000 },
      idleCheckMs: 60_000,
      onStatus: (s) => statuses.push(s.state),
    });
    await until(() => clock - started >= 12 * 3600_000, 30_000, 'twelve fake hours');
    const attempts = proxy.counts.refuse - before;
    // Exponential back-off to a 5-minute ceiling (±20 %): about 12 h / 5 min, not thousands.
    expect(attempts).toBeGreaterThan(50);
    expect(attempts).toBeLessThan(12 * 12 * 1.25 + 15);
    expect(uploader.status()).toMatchObject({
      state: 'offline',
      behind: 80,
      since: new Date(started).toISOString(),
    });
    counter.sell(10); // sales go on while offline
    proxy.policy = () => ({ kind: 'pass' });
    await until(() => uploader.status().state === 'synced', 30_000, 'synced after the outage');
    expect(statuses).toContain('offline');
    const result = await record('12 h offline (fake clock)', counter);
    expect(result).toMatchObject({ sent: 100, stored: 100, duplicates: 0, missing: 0 });
    await counter.close();
  });

  it('server restored from an older backup: counters send again from its high-water mark', async () => {
    const token = await addCounter(service.db, { storeId: 'S2', terminalId: 'RESTORE' });
    const counter = makeCounter('RESTORE');
    proxy.policy = () => ({ kind: 'pass' });
    counter.sell(100);
    const uploader = counter.upload({
      target: () => ({ url: proxy.url, token }),
      batchSize: 80,
      backoff: fast,
      idleCheckMs: 100,
    });
    expect(await uploader.drained(15_000)).toBe(true);
    let copy = '';
    await restart(async () => {
      copy = await backend.backup(service);
    });
    counter.sell(100);
    expect(await uploader.drained(15_000)).toBe(true);
    expect((await compare(service.db, counter)).stored).toBe(400);
    // Disaster: head office goes back to the copy taken at 200 records. The counter was synced and idle.
    await restart(() => backend.restore(copy));
    expect((await compare(service.db, counter)).stored).toBe(200);
    await until(async () => (await compare(service.db, counter)).stored === 400, 20_000, 're-sent records');
    const result = await record('server restored from older backup', counter);
    expect(result).toMatchObject({ sent: 400, stored: 400, duplicates: 0, missing: 0, extra: 0 });
    await counter.close();
  }, 60_000);

  it('the same key with a different hash: kept as a conflict with an alert, never overwritten', async () => {
    const token = await addCounter(service.db, { storeId: 'S3', terminalId: 'TWIN' });
    proxy.policy = () => ({ kind: 'pass' });
    const first = makeCounter('TWIN');
    first.sell(30);
    const up1 = first.upload({ target: () => ({ url: proxy.url, token }), backoff: fast, idleCheckMs: 100 });
    expect(await up1.drained(15_000)).toBe(true);
    await up1.stop();
    const storedBefore = await service.db.query<{ hash: string }>(
      "SELECT hash FROM records WHERE terminal_id = 'TWIN' ORDER BY seq",
    );
    // The PC is reinstalled and its new journal starts again at 1 with other sales, under the same token.
    const second = makeCounter('TWIN');
    second.sell(40, (i) => 9_000 + i);
    const up2 = second.upload({ target: () => ({ url: proxy.url, token }), backoff: fast, idleCheckMs: 100 });
    await until(() => up2.status().message !== undefined, 15_000, 'the conflict to show');
    expect(up2.status().state).toBe('behind');
    expect(up2.status().message?.zh).toContain('不一致');
    const conflicts = await service.db.query<{ seq: unknown }>(
      "SELECT seq FROM conflicts WHERE terminal_id = 'TWIN'",
    );
    expect(conflicts.rows.map((r) => num(r.seq))).toEqual([60]);
    const alerts = await service.db.query(
      "SELECT * FROM alerts WHERE kind = 'conflict' AND terminal_id = 'TWIN'",
    );
    expect(alerts.rows).toHaveLength(1);
    const storedAfter = await service.db.query<{ hash: string }>(
      "SELECT hash FROM records WHERE terminal_id = 'TWIN' ORDER BY seq",
    );
    expect(storedAfter.rows).toEqual(storedBefore.rows);
    const result = await record('same key, different hash', first);
    expect(result).toMatchObject({ sent: 60, stored: 60, duplicates: 0, missing: 0 });
    await first.close();
    await second.close();
  });

  it('random faults over thousands of records from two counters: journals and database hold the same set', async () => {
    const counters = [makeCounter('RND1'), makeCounter('RND2')];
    const tokens = await Promise.all(
      counters.map((c) => addCounter(service.db, { storeId: 'S4', terminalId: c.terminalId })),
    );
    // A fixed seed: a failure can be replayed.
    let seed = 20261201;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    proxy.policy = (): Fault => {
      const x = rand();
      if (x < 0.55) return { kind: 'pass' };
      if (x < 0.65) return { kind: 'latency', ms: 15 };
      if (x < 0.72) return { kind: 'blackhole' };
      if (x < 0.8) return { kind: 'refuse' };
      if (x < 0.9) return { kind: 'drop-response' };
      return { kind: 'reset-after', bytes: 1 + Math.floor(rand() * 300) };
    };
    for (const [i, c] of counters.entries()) {
      c.upload({
        target: () => ({ url: proxy.url, token: tokens[i] as string }),
        batchSize: 60,
        requestTimeoutMs: 250,
        backoff: fast,
        idleCheckMs: 50,
        settleMs: 5,
      });
    }
    // Sales go on while the uploads fight the faults.
    for (let round = 0; round < 8; round += 1) {
      for (const c of counters) c.sell(75);
      await new Promise((r) => setTimeout(r, 30));
    }
    for (const c of counters) expect(await c.uploader?.drained(60_000)).toBe(true);
    proxy.policy = () => ({ kind: 'pass' });
    for (const c of counters) {
      const result = await record(`random faults (${c.terminalId})`, c);
      expect(result).toMatchObject({
        sent: 1200,
        stored: 1200,
        duplicates: 0,
        missing: 0,
        extra: 0,
        differing: 0,
      });
    }
    const faults = proxy.counts;
    expect(
      faults['drop-response'] + faults['reset-after'] + faults.blackhole + faults.refuse,
    ).toBeGreaterThan(10);
    for (const c of counters) await c.close();
  }, 90_000);
});
