/** Shift records in the journal (`shift.open` / `shift.close`), as the session reads them at start. */
import type { JournalRecord } from '../journal/format.js';

export const SHIFT_OPEN = 'shift.open';
export const SHIFT_CLOSE = 'shift.close';

/** Shifts opened and not closed in the last `days` journal days (a shift never spans more). */
export function openShiftsIn(
  store: { days(): string[]; recordsWrittenOn(day: string): JournalRecord[] },
  days = 2,
): Array<{ key: string; operatorId: string; name?: string; openedAt: string }> {
  const open = new Map<string, { key: string; operatorId: string; name?: string; openedAt: string }>();
  for (const day of store.days().slice(-days)) {
    for (const r of store.recordsWrittenOn(day)) {
      if (r.t === SHIFT_OPEN) {
        const d = r.d as { operatorId?: string; name?: string };
        open.set(r.k, {
          key: r.k,
          operatorId: d.operatorId ?? r.op,
          ...(d.name ? { name: d.name } : {}),
          openedAt: r.at,
        });
      } else if (r.t === SHIFT_CLOSE) {
        open.delete(r.k);
      }
    }
  }
  return [...open.values()];
}
