/**
 * The order book: the one piece of operation machinery every kind of operation (sale, void, refund,
 * pre-auth, Yima refund) runs on. It owns
 * - the busy set: an order an operation or recovery is working on is left alone by everyone else;
 * - the running flows (tests and shutdown await them) and sleeps that end at once on shutdown;
 * - journal appends: `write` folds the order, applies the record with the same `next` the journal folds
 *   with, refuses a record that breaks an invariant, and writes the status it derives (never one passed in);
 * - progress events and `orders.changed`, sent only after the record is durable;
 * - ONE recovery loop: at start, then every `recoveryEveryMs` for as long as the app runs, each
 *   unresolved order handed to the kind that owns its intent record type.
 */

import type { EventHub } from '../../ipc/router.js';
import type { JournalRecord } from '../../journal/format.js';
import type { Journal } from '../../journal/journal.js';
import {
  derived,
  type Folded,
  fold,
  next,
  type OrderRecordType,
  type RecordDraft,
} from '../../journal/records.js';
import { createLogger } from '../../log/logger.js';
import { AppError, type Bilingual } from '../../shared/errors.js';

const log = createLogger('engine');

export type ProgressOperation = 'pay' | 'void' | 'refund' | 'preauth' | 'yima-refund' | 'recovery';
export type ProgressStep = 'journaled' | 'sending' | 'waiting-password' | 'querying' | 'voiding' | 'resolved';

/** One kind of operation, as the book sees it. */
export interface OperationKind {
  readonly name: string;
  /** The record type that opens an entry of this kind (its first record). */
  readonly intent: OrderRecordType;
  /** Work one unresolved entry once. The book holds the key busy while this runs. */
  recover(key: string, od: string, state: Folded): Promise<void>;
  /** Called after every recovery pass (e.g. the day-end warning). */
  afterPass?(): void;
}

export interface BookDeps {
  journal: Journal;
  events: EventHub;
  now: () => number;
  operatorId: () => string;
  recoveryEveryMs: number;
}

/** The journal refused a write: nothing that depends on it may happen. */
export const JOURNAL_DOWN: Bilingual = {
  zh: '收银记录无法写入（磁盘已满或只读）：暂停收款，请检查存储后重试',
  en: 'The journal cannot be written (disk full or read-only): sales are paused until it can',
};

/** A Yima refund's status as the orders list names it. */
const YIMA_ORDER_STATUS: Record<string, string> = {
  pending: 'pending',
  processing: 'unknown',
  'needs-attention': 'needs-attention',
  refunded: 'refunded',
  failed: 'declined',
};

export class RecordRefused extends AppError {
  constructor(why: string) {
    super('CONFLICT', { zh: `操作不允许：${why}`, en: `Not allowed: ${why}` });
  }
}

export class OrderBook {
  readonly journal: Journal;
  private readonly events: EventHub;
  readonly now: () => number;
  private readonly operatorId: () => string;
  private readonly recoveryEveryMs: number;
  private readonly kinds = new Map<string, OperationKind>();
  /** Key → how many holders (an operation, recovery, a background flow) are working on it. */
  private readonly busy = new Map<string, number>();
  private readonly flows = new Set<Promise<unknown>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private started = false;
  stopped = false;

  constructor(deps: BookDeps) {
    this.journal = deps.journal;
    this.events = deps.events;
    this.now = deps.now;
    this.operatorId = deps.operatorId;
    this.recoveryEveryMs = deps.recoveryEveryMs;
  }

  register(kind: OperationKind): void {
    this.kinds.set(kind.intent, kind);
  }

  // ── busy set and flows ────────────────────────────────────────────────────────────────────

  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  private take(key: string): void {
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
  }

  private release(key: string): void {
    const n = (this.busy.get(key) ?? 1) - 1;
    if (n > 0) this.busy.set(key, n);
    else this.busy.delete(key);
  }

  /** Run `work` holding `key`; CONFLICT if something already works on it. */
  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(key)) {
      throw new AppError('CONFLICT', { zh: '该订单正在处理中', en: 'This order is being worked on' });
    }
    this.take(key);
    const flow = (async () => {
      try {
        return await work();
      } finally {
        this.release(key);
      }
    })();
    this.track(flow);
    return flow;
  }

  /**
   * Start `work` in the background holding `key`; errors are logged (the order stays open in the
   * journal, so recovery resumes it). A kind's `recover` may spawn the rest of its work this way.
   */
  spawn(key: string, work: () => Promise<void>): void {
    this.take(key);
    const flow = Promise.resolve()
      .then(work)
      .catch((error: unknown) => log.error('operation failed; recovery will resume it', { key, error }))
      .finally(() => this.release(key));
    this.track(flow);
  }

  track(flow: Promise<unknown>): void {
    this.flows.add(flow);
    void flow.finally(() => this.flows.delete(flow)).catch(() => {});
  }

  /** Resolves when no flow is running. */
  async idle(): Promise<void> {
    while (this.flows.size > 0) await Promise.allSettled([...this.flows]);
  }

  /** A sleep that ends at once when the book stops. */
  sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  // ── the journal ───────────────────────────────────────────────────────────────────────────

  records(key: string, od: string): JournalRecord[] {
    return this.journal.store.recordsOfKey(key, od);
  }

  state(key: string, od: string): Folded | undefined {
    return fold(this.records(key, od));
  }

  /**
   * Journal one record of an order: its state after the record is computed with `next`; a record that
   * would break an invariant is refused (RecordRefused) and nothing is written. Throws when the journal
   * cannot write (nothing was written: callers must not act as if it had been).
   */
  write(key: string, od: string, draft: RecordDraft, op?: string): Folded {
    const before = this.state(key, od);
    const at = new Date(this.now()).toISOString();
    const after = next(before, { ...draft, k: key, od, at, op: op ?? this.operatorId() } as never);
    if (!after) throw new RecordRefused(`${draft.t} without its intent`);
    const added = after.violations.slice(before?.violations.length ?? 0);
    if (added.length > 0) {
      log.error('record refused', { key, type: draft.t, why: added });
      throw new RecordRefused(added.join('; '));
    }
    const { st, un } = derived(after);
    try {
      this.journal.write({
        t: draft.t,
        k: key,
        od,
        op: op ?? this.operatorId(),
        st,
        un,
        d: draft.d as never,
      });
    } catch (error) {
      log.error('journal write failed', { key, type: draft.t, error });
      if (error instanceof AppError) throw error;
      throw new AppError('JOURNAL_UNAVAILABLE', JOURNAL_DOWN);
    }
    const status = after.kind === 'sale' ? st : after.kind === 'yima' ? YIMA_ORDER_STATUS[st] : undefined;
    if (status) {
      this.safeEmit(() =>
        this.events.emit('orders.changed', { merchantOrderId: key, status: status as never }),
      );
    }
    return after;
  }

  /** Whether the journal takes writes now (its health), with the bilingual reason when not. */
  writable(): { writable: boolean; problem?: Bilingual } {
    const h = this.journal.health();
    if (!h.writable) return { writable: false, problem: h.problem ?? JOURNAL_DOWN };
    return { writable: true };
  }

  /** Called when the journal's health changes; when it is writable again, a recovery pass runs. */
  onWritable(listener: (writable: boolean) => void): () => void {
    return this.journal.onHealth((h) => {
      listener(h.writable);
      if (h.writable && this.started && !this.stopped) void this.recover();
    });
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  progress(
    key: string,
    operation: ProgressOperation,
    step: ProgressStep,
    message: Bilingual,
    extra: { attempt?: number; of?: number } = {},
  ) {
    const progress = {
      merchantOrderId: key,
      operation,
      step,
      message,
      at: new Date(this.now()).toISOString(),
      ...(extra.attempt !== undefined ? { attempt: extra.attempt } : {}),
      ...(extra.of !== undefined ? { of: extra.of } : {}),
    };
    this.safeEmit(() => this.events.emit('txn.progress', progress));
    return progress;
  }

  emit(fn: (events: EventHub) => void): void {
    this.safeEmit(() => fn(this.events));
  }

  private safeEmit(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log.warn('event not sent', { error });
    }
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  /** Recover now, then every recoveryEveryMs until stop: never gives up while anything is open. */
  start(): Promise<void> {
    if (this.started) return this.recover();
    this.started = true;
    const tick = () => {
      if (this.stopped) return;
      this.recoveryTimer = setTimeout(() => {
        void this.recover().finally(tick);
      }, this.recoveryEveryMs);
      this.recoveryTimer.unref?.();
    };
    const first = this.recover();
    void first.finally(tick);
    return first;
  }

  /** One pass over every unresolved order of every kind (the one running is joined). */
  recover(): Promise<void> {
    if (this.recovering) return this.recovering;
    // Cleared only after the assignment: a pass with nothing to do finishes synchronously, and
    // clearing it inside would leave a settled promise behind that every later pass would "join".
    const pass = this.pass();
    this.recovering = pass;
    void pass.finally(() => {
      if (this.recovering === pass) this.recovering = undefined;
    });
    this.track(pass);
    return pass;
  }

  private async pass(): Promise<void> {
    await Promise.resolve();
    // Every answer must be journaled: while the journal cannot write, no call is made (the pass that
    // runs when it can again picks everything up).
    const entries = this.writable().writable ? this.journal.store.openSet() : [];
    for (const entry of entries) {
      if (this.stopped) break;
      if (this.busy.has(entry.k)) continue;
      await this.recoverOne(entry.k, entry.od);
    }
    for (const kind of this.kinds.values()) {
      try {
        kind.afterPass?.();
      } catch (error) {
        log.warn('after-pass step failed', { kind: kind.name, error });
      }
    }
  }

  /** Work one unresolved order now (recovery, 立即查询). False when it was busy or not open. */
  async recoverOne(key: string, od: string): Promise<boolean> {
    if (this.busy.has(key) || this.stopped) return false;
    const records = this.records(key, od);
    const first = records.find((r) => this.kinds.has(r.t));
    if (!first) return false;
    const kind = this.kinds.get(first.t) as OperationKind;
    const state = fold(records);
    if (!state || !derived(state).un) return false;
    this.take(key);
    try {
      await kind.recover(key, od, state);
      return true;
    } catch (error) {
      log.error('recovery step failed; retried on the next pass', { key, kind: kind.name, error });
      return false;
    } finally {
      this.release(key);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    await Promise.allSettled([...this.flows]);
  }
}
