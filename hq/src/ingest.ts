/**
 * Ingest of one counter's batch: one transaction, `INSERT … ON CONFLICT (terminal_id, seq) DO NOTHING`.
 *
 * - A record already stored with the same hash is a duplicate (a re-send after a lost reply): nothing
 *   happens. With a different hash it is a conflict: the offered record goes to `conflicts`, an alert is
 *   raised, the stored record stays as it is.
 * - Within a batch and across the stored predecessor, each record's `h` must follow the chain; a batch
 *   that does not is refused whole (the counter's journal was edited, or the batch damaged).
 * - The reply carries the contiguous high-water mark: the counter sends from there next time.
 */
import { createHash } from 'node:crypto';
import { chainHash, GENESIS, splitChain } from '../../main/journal/format.js';
import type { BatchReply } from '../../main/sync/protocol.js';
import type { CounterIdentity } from './counters.js';
import { type Db, num, type Queryable } from './db.js';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const chinaDay = (ms: number) => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);

export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

interface Prepared {
  s: number;
  hash: string;
  chained: boolean;
  json: string;
  bare: string;
  days: string[];
  k: string;
  od: string;
  at: string;
  t: string;
  un: boolean | undefined;
  st: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function prepare(raw: unknown, index: number): Prepared {
  const bad = (why: string, zh: string) =>
    new IngestError(400, 'BAD_RECORD', `第 ${index + 1} 条记录无效：${zh}`, `record ${index + 1}: ${why}`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('not an object', '不是对象');
  const r = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(r.s) || (r.s as number) < 1)
    throw bad('s must be a positive integer', '序号无效');
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at)))
    throw bad('at must be an instant', '时间无效');
  if (typeof r.t !== 'string' || typeof r.k !== 'string' || typeof r.op !== 'string')
    throw bad('t, k and op must be strings', '类型、单号或操作员无效');
  if (typeof r.od !== 'string' || !DAY.test(r.od)) throw bad('od must be YYYY-MM-DD', '订单日期无效');
  if (!r.d || typeof r.d !== 'object') throw bad('d must be an object', '数据无效');
  const json = JSON.stringify(r);
  const split = splitChain(json);
  if (r.h !== undefined && !split) throw bad('h must be the last member, 64 hex digits', '哈希格式无效');
  const days = [r.od as string];
  const writtenOn = chinaDay(Date.parse(r.at));
  if (writtenOn !== r.od) days.push(writtenOn);
  const common = {
    days,
    k: r.k as string,
    od: r.od as string,
    at: r.at as string,
    t: r.t as string,
    un: typeof r.un === 'boolean' ? r.un : undefined,
    st: typeof r.st === 'string' ? r.st : undefined,
  };
  return split
    ? { s: r.s as number, hash: split.h, chained: true, json, bare: split.bare, ...common }
    : {
        s: r.s as number,
        // Records from before the chain existed: their content is their identity.
        hash: `legacy-${createHash('sha256').update(json).digest('hex')}`,
        chained: false,
        json,
        bare: json,
        ...common,
      };
}

export async function ingestBatch(db: Db, who: CounterIdentity, records: unknown): Promise<BatchReply> {
  if (!Array.isArray(records))
    throw new IngestError(400, 'BAD_BATCH', 'records 必须是数组', 'records must be an array');
  const batch = records.map(prepare).sort((a, b) => a.s - b.s);
  for (let i = 1; i < batch.length; i += 1) {
    if ((batch[i] as Prepared).s === (batch[i - 1] as Prepared).s)
      throw new IngestError(
        400,
        'BAD_BATCH',
        '批次内序号重复',
        `sequence ${(batch[i] as Prepared).s} twice in one batch`,
      );
  }

  return db.tx(async (q) => {
    await q.query('INSERT INTO terminal_state (terminal_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      who.terminalId,
    ]);
    // One batch per counter at a time: concurrent re-sends of one counter queue here.
    const state = await q.query<{ hwm: unknown; hwm_hash: string | null }>(
      'SELECT hwm, hwm_hash FROM terminal_state WHERE terminal_id = $1 FOR UPDATE',
      [who.terminalId],
    );
    let hwm = num(state.rows[0]?.hwm);
    if (batch.length === 0) return reply(who, hwm, state.rows[0]?.hwm_hash ?? null, 0, 0, 0);

    // The batch is sorted: one range scan of the primary key finds what is already stored.
    const stored = await q.query<{ seq: unknown; hash: string }>(
      'SELECT seq, hash FROM records WHERE terminal_id = $1 AND seq BETWEEN $2 AND $3',
      [who.terminalId, (batch[0] as Prepared).s, (batch[batch.length - 1] as Prepared).s],
    );
    const hashOf = new Map(stored.rows.map((row) => [num(row.seq), row.hash]));
    let duplicates = 0;
    const conflicting: Array<Prepared & { storedHash: string }> = [];
    for (const p of batch) {
      const storedHash = hashOf.get(p.s);
      if (storedHash === undefined) continue;
      if (storedHash === p.hash) duplicates += 1;
      else conflicting.push({ ...p, storedHash });
    }
    if (conflicting.length > 0) {
      // The counter's history differs from what is stored: keep what it offered, change nothing, tell someone.
      // Nothing after a divergent record is appended either (it would hang off the wrong history).
      await recordConflicts(q, who, conflicting);
      return reply(who, hwm, state.rows[0]?.hwm_hash ?? null, 0, duplicates, conflicting.length);
    }

    await checkChain(q, who, batch);

    const fresh = batch.filter((p) => !hashOf.has(p.s));
    const inserted =
      fresh.length === 0
        ? { rows: [] }
        : await q.query<{ seq: unknown }>(
            // One parse per record (json_to_recordset), the record itself kept as the text it came as.
            `INSERT INTO records (terminal_id, seq, hash, store_id, at, t, k, od, body)
             SELECT $1, x.s, x.h, $2, x.at, x.t, x.k, x.od, x.r
             FROM json_to_recordset($3::json) AS x(s bigint, h text, at timestamptz, t text, k text, od date, r json)
             ON CONFLICT (terminal_id, seq) DO NOTHING
             RETURNING seq`,
            [
              who.terminalId,
              who.storeId,
              `[${fresh
                .map(
                  (p) =>
                    `{"s":${p.s},"h":"${p.hash}","at":${JSON.stringify(p.at)},"t":${JSON.stringify(p.t)},"k":${JSON.stringify(p.k)},"od":"${p.od}","r":${p.json}}`,
                )
                .join(',')}]`,
            ],
          );
    const insertedSeqs = new Set(inserted.rows.map((row) => num(row.seq)));

    if (insertedSeqs.size > 0) {
      const days = new Set<string>();
      for (const p of batch) if (insertedSeqs.has(p.s)) for (const day of p.days) days.add(day);
      await q.query(
        `INSERT INTO rollup_terminal_day (terminal_id, day, store_id, gen)
         SELECT $1, value::date, $2, 1 FROM json_array_elements_text($3::json)
         ON CONFLICT (terminal_id, day) DO UPDATE SET gen = rollup_terminal_day.gen + 1`,
        [who.terminalId, who.storeId, JSON.stringify([...days])],
      );
      const elsewhere = batch.filter((p) => insertedSeqs.has(p.s) && p.days.length > 1);
      if (elsewhere.length > 0) {
        await q.query(
          `INSERT INTO written_elsewhere (terminal_id, wd, seq)
           SELECT $1, x.wd, x.s FROM json_to_recordset($2::json) AS x(wd date, s bigint) ON CONFLICT DO NOTHING`,
          [who.terminalId, JSON.stringify(elsewhere.map((p) => ({ wd: p.days[1], s: p.s })))],
        );
      }
      // Latest `un` per order key in this batch (the batch is in sequence order).
      const latest = new Map<string, Prepared>();
      for (const p of batch) if (insertedSeqs.has(p.s) && p.un !== undefined) latest.set(p.k, p);
      if (latest.size > 0) {
        await q.query(
          `INSERT INTO order_state (terminal_id, k, store_id, od, seq, un, st)
           SELECT $1, x.k, $2, x.od, x.s, x.un, x.st
           FROM json_to_recordset($3::json) AS x(k text, od date, s bigint, un boolean, st text)
           ON CONFLICT (terminal_id, k) DO UPDATE SET seq = EXCLUDED.seq, un = EXCLUDED.un, st = EXCLUDED.st
           WHERE order_state.seq < EXCLUDED.seq`,
          [
            who.terminalId,
            who.storeId,
            JSON.stringify(
              [...latest.values()].map((p) => ({ k: p.k, od: p.od, s: p.s, un: p.un, st: p.st })),
            ),
          ],
        );
      }
    }

    // Advance the contiguous mark over whatever is stored past it (normally exactly this batch).
    const next = await q.query<{ top: unknown }>(
      `SELECT max(seq) AS top FROM (
         SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM records WHERE terminal_id = $1 AND seq > $2
       ) x WHERE g = $2`,
      [who.terminalId, hwm],
    );
    const top = num(next.rows[0]?.top);
    let hwmHash = state.rows[0]?.hwm_hash ?? null;
    if (top > hwm) {
      hwm = top;
      const h = await q.query<{ hash: string }>(
        'SELECT hash FROM records WHERE terminal_id = $1 AND seq = $2',
        [who.terminalId, hwm],
      );
      hwmHash = h.rows[0]?.hash ?? null;
    }
    const maxSeq = (batch[batch.length - 1] as Prepared).s;
    await q.query(
      `UPDATE terminal_state SET hwm = $2, hwm_hash = $3, max_seq = GREATEST(max_seq, $4), last_batch_at = now()
       WHERE terminal_id = $1`,
      [who.terminalId, hwm, hwmHash, maxSeq],
    );
    return reply(who, hwm, hwmHash, insertedSeqs.size, duplicates, 0);
  });
}

async function recordConflicts(
  q: Queryable,
  who: CounterIdentity,
  conflicting: Array<Prepared & { storedHash: string }>,
): Promise<void> {
  for (const p of conflicting) {
    const fresh = await q.query(
      `INSERT INTO conflicts (terminal_id, seq, stored_hash, offered_hash, offered_body)
       VALUES ($1, $2, $3, $4, $5::json) ON CONFLICT DO NOTHING RETURNING id`,
      [who.terminalId, p.s, p.storedHash, p.hash, p.json],
    );
    if (fresh.rows.length === 0) continue;
    await q.query(
      `INSERT INTO alerts (kind, terminal_id, store_id, message_zh, message_en) VALUES ('conflict', $1, $2, $3, $4)`,
      [
        who.terminalId,
        who.storeId,
        `终端 ${who.terminalId} 第 ${p.s} 条记录与总部已存的不一致（未覆盖，请核查）`,
        `Counter ${who.terminalId} sent record ${p.s} different from the stored one (not overwritten: look into it)`,
      ],
    );
  }
}

/** Each chained record must follow its predecessor's `h` (in the batch, or stored, or genesis). */
async function checkChain(q: Queryable, who: CounterIdentity, batch: Prepared[]): Promise<void> {
  const first = batch[0] as Prepared;
  let prev: { s: number; hash: string; chained: boolean } | undefined;
  if (first.s === 1) prev = { s: 0, hash: GENESIS, chained: true };
  else {
    const before = await q.query<{ hash: string }>(
      'SELECT hash FROM records WHERE terminal_id = $1 AND seq = $2',
      [who.terminalId, first.s - 1],
    );
    const hash = before.rows[0]?.hash;
    if (hash !== undefined) prev = { s: first.s - 1, hash, chained: !hash.startsWith('legacy-') };
  }
  for (const p of batch) {
    if (p.chained && prev && prev.s === p.s - 1) {
      // The first chained record after legacy ones starts from genesis.
      const expected = chainHash(prev.chained ? prev.hash : GENESIS, p.bare);
      if (expected !== p.hash) {
        throw new IngestError(
          422,
          'CHAIN_BROKEN',
          `第 ${p.s} 条记录的哈希与前一条接不上（记录被改动或损坏），整批未收`,
          `record ${p.s} does not follow the hash chain (edited or damaged): batch refused`,
        );
      }
    }
    prev = p;
  }
}

function reply(
  who: CounterIdentity,
  hwm: number,
  hwmHash: string | null,
  stored: number,
  duplicates: number,
  conflicts: number,
): BatchReply {
  return { terminalId: who.terminalId, storeId: who.storeId, hwm, hwmHash, stored, duplicates, conflicts };
}

export async function highWaterMark(
  db: Db,
  who: CounterIdentity,
): Promise<{ hwm: number; hwmHash: string | null }> {
  const { rows } = await db.query<{ hwm: unknown; hwm_hash: string | null }>(
    'SELECT hwm, hwm_hash FROM terminal_state WHERE terminal_id = $1',
    [who.terminalId],
  );
  return { hwm: num(rows[0]?.hwm), hwmHash: rows[0]?.hwm_hash ?? null };
}
