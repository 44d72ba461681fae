/** The journal store as the uploader's record source. */
import type { JournalStore } from '../journal/store.js';
import type { RecordSource } from './uploader.js';

export function journalSource(store: JournalStore): RecordSource {
  return {
    readFrom: (seq, limit) => store.readFrom(seq, limit),
    lastSeq: () => store.head().s,
    onAppend: (listener) => store.onAppend(() => listener()),
  };
}
