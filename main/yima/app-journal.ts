/**
 * The app's receipt journal (main/journal, issue 4) as a YimaJournal. Described structurally, so this
 * module depends only on the shape of `Journal.append` and of the store's read methods.
 *
 * Every record of one refund carries `od` = the China day of its pos_seq (the intent's day), so the
 * journal finds the refund's records together even when a reply arrives after midnight. Reports count a
 * `yima.final` record with d.status 'refunded' as a refund of d.amountFen (main/journal/reports.ts).
 */
import type { YimaJournal, YimaJournalRecord } from './journal.js';

interface RecordLike {
  t: string;
  k: string;
  at: string;
  op: string;
  od: string;
  st?: string;
  un?: boolean;
  d: Record<string, unknown>;
}

export interface AppJournalLike {
  append(
    type: string,
    key: string,
    data: Record<string, unknown>,
    options?: { od?: string; op?: string; st?: string; un?: boolean },
  ): unknown;
  store: {
    days(): string[];
    recordsWrittenOn(day: string): RecordLike[];
    openSet(): Array<{ k: string; od: string }>;
    recordsOfKey(key: string, od: string): RecordLike[];
  };
}

/** How many of the most recent journal days `records()` reads (plus every still-open Yima refund). */
const RECENT_DAYS = 40;

/** YR + yyyyMMddHHmmss… → yyyy-MM-dd (the China day the pos_seq was made). */
export function dayOfPosSeq(posSeq: string): string | undefined {
  const m = /^YR(\d{4})(\d{2})(\d{2})\d{6}/.exec(posSeq);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export function yimaJournalOn(journal: AppJournalLike): YimaJournal {
  const toRecord = (r: RecordLike): YimaJournalRecord => ({
    type: r.t,
    key: r.k,
    at: r.at,
    operatorId: r.op,
    ...(r.st !== undefined ? { status: r.st } : {}),
    data: r.d,
  });
  return {
    async append(type, key, data, meta) {
      const od = dayOfPosSeq(key);
      journal.append(type, key, data, {
        op: meta.operatorId,
        st: meta.status,
        un: meta.unresolved,
        ...(od ? { od } : {}),
      });
    },
    async records() {
      const recent: YimaJournalRecord[] = [];
      const withIntent = new Set<string>();
      const days = journal.store.days().slice().sort().slice(-RECENT_DAYS);
      for (const day of days) {
        for (const r of journal.store.recordsWrittenOn(day)) {
          if (!r.t.startsWith('yima.')) continue;
          if (r.t === 'yima.intent') withIntent.add(r.k);
          recent.push(toRecord(r));
        }
      }
      // Refunds still unresolved whose intent is older than the window: read them whole.
      const older: YimaJournalRecord[] = [];
      const olderKeys = new Set<string>();
      for (const entry of journal.store.openSet()) {
        if (withIntent.has(entry.k) || olderKeys.has(entry.k) || !dayOfPosSeq(entry.k)) continue;
        const records = journal.store.recordsOfKey(entry.k, entry.od).filter((r) => r.t.startsWith('yima.'));
        if (!records.some((r) => r.t === 'yima.intent')) continue;
        olderKeys.add(entry.k);
        older.push(...records.map(toRecord));
      }
      const out = recent.filter((r) => !olderKeys.has(r.key));
      return [...older, ...out];
    },
  };
}
