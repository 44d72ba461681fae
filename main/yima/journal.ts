/**
 * The journal as the Yima service needs it: a small port, so the service runs on the app's journal
 * (issue 4) in the app and on a real temporary file in tests.
 *
 * Record types, all keyed by our pos_seq:
 *   yima.intent  before the request leaves: the request fields and the exact message text
 *   yima.reply   each attempt's answer (raw reply text, result.id, comment) or why there was none
 *   yima.final   the outcome: refunded / failed
 * `status` is the refund's status after the record; `unresolved` is true while it still has work left.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export type YimaRecordType = 'yima.intent' | 'yima.reply' | 'yima.final';
export type YimaStatus = 'pending' | 'processing' | 'refunded' | 'failed' | 'needs-attention';

export interface YimaRecordMeta {
  operatorId: string;
  status: YimaStatus;
  unresolved: boolean;
}

export interface YimaJournalRecord {
  type: string;
  key: string;
  at: string;
  operatorId: string;
  status?: string;
  data: Record<string, unknown>;
}

export interface YimaJournal {
  /** Durable (fsync'd) before it resolves. */
  append(
    type: YimaRecordType,
    key: string,
    data: Record<string, unknown>,
    meta: YimaRecordMeta,
  ): Promise<void>;
  /** Every yima.* record in write order (others may be returned too; they are ignored). */
  records(): Promise<YimaJournalRecord[]>;
}

/**
 * A self-contained append-only JSONL file journal (one record per line, fsync'd). Used by tests and as
 * the fallback when the app's journal is not available.
 */
export function createFileYimaJournal(file: string): YimaJournal {
  mkdirSync(path.dirname(file), { recursive: true });
  return {
    async append(type, key, data, meta) {
      const record: YimaJournalRecord = {
        type,
        key,
        at: new Date().toISOString(),
        operatorId: meta.operatorId,
        status: meta.status,
        data: { ...data, unresolved: meta.unresolved },
      };
      const fd = openSync(file, 'a');
      try {
        writeSync(fd, `${JSON.stringify(record)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    async records() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const out: YimaJournalRecord[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as YimaJournalRecord);
        } catch {
          // A torn last line (crash mid-write) never was a record.
        }
      }
      return out;
    },
  };
}
