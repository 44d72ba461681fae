// Until main/reports/ lands: the same three names over the counter's existing report code (no copy of its
// rules): a read-only journal view over replicated records feeds main/journal/reports.ts.

import type { Report, Totals } from '../../main/ipc/channels/reports.js';
import type { JournalRecord } from '../../main/journal/format.js';
import type { Journal } from '../../main/journal/journal.js';
import { foldSale, isUnresolvedStatus, type OrderState } from '../../main/journal/records.js';
import { buildReport as buildJournalReport, type ReportRequest } from '../../main/journal/reports.js';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const chinaDay = (iso: string) => new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 10);

export type SettlementSource = { records: JournalRecord[] };

export function factsFromRecords(records: JournalRecord[]): SettlementSource {
  return { records: [...records].sort((a, b) => a.s - b.s) };
}

function ordersOfDay(records: JournalRecord[], day: string): OrderState[] {
  const byKey = new Map<string, JournalRecord[]>();
  for (const r of records) {
    if (r.od !== day) continue;
    const list = byKey.get(r.k);
    if (list) list.push(r);
    else byKey.set(r.k, [r]);
  }
  return [...byKey.values()].map((list) => foldSale(list)).filter((s): s is OrderState => s !== undefined);
}

export function buildReport(source: SettlementSource, request: ReportRequest): Report {
  const journal = {
    ordersOfDay: (day: string) => ordersOfDay(source.records, day),
    store: { recordsWrittenOn: (day: string) => source.records.filter((r) => chinaDay(r.at) === day) },
    unresolved: () =>
      ordersOfDay(source.records, request.day).filter((o) => isUnresolvedStatus(o.view.status)),
  } as unknown as Journal;
  return buildJournalReport(journal, request);
}

function add(a: Totals, b: Totals): Totals {
  return {
    salesCount: a.salesCount + b.salesCount,
    salesFen: a.salesFen + b.salesFen,
    voidsCount: a.voidsCount + b.voidsCount,
    voidsFen: a.voidsFen + b.voidsFen,
    refundsCount: a.refundsCount + b.refundsCount,
    refundsFen: a.refundsFen + b.refundsFen,
    netFen: a.netFen + b.netFen,
  };
}

const ZERO: Totals = {
  salesCount: 0,
  salesFen: 0,
  voidsCount: 0,
  voidsFen: 0,
  refundsCount: 0,
  refundsFen: 0,
  netFen: 0,
};

function mergeBy<K extends string, T extends { totals: Totals } & Record<K, string>>(
  lists: T[][],
  key: K,
): T[] {
  const map = new Map<string, T>();
  for (const list of lists)
    for (const item of list) {
      const known = map.get(item[key]);
      map.set(item[key], known ? { ...known, totals: add(known.totals, item.totals) } : item);
    }
  return [...map.values()].sort((a, b) => a[key].localeCompare(b[key]));
}

export function mergeReports(reports: Report[]): Report {
  const first = reports[0];
  const base = first ?? {
    kind: 'settlement' as const,
    day: '1970-01-01',
    from: new Date(0).toISOString(),
    to: new Date(0).toISOString(),
  };
  return {
    kind: base.kind,
    day: base.day,
    from: base.from,
    to: base.to,
    totals: reports.reduce((t, r) => add(t, r.totals), ZERO),
    byChannel: mergeBy(
      reports.map((r) => r.byChannel),
      'channel',
    ),
    byPayMode: mergeBy(
      reports.map((r) => r.byPayMode),
      'payMode',
    ),
    byOperator: mergeBy(
      reports.map((r) => r.byOperator),
      'operatorId',
    ),
    byHour: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      count: reports.reduce((n, r) => n + (r.byHour[hour]?.count ?? 0), 0),
      fen: reports.reduce((n, r) => n + (r.byHour[hour]?.fen ?? 0), 0),
    })),
    unresolved: reports.flatMap((r) => r.unresolved),
    generatedAt: new Date().toISOString(),
  };
}
