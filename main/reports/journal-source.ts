/**
 * The counter's settlement source: only the journal days a window touches (a past day's settlement reads
 * one day file, not the year), plus the whole history of a pre-auth completed in the window.
 */
import { chinaDay, chinaDayStart, type JournalRecord } from '../journal/format.js';
import { foldSale } from '../journal/records.js';
import type { OrderView } from '../journal/views.js';
import { buildReport, daysOf } from './build.js';
import { factsFromRecords } from './facts.js';
import type { Report, SettlementFacts, SettlementSource, TimeWindow } from './types.js';

/** The few reads a report needs; the Journal's store has them (structural: no import of the Journal). */
export interface JournalReads {
  recordsWrittenOn(day: string): JournalRecord[];
  recordsOfOrdersOn(day: string): JournalRecord[];
  recordsOfKey(key: string, od: string): JournalRecord[];
  openSet(): Array<{ k: string; od: string }>;
}

export function journalSettlementSource(store: JournalReads): SettlementSource {
  let cached: { key: string; facts: SettlementFacts } | undefined;
  const factsOf = (w: TimeWindow): SettlementFacts => {
    const key = `${w.fromMs}|${w.toMs}`;
    if (cached?.key === key) return cached.facts;
    const days = daysOf(w);
    const covered = new Set(days);
    const records: JournalRecord[] = [];
    const whole = new Set<string>();
    for (const day of days) {
      // The day's orders whole, plus what was written that day about other days' orders.
      records.push(...store.recordsOfOrdersOn(day));
      for (const r of store.recordsWrittenOn(day)) {
        if (r.od === day) continue;
        records.push(r);
        // A pre-auth started on an earlier day: its completion needs the rest of its history.
        if (r.t.startsWith('preauth.') && !covered.has(r.od) && !whole.has(`${r.k}|${r.od}`)) {
          whole.add(`${r.k}|${r.od}`);
          records.push(...store.recordsOfKey(r.k, r.od));
        }
      }
    }
    const facts = factsFromRecords(records);
    cached = { key, facts };
    return facts;
  };
  const inWindow = (iso: string, w: TimeWindow) => {
    const ms = Date.parse(iso);
    return ms >= w.fromMs && ms <= w.toMs;
  };
  return {
    sales: (w) => factsOf(w).money.filter((f) => f.kind === 'sale' && inWindow(f.at, w)),
    moneyEvents: (w) => factsOf(w).money.filter((f) => f.kind !== 'sale' && inWindow(f.at, w)),
    unresolved: (w) => {
      // Only the open orders of the window's days are read (a past day's report reads no other day).
      const fromDay = chinaDay(w.fromMs);
      const toDay = chinaDay(w.toMs);
      const out: OrderView[] = [];
      for (const entry of store.openSet()) {
        if (entry.od < fromDay || entry.od > toDay) continue;
        const state = foldSale(store.recordsOfKey(entry.k, entry.od));
        if (state?.view.unresolved && inWindow(state.view.createdAt, w)) out.push(state.view);
      }
      return out;
    },
  };
}

/** 日结 of one China day from the journal. */
export function settlementReport(store: JournalReads, day: string, now: number = Date.now()): Report {
  return buildReport(journalSettlementSource(store), { kind: 'settlement', day, now });
}

/**
 * An operator's shift from the journal: their last `shift.open` (today or yesterday, for a shift over
 * midnight) until its `shift.close`, or until now while it is open. Undefined when they never signed in.
 */
export function shiftWindowOf(
  records: readonly JournalRecord[],
  operatorId: string,
): { since: string; until?: string } | undefined {
  let open: JournalRecord | undefined;
  for (const r of records) {
    if (r.t === 'shift.open' && r.d.operatorId === operatorId && (!open || r.s > open.s)) open = r;
  }
  if (!open) return undefined;
  const opened = open;
  const close = records.find((r) => r.t === 'shift.close' && r.k === opened.k && r.s > opened.s);
  return close ? { since: opened.at, until: close.at } : { since: opened.at };
}

/**
 * 交班: one operator (or all) from `since` until now. Without `since`, an operator's shift is the one the
 * journal records (sign-in to sign-out, NOTES §8); failing that, the start of `today`.
 */
export function shiftReport(
  store: JournalReads,
  input: { operatorId?: string; since?: string },
  today: string,
  now: number = Date.now(),
): Report {
  let since = input.since;
  let until = now;
  if (!since && input.operatorId) {
    const yesterday = chinaDay(chinaDayStart(today) - 1);
    const shift = shiftWindowOf(
      [...store.recordsWrittenOn(yesterday), ...store.recordsWrittenOn(today)],
      input.operatorId,
    );
    if (shift) {
      since = shift.since;
      if (shift.until) until = Date.parse(shift.until);
    }
  }
  return buildReport(journalSettlementSource(store), {
    kind: 'shift',
    day: today,
    ...(input.operatorId ? { operatorId: input.operatorId } : {}),
    ...(since ? { since } : {}),
    until,
    now,
  });
}
