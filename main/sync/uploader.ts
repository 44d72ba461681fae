/**
 * The counter's uploader: the journal is the outbox. Ordered batches of records (each with its chain
 * hash `h`) go to head office, which keeps them keyed (terminal, s) and answers with its contiguous
 * high-water mark. The uploader never keeps a cursor of its own: it asks the server where to resume
 * after every failure, every restart and every idle period, so a server restored from an older backup
 * gets the records it lost again, and a reply lost after the server committed only causes a harmless
 * re-send of records the server already holds.
 *
 * Each batch starts with the record at the high-water mark (the "anchor"): the server compares its hash
 * with the stored one, so a counter whose history differs from what head office holds is noticed.
 *
 * It stays out of a sale's way: nothing runs on the append path (a listener only sets a flag), batches
 * are small, and it yields to the event loop (setImmediate) between batches.
 */

import type { JournalRecord } from '../journal/format.js';
import { createLogger } from '../log/logger.js';
import type { Bilingual } from '../shared/errors.js';
import { BatchReply, HwmReply, SYNC_PATHS } from './protocol.js';
import type { SyncStatus } from './status.js';
import { hqUrlProblem } from './url.js';

const log = createLogger('sync');

export type { SyncStatus };

/** What the uploader reads: the journal store (readFrom, the last sequence, appends). */
export interface RecordSource {
  readFrom(seq: number, limit: number): JournalRecord[];
  /** The sequence of the last record written (0: none). */
  lastSeq(): number;
  onAppend(listener: () => void): () => void;
}

export interface SyncTarget {
  url: string;
  token: string;
  /** The store id set at the counter: checked against the one the token belongs to. */
  storeId?: string;
}

export interface UploaderOptions {
  source: RecordSource;
  /** Read before every attempt; undefined → off. */
  target: () => SyncTarget | undefined;
  now?: () => number;
  /** Waits `ms` (real or fake clock); resolves early when `wake` fires. */
  sleep?: (ms: number, wake: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
  /** Records per batch (plus the anchor). Small: a batch's work must fit between two sales' steps. */
  batchSize?: number;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** While synced, how often to ask the server again (it may have been restored from a backup). */
  idleCheckMs?: number;
  /** Wait this long after an append before uploading, so a sale's records go together. */
  settleMs?: number;
  /**
   * While catching up, no batch starts within this long of the last append (a sale is under way: its
   * intent is written, its reply is coming), unless batches have waited `maxDeferMs` already.
   */
  quietMs?: number;
  maxDeferMs?: number;
  onStatus?: (status: SyncStatus) => void;
  random?: () => number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Bilingual | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

const realSleep = (ms: number, wake: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (wake.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done() {
      clearTimeout(timer);
      wake.removeEventListener('abort', done);
      resolve();
    }
    wake.addEventListener('abort', done, { once: true });
  });

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Uploader {
  start(): void;
  stop(): Promise<void>;
  status(): SyncStatus;
  /** Settings changed or someone asked: try now. */
  kick(): void;
  /** Resolves when the server confirmed everything written so far (tests, shutdown). */
  drained(timeoutMs: number): Promise<boolean>;
}

export function createUploader(options: UploaderOptions): Uploader {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const doFetch = options.fetch ?? fetch;
  const batchSize = options.batchSize ?? 200;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 5 * 60_000 };
  const idleCheckMs = options.idleCheckMs ?? 60_000;
  const settleMs = options.settleMs ?? 200;
  const quietMs = options.quietMs ?? 250;
  const maxDeferMs = options.maxDeferMs ?? 5_000;
  let lastAppendAt = Number.NEGATIVE_INFINITY;
  const random = options.random ?? Math.random;

  let running = false;
  let loop: Promise<void> | undefined;
  let wake = new AbortController();
  let appended = false;
  /** The server's mark as last answered; undefined → ask before sending. */
  let hwm: number | undefined;
  let lastKnownHwm = 0;
  let failures = 0;
  let offlineSince: number | undefined;
  let current: SyncStatus = { state: 'off' };
  const waiters = new Set<() => void>();

  const setStatus = (next: SyncStatus) => {
    const same =
      next.state === current.state &&
      next.behind === current.behind &&
      next.since === current.since &&
      next.message?.en === current.message?.en;
    current = next;
    if (same) return;
    try {
      options.onStatus?.(next);
    } catch (error) {
      log.error('sync status listener failed', { error });
    }
  };

  const unsubscribe = options.source.onAppend(() => {
    // The sale path: set a flag and wake the loop, nothing else.
    appended = true;
    lastAppendAt = now();
    if (current.state === 'synced') wake.abort();
  });

  const request = async <T>(
    target: SyncTarget,
    path: string,
    body: unknown,
    parse: (v: unknown) => T,
  ): Promise<T> => {
    const response = await doFetch(new URL(path, target.url), {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const message = (json as { error?: { message?: Bilingual } } | undefined)?.error?.message;
      throw new HttpError(response.status, message);
    }
    return parse(json);
  };

  const pause = async (ms: number) => {
    wake = new AbortController();
    await sleep(ms, wake.signal);
  };

  const backoffMs = () => {
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(base * (0.8 + 0.4 * random()));
  };

  const notifyDrained = () => {
    for (const w of waiters) w();
  };

  async function step(target: SyncTarget): Promise<number> {
    if (hwm === undefined) {
      const answer = await request(target, SYNC_PATHS.hwm, undefined, (v) => HwmReply.parse(v));
      if (target.storeId && answer.storeId !== target.storeId) {
        throw new HttpError(409, {
          zh: `令牌属于门店 ${answer.storeId}，本机设置的是 ${target.storeId}`,
          en: `The token belongs to store ${answer.storeId}; this counter is set to ${target.storeId}`,
        });
      }
      hwm = answer.hwm;
    }
    const last = options.source.lastSeq();
    lastKnownHwm = hwm;
    if (hwm > last) {
      hwm = undefined;
      throw new HttpError(409, {
        zh: `总部已有本终端 ${lastKnownHwm} 条记录，本机只有 ${last} 条：本机日志是否被替换？请联系总部`,
        en: `Head office holds ${lastKnownHwm} records of this counter, this counter only ${last}: was its journal replaced? Contact head office`,
      });
    }
    if (hwm >= last) return 0;
    const records = options.source.readFrom(Math.max(1, hwm), batchSize + (hwm >= 1 ? 1 : 0));
    if (records.length === 0) return 0;
    setStatus({ state: 'behind', behind: last - hwm });
    const reply = await request(target, SYNC_PATHS.batch, { records }, (v) => BatchReply.parse(v));
    if (reply.conflicts > 0) {
      hwm = undefined;
      throw new HttpError(409, {
        zh: `本机记录与总部已存的不一致（${reply.conflicts} 条），已暂停上传，请联系总部核查`,
        en: `${reply.conflicts} record(s) differ from what head office holds: uploads paused, head office must look into it`,
      });
    }
    const before = hwm;
    hwm = reply.hwm;
    lastKnownHwm = reply.hwm;
    if (reply.hwm <= before) {
      // Nothing moved: a sequence is missing on this side (a damaged journal line) or the server lost
      // ground since it answered. Ask again after a pause rather than spin.
      hwm = undefined;
      throw new HttpError(409, {
        zh: `总部未能接上第 ${before + 1} 条记录，稍后重试`,
        en: `Head office could not continue at record ${before + 1}; retrying later`,
      });
    }
    return records.length;
  }

  async function run(): Promise<void> {
    while (running) {
      const target = options.target();
      if (!target) {
        hwm = undefined;
        offlineSince = undefined;
        setStatus({ state: 'off' });
        await pause(idleCheckMs);
        continue;
      }
      const refused = hqUrlProblem(target.url);
      if (refused) {
        // Nothing is sent to an address the rule refuses; the counter is behind until a person fixes it.
        hwm = undefined;
        offlineSince = undefined;
        setStatus({
          state: 'behind',
          behind: Math.max(0, options.source.lastSeq() - lastKnownHwm),
          message: refused,
        });
        await pause(idleCheckMs);
        continue;
      }
      try {
        appended = false;
        const sent = await step(target);
        failures = 0;
        offlineSince = undefined;
        if (sent > 0) {
          // Let the sale path run before the next batch, and keep out of a sale that is under way.
          await yieldTurn();
          const deferStarted = now();
          while (running && now() - lastAppendAt < quietMs && now() - deferStarted < maxDeferMs) {
            await pause(Math.max(10, quietMs - (now() - lastAppendAt)));
          }
          continue;
        }
        const last = options.source.lastSeq();
        if (hwm !== undefined && hwm >= last) {
          setStatus({ state: 'synced', since: new Date(now()).toISOString() });
          notifyDrained();
          if (!appended) {
            await pause(idleCheckMs);
            // Woken by an append: let the rest of that sale's records land first.
            if (appended) await pause(settleMs);
            else hwm = undefined; // idle period over: ask the server again
          }
        }
      } catch (error) {
        if (!running) break;
        failures += 1;
        hwm = undefined;
        offlineSince ??= now();
        const behind = Math.max(0, options.source.lastSeq() - lastKnownHwm);
        const http = error instanceof HttpError ? error : undefined;
        const message: Bilingual | undefined = http?.body
          ? http.body
          : http
            ? { zh: `总部服务答复 ${http.status}`, en: `Head office answered ${http.status}` }
            : undefined;
        // A refusal (bad token, a conflict) is not "offline": the counter is behind and a person must act.
        if (http && http.status >= 400 && http.status < 500) {
          setStatus({ state: 'behind', behind, ...(message ? { message } : {}) });
        } else {
          setStatus({
            state: 'offline',
            behind,
            since: new Date(offlineSince).toISOString(),
            ...(message ? { message } : {}),
          });
        }
        if (failures === 1 || failures % 20 === 0) {
          log.warn('head-office upload failed; backing off', {
            failures,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        await pause(backoffMs());
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      unsubscribe();
      wake.abort();
      await loop;
    },
    // Between an append and the loop waking, "synced" would be stale: say what is known now.
    status: () => {
      const behind = options.source.lastSeq() - lastKnownHwm;
      return current.state === 'synced' && behind > 0 ? { state: 'behind', behind } : current;
    },
    kick() {
      hwm = undefined;
      failures = 0;
      wake.abort();
    },
    drained(timeoutMs) {
      return new Promise((resolve) => {
        const check = () => {
          if (current.state === 'synced' && hwm !== undefined && hwm >= options.source.lastSeq()) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(true);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(false);
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
