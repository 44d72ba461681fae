/**
 * The journal as the rest of the app sees it: append, order views, lookups, export, verify. Reports are
 * main/reports (they read the store through a narrow source).
 * Storage is JournalStore (store.ts); the meaning of records is records.ts.
 */
import path from 'node:path';
import { fenToYuanText, parseYuanToFen } from '../shared/money.js';
import { dayOfOurId, type JournalRecord } from './format.js';
import { foldPreauth, foldSale, type OrderState, RECORD } from './records.js';
import {
  type AppendInput,
  type JournalHealth,
  JournalStore,
  type JournalStoreOptions,
  type VerifyReport,
} from './store.js';
import type { OrderDetail, OrderView, PreauthView } from './views.js';

export interface JournalOptions {
  /** The app's data folder; the journal lives in `<dataDir>/journal`. */
  dataDir: string;
  now?: () => number;
  /** Operator recorded by the generic `append` when none is given. */
  operatorId?: () => string;
  /** Store options passed through (tests inject file-call failures with `fs`). */
  store?: Pick<JournalStoreOptions, 'fs' | 'probeMs'>;
}

export interface GenericAppendOptions {
  od?: string;
  op?: string;
  st?: string;
  un?: boolean;
}

/** How far back a lookup by 银商订单号 or an id of unknown form searches (refunds are limited to 30 days). */
const LOOKUP_DAYS = 40;

export class Journal {
  readonly store: JournalStore;
  private readonly now: () => number;
  private readonly operatorId: () => string;

  private constructor(store: JournalStore, options: JournalOptions) {
    this.store = store;
    this.now = options.now ?? Date.now;
    this.operatorId = options.operatorId ?? (() => 'system');
  }

  static open(options: JournalOptions): Journal {
    const store = JournalStore.open({
      dir: path.join(options.dataDir, 'journal'),
      ...(options.now ? { now: options.now } : {}),
      ...options.store,
    });
    return new Journal(store, options);
  }

  get nextSeq(): number {
    return this.store.nextSeq;
  }

  today(): string {
    return this.store.today();
  }

  /**
   * Generic append for other modules (Yima refunds, issue 8): one durable, checksummed record.
   * `type` should be namespaced (`yima.…`); see RECORD.yimaRefundDone for the type reports count.
   */
  append<D extends Record<string, unknown>>(
    type: string,
    key: string,
    data: D,
    options: GenericAppendOptions = {},
  ): JournalRecord<D> {
    return this.store.append({
      t: type,
      k: key,
      d: data,
      op: options.op ?? this.operatorId(),
      ...(options.od !== undefined ? { od: options.od } : {}),
      ...(options.st !== undefined ? { st: options.st } : {}),
      ...(options.un !== undefined ? { un: options.un } : {}),
    });
  }

  /** The engine's typed append. */
  write<D extends Record<string, unknown>>(input: AppendInput<D>): JournalRecord<D> {
    return this.store.append(input);
  }

  onAppend(listener: (record: JournalRecord) => void): () => void {
    return this.store.onAppend(listener);
  }

  /** Whether records can be written (else no sale may start), and why not. */
  health(): JournalHealth {
    return this.store.health();
  }

  onHealth(listener: (health: JournalHealth) => void): () => void {
    return this.store.onHealth(listener);
  }

  /** Records with `s >= seq` in order, at most `limit` (the head-office uploader). */
  readFrom(seq: number, limit: number): JournalRecord[] {
    return this.store.readFrom(seq, limit);
  }

  // ── orders ───────────────────────────────────────────────────────────────────────────────────

  /** Every sale order created on a day, in creation order. */
  ordersOfDay(day: string): OrderState[] {
    const byKey = groupByKey(this.store.recordsOfOrdersOn(day));
    const out: OrderState[] = [];
    for (const records of byKey.values()) {
      const state = foldSale(records);
      if (state) out.push(state);
    }
    return out;
  }

  /** One order by its key (merchantOrderId). `od` if known; else read from the id or the open set. */
  order(key: string, od?: string): OrderState | undefined {
    const day = od ?? dayOfOurId(key) ?? this.store.openSet().find((e) => e.k === key)?.od;
    if (!day) return undefined;
    return foldSale(this.store.recordsOfKey(key, day));
  }

  /** merchantOrderId, 银商订单号 or refundRequestId. */
  findOrder(id: string): OrderState | undefined {
    const direct = this.order(id);
    if (direct) return direct;
    // A refundRequestId names the day of the refund; its record carries the order key and day.
    const refundDay = dayOfOurId(id);
    if (refundDay) {
      const rec = this.store
        .recordsWrittenOn(refundDay)
        .find((r) => r.t === RECORD.refundIntent && r.d.refundRequestId === id);
      if (rec) return this.order(rec.k, rec.od);
    }
    const days = this.store.days().reverse().slice(0, LOOKUP_DAYS);
    for (const day of days) {
      for (const r of this.store.recordsOfOrdersOn(day)) {
        if (r.d.orderId === id || r.d.refundRequestId === id) return this.order(r.k, r.od);
      }
    }
    return undefined;
  }

  detail(state: OrderState): OrderDetail {
    return { order: state.view, refunds: state.refunds, timeline: state.timeline };
  }

  /** The orders of a day, newest first, filtered by a free query: id, last 4 of the code, or amount in yuan. */
  list(input: { day?: string; query?: string; limit?: number }): OrderView[] {
    const day = input.day ?? this.today();
    const query = input.query?.trim() ?? '';
    let orders = this.ordersOfDay(day).map((s) => s.view);
    if (query) {
      const amount =
        /^\d+(\.\d{1,2})?$/.test(query) && query.includes('.') ? parseYuanToFen(query) : undefined;
      const isLast4 = /^\d{4}$/.test(query);
      const whole = /^\d{1,13}$/.test(query) ? parseYuanToFen(query) : undefined;
      orders = orders.filter(
        (o) =>
          o.merchantOrderId.includes(query) ||
          (o.orderId?.includes(query) ?? false) ||
          (isLast4 && o.codeLast4 === query) ||
          (amount?.ok === true && (o.amountFen === amount.fen || o.paidFen === amount.fen)) ||
          (whole?.ok === true && !isLast4 && o.amountFen === whole.fen),
      );
      if (orders.length === 0 && query.length > 8) {
        const found = this.findOrder(query);
        if (found) orders = [found.view];
      }
    }
    orders.reverse();
    return orders.slice(0, input.limit ?? 500);
  }

  /** The sale an ECR asked for (pay intent `d.ecr.ecrId`), searched from today back. */
  findByEcrId(ecrId: string): OrderState | undefined {
    for (const day of this.store.days().reverse().slice(0, LOOKUP_DAYS)) {
      for (const r of this.store.recordsWrittenOn(day)) {
        if (r.t !== RECORD.payIntent) continue;
        const ecr = r.d.ecr as { ecrId?: unknown } | undefined;
        if (ecr?.ecrId === ecrId) return this.order(r.k, r.od);
      }
    }
    return undefined;
  }

  /** Orders with work left, oldest first, across all days. */
  unresolved(): OrderState[] {
    const out: OrderState[] = [];
    for (const entry of this.store.openSet()) {
      const state = this.order(entry.k, entry.od);
      if (state) out.push(state);
    }
    return out;
  }

  /** Pre-auths created within the last `days` days (open ones from any day). */
  preauths(
    options: { openOnly?: boolean; days?: number } = {},
  ): Array<PreauthView & { unresolved: boolean }> {
    const days = this.store
      .days()
      .reverse()
      .slice(0, options.days ?? 31);
    const out: Array<PreauthView & { unresolved: boolean }> = [];
    for (const day of days) {
      for (const records of groupByKey(this.store.recordsOfOrdersOn(day)).values()) {
        const view = foldPreauth(records);
        if (!view) continue;
        if (
          options.openOnly &&
          !['authorized', 'pending', 'unknown', 'needs-attention'].includes(view.status)
        ) {
          continue;
        }
        out.push(view);
      }
    }
    return out;
  }

  preauth(id: string, od?: string): (PreauthView & { unresolved: boolean }) | undefined {
    const day = od ?? dayOfOurId(id) ?? this.store.openSet().find((e) => e.k === id)?.od;
    if (!day) return undefined;
    return foldPreauth(this.store.recordsOfKey(id, day));
  }

  // ── export, verify ────────────────────────────────────────────────────────────────

  export(day: string, format: 'csv' | 'json'): { fileName: string; mimeType: string; content: string } {
    const orders = this.ordersOfDay(day);
    if (format === 'json') {
      const content = JSON.stringify(
        orders.map((o) => ({ ...o.view, refunds: o.refunds, timeline: o.timeline })),
        null,
        2,
      );
      return { fileName: `orders-${day}.json`, mimeType: 'application/json', content };
    }
    const header = [
      'merchantOrderId',
      'orderId',
      'createdAt',
      'operatorId',
      'channel',
      'codeLast4',
      'status',
      'amountYuan',
      'paidYuan',
      'refundedYuan',
      'retrievalRefNum',
      'payMode',
    ];
    const rows = orders.map(({ view: o }) =>
      [
        o.merchantOrderId,
        o.orderId ?? '',
        o.createdAt,
        o.operatorId,
        o.channel,
        o.codeLast4,
        o.status,
        fenToYuanText(o.amountFen),
        o.paidFen === undefined ? '' : fenToYuanText(o.paidFen),
        fenToYuanText(o.refundedFen),
        o.retrievalRefNum ?? '',
        o.payMode ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
    // BOM so spreadsheet programs open the UTF-8 Chinese text correctly.
    const content = `\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`;
    return { fileName: `orders-${day}.csv`, mimeType: 'text/csv', content };
  }

  verify(): VerifyReport {
    return this.store.verify();
  }

  close(): void {
    this.store.close();
  }
}

function groupByKey(records: JournalRecord[]): Map<string, JournalRecord[]> {
  const map = new Map<string, JournalRecord[]>();
  for (const r of records) {
    const list = map.get(r.k);
    if (list) list.push(r);
    else map.set(r.k, [r]);
  }
  return map;
}

function csvCell(value: string): string {
  // Neutralise spreadsheet formulas and quote anything with separators.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
