/**
 * Test wiring for head office: the two database backends (a throwaway PostgreSQL cluster, PGlite in a
 * folder), counters with real journals on disk, and the exact-set comparison of journal and database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chinaDay, type JournalRecord } from '../../main/journal/format.js';
import { RECORD } from '../../main/journal/records.js';
import { JournalStore } from '../../main/journal/store.js';
import { journalSource } from '../../main/sync/source.js';
import { createUploader, type Uploader, type UploaderOptions } from '../../main/sync/uploader.js';
import { type Db, num } from '../src/db.js';
import { type HqService, startHqService } from '../src/service.js';
import { type PgCluster, startPgCluster } from './pg-cluster.js';

export interface Backend {
  readonly name: 'PostgreSQL' | 'PGlite';
  /** Start (or restart) the service on this backend's database. */
  start(options?: { port?: number }): Promise<HqService>;
  /** A copy of the database as it is now. The service must be stopped for PGlite. */
  backup(service: HqService): Promise<string>;
  /** Replace the database with a copy. The service must be stopped. */
  restore(copy: string): Promise<void>;
  /** The database URL (PostgreSQL) for a child process. */
  readonly databaseUrl?: string;
  dispose(): Promise<void>;
}

let databases = 0;

export async function postgresBackend(cluster: PgCluster): Promise<Backend> {
  databases += 1;
  const name = `hq_${process.pid}_${databases}`;
  const url = await cluster.createDatabase(name);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hq-dump-'));
  let copies = 0;
  return {
    name: 'PostgreSQL',
    databaseUrl: url,
    start: (options = {}) => startHqService({ databaseUrl: url, rollupDelayMs: 50, ...options }),
    async backup() {
      copies += 1;
      const file = path.join(tmp, `copy-${copies}.dump`);
      cluster.dump(name, file);
      return file;
    },
    async restore(file) {
      cluster.restore(name, file);
    },
    async dispose() {
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export async function pgliteBackend(): Promise<Backend> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hq-pglite-'));
  const dataDir = path.join(root, 'db');
  let copies = 0;
  return {
    name: 'PGlite',
    start: (options = {}) => startHqService({ dataDir, rollupDelayMs: 50, ...options }),
    async backup() {
      // PGlite's data folder is consistent once its one process closed it: a plain copy is a backup.
      copies += 1;
      const copy = path.join(root, `copy-${copies}`);
      fs.cpSync(dataDir, copy, { recursive: true });
      return copy;
    },
    async restore(copy) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.cpSync(copy, dataDir, { recursive: true });
    },
    async dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export { startPgCluster };

/** A counter: a real journal in a folder, and an uploader reading it. */
export interface Counter {
  readonly terminalId: string;
  readonly store: JournalStore;
  readonly dir: string;
  uploader?: Uploader;
  /** Write `orders` sales (intent + reply each), amounts in fen from `amount(i)`. */
  sell(
    orders: number,
    amount?: (i: number) => number,
    channel?: (i: number) => 'wechat' | 'alipay' | 'unionpay',
  ): void;
  upload(options: Omit<UploaderOptions, 'source'>): Uploader;
  records(): JournalRecord[];
  close(): Promise<void>;
}

export function makeCounter(
  terminalId: string,
  options: { now?: () => number; root?: string } = {},
): Counter {
  const dir = fs.mkdtempSync(path.join(options.root ?? os.tmpdir(), `counter-${terminalId}-`));
  const store = JournalStore.open({
    dir: path.join(dir, 'journal'),
    ...(options.now ? { now: options.now } : {}),
  });
  let sold = 0;
  const counter: Counter = {
    terminalId,
    store,
    dir,
    sell(
      orders,
      amount = (i) => 100 + ((i * 7919) % 50_000),
      channelOf = (i) => (['wechat', 'alipay', 'unionpay'] as const)[i % 3] ?? 'wechat',
    ) {
      for (let n = 0; n < orders; n += 1) {
        const i = sold;
        sold += 1;
        const key = `${terminalId}${String(i).padStart(10, '0')}`;
        const fen = amount(i);
        const channel = channelOf(i);
        store.append({
          t: RECORD.payIntent,
          k: key,
          op: i % 2 ? 'cashier' : 'manager',
          st: 'pending',
          un: true,
          d: {
            amountFen: fen,
            channel,
            codeLast4: String(1000 + (i % 9000)),
            payMode: 'CODE_SCAN',
            merchantCode: '898310000000001',
            terminalCode: terminalId,
          },
        });
        store.append({
          t: RECORD.payReply,
          k: key,
          op: 'cashier',
          st: 'paid',
          un: false,
          d: {
            outcome: 'ok',
            errCode: '00',
            orderId: `3${i}`,
            paidFen: fen,
            retrievalRefNum: String(1e11 + i),
          },
        });
      }
    },
    upload(uploadOptions) {
      counter.uploader = createUploader({ source: journalSource(store), ...uploadOptions });
      counter.uploader.start();
      return counter.uploader;
    },
    records() {
      return journalSource(store).readFrom(1, Number.MAX_SAFE_INTEGER);
    },
    async close() {
      await counter.uploader?.stop();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return counter;
}

export interface SetComparison {
  sent: number;
  stored: number;
  duplicates: number;
  missing: number;
  extra: number;
  differing: number;
}

/** The journal's records and the database's rows of one counter, as sets of (s, h). */
export async function compare(db: Db, counter: Counter): Promise<SetComparison> {
  const journal = counter.records();
  const { rows } = await db.query<{ seq: unknown; hash: string; n: unknown }>(
    'SELECT seq, min(hash) AS hash, count(*) AS n FROM records WHERE terminal_id = $1 GROUP BY seq',
    [counter.terminalId],
  );
  const stored = new Map(rows.map((r) => [num(r.seq), r]));
  let missing = 0;
  let differing = 0;
  for (const r of journal) {
    const row = stored.get(r.s);
    if (!row) missing += 1;
    else if ((r as { h?: string }).h !== undefined && row.hash !== (r as { h?: string }).h) differing += 1;
  }
  const seqs = new Set(journal.map((r) => r.s));
  return {
    sent: journal.length,
    stored: rows.reduce((n, r) => n + num(r.n), 0),
    duplicates: rows.reduce((n, r) => n + Math.max(0, num(r.n) - 1), 0),
    missing,
    extra: rows.filter((r) => !seqs.has(num(r.seq))).length,
    differing,
  };
}

/** Results collected over a run, printed as one table at the end. */
export const resultTable: Array<{ backend: string; case: string } & SetComparison> = [];

export function printTable(): void {
  if (resultTable.length === 0) return;
  const head = ['backend', 'case', 'sent', 'stored', 'duplicates', 'missing'];
  const rows = resultTable.map((r) =>
    [r.backend, r.case, r.sent, r.stored, r.duplicates, r.missing].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] as string)].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(['', line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

export const today = () => chinaDay(Date.now());

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
