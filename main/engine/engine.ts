/**
 * The transaction engine: pay, query, void, refund, recovery (pre-auth lives in preauth.ts).
 *
 * Invariants (NOTES.md §3, §4):
 * - Every request that can move money is preceded by a durable journal record (the intent). If the
 *   intent cannot be written, nothing is sent.
 * - A pay is sent once. Never re-sent automatically, with the same or a new merchantOrderId.
 * - An unknown outcome is queried (first after ~3 s, then every ~5 s, until settings.queryDeadlineSeconds),
 *   then voided; an unknown void leaves the order "needs attention", retried in the background.
 * - Recovery works from the journal alone (the payment code is never stored: query / void use the id).
 * - Printing and UI events happen only after the outcome is journaled and never change a transaction.
 */

import { interpretQuery, NOT_FOUND_CODES } from '../gateway/codes.js';
import type { CallResult, PosLinkClient, QueryInterpretation } from '../gateway/types.js';
import type { EventHub } from '../ipc/router.js';
import { chinaDay, chinaStamp, daysBetween } from '../journal/format.js';
import type { Journal } from '../journal/journal.js';
import { type OrderState, RECORD, type ReplyFields } from '../journal/records.js';
import type { OrderView } from '../journal/views.js';
import { createLogger } from '../log/logger.js';
import type { Report } from '../reports/types.js';
import type { ScanSource } from '../scanners/types.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { checkPayCode, last4, maskCode } from '../shared/paycode.js';
import type { SaleState, TxnProgress } from './sale-state.js';

const log = createLogger('engine');

/** Injected by printing (issue 6). Called only after the outcome is journaled; failures are logged only. */
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
  /** Background recovery of unresolved orders. Default 60 000 ms. */
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
  /**
   * Test hook: called at every step boundary with its name (crash tests kill the process here).
   * See CRASH_POINTS.
   */
  crashPoint?: (name: CrashPoint) => void;
}

export const CRASH_POINTS = [
  'after-intent', // pay intent durable, request not yet sent
  'after-reply', // reply in hand, outcome not yet journaled
  'after-outcome', // outcome journaled
  'after-query-reply',
  'after-void-intent', // a void (automatic or a manager's) durable, not yet sent
  'after-void-reply', // the void's answer in hand, not yet journaled
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

interface Current {
  phase: SaleState['phase'];
  amountFen?: number;
  remark?: string;
  merchantOrderId?: string;
  channel?: SaleState['channel'];
  codeMasked?: string;
  progress?: TxnProgress;
  message?: Bilingual;
  declineCode?: string;
  paidFen?: number;
}

const MSG = {
  busy: { zh: '正在收款，请等待结果', en: 'A payment is in progress: wait for its result' },
  unresolved: {
    zh: '有未确认结果的订单，请先处理或挂起',
    en: 'An order is still unresolved: resolve it or park it first',
  },
  notAwaiting: { zh: '当前没有等待付款码的收款', en: 'No sale is waiting for a payment code' },
  tooMuch: (max: string) => ({ zh: `金额超过上限 ${max}`, en: `Amount above the limit ${max}` }),
  paid: { zh: '支付成功', en: 'Paid' },
  voided: { zh: '结果未知，已撤销，未扣款', en: 'Outcome unknown: voided, nothing charged' },
  attention: {
    zh: '支付结果未知且撤销未确认：请勿重复收款，联系银联商务核实',
    en: 'Outcome unknown and the void is unconfirmed: do not charge again; check with ChinaUMS',
  },
  crossDay: {
    zh: '跨日订单无法查询，请人工核对',
    en: 'A previous-day order cannot be queried: check it by hand',
  },
} as const;

export class Engine {
  readonly journal: Journal;
  private readonly gateway: PosLinkClient;
  private readonly settings: SettingsService;
  private readonly operators: OperatorService;
  private readonly events: EventHub;
  private printer: PrintPort | undefined;
  private readonly schedule: EngineSchedule;
  private readonly now: () => number;
  private readonly crash: (name: CrashPoint) => void;
  /** Every order record goes through here: journaled, then 'orders.changed'. */
  private readonly writeOrder: OrderWriter;
  private current: Current = { phase: 'idle' };
  /** Orders an async flow is working on: recovery leaves them alone. */
  private readonly busy = new Set<string>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private lastDayEndWarning = 0;
  private stopped = false;
  /** Flows in progress (tests await `idle()`). */
  private readonly flows = new Set<Promise<unknown>>();

  readonly sale: {
    begin: (input: { amountFen: number; remark?: string }) => SaleState;
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
    this.writeOrder = orderWriter(this.journal, this.operatorId.bind(this), (key, st) =>
      this.events.emit('orders.changed', { merchantOrderId: key, status: st as OrderView['status'] }),
    );
    this.printer = deps.printer;
    this.now = deps.now ?? Date.now;
    this.crash = deps.crashPoint ?? (() => {});
    this.schedule = {
      firstQueryMs: 3000,
      queryEveryMs: 5000,
      recoveryEveryMs: 60_000,
      dayEndWarnMinutes: 30,
      ...deps.schedule,
    };
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

  /** Recover at once, then every recoveryEveryMs. */
  start(): Promise<void> {
    this.recoveryTimer = setInterval(() => void this.recover(), this.schedule.recoveryEveryMs);
    this.recoveryTimer.unref?.();
    return this.recover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    await Promise.allSettled([...this.flows]);
  }

  /** Resolves when no flow is running (tests). */
  async idle(): Promise<void> {
    while (this.flows.size > 0) await Promise.allSettled([...this.flows]);
  }

  findOrder(id: string): OrderView | undefined {
    return this.journal.findOrder(id)?.view;
  }

  // ── the sale ─────────────────────────────────────────────────────────────────────────────────

  private begin(input: { amountFen: number; remark?: string }): SaleState {
    if (this.current.phase === 'in-flight') throw new AppError('CONFLICT', MSG.busy);
    if (this.blockingUnresolved().length > 0) throw new AppError('CONFLICT', MSG.unresolved);
    const max = this.settings.get().maxAmountFen;
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
      throw new AppError('BAD_INPUT', { zh: '金额无效', en: 'Invalid amount' });
    }
    if (input.amountFen > max) {
      throw new AppError('BAD_INPUT', MSG.tooMuch(`¥${(max / 100).toFixed(2)}`));
    }
    this.current = {
      phase: 'awaiting-code',
      amountFen: input.amountFen,
      ...(input.remark ? { remark: input.remark } : {}),
      message: { zh: '请扫描顾客付款码', en: "Scan the customer's payment code" },
    };
    return this.emitSale();
  }

  private cancel(): SaleState {
    if (this.current.phase === 'in-flight') throw new AppError('CONFLICT', MSG.busy);
    if (this.current.phase === 'needs-attention') throw new AppError('CONFLICT', MSG.unresolved);
    this.current = { phase: 'idle' };
    return this.emitSale();
  }

  private reset(): SaleState {
    if (this.current.phase === 'in-flight') throw new AppError('CONFLICT', MSG.busy);
    if (this.current.phase === 'needs-attention') throw new AppError('CONFLICT', MSG.unresolved);
    this.current = { phase: 'idle' };
    return this.emitSale();
  }

  /** Put unresolved orders aside (journaled): they keep being resolved in the background. */
  private park(): SaleState {
    const keys = new Set(this.blockingUnresolved().map((o) => o.view.merchantOrderId));
    if (
      this.current.merchantOrderId &&
      (this.current.phase === 'in-flight' || this.current.phase === 'needs-attention')
    ) {
      keys.add(this.current.merchantOrderId);
    }
    for (const key of keys) {
      const order = this.journal.order(key);
      if (!order || order.parked) continue;
      this.journal.write({ t: RECORD.park, k: key, od: order.view.day, op: this.operatorId(), d: {} });
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
      throw new AppError('CONFLICT', this.current.phase === 'in-flight' ? MSG.busy : MSG.notAwaiting);
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
    const seq = this.journal.nextSeq;
    const merchantOrderId = makeId('', settings.terminalCode, this.now(), seq);
    this.journal.write({
      t: RECORD.payIntent,
      k: merchantOrderId,
      op: this.operatorId(),
      st: 'pending',
      un: true,
      d: {
        amountFen,
        channel: check.channel,
        codeLast4: last4(check.code),
        payMode: 'CODE_SCAN',
        ...(this.current.remark ? { remark: this.current.remark } : {}),
        merchantCode: settings.merchantCode,
        terminalCode: settings.terminalCode,
      },
    });
    this.current = {
      phase: 'in-flight',
      amountFen,
      merchantOrderId,
      channel: check.channel,
      codeMasked: maskCode(check.code),
    };
    this.progress(merchantOrderId, 'pay', 'journaled', { zh: '已记录，正在发送', en: 'Journaled, sending' });
    this.crash('after-intent');
    this.busy.add(merchantOrderId);
    const flow = this.payFlow(
      merchantOrderId,
      check.code,
      amountFen,
      settings.terminalCode,
      settings.merchantCode,
    )
      .catch((error: unknown) => log.error('pay flow failed', { merchantOrderId, error }))
      .finally(() => this.busy.delete(merchantOrderId));
    this.track(flow);
  }

  private async payFlow(
    merchantOrderId: string,
    code: string,
    amountFen: number,
    terminalCode: string,
    merchantCode: string,
  ): Promise<void> {
    this.progress(merchantOrderId, 'pay', 'sending', { zh: '正在发送支付请求', en: 'Sending the payment' });
    const startedAt = this.now();
    const result = await this.gateway.pay({
      merchantOrderId,
      transactionAmount: amountFen,
      payCode: code,
      terminalCode,
      merchantCode,
    });
    this.crash('after-reply');
    const reply = replyFields(result, (b) => ({
      orderId: b.orderId,
      paidFen: b.amount ?? b.actualTransactionAmount ?? b.transactionAmount,
      discountFen: b.totalDiscountAmount,
      retrievalRefNum: b.retrievalRefNum,
      thirdPartyName: b.thirdPartyName,
    }));
    const order = this.journal.order(merchantOrderId);
    const od = order?.view.day ?? chinaDay(startedAt);
    if (reply.outcome === 'ok') {
      this.writeOrder(merchantOrderId, od, RECORD.payReply, 'paid', false, { ...reply });
      this.crash('after-outcome');
      this.finishSale(merchantOrderId, 'paid', MSG.paid);
      this.print(merchantOrderId);
      return;
    }
    if (reply.outcome === 'declined') {
      const meaning = result.outcome === 'declined' ? result.meaning : undefined;
      const message = meaning ?? { zh: reply.errInfo ?? '支付失败', en: reply.errInfo ?? 'Declined' };
      this.writeOrder(merchantOrderId, od, RECORD.payReply, 'declined', false, { ...reply, message });
      this.crash('after-outcome');
      this.finishSale(merchantOrderId, 'declined', message, reply.errCode);
      return;
    }
    this.writeOrder(merchantOrderId, od, RECORD.payReply, 'unknown', true, { ...reply });
    this.crash('after-outcome');
    if (looksLikeWaitingPassword(`${reply.errInfo ?? ''} ${result.raw ?? ''}`)) {
      this.progress(merchantOrderId, 'pay', 'waiting-password', {
        zh: '顾客正在手机上输入密码确认',
        en: 'The customer is confirming with a password on the phone',
      });
    }
    await this.resolveUnknown(
      merchantOrderId,
      od,
      startedAt + this.settings.get().queryDeadlineSeconds * 1000,
    );
  }

  /** Query until the deadline, then void. */
  private async resolveUnknown(key: string, od: string, deadline: number): Promise<void> {
    const { firstQueryMs, queryEveryMs } = this.schedule;
    const total = Math.max(
      1,
      1 + Math.floor(Math.max(0, deadline - this.now() - firstQueryMs) / queryEveryMs),
    );
    await this.sleep(firstQueryMs);
    // Always query at least once, even when the pay's own timeout ran past the deadline: the query may
    // show the charge settled either way, and then no void is needed (query first, then void).
    for (
      let attempt = 1;
      !this.stopped && attempt <= total + 1 && (attempt === 1 || this.now() < deadline);
      attempt += 1
    ) {
      this.progress(
        key,
        'pay',
        'querying',
        { zh: `正在查询结果 ${attempt}/${total}`, en: `Querying ${attempt}/${total}` },
        attempt,
        total,
      );
      const q = await this.queryOnce(key, od, attempt, total);
      if (q === 'resolved' || this.stopped) return;
      if (q === 'waiting-password') {
        this.progress(key, 'pay', 'waiting-password', {
          zh: '顾客正在手机上确认支付',
          en: 'The customer is confirming on the phone',
        });
      }
      if (this.now() + queryEveryMs >= deadline) break;
      await this.sleep(queryEveryMs);
    }
    if (this.stopped) return;
    await this.autoVoid(key, od);
  }

  /** One query of an unknown pay: journals the reply; 'resolved' when it settled the order. */
  private async queryOnce(
    key: string,
    od: string,
    attempt: number,
    of: number,
  ): Promise<'resolved' | 'pending' | 'waiting-password'> {
    const result = await this.gateway.query({ merchantOrderId: key });
    const q = interpretQuery(result);
    this.crash('after-query-reply');
    const base = { attempt, of, ...replyFields(result, () => ({})), ...queryFields(q) };
    const settled = this.settleFromQuery(key, od, q, base);
    if (settled) return 'resolved';
    return looksLikeWaitingPassword(`${q.description ?? ''} ${result.raw ?? ''}`)
      ? 'waiting-password'
      : 'pending';
  }

  /** Apply a definite query answer; returns false when it is not definite. */
  private settleFromQuery(
    key: string,
    od: string,
    q: QueryInterpretation,
    data: Record<string, unknown>,
  ): boolean {
    switch (q.state) {
      case 'paid':
        this.writeOrder(key, od, RECORD.queryReply, 'paid', false, { ...data, outcome: 'ok' });
        this.finishSale(key, 'paid', MSG.paid);
        this.print(key);
        return true;
      case 'failed':
        this.writeOrder(key, od, RECORD.queryReply, 'declined', false, {
          ...data,
          outcome: 'declined',
          message: {
            zh: `支付失败 ${q.description ?? ''}`.trim(),
            en: `Payment failed ${q.description ?? ''}`.trim(),
          },
        });
        this.finishSale(key, 'declined', { zh: '支付失败，未扣款', en: 'Payment failed: nothing charged' });
        return true;
      case 'voided':
      case 'reversed':
        this.writeOrder(key, od, RECORD.queryReply, 'voided', false, { ...data, outcome: 'ok' });
        this.finishSale(key, 'voided', MSG.voided);
        return true;
      case 'refunded':
        this.writeOrder(key, od, RECORD.queryReply, 'refunded', false, { ...data, outcome: 'ok' });
        this.finishSale(key, 'paid', { zh: '订单已退款', en: 'The order was refunded' });
        return true;
      default:
        this.writeOrder(key, od, RECORD.queryReply, this.statusOf(key) ?? 'unknown', true, {
          ...data,
          outcome: 'unknown',
        });
        return false;
    }
  }

  private async autoVoid(key: string, od: string): Promise<void> {
    this.progress(key, 'pay', 'voiding', { zh: '结果未知，正在撤销', en: 'Outcome unknown: voiding' });
    this.writeOrder(key, od, RECORD.voidIntent, 'unknown', true, { auto: true });
    this.crash('after-void-intent');
    const result = await this.gateway.voidPayment({ merchantOrderId: key });
    this.crash('after-void-reply');
    const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
    if (reply.outcome === 'ok') {
      this.writeOrder(key, od, RECORD.voidReply, 'voided', false, {
        ...reply,
        auto: true,
        message: MSG.voided,
      });
      this.finishSale(key, 'voided', MSG.voided);
      return;
    }
    if (reply.outcome === 'declined' && reply.errCode && NOT_FOUND_CODES.has(reply.errCode)) {
      // The gateway does not know the order: the pay never arrived. Confirm with one query.
      this.writeOrder(key, od, RECORD.voidReply, 'unknown', true, { ...reply, auto: true });
      const q = interpretQuery(await this.gateway.query({ merchantOrderId: key }));
      if (q.state === 'not-found') {
        const message = { zh: '网关无此订单，未扣款', en: 'The gateway has no such order: nothing charged' };
        this.writeOrder(key, od, RECORD.queryReply, 'declined', false, {
          ...queryFields(q),
          outcome: 'declined',
          message,
        });
        this.finishSale(key, 'declined', message);
        return;
      }
      if (this.settleFromQuery(key, od, q, queryFields(q)) && q.state !== 'paid') return;
    } else {
      this.writeOrder(key, od, RECORD.voidReply, 'needs-attention', true, {
        ...reply,
        auto: true,
        message: MSG.attention,
      });
    }
    if (this.statusOf(key) === 'paid') {
      // A late "paid" answer after we decided to void: void again in the background, cashier warned.
      this.writeOrder(key, od, RECORD.mark, 'needs-attention', true, { message: MSG.attention });
    } else if (this.statusOf(key) !== 'needs-attention') {
      this.writeOrder(key, od, RECORD.mark, 'needs-attention', true, { message: MSG.attention });
    }
    this.finishSale(key, 'needs-attention', MSG.attention);
  }

  // ── recovery ─────────────────────────────────────────────────────────────────────────────────

  /** Work every unresolved order once (start, timer, orders.resolve). Never re-sends a pay. */
  recover(): Promise<void> {
    if (this.recovering) return this.recovering;
    this.recovering = (async () => {
      try {
        for (const order of this.journal.unresolved()) {
          if (this.stopped) break;
          if (this.busy.has(order.view.merchantOrderId)) continue;
          await this.resolveOrder(order).catch((error: unknown) =>
            log.error('recovery step failed', { key: order.view.merchantOrderId, error }),
          );
        }
        this.warnDayEnd();
      } finally {
        this.recovering = undefined;
      }
    })();
    this.track(this.recovering);
    return this.recovering;
  }

  /** orders.resolve: work one order now. */
  async resolveNow(id: string): Promise<OrderView> {
    const order = this.journal.findOrder(id);
    if (!order) throw notFound(id);
    if (order.view.unresolved && !this.busy.has(order.view.merchantOrderId)) await this.resolveOrder(order);
    return (this.journal.order(order.view.merchantOrderId, order.view.day) ?? order).view;
  }

  private async resolveOrder(order: OrderState): Promise<void> {
    const key = order.view.merchantOrderId;
    const od = order.view.day;
    this.busy.add(key);
    try {
      // An unresolved refund: query it with the same refundRequestId, never a new refund.
      for (const refund of order.refunds.filter((r) => r.status === 'pending' || r.status === 'unknown')) {
        await this.queryRefund(order, refund.refundRequestId, refund.amountFen);
      }
      const lastVoid = [...order.records].reverse().find((r) => r.t === RECORD.voidIntent);
      const voidOpen =
        lastVoid &&
        !order.records.some((r) => r.s > lastVoid.s && r.t === RECORD.voidReply && r.un === false);
      const status = order.view.status;
      if (status === 'paid' && voidOpen && lastVoid?.d.auto !== true) {
        // A manager's void left unknown: did it happen?
        const q = interpretQuery(await this.gateway.query({ merchantOrderId: key }));
        if (q.state === 'voided' || q.state === 'reversed') {
          this.writeOrder(key, od, RECORD.voidReply, 'voided', false, {
            ...queryFields(q),
            outcome: 'ok',
            auto: false,
            amountFen: order.view.paidFen ?? order.view.amountFen,
            channel: order.view.channel,
            payMode: order.view.payMode,
          });
        } else if (q.state === 'paid') {
          this.writeOrder(key, od, RECORD.voidReply, 'paid', false, {
            ...queryFields(q),
            outcome: 'declined',
            auto: false,
            message: {
              zh: '撤销未生效，订单仍为已支付',
              en: 'The void did not happen: the order is still paid',
            },
          });
        }
        return;
      }
      if (
        !['pending', 'unknown', 'needs-attention'].includes(status) &&
        !(status === 'paid' && order.view.unresolved)
      ) {
        return;
      }
      if (status === 'paid') {
        // Paid but flagged (a late "paid" after we decided to void): void it.
        await this.autoVoid(key, od);
        return;
      }
      const crossDay = od !== this.journal.today();
      const result = await this.gateway.query({ merchantOrderId: key });
      const q = interpretQuery(result);
      const data = {
        attempt: 0,
        of: 0,
        recovery: true,
        ...replyFields(result, () => ({})),
        ...queryFields(q),
      };
      if (q.state === 'paid' && voidOpen) {
        // We had decided to void (deadline passed): the gateway says paid → void again.
        this.writeOrder(key, od, RECORD.queryReply, 'needs-attention', true, { ...data, outcome: 'unknown' });
        await this.autoVoid(key, od);
        return;
      }
      if (q.state === 'not-found' && voidOpen) {
        const message = { zh: '网关无此订单，未扣款', en: 'The gateway has no such order: nothing charged' };
        this.writeOrder(key, od, RECORD.queryReply, 'declined', false, {
          ...data,
          outcome: 'declined',
          message,
        });
        this.finishSale(key, 'declined', message);
        return;
      }
      if (this.settleFromQuery(key, od, q, data)) return;
      if (crossDay) {
        if (status !== 'needs-attention') {
          this.writeOrder(key, od, RECORD.mark, 'needs-attention', true, { message: MSG.crossDay });
        }
        return;
      }
      const deadline = Date.parse(order.view.createdAt) + this.settings.get().queryDeadlineSeconds * 1000;
      if (this.now() >= deadline || status === 'needs-attention') {
        await this.autoVoid(key, od);
      } else {
        // Before the deadline (a restart moments after a crash): the same schedule as a live pay.
        await this.resolveUnknown(key, od, deadline);
      }
    } finally {
      this.busy.delete(key);
      this.events.emit('orders.changed', {
        merchantOrderId: key,
        status: this.statusOf(key) ?? 'unknown',
      } as never);
    }
  }

  private warnDayEnd(): void {
    const now = this.now();
    const minutesLeft = (86_400_000 - ((now + 8 * 3600_000) % 86_400_000)) / 60_000;
    if (minutesLeft > this.schedule.dayEndWarnMinutes) return;
    if (now - this.lastDayEndWarning < 10 * 60_000) return;
    const today = this.journal.today();
    const count = this.journal.unresolved().filter((o) => o.view.day === today).length;
    if (count === 0) return;
    this.lastDayEndWarning = now;
    this.events.emit('app.notice', {
      level: 'warning',
      message: {
        zh: `今天还有 ${count} 笔订单结果未确认，午夜后将无法查询，请尽快处理`,
        en: `${count} order(s) today are still unresolved; they cannot be queried after midnight: resolve them now`,
      },
      at: new Date(now).toISOString(),
    });
  }

  // ── void and refund (manager PIN) ──────────────────────────────────────────────────────────

  async voidOrder(input: { merchantOrderId: string; pin: string; reason?: string }): Promise<OrderState> {
    const { manager, order, key, od } = await this.managerOrder(input);
    if (order.view.status !== 'paid' || order.view.unresolved || order.view.refundedFen > 0) {
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
    const common = { auto: false, ...moneyFields(order, order.view.paidFen ?? order.view.amountFen) };
    return this.holding(key, od, async () => {
      this.writeOrder(key, od, RECORD.voidIntent, 'paid', true, {
        ...common,
        managerId: manager.id,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      this.crash('after-void-intent');
      this.progress(key, 'void', 'sending', { zh: '正在撤销', en: 'Voiding' });
      const result = await this.gateway.voidPayment({
        merchantOrderId: key,
        ...(order.view.orderId ? { originalOrderId: order.view.orderId } : {}),
        ...(input.reason ? { merchantRemark: input.reason.slice(0, 50) } : {}),
      });
      this.crash('after-void-reply');
      const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
      if (reply.outcome === 'ok') {
        this.writeOrder(key, od, RECORD.voidReply, 'voided', false, { ...reply, ...common });
        this.print(key);
      } else if (reply.outcome === 'declined') {
        this.writeOrder(key, od, RECORD.voidReply, 'paid', false, { ...reply, ...common });
      } else {
        this.writeOrder(key, od, RECORD.voidReply, 'paid', true, { ...reply, ...common });
      }
      this.progress(key, 'void', 'resolved', { zh: `撤销：${reply.outcome}`, en: `Void: ${reply.outcome}` });
    });
  }

  async refundOrder(input: {
    merchantOrderId: string;
    amountFen: number;
    pin: string;
    reason?: string;
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
    if (
      !Number.isSafeInteger(input.amountFen) ||
      input.amountFen < 1 ||
      input.amountFen > order.view.refundableFen
    ) {
      throw new AppError('BAD_INPUT', {
        zh: `退款金额不能超过可退金额 ¥${(order.view.refundableFen / 100).toFixed(2)}`,
        en: `The refund cannot exceed the refundable ¥${(order.view.refundableFen / 100).toFixed(2)}`,
      });
    }
    const refundRequestId = makeId('R', this.settings.get().terminalCode, this.now(), this.journal.nextSeq);
    const common = { refundRequestId, ...moneyFields(order, input.amountFen) };
    return this.holding(key, od, async () => {
      this.writeOrder(key, od, RECORD.refundIntent, order.view.status, true, {
        ...common,
        managerId: manager.id,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      this.progress(key, 'refund', 'sending', { zh: '正在退款', en: 'Refunding' });
      const result = await this.gateway.refund({
        merchantOrderId: key,
        ...(order.view.orderId ? { originalOrderId: order.view.orderId } : {}),
        refundRequestId,
        transactionAmount: input.amountFen,
        ...(input.reason ? { merchantRemark: input.reason.slice(0, 50) } : {}),
      });
      const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
      const after = this.journal.order(key, od) as OrderState;
      if (reply.outcome === 'ok') {
        this.writeOrder(key, od, RECORD.refundReply, refundedStatus(after, input.amountFen), false, {
          ...reply,
          ...common,
        });
        this.print(key);
      } else {
        this.writeOrder(key, od, RECORD.refundReply, after.view.status, reply.outcome === 'unknown', {
          ...reply,
          ...common,
        });
        if (reply.outcome === 'unknown') {
          // Query with the same refundRequestId, a few times now; recovery keeps going after that.
          for (let i = 0; i < 3 && !this.stopped; i += 1) {
            await this.sleep(i === 0 ? this.schedule.firstQueryMs : this.schedule.queryEveryMs);
            const current = this.journal.order(key, od) as OrderState;
            if (await this.queryRefund(current, refundRequestId, input.amountFen)) break;
          }
        }
      }
      this.progress(key, 'refund', 'resolved', {
        zh: `退款：${reply.outcome}`,
        en: `Refund: ${reply.outcome}`,
      });
    });
  }

  /** Query one refund by its refundRequestId; true when settled. */
  private async queryRefund(order: OrderState, refundRequestId: string, amountFen: number): Promise<boolean> {
    const key = order.view.merchantOrderId;
    const od = order.view.day;
    const result = await this.gateway.queryRefund({ merchantOrderId: key, refundRequestId });
    const common = { refundRequestId, ...moneyFields(order, amountFen) };
    const reply = replyFields(result, () => ({}));
    if (result.outcome === 'ok') {
      const code = result.body.queryResCode?.trim();
      if (code === '00') {
        this.writeOrder(key, od, RECORD.refundQueryReply, refundedStatus(order, amountFen), false, {
          ...reply,
          ...common,
          outcome: 'ok',
          queryResCode: code,
        });
        return true;
      }
      if (code) {
        this.writeOrder(key, od, RECORD.refundQueryReply, order.view.status, false, {
          ...reply,
          ...common,
          outcome: 'declined',
          queryResCode: code,
          errInfo: result.body.queryResInfo ?? code,
        });
        return true;
      }
    }
    if (result.outcome === 'declined' && NOT_FOUND_CODES.has(result.errCode)) {
      this.writeOrder(key, od, RECORD.refundQueryReply, order.view.status, false, {
        ...reply,
        ...common,
        outcome: 'declined',
      });
      return true;
    }
    this.writeOrder(key, od, RECORD.refundQueryReply, order.view.status, true, {
      ...reply,
      ...common,
      outcome: 'unknown',
    });
    return false;
  }

  /** A manager's operation on one order: the PIN checked, the order found and not being worked on. */
  private async managerOrder(input: { merchantOrderId: string; pin: string }) {
    const manager = await this.operators.requireManager(input.pin);
    const order = this.journal.findOrder(input.merchantOrderId);
    if (!order) throw notFound(input.merchantOrderId);
    const key = order.view.merchantOrderId;
    if (this.busy.has(key))
      throw new AppError('CONFLICT', { zh: '该订单正在处理中', en: 'This order is being worked on' });
    return { manager, order, key, od: order.view.day };
  }

  /** Run `work` with the order held busy (recovery leaves it alone); then the order as journaled. */
  private async holding(key: string, od: string, work: () => Promise<void>): Promise<OrderState> {
    this.busy.add(key);
    try {
      await work();
    } finally {
      this.busy.delete(key);
    }
    return this.journal.order(key, od) as OrderState;
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private operatorId(): string {
    return this.operators.current().id;
  }

  private statusOf(key: string): OrderView['status'] | undefined {
    return this.journal.order(key)?.view.status;
  }

  private finishSale(key: string, phase: SaleState['phase'], message: Bilingual, declineCode?: string): void {
    this.progress(key, 'pay', 'resolved', message);
    if (this.current.merchantOrderId !== key) return;
    const order = this.journal.order(key);
    this.current = {
      ...this.current,
      phase,
      message,
      ...(declineCode ? { declineCode } : {}),
      ...(order?.view.paidFen !== undefined && phase === 'paid' ? { paidFen: order.view.paidFen } : {}),
    };
    this.emitSale();
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
    attempt?: number,
    of?: number,
  ): void {
    const progress: TxnProgress = {
      merchantOrderId: key,
      operation,
      step,
      message,
      at: new Date(this.now()).toISOString(),
      ...(attempt !== undefined ? { attempt } : {}),
      ...(of !== undefined ? { of } : {}),
    };
    this.safeEmit(() => this.events.emit('txn.progress', progress));
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
      unresolvedCount: this.blockingUnresolved().length,
      updatedAt: new Date(this.now()).toISOString(),
    };
  }

  private emitSale(): SaleState {
    const state = this.saleState();
    this.safeEmit(() => this.events.emit('sale.state', state));
    return state;
  }

  private safeEmit(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      log.warn('event not sent', { error });
    }
  }

  private sleep(ms: number): Promise<void> {
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

  private track(flow: Promise<unknown>): void {
    this.flows.add(flow);
    void flow.finally(() => this.flows.delete(flow));
  }
}

/** Journals one record of an order (sale or pre-auth), then announces it: never announced unless durable. */
export type OrderWriter = (
  key: string,
  od: string,
  t: string,
  st: string,
  un: boolean,
  d: Record<string, unknown>,
) => void;

export function orderWriter(
  journal: Journal,
  operatorId: () => string,
  announce: (key: string, st: string, un: boolean) => void,
): OrderWriter {
  return (key, od, t, st, un, d) => {
    journal.write({ t, k: key, od, op: operatorId(), st, un, d });
    announce(key, st, un);
  };
}

/**
 * `<prefix><terminal ≤ 20 chars><yyyyMMddHHmmss China><ms 3 digits><journal seq 8 digits>`: ≤ 46 chars
 * (the gateway allows 50). The journal sequence is durable and never reused; the time part keeps ids
 * unique even if a journal were ever lost and the sequence started again.
 */
export function makeId(prefix: string, terminalCode: string, ms: number, seq: number): string {
  const terminal = terminalCode.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
  const millis = String(ms % 1000).padStart(3, '0');
  return `${prefix}${terminal}${chinaStamp(ms)}${millis}${String(seq % 100_000_000).padStart(8, '0')}`;
}

/** The money fields every void and refund record carries. */
function moneyFields(order: OrderState, amountFen: number) {
  return { amountFen, channel: order.view.channel, payMode: order.view.payMode ?? 'CODE_SCAN' };
}

function refundedStatus(order: OrderState, amountFen: number): OrderView['status'] {
  const base = order.view.paidFen ?? order.view.amountFen;
  return order.view.refundedFen + amountFen >= base ? 'refunded' : 'partially-refunded';
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', { zh: `找不到订单 ${id}`, en: `No such order: ${id}` });
}

function replyFields<T>(
  result: CallResult<T>,
  pick: (body: T) => Partial<Record<keyof ReplyFields, unknown>>,
): ReplyFields {
  const out: ReplyFields = { outcome: result.outcome };
  if (result.errCode !== undefined) out.errCode = result.errCode;
  if (result.errInfo !== undefined) out.errInfo = result.errInfo;
  if (result.outcome === 'unknown') out.errInfo = out.errInfo ?? result.detail;
  const body = result.body;
  if (body !== undefined && result.outcome !== 'unknown') {
    for (const [key, value] of Object.entries(pick(body))) {
      if (value !== undefined && value !== null && value !== '')
        (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (result.raw !== undefined) out.raw = maskRaw(result.raw);
  return out;
}

function queryFields(q: QueryInterpretation): Record<string, unknown> {
  return {
    queryState: q.state,
    ...(q.queryResCode ? { queryResCode: q.queryResCode } : {}),
    ...(q.orderId ? { orderId: q.orderId } : {}),
    ...(q.amountFen !== undefined && q.state === 'paid' ? { paidFen: q.amountFen } : {}),
    ...(q.description ? { errInfo: q.description } : {}),
  };
}

/** Raw reply for the journal: payment-code fields cut to their last 4, size bounded. */
function maskRaw(raw: string): unknown {
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const out: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
      for (const key of ['payCode', 'originalPayCode']) {
        if (typeof out[key] === 'string') out[key] = maskCode(out[key] as string);
      }
      return out;
    }
  } catch {
    // not JSON: keep as text below
  }
  return raw.replace(/\d{16,}/g, (digits) => `•••• ${digits.slice(-4)}`).slice(0, 4000);
}

/** The gateway's way of saying "the customer is entering a password" (USERPAYING / 等待 / 密码). */
function looksLikeWaitingPassword(text: string): boolean {
  return /USERPAYING|WAIT_BUYER_PAY|输入密码|等待用户|用户支付中/i.test(text);
}
