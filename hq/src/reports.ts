/**
 * Head-office reports, built from the replicated records with the counter's own report module: each
 * counter's day is that counter's 日结 exactly (same function, same records), and a store's or the chain's
 * day is the merge of those, so chain totals equal the sum of the counters' own 日结 to the fen.
 *
 * Each (counter, day) report is kept in `rollup_terminal_day` and rebuilt only when ingest touched it.
 */

import type { JournalRecord } from '../../main/journal/format.js';
import { foldSale } from '../../main/journal/records.js';
import type { OrderView } from '../../main/journal/views.js';
import {
  buildReport,
  factsFromRecords,
  mergeReports,
  type Report,
  sourceFromFacts,
} from '../../main/reports/index.js';
import { type Db, num } from './db.js';

/** Every record a counter's 日结 of `day` reads: its orders of that day, and whatever was written that day. */
export async function recordsForDay(db: Db, terminalId: string, day: string): Promise<JournalRecord[]> {
  const { rows } = await db.query<{ body: JournalRecord | string }>(
    `SELECT seq, body FROM records WHERE terminal_id = $1 AND od = $2::date
     UNION ALL
     SELECT r.seq, r.body FROM written_elsewhere w JOIN records r ON r.terminal_id = w.terminal_id AND r.seq = w.seq
     WHERE w.terminal_id = $1 AND w.wd = $2::date AND r.od <> $2::date
     ORDER BY seq`,
    [terminalId, day],
  );
  return rows.map((row) => (typeof row.body === 'string' ? JSON.parse(row.body) : row.body));
}

/** One counter's 日结 of a day from its replicated records: the counter's own report module, as is. */
export function counterReport(records: readonly JournalRecord[], day: string, now = Date.now()): Report {
  return buildReport(sourceFromFacts(factsFromRecords(records)), { kind: 'settlement', day, now });
}

/** The merge of counters' reports; a day with none is that day's empty report (built the same way). */
function merged(reports: readonly Report[], day: string): Report {
  return reports.length > 0 ? mergeReports(reports) : counterReport([], day);
}

/**
 * Rebuild the stale (counter, day) reports; `day` / `storeId` limit which. `minAgeMs` skips reports
 * rebuilt less than that long ago (the background pace: a busy counter's day is rebuilt at most that
 * often; a read rebuilds whatever is stale, so what it shows is always exact). Returns how many.
 */
export async function refreshRollups(
  db: Db,
  filter: { day?: string; storeId?: string; minAgeMs?: number } = {},
): Promise<number> {
  const { rows } = await db.query<{ terminal_id: string; day: string | Date; gen: unknown }>(
    `SELECT terminal_id, to_char(day, 'YYYY-MM-DD') AS day, gen FROM rollup_terminal_day
     WHERE built_gen < gen AND ($1::date IS NULL OR day = $1::date) AND ($2::text IS NULL OR store_id = $2)
       AND ($3::float8 IS NULL OR refreshed_at IS NULL OR refreshed_at < now() - $3::float8 * interval '1 millisecond')`,
    [filter.day ?? null, filter.storeId ?? null, filter.minAgeMs ?? null],
  );
  for (const row of rows) {
    const day = String(row.day);
    const report = counterReport(await recordsForDay(db, row.terminal_id, day), day);
    await db.query(
      `UPDATE rollup_terminal_day SET report = $3::json, built_gen = GREATEST(built_gen, $4), refreshed_at = now()
       WHERE terminal_id = $1 AND day = $2::date`,
      [row.terminal_id, day, JSON.stringify(report), num(row.gen)],
    );
  }
  return rows.length;
}

export interface CounterDay {
  terminalId: string;
  storeId: string;
  report: Report;
}

export interface Settlement {
  day: string;
  storeId?: string;
  /** The merge of every counter's own 日结 below. */
  totals: Report;
  stores: Array<{ storeId: string; report: Report; counters: CounterDay[] }>;
}

export async function settlement(db: Db, day: string, storeId?: string): Promise<Settlement> {
  await refreshRollups(db, { day, ...(storeId ? { storeId } : {}) });
  const { rows } = await db.query<{ terminal_id: string; store_id: string; report: Report | string }>(
    `SELECT terminal_id, store_id, report FROM rollup_terminal_day
     WHERE day = $1::date AND ($2::text IS NULL OR store_id = $2) AND report IS NOT NULL
     ORDER BY store_id, terminal_id`,
    [day, storeId ?? null],
  );
  const byStore = new Map<string, CounterDay[]>();
  for (const row of rows) {
    const report = typeof row.report === 'string' ? (JSON.parse(row.report) as Report) : row.report;
    const list = byStore.get(row.store_id) ?? [];
    list.push({ terminalId: row.terminal_id, storeId: row.store_id, report });
    byStore.set(row.store_id, list);
  }
  const stores = [...byStore.entries()].map(([id, counters]) => ({
    storeId: id,
    report: merged(
      counters.map((c) => c.report),
      day,
    ),
    counters,
  }));
  return {
    day,
    ...(storeId ? { storeId } : {}),
    totals: merged(
      stores.map((s) => s.report),
      day,
    ),
    stores,
  };
}

/** A counter's orders of a day, folded by the journal's own fold. Newest first. */
export async function ordersOf(db: Db, terminalId: string, day: string): Promise<OrderView[]> {
  const { rows } = await db.query<{ body: JournalRecord }>(
    'SELECT body FROM records WHERE terminal_id = $1 AND od = $2::date ORDER BY seq',
    [terminalId, day],
  );
  const byKey = new Map<string, JournalRecord[]>();
  for (const { body } of rows) {
    const list = byKey.get(body.k);
    if (list) list.push(body);
    else byKey.set(body.k, [body]);
  }
  const out: OrderView[] = [];
  for (const list of byKey.values()) {
    const state = foldSale(list);
    if (state) out.push(state.view);
  }
  return out.reverse();
}

export interface UnresolvedOrder extends OrderView {
  terminalId: string;
  storeId: string;
}

/** Orders with work left on any counter, oldest first. */
export async function unresolvedOrders(db: Db, limit = 500): Promise<UnresolvedOrder[]> {
  const open = await db.query<{ terminal_id: string; store_id: string; k: string; od: string }>(
    `SELECT terminal_id, store_id, k, to_char(od, 'YYYY-MM-DD') AS od FROM order_state WHERE un
     ORDER BY od, seq LIMIT $1`,
    [limit],
  );
  const out: UnresolvedOrder[] = [];
  for (const row of open.rows) {
    const { rows } = await db.query<{ body: JournalRecord }>(
      'SELECT body FROM records WHERE terminal_id = $1 AND k = $2 AND od = $3::date ORDER BY seq',
      [row.terminal_id, row.k, row.od],
    );
    const state = foldSale(rows.map((r) => r.body));
    if (state) out.push({ ...state.view, terminalId: row.terminal_id, storeId: row.store_id });
  }
  return out;
}

export interface CounterSync {
  terminalId: string;
  storeId: string;
  name: string | null;
  hwm: number;
  maxSeq: number;
  lastBatchAt: string | null;
  lastSeenAt: string | null;
  revoked: boolean;
}

export async function counterSync(db: Db): Promise<CounterSync[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT c.terminal_id, c.store_id, c.name, c.revoked_at, c.last_seen_at,
            COALESCE(s.hwm, 0) AS hwm, COALESCE(s.max_seq, 0) AS max_seq, s.last_batch_at
     FROM counters c LEFT JOIN terminal_state s USING (terminal_id) ORDER BY c.store_id, c.terminal_id`,
  );
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return rows.map((r) => ({
    terminalId: String(r.terminal_id),
    storeId: String(r.store_id),
    name: (r.name as string | null) ?? null,
    hwm: num(r.hwm),
    maxSeq: num(r.max_seq),
    lastBatchAt: iso(r.last_batch_at),
    lastSeenAt: iso(r.last_seen_at),
    revoked: r.revoked_at != null,
  }));
}
