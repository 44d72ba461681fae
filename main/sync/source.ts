/** The journal store as the uploader's record source. */
import type { JournalRecord } from '../journal/format.js';
import type { JournalStore } from '../journal/store.js';
import type { RecordSource } from './uploader.js';

export function journalSource(store: JournalStore): RecordSource {
  const withReadFrom = store as JournalStore & { readFrom?: (seq: number, limit: number) => JournalRecord[] };
  return {
    readFrom: (seq, limit) =>
      withReadFrom.readFrom ? withReadFrom.readFrom(seq, limit) : scanFrom(store, seq, limit),
    lastSeq: () => store.nextSeq - 1,
    onAppend: (listener) => store.onAppend(() => listener()),
  };
}

// Until JournalStore.readFrom lands on main: the day files in order.
function scanFrom(store: JournalStore, seq: number, limit: number): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const day of store.days()) {
    for (const r of store.recordsWrittenOn(day)) {
      if (r.s < seq) continue;
      out.push(r);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
