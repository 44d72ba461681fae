/**
 * One small database interface over the two engines the head office runs on:
 * - a PostgreSQL server through `pg` (production: `--database-url postgres://…`);
 * - PGlite (PostgreSQL compiled to WASM) in a data folder, the embedded default for a laptop.
 *
 * The SQL is the same on both: the migrations and every query below are plain PostgreSQL.
 */
import fs from 'node:fs';
import pg from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Several statements at once (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Postgres bigint / numeric arrive as strings from `pg`; our values fit a double exactly. */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  return 0;
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 8 });
  // An idle client that loses its server must not crash the service; the next query reconnects.
  pool.on('error', () => {});
  // Fail now, with the server's own words, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    query: async <T>(sql: string, params?: unknown[]) => {
      const result = await pool.query(sql, params as unknown[]);
      return { rows: result.rows as T[] };
    },
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: async <T>(sql: string, params?: unknown[]) => {
            const result = await client.query(sql, params as unknown[]);
            return { rows: result.rows as T[] };
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  // PGlite is one connection: transactions must not interleave with other statements.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };
  return {
    kind: 'pglite',
    query: <T>(sql: string, params?: unknown[]) =>
      serial(async () => {
        const result = await db.query<T>(sql, params as unknown[]);
        return { rows: result.rows };
      }),
    tx: (fn) =>
      serial(() =>
        db.transaction((tx) =>
          fn({
            query: async <T>(sql: string, params?: unknown[]) => {
              const result = await tx.query<T>(sql, params as unknown[]);
              return { rows: result.rows };
            },
          }),
        ),
      ),
    exec: (sql) =>
      serial(async () => {
        await db.exec(sql);
      }),
    close: () => serial(() => db.close()),
  };
}

export async function openDb(options: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}
