/**
 * The simulator's "bank": order and pre-auth state with the documented POS通 semantics. Pure state
 * transitions; the HTTP server (server.ts) handles auth, validation, faults and the wire.
 *
 * Each handler returns a Reply: the JSON body plus, for scripted behaviours, what happens to the
 * answer AFTER the state change was committed (hang, drop, HTTP 500, malformed JSON, latency).
 */
import { chinaTimestamp } from '../gateway/sign.js';
import { channelOf } from '../shared/paycode.js';

export type After = 'answer' | 'hang' | 'drop' | 'http-500' | 'malformed';

export interface Reply {
  body: Record<string, unknown>;
  after?: After;
  /** Extra delay before answering, in real milliseconds. */
  latencyMs?: number;
  /** Scripted: this reply never commits anything (e.g. the "timeout, no charge" script). */
  script?: string;
}

export type OrderStateName = 'paid' | 'pending' | 'stuck' | 'failed' | 'voided';

export interface RefundRecord {
  refundRequestId: string;
  amountFen: number;
  at: string;
  errCode: string;
  /** Only successful refunds move money. */
  succeeded: boolean;
  reply: Record<string, unknown>;
}

export interface SimOrder {
  merchantOrderId: string;
  orderId: string;
  merchantCode: string;
  terminalCode: string;
  amountFen: number;
  payCodeLast4: string;
  channel: string;
  day: string; // yyyyMMdd, China time
  createdAt: Date;
  state: OrderStateName;
  /** pending → paid at this instant (simulator clock), the "customer typing password" script. */
  paysAt?: Date;
  failCode?: string;
  /** How many times money was taken for this order (never more than 1). */
  chargedTimes: number;
  refunds: RefundRecord[];
  retrievalRefNum: string;
  script?: string;
  voidedAt?: Date;
}

/** One order in the truth ledger, as tests compare it with the journal. */
export interface LedgerEntry
  extends Pick<
    SimOrder,
    | 'merchantOrderId'
    | 'orderId'
    | 'merchantCode'
    | 'terminalCode'
    | 'amountFen'
    | 'payCodeLast4'
    | 'day'
    | 'state'
    | 'chargedTimes'
    | 'script'
  > {
  createdAt: string;
  /** Successful refunds only. */
  refunds: Array<{ refundRequestId: string; amountFen: number; at: string }>;
  refundedFen: number;
  /** What the merchant holds for this order now: amount − refunds when paid, 0 otherwise. */
  capturedFen: number;
}

export type PreauthStateName = 'pending' | 'authorized' | 'completed' | 'voided' | 'failed';

export interface SimPreauth {
  orderId: string;
  merchantOrderId?: string;
  merchantCode: string;
  terminalCode: string;
  systemTraceNum: string;
  authorizationCode: string;
  transactionDate: string; // MMdd
  day: string;
  createdAt: Date;
  amountFen: number;
  completedFen?: number;
  payCodeLast4: string;
  state: PreauthStateName;
  authorizesAt?: Date;
  retrievalRefNum: string;
  failCode?: string;
}

/** One pre-auth in the truth ledger: its fields as the bank holds them. */
export type PreauthLedgerEntry = Pick<
  SimPreauth,
  | 'orderId'
  | 'merchantOrderId'
  | 'systemTraceNum'
  | 'authorizationCode'
  | 'transactionDate'
  | 'amountFen'
  | 'completedFen'
  | 'state'
  | 'day'
>;

export interface BankOptions {
  now: () => Date;
  /** The "customer typing password" delay (amount ending 99), simulator-clock ms. Default 12 000. */
  passwordDelayMs: number;
  /** Scripted behaviours by amount / payment code (docs/simulator.md). Default on. */
  scripts: boolean;
}

const THIRD_PARTY: Record<string, string> = {
  wechat: '微信支付',
  alipay: '支付宝',
  unionpay: '银联云闪付',
  ecny: '数字人民币',
  other: '银联商务',
};

/** Pay codes ending 00XX decline with code XX (docs/simulator.md). */
const DECLINE_SCRIPTS: Record<string, string> = {
  '0003': '03',
  '0005': '05',
  '0013': '13',
  '0030': '30',
  '0051': '51',
  '0055': '55',
  '0057': '57',
  '0061': '61',
  '0064': '64',
  '0097': '97',
};
/** Pay codes answering a code the client must treat as unknown, with nothing charged. */
const UNKNOWN_NO_CHARGE: Record<string, string> = { '0092': '92', '0096': '96' };

const INFO: Record<string, string> = {
  '00': '交易成功',
  '03': '无效商户',
  '13': '无效金额',
  '22': '原交易不存在',
  '25': '找不到原始交易',
  '30': '报文格式错误',
  '51': '余额不足',
  '57': '不允许此交易',
  '61': '超出金额限制',
  '64': '原始金额错误',
  '92': '发卡方线路异常',
  '94': '重复交易',
  '96': '交换中心异常',
  '97': '终端号未登记',
  '9999': '系统错误',
};

const reply = (errCode: string, extra: Record<string, unknown> = {}, errInfo?: string): Reply => ({
  body: { errCode, errInfo: errInfo ?? INFO[errCode] ?? errCode, ...extra },
});

export class Bank {
  private readonly orders = new Map<string, SimOrder>(); // by merchantCode|merchantOrderId
  private readonly byOrderId = new Map<string, SimOrder>();
  private readonly preauths = new Map<string, SimPreauth>(); // by orderId
  private readonly activated = new Set<string>(); // merchantCode|terminalCode
  private readonly traces = new Set<string>(); // merchantCode|terminalCode|day|trace
  private seq = 0;

  constructor(private readonly options: BankOptions) {}

  private now(): Date {
    return this.options.now();
  }
  private stamp(at = this.now()): string {
    return chinaTimestamp(at);
  }
  private today(): string {
    return this.stamp().slice(0, 8);
  }
  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }
  private newOrderId(): string {
    // 银商订单号: at most 26 characters.
    return `3194${this.stamp()}${String(this.nextSeq()).padStart(8, '0')}`;
  }
  private newRrn(): string {
    return `${this.stamp().slice(2, 8)}${String(this.nextSeq() % 1_000_000).padStart(6, '0')}`;
  }
  private timeFields(at = this.now()): Record<string, string> {
    const s = this.stamp(at);
    return {
      transactionTime: s.slice(8, 14),
      transactionDateWithYear: s.slice(0, 8),
      settlementDateWithYear: s.slice(0, 8),
    };
  }
  private v1TimeFields(at = this.now()): Record<string, string> {
    const s = this.stamp(at);
    return { transactionTime: s.slice(8, 14), transactionDate: s.slice(4, 8), settlementDate: s.slice(4, 8) };
  }

  /** Lazily settle time-driven transitions (the password script). */
  private settle(order: SimOrder): SimOrder {
    if (order.state === 'pending' && order.paysAt && this.now().getTime() >= order.paysAt.getTime()) {
      order.state = 'paid';
      order.chargedTimes += 1;
    }
    return order;
  }
  private settlePreauth(p: SimPreauth): SimPreauth {
    if (p.state === 'pending' && p.authorizesAt && this.now().getTime() >= p.authorizesAt.getTime()) {
      p.state = 'authorized';
    }
    return p;
  }

  private findOrder(merchantCode: string, merchantOrderId?: string, orderId?: string, preferOrderId = true) {
    const byOid = orderId ? this.byOrderId.get(orderId) : undefined;
    const byMoid = merchantOrderId ? this.orders.get(`${merchantCode}|${merchantOrderId}`) : undefined;
    const found = preferOrderId
      ? (byOid ?? (orderId ? undefined : byMoid))
      : (byMoid ?? (merchantOrderId ? undefined : byOid));
    return found && found.merchantCode === merchantCode ? this.settle(found) : undefined;
  }

  activate(merchantCode: string, terminalCode: string): Reply {
    this.activated.add(`${merchantCode}|${terminalCode}`);
    return reply('00', {}, '激活成功');
  }

  // ── v2 ─────────────────────────────────────────────────────────────────────────────────────

  pay(req: {
    merchantCode: string;
    terminalCode: string;
    transactionAmount: number;
    merchantOrderId: string;
    payCode: string;
  }): Reply {
    const key = `${req.merchantCode}|${req.merchantOrderId}`;
    if (this.orders.has(key)) return reply('94', {}, '重复交易：商户订单号已存在');
    const last4 = req.payCode.slice(-4);
    const channel = channelOf(req.payCode);
    const order: SimOrder = {
      merchantOrderId: req.merchantOrderId,
      orderId: this.newOrderId(),
      merchantCode: req.merchantCode,
      terminalCode: req.terminalCode,
      amountFen: req.transactionAmount,
      payCodeLast4: last4,
      channel,
      day: this.today(),
      createdAt: this.now(),
      state: 'paid',
      chargedTimes: 0,
      refunds: [],
      retrievalRefNum: this.newRrn(),
    };
    this.orders.set(key, order);
    this.byOrderId.set(order.orderId, order);

    const scripts = this.options.scripts;
    const declineCode = scripts ? DECLINE_SCRIPTS[last4] : undefined;
    if (declineCode) {
      order.state = 'failed';
      order.failCode = declineCode;
      order.script = `decline-${declineCode}`;
      return reply(declineCode, { orderId: order.orderId });
    }
    const unknownCode = scripts ? UNKNOWN_NO_CHARGE[last4] : undefined;
    if (unknownCode) {
      order.state = 'failed';
      order.failCode = unknownCode;
      order.script = `unknown-${unknownCode}-no-charge`;
      return reply(unknownCode, { orderId: order.orderId });
    }
    const cents = req.transactionAmount % 100;
    if (scripts && cents === 99) {
      order.state = 'pending';
      order.paysAt = new Date(this.now().getTime() + this.options.passwordDelayMs);
      order.script = 'password';
      return reply('ER', { orderId: order.orderId }, 'USERPAYING 用户支付中，需输入密码');
    }
    if (scripts && (cents === 97 || cents === 96)) {
      order.state = 'stuck';
      order.script = cents === 97 ? 'timeout-no-charge' : 'timeout-no-charge-void-hangs';
      return { ...reply('00'), after: 'hang' };
    }
    order.chargedTimes = 1;
    const body = {
      errCode: '00',
      errInfo: INFO['00'],
      ...this.timeFields(),
      retrievalRefNum: order.retrievalRefNum,
      transactionAmount: order.amountFen,
      actualTransactionAmount: order.amountFen,
      amount: order.amountFen,
      orderId: order.orderId,
      thirdPartyName: THIRD_PARTY[channel],
      thirdPartyOrderId: `TP${order.orderId}`,
      thirdPartyPayInformation: `余额:${order.amountFen}`,
      totalDiscountAmount: 0,
      cardAttr: '91',
      mchntName: '演示商户',
    };
    const lost: Record<number, Reply['after']> = { 98: 'drop', 95: 'http-500', 94: 'malformed' };
    const after = scripts ? lost[cents] : undefined;
    if (after) {
      order.script = `charged-then-${after}`;
      return { body, after };
    }
    if (scripts && req.payCode.endsWith('0099')) {
      order.script = 'system-error-after-charge';
      return reply('9999', { orderId: order.orderId });
    }
    if (scripts && cents === 93) {
      order.script = 'slow';
      return { body, latencyMs: 2000 };
    }
    return { body };
  }

  voidPayment(req: {
    merchantCode: string;
    terminalCode: string;
    merchantOrderId?: string;
    originalOrderId?: string;
    limitCrossDevice?: boolean;
  }): Reply {
    const order = this.findOrder(req.merchantCode, req.merchantOrderId, req.originalOrderId, true);
    if (!order) return reply('25');
    if (req.limitCrossDevice && order.terminalCode !== req.terminalCode) {
      return reply('57', {}, '不允许跨终端撤销');
    }
    if (order.day !== this.today()) return reply('57', {}, '撤销仅支持当天交易');
    if (order.script === 'timeout-no-charge-void-hangs') return { ...reply('00'), after: 'hang' };
    if (order.state === 'failed') return reply('25', {}, '原交易失败，无需撤销');
    if (order.refunds.some((r) => r.succeeded)) return reply('57', {}, '已退货交易不能撤销');
    // A void of an already voided order answers success again and changes nothing (retry-safe).
    if (order.state !== 'voided') {
      order.state = 'voided';
      order.voidedAt = this.now();
    }
    return reply('00', {
      ...this.timeFields(order.voidedAt),
      retrievalRefNum: this.newRrn(),
      transactionAmount: order.amountFen,
      actualTransactionAmount: order.amountFen,
      ...(order.chargedTimes > 0 ? { thirdPartyName: THIRD_PARTY[order.channel] } : {}),
      cardAttr: '91',
    });
  }

  refund(req: {
    merchantCode: string;
    terminalCode: string;
    merchantOrderId?: string;
    originalOrderId?: string;
    refundRequestId: string;
    transactionAmount: number;
    limitCrossDevice?: boolean;
  }): Reply {
    const order = this.findOrder(req.merchantCode, req.merchantOrderId, req.originalOrderId, true);
    if (!order) return reply('25');
    const earlier = order.refunds.find((r) => r.refundRequestId === req.refundRequestId);
    if (earlier) return { body: earlier.reply }; // idempotent: the same answer, no second refund
    const refuse = (code: string, info?: string): Reply => {
      const r = reply(code, {}, info);
      order.refunds.push({
        refundRequestId: req.refundRequestId,
        amountFen: req.transactionAmount,
        at: this.now().toISOString(),
        errCode: code,
        succeeded: false,
        reply: r.body,
      });
      return r;
    };
    if (req.limitCrossDevice && order.terminalCode !== req.terminalCode)
      return refuse('57', '不允许跨终端退货');
    if (order.state !== 'paid') return refuse('57', '原交易状态不允许退货');
    if (daysBetween(order.day, this.today()) > 30) return refuse('57', '退货仅支持 30 天内的订单');
    if (req.transactionAmount > order.amountFen) return refuse('64', '退货金额大于原交易金额');
    const refunded = refundedFen(order);
    if (refunded + req.transactionAmount > order.amountFen) return refuse('61', '累计退货金额超过原交易金额');
    const body = {
      errCode: '00',
      errInfo: '退货成功',
      ...this.timeFields(),
      retrievalRefNum: this.newRrn(),
      thirdPartyName: THIRD_PARTY[order.channel],
      cardAttr: '91',
      refundInvoiceAmount: String(req.transactionAmount), // documented 字符串
      transactionAmount: req.transactionAmount,
      totalRefundPromotionAmt: 0,
      orderPromotionStatus: '0',
      eventList: [],
    };
    order.refunds.push({
      refundRequestId: req.refundRequestId,
      amountFen: req.transactionAmount,
      at: this.now().toISOString(),
      errCode: '00',
      succeeded: true,
      reply: body,
    });
    return { body };
  }

  query(req: { merchantCode: string; merchantOrderId?: string; originalOrderId?: string }): Reply {
    // "如均存在，以商户订单号为准"
    const order = this.findOrder(req.merchantCode, req.merchantOrderId, req.originalOrderId, false);
    // As the real gateway answers a query for an order it has never seen.
    if (!order) return reply('22');
    if (order.day !== this.today()) return reply('57', {}, '仅支持查询当天交易状态');
    const refunded = refundedFen(order);
    const code =
      order.state === 'paid'
        ? refunded > 0
          ? '3'
          : '0'
        : order.state === 'voided'
          ? '2'
          : order.state === 'failed'
            ? '5'
            : 'FF';
    const desc: Record<string, string> = {
      '0': '成功',
      '2': '已撤销',
      '3': '已退货',
      '5': `失败 ${INFO[order.failCode ?? ''] ?? ''}`.trim(),
      FF: '交易状态未知',
    };
    const charged = order.chargedTimes > 0;
    return reply('00', {
      queryResCode: code,
      queryResDesc: desc[code],
      originalTransactionTime: this.stamp(order.createdAt),
      originalSettlementDate: order.day,
      originalPayCode: `******${order.payCodeLast4}`,
      originalBatchNo: '000001',
      originalRetrievalRefNum: order.retrievalRefNum,
      originalTransactionAmount: order.amountFen,
      merchantOrderId: order.merchantOrderId,
      orderId: order.orderId,
      ...(refunded > 0 ? { refundedAmount: refunded } : {}),
      ...(charged ? { amount: order.amountFen, actualTransactionAmount: order.amountFen } : {}),
      thirdPartyName: THIRD_PARTY[order.channel],
      mchntName: '演示商户',
    });
  }

  queryRefund(req: {
    merchantCode: string;
    merchantOrderId?: string;
    originalOrderId?: string;
    refundRequestId: string;
  }): Reply {
    const order = this.findOrder(req.merchantCode, req.merchantOrderId, req.originalOrderId, true);
    if (!order) return reply('25');
    const found = order.refunds.find((r) => r.refundRequestId === req.refundRequestId);
    if (!found) return reply('25', {}, '退款记录不存在');
    const at = new Date(found.at);
    const s = this.stamp(at);
    return reply('00', {
      transactionTime: s.slice(8, 14),
      transactionDate: s.slice(4, 8),
      settlementDate: s.slice(4, 8),
      retrievalRefNum: String(found.reply.retrievalRefNum ?? order.retrievalRefNum),
      queryResCode: found.succeeded ? '00' : found.errCode,
      ...(found.succeeded ? {} : { queryResInfo: String(found.reply.errInfo ?? '') }),
      payCode: `******${order.payCodeLast4}`,
      dealDate: s.slice(0, 8),
      dealTime: s.slice(8, 14),
      originalAmount: String(order.amountFen),
      dealType: 'refund',
      originalTransactionDate: order.day,
      originalRetrievalRefNum: order.retrievalRefNum,
      originalSettlementDate: order.day,
      ...(found.succeeded ? { refundInvoiceAmount: String(found.amountFen) } : {}),
      totalRefundPromotionAmt: 0,
      orderPromotionStatus: '0',
      eventList: [],
    });
  }

  // ── v1 pre-authorization ───────────────────────────────────────────────────────────────────

  /** Every v1 call carries a systemTraceNum, unique per China day per merchant + terminal. */
  claimTrace(merchantCode: string, terminalCode: string, trace: string): Reply | undefined {
    const key = `${merchantCode}|${terminalCode}|${this.today()}|${trace}`;
    if (this.traces.has(key)) return reply('94', {}, '重复交易：系统跟踪号当天已使用');
    this.traces.add(key);
    return undefined;
  }

  isActivated(merchantCode: string, terminalCode: string): boolean {
    return this.activated.has(`${merchantCode}|${terminalCode}`);
  }

  preauthorize(req: {
    merchantCode: string;
    terminalCode: string;
    systemTraceNum: string;
    transactionAmount: number;
    merchantOrderId?: string;
    payCode: string;
  }): Reply {
    if (!this.isActivated(req.merchantCode, req.terminalCode))
      return reply('97', {}, '终端未激活，请先激活终端');
    if (req.merchantOrderId) {
      for (const p of this.preauths.values()) {
        if (p.merchantCode === req.merchantCode && p.merchantOrderId === req.merchantOrderId) {
          return reply('94', {}, '重复交易：商户订单号已存在');
        }
      }
    }
    const s = this.stamp();
    const last4 = req.payCode.slice(-4);
    const p: SimPreauth = {
      orderId: this.newOrderId(),
      ...(req.merchantOrderId ? { merchantOrderId: req.merchantOrderId } : {}),
      merchantCode: req.merchantCode,
      terminalCode: req.terminalCode,
      systemTraceNum: req.systemTraceNum,
      authorizationCode: String(100000 + (this.nextSeq() % 900000)),
      transactionDate: s.slice(4, 8),
      day: s.slice(0, 8),
      createdAt: this.now(),
      amountFen: req.transactionAmount,
      payCodeLast4: last4,
      state: 'authorized',
      retrievalRefNum: this.newRrn(),
    };
    this.preauths.set(p.orderId, p);
    const decline = this.options.scripts ? DECLINE_SCRIPTS[last4] : undefined;
    if (decline) {
      p.state = 'failed';
      p.failCode = decline;
      return reply(decline, { orderId: p.orderId });
    }
    const body: Record<string, unknown> = {
      errCode: '00',
      errInfo: INFO['00'],
      ...this.v1TimeFields(),
      retrievalRefNum: p.retrievalRefNum,
      authorizationCode: p.authorizationCode,
      actualTransactionAmount: p.amountFen,
      amount: p.amountFen,
      orderId: p.orderId,
      thirdPartyName: THIRD_PARTY[channelOf(req.payCode)],
      transactionAmount: p.amountFen,
    };
    const cents = req.transactionAmount % 100;
    if (this.options.scripts && cents === 99) {
      p.state = 'pending';
      p.authorizesAt = new Date(this.now().getTime() + this.options.passwordDelayMs);
      return { body: { ...body, autoQueryFlag: 'Y' } };
    }
    if (this.options.scripts && cents === 98) return { body, after: 'drop', script: 'reply-lost' };
    return { body };
  }

  private findPreauth(merchantCode: string, authorizationCode: string, date: string, trace: string) {
    const mmdd = date.slice(-4);
    for (const p of this.preauths.values()) {
      if (
        p.merchantCode === merchantCode &&
        p.authorizationCode === authorizationCode &&
        p.transactionDate === mmdd &&
        p.systemTraceNum === trace
      ) {
        return this.settlePreauth(p);
      }
    }
    return undefined;
  }

  private finishPreauth(
    p: SimPreauth | undefined,
    action: 'complete' | 'void',
    amount: number,
    quick: boolean,
  ): Reply {
    if (!p) return reply('25');
    if (p.state !== 'authorized') {
      return reply('57', {}, `担保状态不允许此操作（${p.state}）`);
    }
    if (action === 'complete' && amount > p.amountFen) return reply('61', {}, '完成金额超过担保金额');
    if (action === 'void' && amount !== p.amountFen) return reply('64', {}, '撤销金额与担保金额不一致');
    if (action === 'complete') {
      p.state = 'completed';
      p.completedFen = amount;
    } else {
      p.state = 'voided';
    }
    return reply('00', {
      ...this.v1TimeFields(),
      retrievalRefNum: this.newRrn(),
      ...(quick && action === 'complete'
        ? { actualTransactionAmount: amount }
        : { thirdPartyName: THIRD_PARTY.other }),
    });
  }

  preauthComplete(
    req: { merchantCode: string; transactionAmount: number; authorizationCode: string } & {
      originalTransactionDate: string;
      originalSystemTraceNum: string;
    },
    action: 'complete' | 'void',
  ): Reply {
    const p = this.findPreauth(
      req.merchantCode,
      req.authorizationCode,
      req.originalTransactionDate,
      req.originalSystemTraceNum,
    );
    return this.finishPreauth(p, action, req.transactionAmount, false);
  }

  preauthQuick(
    req: { merchantCode: string; transactionAmount: number; orderId: string },
    action: 'complete' | 'void',
  ): Reply {
    const found = this.preauths.get(req.orderId);
    const p = found && found.merchantCode === req.merchantCode ? this.settlePreauth(found) : undefined;
    return this.finishPreauth(p, action, req.transactionAmount, true);
  }

  private preauthQueryBody(p: SimPreauth): Record<string, unknown> {
    const s = this.stamp(p.createdAt);
    const ok = p.state !== 'failed' && p.state !== 'pending';
    return {
      errCode: '00',
      errInfo: '查询成功',
      queryResCode: ok ? '0' : p.state === 'pending' ? 'FF' : '5',
      payCode: `******${p.payCodeLast4}`,
      dealDate: s.slice(0, 8),
      dealTime: s.slice(8, 14),
      originalAmount: String(p.amountFen), // documented 字符串
      dealType: 'preauthorize',
      dealSystemTraceNum: p.systemTraceNum,
      dealRetrievalRefNum: p.retrievalRefNum,
      batchNo: '000001',
      authorizationCode: p.authorizationCode,
      amount: String(ok ? p.amountFen : 0), // documented 字符串
      orderId: p.orderId,
      thirdPartyName: THIRD_PARTY.other,
    };
  }

  preauthQueryByTrace(req: {
    merchantCode: string;
    terminalCode: string;
    originalSystemTraceNum: string;
  }): Reply {
    const today = this.today();
    const candidates = [...this.preauths.values()].filter(
      (p) =>
        p.merchantCode === req.merchantCode &&
        p.terminalCode === req.terminalCode &&
        p.systemTraceNum === req.originalSystemTraceNum,
    );
    const p = candidates.find((x) => x.day === today) ?? candidates.at(-1);
    if (!p) return reply('25');
    return { body: this.preauthQueryBody(this.settlePreauth(p)) };
  }

  preauthQuery(req: {
    merchantCode: string;
    terminalCode: string;
    originalOrderId?: string;
    originalSystemTraceNum?: string;
  }): Reply {
    let p: SimPreauth | undefined;
    if (req.originalOrderId) {
      const found = this.preauths.get(req.originalOrderId);
      p = found && found.merchantCode === req.merchantCode ? found : undefined;
    } else {
      const today = this.today();
      p = [...this.preauths.values()].find(
        (x) =>
          x.merchantCode === req.merchantCode &&
          x.terminalCode === req.terminalCode &&
          x.systemTraceNum === req.originalSystemTraceNum &&
          x.day === today,
      );
    }
    if (!p) return reply('25');
    this.settlePreauth(p);
    const secure: Record<PreauthStateName, number | undefined> = {
      pending: undefined,
      authorized: 0,
      voided: 1,
      completed: 2,
      failed: 6,
    };
    const status: Record<PreauthStateName, string> = {
      pending: 'WAIT_BUYER_PAY',
      authorized: 'TRADE_SUCCESS',
      voided: 'TRADE_CLOSED',
      completed: 'TRADE_SUCCESS',
      failed: 'TRADE_CLOSED',
    };
    const body: Record<string, unknown> = { ...this.preauthQueryBody(p), status: status[p.state] };
    const s = secure[p.state];
    if (s !== undefined) body.secureStatus = s;
    if (p.state === 'pending') body.autoQueryFlag = 'Y';
    if (p.state === 'failed') body.netpayErrMsg = INFO[p.failCode ?? ''] ?? '交易失败';
    return { body };
  }

  // ── truth ──────────────────────────────────────────────────────────────────────────────────

  ledger(): LedgerEntry[] {
    return [...this.orders.values()].map((o) => {
      this.settle(o);
      const refunds = o.refunds
        .filter((r) => r.succeeded)
        .map((r) => ({ refundRequestId: r.refundRequestId, amountFen: r.amountFen, at: r.at }));
      const refunded = refundedFen(o);
      const entry: LedgerEntry = {
        merchantOrderId: o.merchantOrderId,
        orderId: o.orderId,
        merchantCode: o.merchantCode,
        terminalCode: o.terminalCode,
        amountFen: o.amountFen,
        payCodeLast4: o.payCodeLast4,
        day: o.day,
        createdAt: o.createdAt.toISOString(),
        state: o.state,
        chargedTimes: o.chargedTimes,
        refunds,
        refundedFen: refunded,
        capturedFen: o.state === 'paid' ? o.amountFen * o.chargedTimes - refunded : 0,
      };
      if (o.script) entry.script = o.script;
      return entry;
    });
  }

  preauthLedger(): PreauthLedgerEntry[] {
    return [...this.preauths.values()].map((p) => {
      this.settlePreauth(p);
      const e: PreauthLedgerEntry = {
        orderId: p.orderId,
        systemTraceNum: p.systemTraceNum,
        authorizationCode: p.authorizationCode,
        transactionDate: p.transactionDate,
        amountFen: p.amountFen,
        state: p.state,
        day: p.day,
      };
      if (p.merchantOrderId) e.merchantOrderId = p.merchantOrderId;
      if (p.completedFen !== undefined) e.completedFen = p.completedFen;
      return e;
    });
  }
}

function refundedFen(order: SimOrder): number {
  return order.refunds.filter((r) => r.succeeded).reduce((sum, r) => sum + r.amountFen, 0);
}

/** Whole China days between two yyyyMMdd dates. */
export function daysBetween(from: string, to: string): number {
  const t = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  return Math.round((t(to) - t(from)) / 86_400_000);
}
