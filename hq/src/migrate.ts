/**
 * Versioned migrations: `hq/migrations/NNN_name.sql`, applied in order at start, each in its own
 * transaction, recorded in `schema_migrations`. An applied file is never edited: a change is a new file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Db, num } from './db.js';

export const MIGRATIONS_DIR = path.join(import.meta.dirname, '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/** Apply what is missing; returns the versions applied now. */
export async function migrate(db: Db, migrations = readMigrations()): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      // Two services starting at once: the second waits here, then sees the version applied.
      await q.query('SELECT pg_advisory_xact_lock(727001)');
      const { rows } = await q.query<{ n: unknown }>(
        'SELECT count(*) AS n FROM schema_migrations WHERE version = $1',
        [m.version],
      );
      if (num(rows[0]?.n) > 0) return false;
      for (const statement of splitStatements(m.sql)) await q.query(statement);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Our migration files hold plain statements separated by `;` at a line end (no functions or DO blocks). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}
