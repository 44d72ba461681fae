/**
 * The ECR link's heart: host transactions keyed by the host's own id (ecrId), idempotent and crash-safe.
 *
 * - The same ecrId with the same request is the same transaction (its state, never a second charge);
 *   with a different request it is refused (422). One payment at a time on the counter (409 busy).
 * - What the service knows is durable: an `ecr.request` record when a request is taken, an `ecr.close`
 *   record when it ends without money moving (aborted, refused); the sale's pay intent carries the
 *   ecrId (d.ecr), and refunds / voids carry it in their reason. The state is always derived from the
 *   journal, so a restart answers exactly what happened.
 */
import { createHash } from 'node:crypto';
import { type OrderState, RECORD } from '../journal/records.js';
import { createLogger } from '../log/logger.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { formatFen } from '../shared/money.js';
import { checkPayCode } from '../shared/paycode.js';
import type { EcrMoneyPort } from './port.js';
import {
  type EcrErrorBody,
  type EcrKind,
  type EcrResult,
  type EcrState,
  FINAL_STATES,
  type PaymentRequest,
  type RefundRequest,
  type VoidRequest,
} from './types.js';

const log = createLogger('ecr');

export const ECR_RECORD = { request: 'ecr.request', close: 'ecr.close' } as const;
/** How far back the link remembers host ids (the journal keeps more; refunds are limited to 30 days). */
const REMEMBER_DAYS = 40;

export interface Answer {
  status: number;
  body: EcrResult | EcrErrorBody;
}

interface Txn {
  ecrId: string;
  kind: EcrKind;
  fingerprint: string;
  amountFen: number;
  orderRef?: string;
  originalEcrId?: string;
  /** The sale's merchantOrderId (payment) or the original sale's (refund, void). */
  key?: string;
  createdAt: string;
  closed?: { state: 'aborted' | 'declined'; message: Bilingual; at: string };
  /** A manager (or the API setting) approved it in this run: the engine is on it. */
  approving?: boolean;
  last?: EcrResult;
}

export const MSG = {
  busy: {
    zh: '收银台正在处理另一笔交易，请稍后重试',
    en: 'The counter is busy with another transaction: retry later',
  },
  mismatch: {
    zh: '此交易号已用于另一笔不同的请求',
    en: 'This ecrId was already used for a different request',
  },
  notFound: (id: string) => ({ zh: `找不到交易 ${id}`, en: `No transaction ${id}` }),
  abortLate: {
    zh: '已发送支付请求，无法取消；请查询结果',
    en: 'The payment has been sent and cannot be aborted: query its result',
  },
  aborted: { zh: '已取消，未扣款', en: 'Aborted: nothing charged' },
  cancelledOnCounter: {
    zh: '收银员已在收银台取消，未扣款',
    en: 'Cancelled at the counter: nothing charged',
  },
  scan: { zh: '请扫描顾客付款码', en: "Scan the customer's payment code" },
  approval: { zh: '等待店长在收银台确认', en: 'Waiting for a manager to approve at the counter' },
  rejected: { zh: '店长已拒绝', en: 'Rejected by a manager' },
  notRefundable: (id: string) => ({
    zh: `原交易 ${id} 未支付，不能退款或撤销`,
    en: `The original transaction ${id} is not paid: it cannot be refunded or voided`,
  }),
  closed: {
    zh: '收银台无人登录，未发起交易',
    en: 'Nobody is signed in at the counter: nothing was started',
  },
  journal: {
    zh: '无法写入交易记录，未发起交易',
    en: 'The journal cannot be written: nothing was started',
  },
} as const;

export interface EcrServiceOptions {
  port: EcrMoneyPort;
  /** Refunds and voids go out without a manager on the counter (Settings → ECR). */
  allowApiApproval: () => boolean;
  /** The approving manager: the PIN given, or the elevated session (AppError PIN_* otherwise). */
  requireManager: (pin?: string) => Promise<{ id: string }>;
  now?: () => number;
}

export type EcrListener = (result: EcrResult) => void;

export class EcrService {
  private readonly port: EcrMoneyPort;
  private readonly options: EcrServiceOptions;
  private readonly now: () => number;
  private readonly txns = new Map<string, Txn>();
  /** The ones whose state may still change: refresh looks at these only. */
  private readonly unsettled = new Set<Txn>();
  private readonly listeners = new Set<EcrListener>();
  private off: (() => void) | undefined;
  private refreshing = false;
  private again = false;

  constructor(options: EcrServiceOptions) {
    this.port = options.port;
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Rebuild from the journal, then follow every change. */
  start(): void {
    for (const r of this.port.records('ecr.', REMEMBER_DAYS)) {
      const d = r.d as Record<string, unknown>;
      const ecrId = String(d.ecrId);
      if (r.t === ECR_RECORD.request) {
        this.txns.set(ecrId, {
          ecrId,
          kind: d.kind as EcrKind,
          fingerprint: String(d.fingerprint),
          amountFen: Number(d.amountFen),
          ...(typeof d.orderRef === 'string' ? { orderRef: d.orderRef } : {}),
          ...(typeof d.originalEcrId === 'string' ? { originalEcrId: d.originalEcrId } : {}),
          ...(typeof d.key === 'string' ? { key: d.key } : {}),
          createdAt: r.at,
        });
      } else if (r.t === ECR_RECORD.close) {
        const txn = this.txns.get(ecrId);
        if (txn) {
          txn.closed = {
            state: d.state as 'aborted' | 'declined',
            message: d.message as Bilingual,
            at: r.at,
          };
        }
      }
    }
    for (const txn of this.txns.values()) this.unsettled.add(txn);
    this.off = this.port.onChange(() => this.refresh());
    this.refresh();
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
    this.listeners.clear();
  }

  onResult(listener: EcrListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── payments ───────────────────────────────────────────────────────────────────────────────

  async pay(req: PaymentRequest): Promise<Answer> {
    const fingerprint = fingerprintOf('payment', req);
    const known = this.txns.get(req.ecrId);
    if (known) return this.repeat(known, fingerprint);
    if (!this.port.staffed()) return error(409, 'COUNTER_CLOSED', MSG.closed);
    const busy = this.busy('payment');
    if (busy) return error(409, 'BUSY', MSG.busy, busy);
    const sale = this.port.sale();
    if (sale.phase === 'awaiting-code' || sale.phase === 'in-flight' || sale.phase === 'needs-attention') {
      return error(409, 'BUSY', MSG.busy);
    }
    if (req.payCode !== undefined) {
      const check = checkPayCode(req.payCode);
      if (!check.ok) return error(400, 'BAD_INPUT', check.message);
    }
    const ecr = { ecrId: req.ecrId, fingerprint, ...(req.orderRef ? { ref: req.orderRef } : {}) };
    try {
      this.port.begin({
        amountFen: req.amountFen,
        ...(req.orderRef ? { remark: `ECR ${req.orderRef}`.slice(0, 50) } : {}),
        ecr,
      });
    } catch (e) {
      return appError(e);
    }
    const txn: Txn = {
      ecrId: req.ecrId,
      kind: 'payment',
      fingerprint,
      amountFen: req.amountFen,
      ...(req.orderRef ? { orderRef: req.orderRef } : {}),
      createdAt: new Date(this.now()).toISOString(),
    };
    if (!this.record(txn, { ...(req.operatorId ? { operatorId: req.operatorId } : {}) })) {
      this.safeCancel(req.ecrId);
      return error(503, 'JOURNAL_UNAVAILABLE', MSG.journal);
    }
    if (req.payCode !== undefined) {
      try {
        await this.port.acceptCode(req.payCode);
      } catch (e) {
        // Refused before anything left (the intent could not be written, the code was not taken):
        // nothing was charged.
        this.safeCancel(req.ecrId);
        if (!this.orderOf(txn)) this.close(txn, 'aborted', e instanceof AppError ? e.bilingual : MSG.journal);
      }
    }
    this.refresh();
    return this.answer(txn);
  }

  status(ecrId: string): Answer {
    const txn = this.txns.get(ecrId);
    if (!txn) return error(404, 'NOT_FOUND', MSG.notFound(ecrId));
    return { status: 200, body: this.compute(txn) };
  }

  abort(ecrId: string): Answer {
    const txn = this.txns.get(ecrId);
    if (!txn) return error(404, 'NOT_FOUND', MSG.notFound(ecrId));
    const current = this.compute(txn);
    if (current.state === 'aborted') return { status: 200, body: current };
    if (current.state === 'awaiting-code') {
      // Still waiting (no intent: nothing can have left): the abort is journaled, then the sale goes.
      if (this.orderOf(txn)) return error(409, 'TOO_LATE', MSG.abortLate, this.compute(txn));
      this.close(txn, 'aborted', MSG.aborted);
      if (this.port.sale().ecr?.ecrId === ecrId && this.port.sale().phase === 'awaiting-code') {
        this.safeCancel(ecrId);
      }
    } else if (current.state === 'awaiting-approval' && !txn.approving) {
      this.close(txn, 'aborted', MSG.aborted);
    } else {
      return error(409, 'TOO_LATE', MSG.abortLate, current);
    }
    this.refresh();
    const after = this.compute(txn);
    return after.state === 'aborted'
      ? { status: 200, body: after }
      : error(409, 'TOO_LATE', MSG.abortLate, after);
  }

  // ── refunds and voids ──────────────────────────────────────────────────────────────────────

  refund(req: RefundRequest): Answer {
    return this.moneyBack('refund', req, req.amountFen);
  }

  void(req: VoidRequest): Answer {
    return this.moneyBack('void', req);
  }

  /** Every transaction not yet final (a host that reconnects to /v1/events gets these first). */
  inProgress(): EcrResult[] {
    return [...this.unsettled].map((t) => this.compute(t)).filter((r) => !FINAL_STATES.has(r.state));
  }

  /** Refunds and voids waiting for a manager on the counter. */
  pending(): EcrResult[] {
    return [...this.unsettled]
      .filter((t) => t.kind !== 'payment')
      .map((t) => this.compute(t))
      .filter((r) => r.state === 'awaiting-approval');
  }

  async approve(ecrId: string, pin?: string): Promise<EcrResult> {
    const txn = this.awaitingApproval(ecrId);
    const manager = await this.options.requireManager(pin);
    this.run(txn, manager.id);
    return this.compute(txn);
  }

  async reject(ecrId: string, pin?: string): Promise<EcrResult> {
    const txn = this.awaitingApproval(ecrId);
    await this.options.requireManager(pin);
    this.close(txn, 'declined', MSG.rejected);
    this.refresh();
    return this.compute(txn);
  }

  /** Every host transaction the link knows (newest first), for the settings screen and support. */
  list(limit = 50): EcrResult[] {
    return [...this.txns.values()]
      .slice(-limit)
      .reverse()
      .map((t) => this.compute(t));
  }

  private moneyBack(kind: 'refund' | 'void', req: RefundRequest | VoidRequest, amount?: number): Answer {
    const fingerprint = fingerprintOf(kind, req);
    const known = this.txns.get(req.ecrId);
    if (known) return this.repeat(known, fingerprint);
    if (!this.port.staffed()) return error(409, 'COUNTER_CLOSED', MSG.closed);
    const busy = this.busy(kind);
    if (busy) return error(409, 'BUSY', MSG.busy, busy);
    const original = this.txns.get(req.originalEcrId);
    const order = original?.kind === 'payment' ? this.orderOf(original) : undefined;
    if (!original || !order) return error(404, 'NOT_FOUND', MSG.notFound(req.originalEcrId));
    const status = order.view.status;
    if (status !== 'paid' && status !== 'partially-refunded') {
      return error(409, 'NOT_PAID', MSG.notRefundable(req.originalEcrId), this.compute(original));
    }
    if (amount !== undefined && amount > order.view.refundableFen) {
      const max = formatFen(order.view.refundableFen);
      return error(400, 'BAD_INPUT', {
        zh: `退款金额超过可退金额 ${max}`,
        en: `The refund exceeds the refundable ${max}`,
      });
    }
    const txn: Txn = {
      ecrId: req.ecrId,
      kind,
      fingerprint,
      amountFen: amount ?? order.view.paidFen ?? order.view.amountFen,
      originalEcrId: req.originalEcrId,
      key: order.view.merchantOrderId,
      createdAt: new Date(this.now()).toISOString(),
    };
    if (!this.record(txn, {})) return error(503, 'JOURNAL_UNAVAILABLE', MSG.journal);
    if (this.options.allowApiApproval()) this.run(txn, 'ecr-api');
    this.refresh();
    return this.answer(txn);
  }

  private awaitingApproval(ecrId: string): Txn {
    const txn = this.txns.get(ecrId);
    if (!txn) throw new AppError('NOT_FOUND', MSG.notFound(ecrId));
    if (this.compute(txn).state !== 'awaiting-approval') {
      throw new AppError('CONFLICT', {
        zh: '此交易不在等待确认',
        en: 'This transaction is not awaiting approval',
      });
    }
    return txn;
  }

  /** Hand an approved refund or void to the engine; its records carry the ecrId in their reason. */
  private run(txn: Txn, approvedBy: string): void {
    txn.approving = true;
    const common = { merchantOrderId: txn.key as string, pin: '', approvedBy, reason: reasonOf(txn.ecrId) };
    const work =
      txn.kind === 'refund'
        ? this.port.refundOrder({ ...common, amountFen: txn.amountFen })
        : this.port.voidOrder(common);
    void work
      .catch((e: unknown) => {
        // Refused before it was sent (not refundable any more, being worked on): nothing moved.
        if (!this.intentOf(txn)) {
          this.close(txn, 'declined', e instanceof AppError ? e.bilingual : { zh: '处理失败', en: 'Failed' });
        } else log.error('ecr refund/void failed after its intent', { ecrId: txn.ecrId, error: String(e) });
      })
      .finally(() => {
        txn.approving = false;
        this.refresh();
      });
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  /** Another transaction of this lane (the counter's sale, or the approval queue) not yet final. */
  private busy(kind: EcrKind): EcrResult | undefined {
    const lane = (k: EcrKind) => (k === 'payment' ? 'sale' : 'approval');
    for (const txn of this.unsettled) {
      if (lane(txn.kind) !== lane(kind) || (txn.last && FINAL_STATES.has(txn.last.state))) continue;
      const now = this.compute(txn);
      if (!FINAL_STATES.has(now.state)) return now;
    }
    return undefined;
  }

  private repeat(txn: Txn, fingerprint: string): Answer {
    if (txn.fingerprint !== fingerprint) return error(422, 'ECR_ID_REUSED', MSG.mismatch, this.compute(txn));
    return this.answer(txn);
  }

  private answer(txn: Txn): Answer {
    const result = this.compute(txn);
    return { status: FINAL_STATES.has(result.state) ? 200 : 202, body: result };
  }

  private record(txn: Txn, extra: Record<string, unknown>): boolean {
    try {
      this.port.append(ECR_RECORD.request, `ecr:${txn.ecrId}`, {
        ecrId: txn.ecrId,
        kind: txn.kind,
        fingerprint: txn.fingerprint,
        amountFen: txn.amountFen,
        ...(txn.orderRef ? { orderRef: txn.orderRef } : {}),
        ...(txn.originalEcrId ? { originalEcrId: txn.originalEcrId } : {}),
        ...(txn.key ? { key: txn.key } : {}),
        ...extra,
      });
    } catch (e) {
      log.error('ecr request not journaled', { ecrId: txn.ecrId, error: String(e) });
      return false;
    }
    this.txns.set(txn.ecrId, txn);
    this.unsettled.add(txn);
    return true;
  }

  private close(txn: Txn, state: 'aborted' | 'declined', message: Bilingual): void {
    if (txn.closed) return;
    try {
      this.port.append(ECR_RECORD.close, `ecr:${txn.ecrId}`, { ecrId: txn.ecrId, state, message });
    } catch (e) {
      log.error('ecr close not journaled', { ecrId: txn.ecrId, error: String(e) });
    }
    txn.closed = { state, message, at: new Date(this.now()).toISOString() };
  }

  private safeCancel(ecrId: string): void {
    try {
      if (this.port.sale().ecr?.ecrId === ecrId) this.port.cancel();
    } catch {
      // the sale went on (a code arrived): its own state answers
    }
  }

  private orderOf(txn: Txn): OrderState | undefined {
    if (txn.kind !== 'payment') return txn.key ? this.port.order(txn.key) : undefined;
    if (txn.key) return this.port.order(txn.key);
    const sale = this.port.sale();
    const order =
      sale.ecr?.ecrId === txn.ecrId && sale.merchantOrderId
        ? this.port.order(sale.merchantOrderId)
        : sale.ecr?.ecrId === txn.ecrId
          ? undefined
          : this.port.findByEcrId(txn.ecrId);
    if (order) txn.key = order.view.merchantOrderId;
    return order;
  }

  private intentOf(txn: Txn) {
    const order = this.orderOf(txn);
    const type = txn.kind === 'refund' ? RECORD.refundIntent : RECORD.voidIntent;
    const reason = reasonOf(txn.ecrId);
    return order?.records.find((r) => r.t === type && r.d.reason === reason);
  }

  private compute(txn: Txn): EcrResult {
    if (txn.last && settled(txn.last)) return txn.last;
    const result = this.derive(txn);
    txn.last = result;
    return result;
  }

  private derive(txn: Txn): EcrResult {
    const base = {
      ecrId: txn.ecrId,
      kind: txn.kind,
      amountFen: txn.amountFen,
      ...(txn.orderRef ? { orderRef: txn.orderRef } : {}),
      ...(txn.originalEcrId ? { originalEcrId: txn.originalEcrId } : {}),
    };
    if (txn.closed) {
      return { ...base, state: txn.closed.state, message: txn.closed.message, updatedAt: txn.closed.at };
    }
    const order = this.orderOf(txn);
    if (txn.kind === 'payment') {
      if (!order) {
        const sale = this.port.sale();
        if (sale.ecr?.ecrId === txn.ecrId && sale.phase === 'awaiting-code') {
          return {
            ...base,
            state: 'awaiting-code',
            message: sale.message ?? MSG.scan,
            updatedAt: sale.updatedAt,
          };
        }
        // Taken, but the sale left the counter with no intent (cancelled, or the app restarted).
        return { ...base, state: 'aborted', message: MSG.cancelledOnCounter, updatedAt: txn.createdAt };
      }
      const v = order.view;
      const state = payState(v.status);
      return {
        ...base,
        state,
        merchantOrderId: v.merchantOrderId,
        channel: v.channel,
        codeLast4: v.codeLast4,
        ...(state === 'paid' && v.paidFen !== undefined ? { paidFen: v.paidFen } : {}),
        ...(v.statusMessage ? { message: v.statusMessage } : state === 'paid' ? { message: PAID } : {}),
        ...(state === 'paid'
          ? {
              receipt: {
                ...(v.orderId ? { orderId: v.orderId } : {}),
                ...(v.retrievalRefNum ? { retrievalRefNum: v.retrievalRefNum } : {}),
                ...(v.thirdPartyName ? { thirdPartyName: v.thirdPartyName } : {}),
                at: v.updatedAt,
              },
            }
          : {}),
        updatedAt: v.updatedAt,
      };
    }
    const withOrder = order ? { merchantOrderId: order.view.merchantOrderId } : {};
    const intent = this.intentOf(txn);
    if (!intent || !order) {
      return {
        ...base,
        ...withOrder,
        state: txn.approving ? 'in-progress' : 'awaiting-approval',
        message: MSG.approval,
        updatedAt: txn.createdAt,
      };
    }
    if (txn.kind === 'refund') {
      const id = String(intent.d.refundRequestId);
      const refund = order.refunds.find((r) => r.refundRequestId === id);
      const state: EcrState =
        refund?.status === 'refunded' ? 'refunded' : refund?.status === 'failed' ? 'declined' : 'in-progress';
      return {
        ...base,
        ...withOrder,
        state,
        refundRequestId: id,
        ...(refund?.message ? { message: refund.message } : {}),
        updatedAt: order.view.updatedAt,
      };
    }
    const reply = order.records.find((r) => r.s > intent.s && r.t === RECORD.voidReply);
    const state: EcrState =
      order.view.status === 'voided'
        ? 'voided'
        : reply?.d.outcome === 'declined'
          ? 'declined'
          : 'in-progress';
    return {
      ...base,
      ...withOrder,
      state,
      ...(state === 'declined' && typeof reply?.d.errInfo === 'string'
        ? { message: { zh: reply.d.errInfo, en: reply.d.errInfo } }
        : {}),
      updatedAt: order.view.updatedAt,
    };
  }

  /** Re-derive every open transaction; announce the ones that changed; close sales that left the counter. */
  private refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.again = false;
        for (const txn of [...this.unsettled]) {
          const before = txn.last;
          if (before && settled(before)) {
            this.unsettled.delete(txn);
            continue;
          }
          const now = this.derive(txn);
          if (now.state === 'aborted' && !txn.closed) this.close(txn, 'aborted', MSG.cancelledOnCounter);
          txn.last = now;
          if (settled(now)) this.unsettled.delete(txn);
          if (!before || before.state !== now.state || before.updatedAt !== now.updatedAt) this.announce(now);
        }
      } while (this.again);
    } finally {
      this.refreshing = false;
    }
  }

  private announce(result: EcrResult): void {
    for (const listener of this.listeners) {
      try {
        listener(result);
      } catch (e) {
        log.warn('ecr listener failed', { error: String(e) });
      }
    }
  }
}

const PAID = { zh: '支付成功', en: 'Paid' };

/**
 * Final and never to change again. needs-attention is final for the host (do not charge again) but
 * the engine keeps resolving it in the background, so it is derived afresh each time.
 */
function settled(result: EcrResult | undefined): boolean {
  return result !== undefined && FINAL_STATES.has(result.state) && result.state !== 'needs-attention';
}

function payState(status: string): EcrState {
  switch (status) {
    case 'paid':
    case 'partially-refunded':
    case 'refunded':
      return 'paid';
    case 'declined':
      return 'declined';
    case 'voided':
      return 'voided';
    case 'needs-attention':
      return 'needs-attention';
    default:
      return 'in-progress';
  }
}

/** The reason a host's refund or void carries in its journal records (and to the gateway as a remark). */
export function reasonOf(ecrId: string): string {
  return `ECR:${ecrId}`;
}

/** A hash of the request as parsed (keys sorted): the payment code itself is never stored. */
export function fingerprintOf(kind: EcrKind, req: Record<string, unknown>): string {
  const keys = Object.keys(req).sort();
  const canonical = JSON.stringify([kind, ...keys.map((k) => [k, req[k]])]);
  return createHash('sha256').update(canonical).digest('hex');
}

function error(status: number, code: string, message: Bilingual, current?: EcrResult): Answer {
  return { status, body: { error: { code, message }, ...(current ? { current } : {}) } };
}

function appError(e: unknown, current?: EcrResult): Answer {
  if (e instanceof AppError) {
    const status =
      e.code === 'CONFLICT' ? 409 : e.code === 'BAD_INPUT' ? 400 : e.code === 'NOT_FOUND' ? 404 : 500;
    return error(status, e.code === 'CONFLICT' ? 'BUSY' : e.code, e.bilingual, current);
  }
  log.error('ecr request failed', { error: String(e) });
  return error(500, 'INTERNAL', { zh: '内部错误', en: 'Internal error' }, current);
}
