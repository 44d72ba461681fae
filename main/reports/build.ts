/** The report from a source: totals and breakdowns, one rule for screen, paper and head office. */
import { chinaDay, chinaDayStart, chinaHour } from '../journal/format.js';
import type { OrderView } from '../journal/views.js';
import {
  type MoneyFact,
  REPORT_CHANNELS,
  type Report,
  type ReportChannel,
  type ReportRequest,
  type SettlementSource,
  type TimeWindow,
  type Totals,
} from './types.js';

const DAY_MS = 86_400_000;

export function zeroTotals(): Totals {
  return {
    salesCount: 0,
    salesFen: 0,
    voidsCount: 0,
    voidsFen: 0,
    refundsCount: 0,
    refundsFen: 0,
    netFen: 0,
  };
}

function addTotals(into: Totals, from: Totals): void {
  into.salesCount += from.salesCount;
  into.salesFen += from.salesFen;
  into.voidsCount += from.voidsCount;
  into.voidsFen += from.voidsFen;
  into.refundsCount += from.refundsCount;
  into.refundsFen += from.refundsFen;
  into.netFen = into.salesFen - into.voidsFen - into.refundsFen;
}

function addFact(t: Totals, fact: MoneyFact): void {
  if (fact.kind === 'sale') {
    t.salesCount += 1;
    t.salesFen += fact.fen;
  } else if (fact.kind === 'void') {
    t.voidsCount += 1;
    t.voidsFen += fact.fen;
  } else {
    t.refundsCount += 1;
    t.refundsFen += fact.fen;
  }
  t.netFen = t.salesFen - t.voidsFen - t.refundsFen;
}

/** The window of a request: a China calendar day, or a shift from `since` to `until` (default now). */
export function reportWindow(request: ReportRequest): TimeWindow {
  const now = request.now ?? Date.now();
  if (request.kind === 'settlement') {
    const fromMs = chinaDayStart(request.day);
    return { fromMs, toMs: fromMs + DAY_MS - 1 };
  }
  const since = request.since ? Date.parse(request.since) : Number.NaN;
  return {
    fromMs: Number.isFinite(since) ? since : chinaDayStart(request.day),
    toMs: request.until ?? now,
  };
}

/** The China days a window touches, oldest first (bounded: a year and a bit). */
export function daysOf(window: TimeWindow): string[] {
  const out: string[] = [];
  const last = chinaDay(window.toMs);
  for (let ms = window.fromMs, guard = 0; guard < 400; ms += DAY_MS, guard += 1) {
    const day = chinaDay(ms);
    out.push(day);
    if (day >= last) break;
  }
  if (!out.includes(last)) out.push(last);
  return out;
}

const channelRank = (c: string) => (REPORT_CHANNELS as readonly string[]).indexOf(c);

export function buildReport(source: SettlementSource, request: ReportRequest): Report {
  const now = request.now ?? Date.now();
  const window = reportWindow({ ...request, now });
  const operatorOk = (op: string) => !request.operatorId || op === request.operatorId;
  const facts = [...source.sales(window), ...source.moneyEvents(window)].filter((f) =>
    operatorOk(f.operatorId),
  );
  const seen = new Set<string>();

  const totals = zeroTotals();
  const byChannel = new Map<ReportChannel, Totals>();
  const byPayMode = new Map<string, Totals>();
  const byOperator = new Map<string, Totals>();
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, fen: 0 }));
  const bucket = <K>(map: Map<K, Totals>, key: K) => {
    let t = map.get(key);
    if (!t) {
      t = zeroTotals();
      map.set(key, t);
    }
    return t;
  };
  for (const fact of facts) {
    if (seen.has(fact.id)) continue;
    seen.add(fact.id);
    addFact(totals, fact);
    addFact(bucket(byChannel, fact.channel), fact);
    addFact(bucket(byPayMode, fact.payMode), fact);
    addFact(bucket(byOperator, fact.operatorId), fact);
    if (fact.kind === 'sale') {
      const hour = byHour[chinaHour(Date.parse(fact.at))];
      if (hour) {
        hour.count += 1;
        hour.fen += fact.fen;
      }
    }
  }

  // A past window lists only its own open orders; one that reaches now lists every open order so far.
  const live = window.toMs >= now;
  const unresolved = source
    .unresolved(live ? { fromMs: 0, toMs: window.toMs } : window)
    .filter((v) => request.kind === 'settlement' || operatorOk(v.operatorId));

  return {
    kind: request.kind,
    day: request.day,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    ...(request.operatorId ? { operatorId: request.operatorId } : {}),
    totals,
    ...breakdowns(byChannel, byPayMode, byOperator),
    byHour,
    unresolved,
    generatedAt: new Date(now).toISOString(),
  };
}

/** The per-channel, per-pay-mode and per-operator rows of a report, in their fixed order. */
function breakdowns(
  byChannel: Map<ReportChannel, Totals>,
  byPayMode: Map<string, Totals>,
  byOperator: Map<string, Totals>,
): Pick<Report, 'byChannel' | 'byPayMode' | 'byOperator'> {
  return {
    byChannel: [...byChannel.entries()]
      .sort(([a], [b]) => channelRank(a) - channelRank(b))
      .map(([channel, t]) => ({ channel, totals: t })),
    byPayMode: [...byPayMode.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([payMode, t]) => ({ payMode, totals: t })),
    byOperator: [...byOperator.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operatorId, t]) => ({ operatorId, totals: t })),
  };
}

/**
 * Chain totals: the sum of the counters' reports, to the fen. The reports should cover the same kind
 * and day; the merged window spans them all.
 */
export function mergeReports(reports: readonly Report[]): Report {
  const first = reports[0];
  if (!first) throw new Error('mergeReports needs at least one report');
  const totals = zeroTotals();
  const byChannel = new Map<ReportChannel, Totals>();
  const byPayMode = new Map<string, Totals>();
  const byOperator = new Map<string, Totals>();
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, fen: 0 }));
  const unresolved: OrderView[] = [];
  const merge = <K>(map: Map<K, Totals>, key: K, t: Totals) => {
    const into = map.get(key) ?? zeroTotals();
    addTotals(into, t);
    map.set(key, into);
  };
  for (const r of reports) {
    addTotals(totals, r.totals);
    for (const row of r.byChannel) merge(byChannel, row.channel, row.totals);
    for (const row of r.byPayMode) merge(byPayMode, row.payMode, row.totals);
    for (const row of r.byOperator) merge(byOperator, row.operatorId, row.totals);
    for (const h of r.byHour) {
      const into = byHour[h.hour];
      if (into) {
        into.count += h.count;
        into.fen += h.fen;
      }
    }
    unresolved.push(...r.unresolved);
  }
  const operators = new Set(reports.map((r) => r.operatorId));
  const only = operators.size === 1 ? first.operatorId : undefined;
  return {
    kind: first.kind,
    day: first.day,
    from: reports.map((r) => r.from).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)),
    to: reports.map((r) => r.to).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)),
    ...(only ? { operatorId: only } : {}),
    totals,
    ...breakdowns(byChannel, byPayMode, byOperator),
    byHour,
    unresolved,
    generatedAt: reports.map((r) => r.generatedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)),
  };
}
