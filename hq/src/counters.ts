/**
 * Counter registration. A counter holds one token (printed once by `add-counter`), never database
 * credentials; the service keeps only the token's SHA-256. Revoking a counter stops its uploads at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';

export interface CounterIdentity {
  terminalId: string;
  storeId: string;
}

const ID = /^[A-Za-z0-9_-]{1,40}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class CounterError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

/** Register a counter (or issue it a new token, which replaces the old one). Returns the token. */
export async function addCounter(
  db: Db,
  input: { storeId: string; terminalId: string; name?: string },
): Promise<string> {
  if (!ID.test(input.storeId))
    throw new CounterError('门店号格式不对', 'Store id: 1–40 letters, digits, - or _');
  if (!ID.test(input.terminalId))
    throw new CounterError('终端号格式不对', 'Terminal id: 1–40 letters, digits, - or _');
  const { rows } = await db.query<{ store_id: string }>(
    'SELECT store_id FROM counters WHERE terminal_id = $1',
    [input.terminalId],
  );
  if (rows[0] && rows[0].store_id !== input.storeId) {
    throw new CounterError(
      `终端 ${input.terminalId} 已属于门店 ${rows[0].store_id}`,
      `Terminal ${input.terminalId} already belongs to store ${rows[0].store_id}`,
    );
  }
  const token = `hq_${randomBytes(32).toString('base64url')}`;
  await db.query(
    `INSERT INTO counters (terminal_id, store_id, name, token_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (terminal_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, revoked_at = NULL,
       name = COALESCE(EXCLUDED.name, counters.name)`,
    [input.terminalId, input.storeId, input.name ?? null, hashToken(token)],
  );
  return token;
}

export async function revokeCounter(db: Db, terminalId: string): Promise<boolean> {
  const { rows } = await db.query(
    'UPDATE counters SET revoked_at = now() WHERE terminal_id = $1 AND revoked_at IS NULL RETURNING terminal_id',
    [terminalId],
  );
  return rows.length > 0;
}

export async function authenticate(db: Db, token: string | undefined): Promise<CounterIdentity | undefined> {
  if (!token) return undefined;
  const { rows } = await db.query<{ terminal_id: string; store_id: string }>(
    'SELECT terminal_id, store_id FROM counters WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  const row = rows[0];
  return row ? { terminalId: row.terminal_id, storeId: row.store_id } : undefined;
}
