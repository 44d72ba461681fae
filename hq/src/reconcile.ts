/**
 * Statement reconciliation (对账): an acquirer's statement (CSV) against the replicated records.
 *
 * Each acquirer has a saved column mapping (`acquirer_mappings`): which column holds the time, our order
 * id, the amount, the status, and for refunds the refund id and amount. The WeChat Pay bill (微信支付交易账单)
 * is the first preset; ChinaUMS's statement format comes with the merchant contract, so its mapping is
 * whatever head office saves (a starting guess is given).
 *
 * Lines are keyed (merchant order id, kind sale|refund) and compared with our sales and refunds of the
 * same day: matched, ours only, theirs only, amount mismatch, status mismatch.
 */
import iconv from 'iconv-lite';
import { z } from 'zod';
import type { JournalRecord } from '../../main/journal/format.js';
import { foldSale, RECORD } from '../../main/journal/records.js';
import { parseYuanToFen } from '../../main/shared/money.js';
import { type Db, num } from './db.js';
import { recordsForDay } from './reports.js';

export const StatementMapping = z
  .object({
    label: z.string().max(60),
    encoding: z.enum(['utf8', 'gbk']).default('utf8'),
    /** A character some acquirers put before every value (WeChat: a backtick) to keep spreadsheets off it. */
    valuePrefix: z.string().max(2).default(''),
    /** The header row is the first row holding this column name. */
    columns: z
      .object({
        time: z.string().min(1),
        merchantOrder: z.string().min(1),
        amount: z.string().min(1),
        status: z.string().min(1),
        refundId: z.string().optional(),
        refundAmount: z.string().optional(),
        store: z.string().optional(),
      })
      .strict(),
    amountUnit: z.enum(['yuan', 'fen']).default('yuan'),
    /** Their status text → what it means: a sale that stands, a refund, or a sale taken back (撤销). */
    statuses: z.record(z.string(), z.enum(['paid', 'refund', 'revoked', 'ignore'])),
    /** Rows from the first whose first cell starts with this are a summary, not lines. */
    stopAt: z.string().optional(),
    /** The pay channels this acquirer's statement covers (absent: all): our other sales are not expected in it. */
    channels: z.array(z.enum(['wechat', 'alipay', 'unionpay', 'ecny', 'other'])).optional(),
  })
  .strict();
export type StatementMapping = z.infer<typeof StatementMapping>;

export const PRESETS: Record<string, StatementMapping> = {
  wechat: {
    label: '微信支付交易账单 WeChat Pay bill',
    encoding: 'utf8',
    valuePrefix: '`',
    columns: {
      time: '交易时间',
      merchantOrder: '商户订单号',
      amount: '订单金额',
      status: '交易状态',
      refundId: '商户退款单号',
      refundAmount: '退款金额',
      store: '设备号',
    },
    amountUnit: 'yuan',
    statuses: { SUCCESS: 'paid', REFUND: 'refund', REVOKED: 'revoked', CLOSED: 'ignore', NOTPAY: 'ignore' },
    stopAt: '总交易单数',
    channels: ['wechat'],
  },
  chinaums: {
    label: '银联商务对账单 ChinaUMS statement (按合同调整)',
    encoding: 'gbk',
    valuePrefix: '',
    columns: {
      time: '交易时间',
      merchantOrder: '商户订单号',
      amount: '交易金额',
      status: '交易类型',
      refundId: '退货订单号',
      refundAmount: '交易金额',
      store: '终端号',
    },
    amountUnit: 'yuan',
    statuses: { 消费: 'paid', 退货: 'refund', 撤销: 'revoked' },
  },
};

export class StatementError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

/** RFC 4180 CSV: quoted fields with "" escapes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export interface StatementLine {
  day: string;
  merchantOrder: string;
  kind: 'sale' | 'refund';
  amountFen: number;
  status: 'paid' | 'refund' | 'revoked';
  storeId?: string;
  raw: Record<string, string>;
}

/**
 * A statement's yuan text → fen: "12.34", "¥12.34", "-¥3.00", "1,234.05" (thousands groups only: "1,5" is
 * refused, not guessed). The digits go through the money module's exact parser; what is left here is only
 * the statement's decoration (currency sign, sign, grouping). Undefined when unreadable.
 */
export function statementYuanToFen(text: string): number | undefined {
  let clean = text.replace(/\s/g, '').replace(/^[¥￥]/, '');
  const negative = clean.startsWith('-');
  if (negative) clean = clean.slice(1).replace(/^[¥￥]/, '');
  if (clean.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(clean)) return undefined;
    clean = clean.replace(/,/g, '');
  }
  const parsed = parseYuanToFen(clean);
  if (!parsed.ok) return undefined;
  return negative ? -parsed.fen : parsed.fen;
}

export function parseStatement(
  content: Buffer | string,
  mapping: StatementMapping,
): { lines: StatementLine[]; skipped: Array<{ row: number; why: string }> } {
  let text =
    typeof content === 'string'
      ? content
      : iconv.decode(content, mapping.encoding === 'gbk' ? 'gbk' : 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = parseCsv(text);
  const clean = (v: string | undefined) => {
    const t = (v ?? '').trim();
    return mapping.valuePrefix && t.startsWith(mapping.valuePrefix)
      ? t.slice(mapping.valuePrefix.length).trim()
      : t;
  };
  const headerAt = rows.findIndex((r) => r.map((c) => clean(c)).includes(mapping.columns.merchantOrder));
  if (headerAt < 0) {
    throw new StatementError(
      `找不到表头：没有“${mapping.columns.merchantOrder}”列（映射是否选对？）`,
      `No header row: no "${mapping.columns.merchantOrder}" column (is this the right mapping?)`,
    );
  }
  const header = (rows[headerAt] as string[]).map((c) => clean(c));
  const col = (name: string | undefined) => (name ? header.indexOf(name) : -1);
  const idx = {
    time: col(mapping.columns.time),
    order: col(mapping.columns.merchantOrder),
    amount: col(mapping.columns.amount),
    status: col(mapping.columns.status),
    refundId: col(mapping.columns.refundId),
    refundAmount: col(mapping.columns.refundAmount),
    store: col(mapping.columns.store),
  };
  for (const [key, at] of Object.entries({ time: idx.time, amount: idx.amount, status: idx.status })) {
    if (at < 0) {
      const name = mapping.columns[key as 'time'];
      throw new StatementError(`缺少“${name}”列`, `Column "${name}" is missing`);
    }
  }
  const lines: StatementLine[] = [];
  const skipped: Array<{ row: number; why: string }> = [];
  for (let i = headerAt + 1; i < rows.length; i += 1) {
    const cells = (rows[i] as string[]).map((c) => clean(c));
    if (cells.every((c) => c === '')) continue;
    if (mapping.stopAt && cells[0]?.startsWith(mapping.stopAt)) break;
    const rowNo = i + 1;
    const meaning = mapping.statuses[cells[idx.status] ?? ''];
    if (!meaning) {
      skipped.push({ row: rowNo, why: `status "${cells[idx.status] ?? ''}" not in the mapping` });
      continue;
    }
    if (meaning === 'ignore') continue;
    const time = cells[idx.time] ?? '';
    const day = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})/.exec(time);
    if (!day) {
      skipped.push({ row: rowNo, why: `time "${time}" unreadable` });
      continue;
    }
    const refund = meaning === 'refund';
    const amountText = refund && idx.refundAmount >= 0 ? cells[idx.refundAmount] : cells[idx.amount];
    let amountFen = mapping.amountUnit === 'fen' ? Number(amountText) : statementYuanToFen(amountText ?? '');
    if (amountFen === undefined || !Number.isSafeInteger(amountFen)) {
      skipped.push({ row: rowNo, why: `amount "${amountText ?? ''}" unreadable` });
      continue;
    }
    amountFen = Math.abs(amountFen);
    const merchantOrder =
      refund && idx.refundId >= 0 && cells[idx.refundId] ? cells[idx.refundId] : cells[idx.order];
    if (!merchantOrder) {
      skipped.push({ row: rowNo, why: 'no order id' });
      continue;
    }
    const raw: Record<string, string> = {};
    header.forEach((name, at) => {
      if (name) raw[name] = cells[at] ?? '';
    });
    lines.push({
      day: `${day[1]}-${day[2]}-${day[3]}`,
      merchantOrder: merchantOrder as string,
      kind: refund ? 'refund' : 'sale',
      amountFen,
      status: meaning,
      ...(idx.store >= 0 && cells[idx.store] ? { storeId: cells[idx.store] } : {}),
      raw,
    });
  }
  return { lines, skipped };
}

export async function getMapping(db: Db, acquirer: string): Promise<StatementMapping | undefined> {
  const { rows } = await db.query<{ mapping: unknown }>(
    'SELECT mapping FROM acquirer_mappings WHERE acquirer = $1',
    [acquirer],
  );
  const saved = rows[0]?.mapping;
  if (saved) return StatementMapping.parse(typeof saved === 'string' ? JSON.parse(saved) : saved);
  return PRESETS[acquirer];
}

export async function saveMapping(db: Db, acquirer: string, mapping: unknown): Promise<StatementMapping> {
  const parsed = StatementMapping.parse(mapping);
  await db.query(
    `INSERT INTO acquirer_mappings (acquirer, mapping) VALUES ($1, $2::json)
     ON CONFLICT (acquirer) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now()`,
    [acquirer, JSON.stringify(parsed)],
  );
  return parsed;
}

/** Import (or re-import: the same line replaces itself) a statement file. */
export async function importStatement(
  db: Db,
  acquirer: string,
  content: Buffer | string,
  fileName?: string,
): Promise<{
  importId: number;
  lines: number;
  skipped: Array<{ row: number; why: string }>;
  days: string[];
}> {
  const mapping = await getMapping(db, acquirer);
  if (!mapping)
    throw new StatementError(`没有收单机构“${acquirer}”的映射`, `No mapping for acquirer "${acquirer}"`);
  const { lines, skipped } = parseStatement(content, mapping);
  return db.tx(async (q) => {
    const created = await q.query<{ id: unknown }>(
      'INSERT INTO statement_imports (acquirer, file_name, lines, skipped) VALUES ($1, $2, $3, $4) RETURNING id',
      [acquirer, fileName ?? null, lines.length, skipped.length],
    );
    const importId = num(created.rows[0]?.id);
    if (lines.length > 0) {
      await q.query(
        `INSERT INTO statement_lines (import_id, acquirer, day, merchant_order, kind, amount_fen, status, store_id, raw)
         SELECT $1, $2, (e->>'day')::date, e->>'merchantOrder', e->>'kind', (e->>'amountFen')::bigint, e->>'status',
                e->>'storeId', e->'raw'
         FROM json_array_elements($3::json) AS e
         ON CONFLICT (acquirer, merchant_order, kind) DO UPDATE SET import_id = EXCLUDED.import_id, day = EXCLUDED.day,
           amount_fen = EXCLUDED.amount_fen, status = EXCLUDED.status, store_id = EXCLUDED.store_id, raw = EXCLUDED.raw`,
        [importId, acquirer, JSON.stringify(lines)],
      );
    }
    return { importId, lines: lines.length, skipped, days: [...new Set(lines.map((l) => l.day))].sort() };
  });
}

export type MatchClass = 'matched' | 'ours-only' | 'theirs-only' | 'amount-mismatch' | 'status-mismatch';

export interface MatchRow {
  class: MatchClass;
  kind: 'sale' | 'refund';
  merchantOrder: string;
  storeId?: string;
  terminalId?: string;
  oursFen?: number;
  theirsFen?: number;
  oursStatus?: string;
  theirsStatus?: string;
}

export interface Reconciliation {
  day: string;
  acquirer: string;
  storeId?: string;
  counts: Record<MatchClass, number>;
  byStore: Array<{ storeId: string; counts: Record<MatchClass, number> }>;
  rows: MatchRow[];
}

interface Ours {
  channel?: string;
  kind: 'sale' | 'refund';
  merchantOrder: string;
  amountFen: number;
  status: string;
  storeId: string;
  terminalId: string;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Our side of a day: charged sales of orders created that day, refunds that succeeded that day. */
async function oursOf(
  db: Db,
  day: string,
  storeId: string | undefined,
  channels?: string[],
): Promise<Ours[]> {
  const from = new Date(Date.parse(`${day}T00:00:00.000Z`) - CHINA_OFFSET_MS);
  const to = new Date(from.getTime() + 86_400_000);
  // The counters with records that day (ingest notes each counter-day), then each one's records by index.
  const counters = await db.query<{ terminal_id: string; store_id: string }>(
    `SELECT terminal_id, store_id FROM rollup_terminal_day WHERE day = $1::date AND ($2::text IS NULL OR store_id = $2)
     ORDER BY terminal_id`,
    [day, storeId ?? null],
  );
  const rows: Array<{ terminal_id: string; store_id: string; body: JournalRecord }> = [];
  for (const c of counters.rows) {
    for (const body of await recordsForDay(db, c.terminal_id, day)) rows.push({ ...c, body });
  }
  const out: Ours[] = [];
  const groups = new Map<string, { terminal: string; store: string; records: JournalRecord[] }>();
  for (const row of rows) {
    const r = row.body;
    if (r.od === day) {
      const key = `${row.terminal_id}\u0000${r.k}`;
      const g = groups.get(key) ?? { terminal: row.terminal_id, store: row.store_id, records: [] };
      g.records.push(r);
      groups.set(key, g);
    }
    const ok = (r.t === RECORD.refundReply || r.t === RECORD.refundQueryReply) && r.d.outcome === 'ok';
    if (ok && r.at >= from.toISOString() && r.at < to.toISOString()) {
      out.push({
        ...(typeof r.d.channel === 'string' ? { channel: r.d.channel } : {}),
        kind: 'refund',
        merchantOrder: String(r.d.refundRequestId ?? r.k),
        amountFen: Number(r.d.amountFen),
        status: 'refund',
        storeId: row.store_id,
        terminalId: row.terminal_id,
      });
    }
  }
  for (const g of groups.values()) {
    const state = foldSale(g.records);
    if (!state) continue;
    const v = state.view;
    const charged = ['paid', 'partially-refunded', 'refunded', 'voided'].includes(v.status);
    if (!charged) continue;
    out.push({
      channel: v.channel,
      kind: 'sale',
      merchantOrder: v.merchantOrderId,
      amountFen: v.paidFen ?? v.amountFen,
      // A voided sale was taken back the same day: the acquirer shows it revoked (or not at all).
      status: v.status === 'voided' ? 'revoked' : 'paid',
      storeId: g.store,
      terminalId: g.terminal,
    });
  }
  // A refund names its order; its channel is that order's where the refund record does not say.
  const channelOf = new Map(out.filter((o) => o.kind === 'sale').map((o) => [o.merchantOrder, o.channel]));
  const refundOrder = new Map(rows.map((row) => [String(row.body.d.refundRequestId ?? ''), row.body.k]));
  // Refund replies can be written twice (reply, then a query confirming it): count one.
  const seen = new Set<string>();
  return out.filter((o) => {
    const channel = o.channel ?? channelOf.get(refundOrder.get(o.merchantOrder) ?? '');
    if (channels && channel !== undefined && !channels.includes(channel)) return false;
    const key = `${o.kind}:${o.merchantOrder}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const zeroCounts = (): Record<MatchClass, number> => ({
  matched: 0,
  'ours-only': 0,
  'theirs-only': 0,
  'amount-mismatch': 0,
  'status-mismatch': 0,
});

export async function reconcile(
  db: Db,
  acquirer: string,
  day: string,
  storeId?: string,
): Promise<Reconciliation> {
  const mapping = await getMapping(db, acquirer);
  const ours = await oursOf(db, day, storeId, mapping?.channels);
  const { rows } = await db.query<{
    merchant_order: string;
    kind: 'sale' | 'refund';
    amount_fen: unknown;
    status: string;
    store_id: string | null;
  }>(
    `SELECT merchant_order, kind, amount_fen, status, store_id FROM statement_lines WHERE acquirer = $1 AND day = $2::date`,
    [acquirer, day],
  );
  const theirs = new Map(rows.map((r) => [`${r.kind}:${r.merchant_order}`, r]));
  const out: MatchRow[] = [];
  for (const o of ours) {
    const key = `${o.kind}:${o.merchantOrder}`;
    const t = theirs.get(key);
    theirs.delete(key);
    const base = {
      kind: o.kind,
      merchantOrder: o.merchantOrder,
      storeId: o.storeId,
      terminalId: o.terminalId,
      oursFen: o.amountFen,
      oursStatus: o.status,
    };
    if (!t) {
      // A sale voided the same day that the acquirer left out is as it should be.
      if (o.status !== 'revoked') out.push({ class: 'ours-only', ...base });
      continue;
    }
    const theirsFen = num(t.amount_fen);
    const row = { ...base, theirsFen, theirsStatus: t.status };
    if (theirsFen !== o.amountFen) out.push({ class: 'amount-mismatch', ...row });
    else if (t.status !== o.status) out.push({ class: 'status-mismatch', ...row });
    else out.push({ class: 'matched', ...row });
  }
  // What is left on their side is not in our records. With a store filter, only lines we can place there.
  const storeOfOrder = storeId ? new Set(ours.map((o) => o.merchantOrder)) : undefined;
  for (const t of theirs.values()) {
    if (storeOfOrder && t.store_id !== storeId) continue;
    out.push({
      class: 'theirs-only',
      kind: t.kind,
      merchantOrder: t.merchant_order,
      ...(t.store_id ? { storeId: t.store_id } : {}),
      theirsFen: num(t.amount_fen),
      theirsStatus: t.status,
    });
  }
  const counts = zeroCounts();
  const perStore = new Map<string, Record<MatchClass, number>>();
  for (const row of out) {
    counts[row.class] += 1;
    const s = row.storeId ?? '—';
    const c = perStore.get(s) ?? zeroCounts();
    c[row.class] += 1;
    perStore.set(s, c);
  }
  const order: MatchClass[] = ['amount-mismatch', 'status-mismatch', 'ours-only', 'theirs-only', 'matched'];
  out.sort(
    (a, b) =>
      order.indexOf(a.class) - order.indexOf(b.class) || a.merchantOrder.localeCompare(b.merchantOrder),
  );
  return {
    day,
    acquirer,
    ...(storeId ? { storeId } : {}),
    counts,
    byStore: [...perStore.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, c]) => ({ storeId: id, counts: c })),
    rows: out,
  };
}
