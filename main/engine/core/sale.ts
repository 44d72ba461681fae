/**
 * The sale kind: pay, query, automatic void, a manager's void, refunds and their queries, and how
 * recovery finishes each of them. Records: pay.intent, pay.reply, query.reply, void.intent, void.reply,
 * refund.intent, refund.reply, refundquery.reply, order.mark, order.park (main/journal/records.ts).
 *
 * Every step reads the order fresh from the journal (never a snapshot taken before an earlier step),
 * writes through the book (status derived by `next`), and lets the book refuse what breaks an invariant.
 */
import { interpretQuery, NOT_FOUND_CODES } from '../../gateway/codes.js';
import type { CallResult, PosLinkClient, QueryInterpretation } from '../../gateway/types.js';
import {
  type Folded,
  type QueryReplyData,
  RECORD,
  type RefundReplyData,
  type SaleCore,
  saleStatus,
  saleUnresolved,
} from '../../journal/records.js';
import { createLogger } from '../../log/logger.js';
import type { SettingsService } from '../../settings/types.js';
import type { Bilingual } from '../../shared/errors.js';
import type { OperationKind, OrderBook } from './book.js';
import { isNotSent, looksLikeWaitingPassword, queryFields, replyFields } from './wire.js';

const log = createLogger('engine');

export interface SaleSchedule {
  /** Delay before the first query of an unknown pay. */
  firstQueryMs: number;
  /** Between queries. */
  queryEveryMs: number;
  /** While a pay still awaits its reply, read-only queries start after this long. */
  earlyQueryMs: number;
  /** Warn about unresolved orders from this many minutes before China midnight. */
  dayEndWarnMinutes: number;
}

export type CrashHook = (name: string) => void;

/** What the sale screen is told when an order it shows settles. */
export type Settled = (
  key: string,
  phase: 'paid' | 'declined' | 'voided' | 'needs-attention',
  message: Bilingual,
  declineCode?: string,
) => void;

export const MSG = {
  paid: { zh: '支付成功', en: 'Paid' },
  voided: { zh: '结果未知，已撤销，未扣款', en: 'Outcome unknown: voided, nothing charged' },
  notSent: { zh: '网络不通，未扣款', en: 'Network down: the payment never left, nothing charged' },
  attention: {
    zh: '支付结果未知且撤销未确认：请勿重复收款，联系银联商务核实',
    en: 'Outcome unknown and the void is unconfirmed: do not charge again; check with ChinaUMS',
  },
  crossDay: {
    zh: '跨日订单无法查询，请人工核对',
    en: 'A previous-day order cannot be queried: check it by hand',
  },
  notFound: { zh: '网关无此订单，未扣款', en: 'The gateway has no such order: nothing charged' },
  unjournaled: {
    zh: '已收到结果但无法写入记录：请勿重复收款，存储恢复后将自动查询',
    en: 'The answer could not be journaled: do not charge again; it is queried once the journal works',
  },
} as const;

export interface SaleDeps {
  book: OrderBook;
  gateway: PosLinkClient;
  settings: SettingsService;
  schedule: SaleSchedule;
  crash: CrashHook;
  settled: Settled;
  print: (key: string) => void;
}

export class SaleKind implements OperationKind {
  readonly name = 'sale';
  readonly intent = RECORD.payIntent;
  private lastDayEndWarning = 0;

  constructor(private readonly deps: SaleDeps) {}

  private get book() {
    return this.deps.book;
  }

  sale(key: string, od: string): SaleCore | undefined {
    const s = this.book.state(key, od);
    return s?.kind === 'sale' ? s : undefined;
  }

  // ── pay ─────────────────────────────────────────────────────────────────────────────────────

  /** After the intent is durable: send the pay once, settle it (early queries while it waits). */
  async pay(
    key: string,
    od: string,
    req: { code: string; amountFen: number; terminalCode: string; merchantCode: string },
  ): Promise<void> {
    const { book, gateway, crash } = this.deps;
    book.progress(key, 'pay', 'sending', { zh: '正在发送支付请求', en: 'Sending the payment' });
    const startedAt = book.now();
    let answered = false;
    const sent = gateway
      .pay({
        merchantOrderId: key,
        transactionAmount: req.amountFen,
        payCode: req.code,
        terminalCode: req.terminalCode,
        merchantCode: req.merchantCode,
      })
      .finally(() => {
        answered = true;
      });
    const early = this.earlyQueries(key, od, sent, () => answered);
    const result = await sent;
    await early;
    crash('after-reply');
    const reply = replyFields(result, (b) => ({
      orderId: b.orderId,
      paidFen: b.amount ?? b.actualTransactionAmount ?? b.transactionAmount,
      discountFen: b.totalDiscountAmount,
      retrievalRefNum: b.retrievalRefNum,
      thirdPartyName: b.thirdPartyName,
    }));
    const settledEarly = !saleUnresolved(this.sale(key, od) as SaleCore);
    let after: SaleCore;
    try {
      if (isNotSent(result)) {
        after = this.write(key, od, {
          t: 'pay.reply',
          d: { ...reply, outcome: 'not-sent', message: MSG.notSent, cause: 'connect' },
        });
      } else if (result.outcome === 'declined') {
        const message = result.meaning ?? {
          zh: reply.errInfo ?? '支付失败',
          en: reply.errInfo ?? 'Declined',
        };
        after = this.write(key, od, { t: 'pay.reply', d: { ...reply, outcome: 'declined', message } });
      } else {
        after = this.write(key, od, { t: 'pay.reply', d: reply });
      }
    } catch (error) {
      // The answer is in hand but not durable: the order stays open in the journal for recovery.
      log.error('pay reply not journaled', { key, error });
      if (!settledEarly) this.deps.settled(key, 'needs-attention', MSG.unjournaled);
      return;
    }
    crash('after-outcome');
    if (settledEarly) return;
    if (after.charge === 'paid') {
      this.finish(key, od);
      this.deps.print(key);
      return;
    }
    if (after.charge === 'declined') {
      this.deps.settled(
        key,
        'declined',
        after.notSent ? MSG.notSent : (after.message ?? MSG.notSent),
        after.notSent ? undefined : reply.errCode,
      );
      book.progress(key, 'pay', 'resolved', after.message ?? MSG.notSent);
      return;
    }
    if (looksLikeWaitingPassword(`${reply.errInfo ?? ''} ${result.raw ?? ''}`)) {
      book.progress(key, 'pay', 'waiting-password', {
        zh: '顾客正在手机上输入密码确认',
        en: 'The customer is confirming with a password on the phone',
      });
    }
    await this.resolveUnknown(key, od, startedAt + this.deps.settings.get().queryDeadlineSeconds * 1000);
  }

  /**
   * While the pay awaits its reply: read-only queries after earlyQueryMs, then every queryEveryMs, so a
   * charged order is confirmed before the pay's own timeout. Only a definite answer is journaled.
   */
  private async earlyQueries(key: string, od: string, sent: Promise<unknown>, answered: () => boolean) {
    const { book, schedule } = { book: this.book, schedule: this.deps.schedule };
    await Promise.race([book.sleep(schedule.earlyQueryMs), sent]);
    while (!answered() && !book.stopped) {
      const result = await this.deps.gateway.query({ merchantOrderId: key });
      if (answered() || book.stopped) return;
      const q = interpretQuery(result);
      if (q.state === 'paid' || q.state === 'failed') {
        try {
          this.settle(key, od, q, { ...replyFields(result, () => ({})), early: true });
        } catch (error) {
          log.warn('early query answer not journaled', { key, error });
        }
        return;
      }
      await Promise.race([book.sleep(schedule.queryEveryMs), sent]);
    }
  }

  /** Query until the deadline, then void. Always at least one query (query first, then void). */
  async resolveUnknown(key: string, od: string, deadline: number): Promise<void> {
    const { firstQueryMs, queryEveryMs } = this.deps.schedule;
    const book = this.book;
    const now = () => book.now();
    const total = Math.max(1, 1 + Math.floor(Math.max(0, deadline - now() - firstQueryMs) / queryEveryMs));
    await book.sleep(firstQueryMs);
    for (
      let attempt = 1;
      !book.stopped && attempt <= total + 1 && (attempt === 1 || now() < deadline);
      attempt += 1
    ) {
      book.progress(
        key,
        'pay',
        'querying',
        { zh: `正在查询结果 ${attempt}/${total}`, en: `Querying ${attempt}/${total}` },
        { attempt, of: total },
      );
      const result = await this.deps.gateway.query({ merchantOrderId: key });
      const q = interpretQuery(result);
      this.deps.crash('after-query-reply');
      const after = this.settle(key, od, q, { attempt, of: total, ...replyFields(result, () => ({})) });
      if (!saleUnresolved(after) || book.stopped) return;
      if (looksLikeWaitingPassword(`${q.description ?? ''} ${result.raw ?? ''}`)) {
        book.progress(key, 'pay', 'waiting-password', {
          zh: '顾客正在手机上确认支付',
          en: 'The customer is confirming on the phone',
        });
      }
      if (now() + queryEveryMs >= deadline) break;
      await book.sleep(queryEveryMs);
    }
    if (book.stopped) return;
    await this.autoVoid(key, od);
  }

  /** Journal a query answer; the sale screen is told when it settled the order. */
  private settle(key: string, od: string, q: QueryInterpretation, extra: Partial<QueryReplyData>): SaleCore {
    const definite = ['paid', 'failed', 'voided', 'reversed', 'refunded'].includes(q.state);
    const failedMessage: Bilingual = {
      zh: `支付失败 ${q.description ?? ''}`.trim(),
      en: `Payment failed ${q.description ?? ''}`.trim(),
    };
    const before = this.sale(key, od) as SaleCore;
    const after = this.write(key, od, {
      t: 'query.reply',
      d: {
        ...extra,
        ...queryFields(q),
        outcome: definite ? 'ok' : q.state === 'not-found' ? 'declined' : 'unknown',
        ...(q.state === 'failed' ? { message: failedMessage } : {}),
      } as QueryReplyData,
    });
    if (saleUnresolved(before) && !saleUnresolved(after)) {
      this.finish(key, od);
      if (after.charge === 'paid') this.deps.print(key);
    }
    return after;
  }

  /** Automatic void: only of a pay unknown at its deadline, or paid after we decided to void. */
  async autoVoid(key: string, od: string): Promise<void> {
    const { book, gateway, crash } = this.deps;
    book.progress(key, 'pay', 'voiding', { zh: '结果未知，正在撤销', en: 'Outcome unknown: voiding' });
    this.write(key, od, { t: 'void.intent', d: { auto: true } });
    crash('after-void-intent');
    const result = await gateway.voidPayment({ merchantOrderId: key });
    crash('after-void-reply');
    const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
    this.write(key, od, {
      t: 'void.reply',
      d: { ...reply, auto: true, ...(reply.outcome === 'ok' ? { message: MSG.voided } : {}) },
    });
    if (reply.outcome === 'declined' && reply.errCode && NOT_FOUND_CODES.has(reply.errCode)) {
      // The gateway does not know the order: confirm with one query (not found → the pay never arrived).
      const q = interpretQuery(await gateway.query({ merchantOrderId: key }));
      this.settle(key, od, q, { recovery: true, message: MSG.notFound });
      return this.finish(key, od);
    }
    this.finish(key, od);
  }

  /** Tell the screen and the progress stream what the journal now says. */
  private finish(key: string, od: string): void {
    const s = this.sale(key, od);
    if (!s) return;
    const status = saleStatus(s);
    const unresolved = saleUnresolved(s);
    const phase =
      unresolved && s.charge !== 'paid'
        ? 'needs-attention'
        : s.charge === 'paid'
          ? s.autoVoid === 'decided'
            ? 'needs-attention'
            : 'paid'
          : s.charge === 'voided'
            ? 'voided'
            : 'declined';
    const message: Bilingual =
      phase === 'paid'
        ? status === 'paid'
          ? MSG.paid
          : { zh: '订单已退款', en: 'The order was refunded' }
        : phase === 'voided'
          ? MSG.voided
          : phase === 'needs-attention'
            ? (s.attention ?? MSG.attention)
            : s.notSent
              ? MSG.notSent
              : (s.message ?? { zh: '支付失败，未扣款', en: 'Payment failed: nothing charged' });
    this.book.progress(key, 'pay', 'resolved', message);
    this.deps.settled(key, phase, message);
  }

  // ── a manager's void and refunds ──────────────────────────────────────────────────────────

  async managerVoid(key: string, od: string, managerId: string, reason?: string): Promise<void> {
    const { book, gateway, crash } = this.deps;
    const s = this.sale(key, od) as SaleCore;
    const common = money(s, s.paidFen ?? s.intent.amountFen);
    this.write(key, od, {
      t: 'void.intent',
      d: { ...common, auto: false, managerId, ...(reason ? { reason } : {}) },
    });
    crash('after-void-intent');
    book.progress(key, 'void', 'sending', { zh: '正在撤销', en: 'Voiding' });
    const result = await gateway.voidPayment({
      merchantOrderId: key,
      ...(s.orderId ? { originalOrderId: s.orderId } : {}),
      ...(reason ? { merchantRemark: reason.slice(0, 50) } : {}),
    });
    crash('after-void-reply');
    const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
    const after = this.write(key, od, { t: 'void.reply', d: { ...reply, ...common, auto: false } });
    if (after.charge === 'voided') this.deps.print(key);
    book.progress(key, 'void', 'resolved', { zh: `撤销：${reply.outcome}`, en: `Void: ${reply.outcome}` });
  }

  async refund(
    key: string,
    od: string,
    input: { refundRequestId: string; amountFen: number; managerId: string; reason?: string },
  ): Promise<void> {
    const { book, gateway } = this.deps;
    const s = this.sale(key, od) as SaleCore;
    const common = { refundRequestId: input.refundRequestId, ...money(s, input.amountFen) };
    this.write(key, od, {
      t: 'refund.intent',
      d: {
        ...common,
        amountFen: input.amountFen,
        managerId: input.managerId,
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    this.deps.crash('after-refund-intent');
    book.progress(key, 'refund', 'sending', { zh: '正在退款', en: 'Refunding' });
    const result = await gateway.refund({
      merchantOrderId: key,
      ...(s.orderId ? { originalOrderId: s.orderId } : {}),
      refundRequestId: input.refundRequestId,
      transactionAmount: input.amountFen,
      ...(input.reason ? { merchantRemark: input.reason.slice(0, 50) } : {}),
    });
    this.deps.crash('after-refund-reply');
    const reply = replyFields(result, (b) => ({ retrievalRefNum: b.retrievalRefNum }));
    this.write(key, od, { t: 'refund.reply', d: { ...reply, ...common } as RefundReplyData });
    if (reply.outcome === 'ok') this.deps.print(key);
    if (reply.outcome === 'unknown') {
      // Query with the same refundRequestId a few times now; recovery keeps going after that.
      for (let i = 0; i < 3 && !book.stopped; i += 1) {
        await book.sleep(i === 0 ? this.deps.schedule.firstQueryMs : this.deps.schedule.queryEveryMs);
        if (await this.queryRefund(key, od, input.refundRequestId)) break;
      }
    }
    book.progress(key, 'refund', 'resolved', {
      zh: `退款：${reply.outcome}`,
      en: `Refund: ${reply.outcome}`,
    });
  }

  /** Query one refund by its refundRequestId; true when its answer is definite. Never touches the sale. */
  async queryRefund(key: string, od: string, refundRequestId: string): Promise<boolean> {
    const s = this.sale(key, od) as SaleCore;
    const refund = s.refunds.find((r) => r.refundRequestId === refundRequestId);
    if (!refund) return true;
    const result = await this.deps.gateway.queryRefund({ merchantOrderId: key, refundRequestId });
    const common = { refundRequestId, ...money(s, refund.amountFen), ...replyFields(result, () => ({})) };
    let d: RefundReplyData = { ...common, outcome: 'unknown' };
    if (result.outcome === 'ok') {
      const code = result.body.queryResCode?.trim();
      if (code === '00') d = { ...common, outcome: 'ok', queryResCode: code };
      else if (code) {
        d = { ...common, outcome: 'declined', queryResCode: code, errInfo: result.body.queryResInfo ?? code };
      }
    } else if (result.outcome === 'declined' && NOT_FOUND_CODES.has(result.errCode)) {
      // The gateway has no such refund: it did not happen. The sale stays charged.
      d = { ...common, outcome: 'declined', notFound: true };
    }
    this.write(key, od, { t: 'refundquery.reply', d });
    if (d.outcome === 'ok') this.deps.print(key);
    return d.outcome !== 'unknown';
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  async recover(key: string, od: string, _state: Folded): Promise<void> {
    const { gateway } = this.deps;
    // Refunds first, each by its own refundRequestId; their answers never decide the sale.
    let s = this.sale(key, od) as SaleCore;
    for (const r of s.refunds.filter((x) => x.status === 'pending' || x.status === 'unknown')) {
      await this.queryRefund(key, od, r.refundRequestId);
    }
    s = this.sale(key, od) as SaleCore;
    const crossDay = od !== this.book.journal.today();
    if (s.voidOpen && !s.voidOpen.auto) {
      // A manager's void left unknown: did it happen? Find out by query, never by a second void.
      if (crossDay) return this.markOnce(key, od, s, 'cross-day', MSG.crossDay);
      const result = await gateway.query({ merchantOrderId: key });
      const q = interpretQuery(result);
      const common = { ...money(s, s.paidFen ?? s.intent.amountFen), auto: false, via: 'query' as const };
      if (q.state === 'voided' || q.state === 'reversed') {
        this.write(key, od, { t: 'void.reply', d: { ...queryFields(q), ...common, outcome: 'ok' } });
        this.deps.print(key);
      } else if (q.state === 'paid' || q.state === 'refunded') {
        this.write(key, od, {
          t: 'void.reply',
          d: {
            ...queryFields(q),
            ...common,
            outcome: 'declined',
            message: {
              zh: '撤销未生效，订单仍为已支付',
              en: 'The void did not happen: the order is still paid',
            },
          },
        });
      }
      return;
    }
    if (s.charge === 'paid' && s.autoVoid === 'decided') {
      // Paid after we had decided to void (and no refund, the book refuses that): void again.
      if (crossDay) return this.markOnce(key, od, s, 'cross-day', MSG.crossDay);
      await this.autoVoid(key, od);
      return;
    }
    if (s.charge !== 'pending' && s.charge !== 'unknown') return;
    if (crossDay) return this.markOnce(key, od, s, 'cross-day', MSG.crossDay);
    const result = await gateway.query({ merchantOrderId: key });
    const q = interpretQuery(result);
    const after = this.settle(key, od, q, {
      attempt: 0,
      of: 0,
      recovery: true,
      ...replyFields(result, () => ({})),
    });
    if (after.charge === 'paid' && after.autoVoid === 'decided') {
      await this.autoVoid(key, od);
      return;
    }
    if (!saleUnresolved(after) || after.charge === 'paid') return;
    const deadline = Date.parse(s.createdAt) + this.deps.settings.get().queryDeadlineSeconds * 1000;
    if (this.book.now() >= deadline || s.autoVoid === 'decided') await this.autoVoid(key, od);
    // Before the deadline (a restart moments after a crash): the same schedule as a live pay.
    else await this.resolveUnknown(key, od, deadline);
  }

  private markOnce(key: string, od: string, s: SaleCore, reason: 'cross-day', message: Bilingual): void {
    if (s.attentionReason === reason) return;
    this.write(key, od, { t: 'order.mark', d: { message, reason } });
  }

  /** The day-end warning: unresolved orders of today with less than dayEndWarnMinutes left. */
  afterPass(): void {
    const now = this.book.now();
    const minutesLeft = (86_400_000 - ((now + 8 * 3600_000) % 86_400_000)) / 60_000;
    if (minutesLeft > this.deps.schedule.dayEndWarnMinutes) return;
    if (now - this.lastDayEndWarning < 10 * 60_000) return;
    const today = this.book.journal.today();
    const count = this.book.journal.store.openSet().filter((e) => e.od === today).length;
    if (count === 0) return;
    this.lastDayEndWarning = now;
    this.book.emit((events) =>
      events.emit('app.notice', {
        level: 'warning',
        message: {
          zh: `今天还有 ${count} 笔订单结果未确认，午夜后将无法查询，请尽快处理`,
          en: `${count} order(s) today are still unresolved; they cannot be queried after midnight: resolve them now`,
        },
        at: new Date(now).toISOString(),
      }),
    );
  }

  private write(key: string, od: string, draft: Parameters<OrderBook['write']>[2]): SaleCore {
    return this.book.write(key, od, draft) as SaleCore;
  }
}

/** The money fields every void and refund record carries. */
function money(s: SaleCore, amountFen: number) {
  return { amountFen, channel: s.intent.channel, payMode: s.intent.payMode ?? 'CODE_SCAN' };
}

export type { CallResult };
