/**
 * The counter's settlement source: only the journal days a window touches (a past day's settlement reads
 * one day file, not the year), plus the whole history of a pre-auth completed in the window.
 */
import { createHash } from 'node:crypto';
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
  /** Derived-data support (the JournalStore has it): a closed day's facts are kept next to its meta. */
  closedDayStamp?(day: string): string | undefined;
  readDerived?(day: string, name: string): Buffer | undefined;
  writeDerived?(day: string, name: string, data: string): void;
}

/** A closed day's settlement facts, derived: `index/<day>.settlement` (deleting it changes only speed). */
const FACTS_FILE = 'settlement';
const FACTS_VERSION = 1;

interface FactsHeader {
  v: number;
  day: string;
  /** The day's stamp, and those of the earlier days whose pre-auth histories the facts read. */
  stamp: string;
  deps: Array<[string, string]>;
  /** sha256 of the second line (the facts JSON): a damaged file is recomputed, never believed. */
  sha: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The cached facts of a closed day, if the cache is whole and nothing of the day changed since. */
function cachedFacts(store: JournalReads, day: string, stamp: string): SettlementFacts | undefined {
  const buf = store.readDerived?.(day, FACTS_FILE);
  if (!buf) return undefined;
  try {
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    const header = JSON.parse(buf.toString('utf8', 0, nl)) as FactsHeader;
    if (header.v !== FACTS_VERSION || header.day !== day || header.stamp !== stamp) return undefined;
    if (!Array.isArray(header.deps)) return undefined;
    for (const [od, depStamp] of header.deps) {
      if (store.closedDayStamp?.(od) !== depStamp) return undefined;
    }
    const body = buf.subarray(nl + 1);
    if (sha256(body) !== header.sha) return undefined;
    const facts = JSON.parse(body.toString('utf8')) as SettlementFacts;
    return Array.isArray(facts.money) && Array.isArray(facts.unresolved) ? facts : undefined;
  } catch {
    return undefined;
  }
}

function storeFacts(store: JournalReads, day: string, stamp: string, deps: string[], facts: SettlementFacts) {
  const depStamps: Array<[string, string]> = [];
  for (const od of deps) {
    const depStamp = store.closedDayStamp?.(od);
    if (depStamp === undefined) return; // depends on a day still being written: not kept
    depStamps.push([od, depStamp]);
  }
  const body = JSON.stringify(facts);
  const header: FactsHeader = { v: FACTS_VERSION, day, stamp, deps: depStamps, sha: sha256(body) };
  store.writeDerived?.(day, FACTS_FILE, `${JSON.stringify(header)}\n${body}`);
}

export function journalSettlementSource(store: JournalReads): SettlementSource {
  let cached: { key: string; facts: SettlementFacts } | undefined;
  const factsOf = (w: TimeWindow): SettlementFacts => {
    const key = `${w.fromMs}|${w.toMs}`;
    if (cached?.key === key) return cached.facts;
    const days = daysOf(w);
    // One closed day: its facts from the derived file when nothing of that day changed since.
    const only = days.length === 1 ? (days[0] as string) : undefined;
    const stamp = only !== undefined ? store.closedDayStamp?.(only) : undefined;
    if (only !== undefined && stamp !== undefined) {
      const facts = cachedFacts(store, only, stamp);
      if (facts) {
        cached = { key, facts };
        return facts;
      }
    }
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
    if (only !== undefined && stamp !== undefined) {
      storeFacts(
        store,
        only,
        stamp,
        [...new Set([...whole].map((w) => w.slice(w.lastIndexOf('|') + 1)))],
        facts,
      );
    }
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
