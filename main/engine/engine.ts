/**
 * The transaction engine: the sale screen's state and the public API the IPC handlers use, on the one
 * operations core (main/engine/core/: the order book, the sale kind; pre-auth and Yima register their
 * kinds on the same book). Recovery rules: docs/engine.md.
 *
 * Invariants (NOTES.md §3, §4):
 * - Every request that can move money is preceded by a durable journal record (the intent). If the
 *   intent cannot be written, nothing is sent.
 * - A pay is sent once. Never re-sent automatically, with the same or a new merchantOrderId.
 * - An unknown outcome is queried, then voided; an unknown void leaves the order "needs attention",
 *   retried in the background for as long as it takes.
 * - Recovery works from the journal alone (the payment code is never stored: query / void use the id).
 * - Printing and UI events happen only after the outcome is journaled and never change a transaction.
 */

import type { PosLinkClient } from '../gateway/types.js';
import type { EventHub } from '../ipc/router.js';
import { daysBetween } from '../journal/format.js';
import type { Journal } from '../journal/journal.js';
import { type EcrOrigin, type OrderState, RECORD } from '../journal/records.js';
import type { OrderView } from '../journal/views.js';
import { createLogger } from '../log/logger.js';
import type { Report } from '../reports/types.js';
import type { ScanSource } from '../scanners/types.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { formatFen } from '../shared/money.js';
import { checkPayCode, last4, maskCode } from '../shared/paycode.js';
import { OrderBook } from './core/book.js';
import { MSG, SaleKind } from './core/sale.js';
import { makeId } from './core/wire.js';
import type { SaleState, TxnProgress } from './sale-state.js';

export { makeId };

const log = createLogger('engine');

/** Injected by printing. Called only after the outcome is journaled; failures are logged only. */
export interface PrintPort {
  printOrder(
    merchantOrderId: string,
    opts: { reprint: boolean; copy?: 'customer' | 'merchant' | 'both' },
  ): Promise<string[]>;
  printReport(report: Report): Promise<string[]>;
}

export interface EngineSchedule {
  /** Delay before the first query of an unknown pay. Default 3 000 ms. */
  firstQueryMs: number;
  /** Between queries. Default 5 000 ms. */
  queryEveryMs: number;
  /** While a pay still awaits its reply, read-only queries start after this long. Default 5 000 ms. */
  earlyQueryMs: number;
  /** Background recovery of unresolved orders (every kind). Default 60 000 ms. */
  recoveryEveryMs: number;
  /** Warn about unresolved orders from this many minutes before China midnight. Default 30. */
  dayEndWarnMinutes: number;
}

export interface EngineDeps {
  journal: Journal;
  gateway: PosLinkClient;
  settings: SettingsService;
  operators: OperatorService;
  events: EventHub;
  printer?: PrintPort;
  schedule?: Partial<EngineSchedule>;
  now?: () => number;
  /** Test hook: called at every step boundary with its name (crash tests kill the process here). */
  crashPoint?: (name: CrashPoint) => void;
}

export const CRASH_POINTS = [
  'after-intent', // pay intent durable, request not yet sent
  'after-reply', // reply in hand, outcome not yet journaled
  'after-outcome', // outcome journaled
  'after-query-reply',
  'after-void-intent', // a void (automatic or a manager's) durable, not yet sent
  'after-void-reply', // the void's answer in hand, not yet journaled
  'after-refund-intent', // a refund durable, not yet sent
  'after-refund-reply', // the refund's answer in hand, not yet journaled
  'after-preauth-intent', // a pre-auth complete / void durable, not yet sent
  'after-preauth-reply', // its answer in hand, not yet journaled
  'after-yima-intent', // a Yima refund durable, not yet sent
  'after-yima-reply', // a Yima answer in hand, not yet journaled
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface SaleInput {
  amountFen: number;
  remark?: string;
  ecr?: EcrOrigin;
}

interface Current {
  phase: SaleState['phase'];
  amountFen?: number;
  remark?: string;
  ecr?: EcrOrigin;
  merchantOrderId?: string;
  channel?: SaleState['channel'];
  codeMasked?: string;
  progress?: TxnProgress;
  message?: Bilingual;
  declineCode?: string;
  paidFen?: number;
  /** The answer is in hand but the journal could not take it (the order stays open for recovery). */
  unjournaled?: boolean;
}

const TEXT = {
  busy: { zh: '正在收款，请等待结果', en: 'A payment is in progress: wait for its result' },
  unresolved: {
    zh: '有未确认结果的订单，请先处理或挂起',
    en: 'An order is still unresolved: resolve it or park it first',
  },
  notAwaiting: { zh: '当前没有等待付款码的收款', en: 'No sale is waiting for a payment code' },
  tooMuch: (max: string) => ({ zh: `金额超过上限 ${max}`, en: `Amount above the limit ${max}` }),
} as const;

export class Engine {
  readonly journal: Journal;
  /** The one operations core every kind runs on (pre-auth and Yima register here too). */
  readonly book: OrderBook;
  readonly gateway: PosLinkClient;
  private readonly settings: SettingsService;
  private readonly operators: OperatorService;
  private readonly events: EventHub;
  private printer: PrintPort | undefined;
  readonly schedule: EngineSchedule;
  readonly now: () => number;
  private readonly salesKind: SaleKind;
  /** The crash-point hook, shared with the kinds built on this engine (pre-auth, Yima). */
  readonly crash: (name: CrashPoint) => void;
  private current: Current = { phase: 'idle' };

  readonly sale: {
    begin: (input: SaleInput) => SaleState;
    cancel: () => SaleState;
    reset: () => SaleState;
    park: () => SaleState;
    current: () => SaleState;
    awaitingCode: () => boolean;
    acceptCode: (code: string, source: ScanSource, deviceId: string) => Promise<void>;
  };

  constructor(deps: EngineDeps) {
    this.journal = deps.journal;
    this.gateway = deps.gateway;
    this.settings = deps.settings;
    this.operators = deps.operators;
    this.events = deps.events;
    this.printer = deps.printer;
    this.now = deps.now ?? Date.now;
    this.schedule = {
      firstQueryMs: 3000,
      queryEveryMs: 5000,
      earlyQueryMs: 5000,
      recoveryEveryMs: 60_000,
      dayEndWarnMinutes: 30,
      ...deps.schedule,
    };
    this.book = new OrderBook({
      journal: this.journal,
      events: this.events,
      now: this.now,
      operatorId: () => this.operatorId(),
      recoveryEveryMs: this.schedule.recoveryEveryMs,
    });
    const crash = deps.crashPoint ?? (() => {});
    this.crash = crash;
    this.salesKind = new SaleKind({
      book: this.book,
      gateway: this.gateway,
      settings: this.settings,
      schedule: this.schedule,
      crash: (name) => crash(name as CrashPoint),
      settled: (key, phase, message, declineCode) => this.settled(key, phase, message, declineCode),
      print: (key) => this.print(key),
    });
    this.book.register(this.salesKind);
    this.book.onWritable(() => this.emitSale());
    this.sale = {
      begin: (input) => this.begin(input),
      cancel: () => this.cancel(),
      reset: () => this.reset(),
      park: () => this.park(),
      current: () => this.saleState(),
      awaitingCode: () => this.current.phase === 'awaiting-code',
      acceptCode: (code, source, deviceId) => this.acceptCode(code, source, deviceId),
    };
  }

  setPrinter(printer: PrintPort | undefined): void {
    this.printer = printer;
  }

  /** Recover at once, then every recoveryEveryMs for as long as the engine runs. */
  start(): Promise<void> {
    return this.book.start();
  }

  stop(): Promise<void> {
    return this.book.stop();
  }

  /** Resolves when no flow is running (tests). */
  idle(): Promise<void> {
    return this.book.idle();
  }

  /** One recovery pass over every unresolved order of every kind. */
  recover(): Promise<void> {
    return this.book.recover();
  }

  findOrder(id: string): OrderView | undefined {
    return this.journal.findOrder(id)?.view;
  }

  // ── the sale ─────────────────────────────────────────────────────────────────────────────────

  private begin(input: SaleInput): SaleState {
    if (this.current.phase === 'in-flight') throw new AppError('CONFLICT', TEXT.busy);
    if (this.current.phase === 'needs-attention') throw new AppError('CONFLICT', TEXT.unresolved);
    const health = this.book.writable();
    if (!health.writable) throw new AppError('JOURNAL_UNAVAILABLE', health.problem as Bilingual);
    if (this.blockingUnresolved().length > 0) throw new AppError('CONFLICT', TEXT.unresolved);
    const max = this.settings.get().maxAmountFen;
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
      throw new AppError('BAD_INPUT', { zh: '金额无效', en: 'Invalid amount' });
    }
    if (input.amountFen > max) throw new AppError('BAD_INPUT', TEXT.tooMuch(formatFen(max)));
    this.current = {
      phase: 'awaiting-code',
      amountFen: input.amountFen,
      ...(input.remark ? { remark: input.remark } : {}),
      ...(input.ecr ? { ecr: input.ecr } : {}),
      message: { zh: '请扫描顾客付款码', en: "Scan the customer's payment code" },
    };
    return this.emitSale();
  }

  private cancel(): SaleState {
    if (this.current.phase === 'in-flight') throw new AppError('CONFLICT', TEXT.busy);
    // An answer the journal could not take: the order is open in the journal and recovery settles it,
    // so the screen may be cleared like a park (nothing on it can be lost).
    if (this.current.phase === 'needs-attention' && this.current.unjournaled) return this.park();
    if (this.current.phase === 'needs-attention') throw new AppError('CONFLICT', TEXT.unresolved);
    this.current = { phase: 'idle' };
    return this.emitSale();
  }

  private reset(): SaleState {
    return this.cancel();
  }

  /** Put unresolved orders aside (journaled when the journal takes it): they keep being resolved. */
  private park(): SaleState {
    if (this.current.phase === 'in-flight' && this.current.merchantOrderId) {
      if (this.book.isBusy(this.current.merchantOrderId)) throw new AppError('CONFLICT', TEXT.busy);
    }
    const keys = new Set(this.blockingUnresolved().map((o) => o.view.merchantOrderId));
    if (this.current.merchantOrderId && this.current.phase !== 'idle') keys.add(this.current.merchantOrderId);
    // While the journal cannot write, parking is only the screen's: the orders stay open for recovery.
    const writable = this.book.writable().writable;
    for (const key of writable ? keys : []) {
      const order = this.journal.order(key);
      if (!order || order.parked || !order.view.unresolved) continue;
      try {
        this.book.write(key, order.view.day, { t: 'order.park', d: {} });
      } catch (error) {
        // Parking is a screen matter: the order stays open in the journal and recovery goes on.
        log.warn('park not journaled', { key, error });
      }
    }
    this.current = { phase: 'idle' };
    return this.emitSale();
  }

  /** Unresolved sale orders not parked, other than the one the current sale shows. */
  private blockingUnresolved(): OrderState[] {
    return this.journal
      .unresolved()
      .filter((o) => !o.parked && o.view.merchantOrderId !== this.current.merchantOrderId);
  }

  private async acceptCode(raw: string, _source: ScanSource, _deviceId: string): Promise<void> {
    if (this.current.phase !== 'awaiting-code' || this.current.amountFen === undefined) {
      throw new AppError('CONFLICT', this.current.phase === 'in-flight' ? TEXT.busy : TEXT.notAwaiting);
    }
    const check = checkPayCode(raw);
    if (!check.ok) {
      this.current.message = check.message;
      this.emitSale();
      throw new AppError('BAD_INPUT', check.message);
    }
    const amountFen = this.current.amountFen;
    const settings = this.settings.get();
    // The intent, durable before anything leaves. The id carries the journal sequence of this record.
    const merchantOrderId = makeId('', settings.terminalCode, this.now(), this.journal.nextSeq);
    const od = this.journal.today();
    try {
      this.book.write(merchantOrderId, od, {
        t: 'pay.intent',
        d: {
          amountFen,
          channel: check.channel,
          codeLast4: last4(check.code),
          payMode: 'CODE_SCAN',
          ...(this.current.remark ? { remark: this.current.remark } : {}),
          merchantCode: settings.merchantCode,
          terminalCode: settings.terminalCode,
          ...(this.current.ecr ? { ecr: this.current.ecr } : {}),
        },
      });
    } catch (error) {
      // Nothing was written, so nothing is sent; the sale keeps waiting for a code.
      const message = error instanceof AppError ? error.bilingual : this.book.writable().problem;
      this.current.message = message ?? TEXT.busy;
      this.emitSale();
      throw error;
    }
    this.current = {
      phase: 'in-flight',
      amountFen,
      ...(this.current.ecr ? { ecr: this.current.ecr } : {}),
      merchantOrderId,
      channel: check.channel,
      codeMasked: maskCode(check.code),
    };
    this.progress(merchantOrderId, 'pay', 'journaled', { zh: '已记录，正在发送', en: 'Journaled, sending' });
    this.crash('after-intent');
    this.book.spawn(merchantOrderId, () =>
      this.salesKind.pay(merchantOrderId, od, {
        code: check.code,
        amountFen,
        terminalCode: settings.terminalCode,
        merchantCode: settings.merchantCode,
      }),
    );
  }

  /** The sale kind settled an order: update the screen when it shows that order. */
  private settled(key: string, phase: SaleState['phase'], message: Bilingual, declineCode?: string): void {
    if (this.current.merchantOrderId !== key) return;
    const order = this.journal.order(key);
    this.current = {
      ...this.current,
      phase,
      message,
      ...(declineCode ? { declineCode } : {}),
      ...(order?.view.paidFen !== undefined && phase === 'paid' ? { paidFen: order.view.paidFen } : {}),
      unjournaled: message === MSG.unjournaled,
    };
    this.emitSale();
  }

  // ── recovery, void and refund (manager PIN) ────────────────────────────────────────────────

  /** orders.resolve: work one order now. */
  async resolveNow(id: string): Promise<OrderView> {
    const order = this.journal.findOrder(id);
    if (!order) throw notFound(id);
    await this.book.recoverOne(order.view.merchantOrderId, order.view.day);
    return (this.journal.order(order.view.merchantOrderId, order.view.day) ?? order).view;
  }

  async voidOrder(input: {
    merchantOrderId: string;
    pin: string;
    reason?: string;
    /** A manager id the ECR link's API approval stands for, instead of a PIN typed here. */
    approvedBy?: string;
  }): Promise<OrderState> {
    const { manager, order, key, od } = await this.managerOrder(input);
    if (
      order.view.status !== 'paid' ||
      order.view.unresolved ||
      order.view.refundedFen > 0 ||
      order.refunds.length > 0
    ) {
      throw new AppError('CONFLICT', {
        zh: '只有已支付且未退款的订单可以撤销',
        en: 'Only a paid order with no refund can be voided',
      });
    }
    if (od !== this.journal.today()) {
      throw new AppError('FORBIDDEN', {
        zh: '撤销只限当天订单，请改用退款',
        en: 'Void is same-day only: use a refund',
      });
    }
    await this.book.hold(key, () => this.salesKind.managerVoid(key, od, manager.id, input.reason));
    return this.journal.order(key, od) as OrderState;
  }

  async refundOrder(input: {
    merchantOrderId: string;
    amountFen: number;
    pin: string;
    reason?: string;
    approvedBy?: string;
  }): Promise<OrderState> {
    const { manager, order, key, od } = await this.managerOrder(input);
    if (order.refunds.some((r) => r.status === 'pending' || r.status === 'unknown')) {
      throw new AppError('CONFLICT', {
        zh: '上一笔退款结果未确认，请先查询',
        en: 'The previous refund is still unconfirmed: resolve it first',
      });
    }
    if (order.view.status !== 'paid' && order.view.status !== 'partially-refunded') {
      throw new AppError('CONFLICT', {
        zh: '只有已支付的订单可以退款',
        en: 'Only a paid order can be refunded',
      });
    }
    if (daysBetween(od, this.journal.today()) > 30) {
      throw new AppError('FORBIDDEN', { zh: '退款只限 30 天内的订单', en: 'Refunds are limited to 30 days' });
    }
    const refundable = order.view.refundableFen;
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1 || input.amountFen > refundable) {
      throw new AppError('BAD_INPUT', {
        zh: `退款金额不能超过可退金额 ${formatFen(refundable)}`,
        en: `The refund cannot exceed the refundable ${formatFen(refundable)}`,
      });
    }
    const refundRequestId = makeId('R', this.settings.get().terminalCode, this.now(), this.journal.nextSeq);
    await this.book.hold(key, () =>
      this.salesKind.refund(key, od, {
        refundRequestId,
        amountFen: input.amountFen,
        managerId: manager.id,
        ...(input.reason ? { reason: input.reason } : {}),
      }),
    );
    return this.journal.order(key, od) as OrderState;
  }

  /** A manager's operation on one order: the PIN checked, the order found and not being worked on. */
  private async managerOrder(input: { merchantOrderId: string; pin: string; approvedBy?: string }) {
    const manager = input.approvedBy
      ? { id: input.approvedBy }
      : await this.operators.requireManager(input.pin);
    const order = this.journal.findOrder(input.merchantOrderId);
    if (!order) throw notFound(input.merchantOrderId);
    const key = order.view.merchantOrderId;
    if (this.book.isBusy(key))
      throw new AppError('CONFLICT', { zh: '该订单正在处理中', en: 'This order is being worked on' });
    const health = this.book.writable();
    if (!health.writable) throw new AppError('JOURNAL_UNAVAILABLE', health.problem as Bilingual);
    return { manager, order, key, od: order.view.day };
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private operatorId(): string {
    // Recovery runs from start-up, before anyone signs in: its records name the system.
    try {
      return this.operators.current().id;
    } catch {
      return 'system';
    }
  }

  private print(key: string): void {
    const printer = this.printer;
    if (!printer) return;
    void printer
      .printOrder(key, { reprint: false })
      .catch((error: unknown) => log.warn('receipt not printed (the transaction stands)', { key, error }));
  }

  private progress(
    key: string,
    operation: TxnProgress['operation'],
    step: TxnProgress['step'],
    message: Bilingual,
  ) {
    const progress = this.book.progress(key, operation, step, message);
    if (this.current.merchantOrderId === key && this.current.phase === 'in-flight') {
      this.current.progress = progress;
      this.current.message = message;
      this.emitSale();
    }
  }

  saleState(): SaleState {
    const c = this.current;
    return {
      phase: c.phase,
      ...(c.amountFen !== undefined ? { amountFen: c.amountFen } : {}),
      ...(c.merchantOrderId ? { merchantOrderId: c.merchantOrderId } : {}),
      ...(c.channel ? { channel: c.channel } : {}),
      ...(c.codeMasked ? { codeMasked: c.codeMasked } : {}),
      ...(c.progress ? { progress: c.progress } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.declineCode ? { declineCode: c.declineCode } : {}),
      ...(c.paidFen !== undefined ? { paidFen: c.paidFen } : {}),
      ...(c.ecr ? { ecr: { ecrId: c.ecr.ecrId, ...(c.ecr.ref ? { ref: c.ecr.ref } : {}) } } : {}),
      unresolvedCount: this.blockingUnresolved().length,
      updatedAt: new Date(this.now()).toISOString(),
    };
  }

  private emitSale(): SaleState {
    const state = this.saleState();
    this.book.emit((events) => events.emit('sale.state', state));
    return state;
  }
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', { zh: `找不到订单 ${id}`, en: `No such order: ${id}` });
}

export { MSG, RECORD };
