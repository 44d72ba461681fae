/**
 * The slips: what a receipt says, as layout blocks (layout.ts). Pure functions of the contract types and
 * the shop's settings, so goldens pin them exactly. Payment codes appear here only as their last 4 digits.
 */

import type { OrderDetail, OrderView, PreauthView, RefundView } from '../journal/views.js';
import type { Report, ReportChannel, Totals } from '../reports/types.js';
import type { YimaRefundView } from '../yima/types.js';
import type { Block, PaperWidth, Slip } from './layout.js';
import { chinaTime, yuan } from './text.js';

export type Copy = 'customer' | 'merchant';

export interface ShopInfo {
  shopName: string;
  /** Printed under the shop name when set (settings.receiptLogoLine). */
  logoLine?: string;
  merchantCode: string;
  terminalCode: string;
}

export interface SlipContext {
  shop: ShopInfo;
  /** ISO instant the slip is printed (shown on reprints and reports). */
  printedAt: string;
  /** Operator id → display name, when known. */
  operatorName?: (id: string) => string | undefined;
}

export interface SlipOptions {
  copy: Copy;
  reprint: boolean;
}

const CHANNEL: Record<ReportChannel, string> = {
  wechat: '微信支付 WeChat Pay',
  alipay: '支付宝 Alipay',
  unionpay: '云闪付 UnionPay',
  ecny: '数字人民币 e-CNY',
  other: '其他 Other',
  yima: '翼码 YIMA',
};

const PAY_MODE: Record<string, string> = {
  CODE_SCAN: '扫码 CODE SCAN',
  PREAUTH: '担保完成 PRE-AUTH',
  YIMA: '翼码退款 YIMA REFUND',
};

const ORDER_STATUS: Record<OrderView['status'], string> = {
  pending: '处理中 PENDING',
  paid: '支付成功 PAID',
  declined: '支付失败 DECLINED',
  unknown: '结果未明 UNKNOWN',
  voided: '已撤销 VOIDED',
  'partially-refunded': '部分退款 PART REFUNDED',
  refunded: '已退款 REFUNDED',
  'needs-attention': '待处理 NEEDS ATTENTION',
};

const REFUND_STATUS: Record<RefundView['status'], string> = {
  pending: '处理中 PENDING',
  refunded: '退款成功 REFUNDED',
  failed: '退款失败 FAILED',
  unknown: '结果未明 UNKNOWN',
};

const PREAUTH_STATUS: Record<PreauthView['status'], string> = {
  pending: '处理中 PENDING',
  authorized: '担保中 AUTHORIZED',
  completing: '完成中 COMPLETING',
  completed: '已完成 COMPLETED',
  voided: '已撤销 VOIDED',
  declined: '失败 DECLINED',
  unknown: '结果未明 UNKNOWN',
  'needs-attention': '待处理 NEEDS ATTENTION',
};

const YIMA_STATUS: Record<YimaRefundView['status'], string> = {
  pending: '处理中 PENDING',
  processing: '处理中 PROCESSING',
  refunded: '退款成功 REFUNDED',
  failed: '退款失败 FAILED',
  'needs-attention': '待处理 NEEDS ATTENTION',
};

function header(ctx: SlipContext, title: string, opts: SlipOptions | undefined): Block[] {
  const blocks: Block[] = [
    { t: 'text', text: ctx.shop.shopName, align: 'center', bold: true, size: 2 },
    ...(ctx.shop.logoLine ? [{ t: 'text' as const, text: ctx.shop.logoLine, align: 'center' as const }] : []),
    { t: 'text', text: title, align: 'center', bold: true },
  ];
  if (opts) {
    blocks.push({
      t: 'text',
      text: opts.copy === 'merchant' ? '商户存根 MERCHANT COPY' : '顾客存根 CUSTOMER COPY',
      align: 'center',
    });
    if (opts.reprint) blocks.push({ t: 'text', text: '*** 重打印 REPRINT ***', align: 'center', bold: true });
  }
  blocks.push({ t: 'rule' });
  return blocks;
}

function who(ctx: SlipContext, operatorId: string): string {
  const name = ctx.operatorName?.(operatorId);
  return name && name !== operatorId ? `${name} (${operatorId})` : operatorId;
}

function terminalBlock(ctx: SlipContext, operatorId: string, time: string): Block[] {
  return [
    { t: 'pair', left: '商户号 MERCHANT', right: ctx.shop.merchantCode },
    { t: 'pair', left: '终端号 TERMINAL', right: ctx.shop.terminalCode },
    { t: 'pair', left: '操作员 OPERATOR', right: who(ctx, operatorId) },
    { t: 'pair', left: '时间 TIME', right: chinaTime(time) },
  ];
}

function footer(ctx: SlipContext, opts: SlipOptions, qr: string | undefined): Block[] {
  const blocks: Block[] = [];
  if (qr) {
    blocks.push(
      { t: 'qr', data: qr },
      { t: 'text', text: '扫码查单 Scan to find this order', align: 'center' },
    );
  }
  if (opts.reprint) blocks.push({ t: 'pair', left: '打印时间 PRINTED', right: chinaTime(ctx.printedAt) });
  blocks.push(
    {
      t: 'text',
      text: opts.copy === 'merchant' ? '商户存根 请妥善保管 Keep for records' : '谢谢惠顾 Thank you!',
      align: 'center',
    },
    { t: 'feed', lines: 2 },
  );
  return blocks;
}

function money(label: string, fen: number, big = false): Block {
  return big
    ? { t: 'pair', left: label, right: yuan(fen), bold: true, size: 2 }
    : { t: 'pair', left: label, right: yuan(fen) };
}

function orderIds(order: OrderView, prefix = ''): Block[] {
  const blocks: Block[] = [
    { t: 'pair', left: `${prefix}商户订单号 ORDER NO.`, right: order.merchantOrderId },
  ];
  if (order.orderId) blocks.push({ t: 'pair', left: `${prefix}银商订单号 UMS NO.`, right: order.orderId });
  return blocks;
}

function paymentBlock(order: OrderView): Block[] {
  const blocks: Block[] = [
    { t: 'pair', left: '支付方式 CHANNEL', right: CHANNEL[order.channel] },
    { t: 'pair', left: '付款码 CODE', right: `****${order.codeLast4}` },
  ];
  return blocks;
}

/** 销售 / 消费凭证: the sale itself. Unresolved or failed sales say so in large print. */
export function saleSlip(detail: OrderDetail, ctx: SlipContext, opts: SlipOptions): Slip {
  const order = detail.order;
  const blocks: Block[] = [
    ...header(ctx, '消费凭证 SALE', opts),
    ...terminalBlock(ctx, order.operatorId, order.createdAt),
    { t: 'rule' },
    ...paymentBlock(order),
    ...orderIds(order),
  ];
  if (order.retrievalRefNum) blocks.push({ t: 'pair', left: '参考号 REF NO.', right: order.retrievalRefNum });
  blocks.push({ t: 'rule' }, money('订单金额 AMOUNT', order.amountFen));
  if (order.discountFen && order.discountFen > 0) blocks.push(money('优惠 DISCOUNT', -order.discountFen));
  blocks.push(money('实付金额', order.paidFen ?? order.amountFen, true));
  if (order.status !== 'paid') {
    blocks.push({ t: 'pair', left: '状态 STATUS', right: ORDER_STATUS[order.status], bold: true });
  }
  if (order.refundedFen > 0) blocks.push(money('累计已退 REFUNDED', order.refundedFen));
  if (order.status === 'pending' || order.status === 'unknown' || order.status === 'needs-attention') {
    blocks.push({ t: 'text', text: '结果未确认 请勿重复收款', align: 'center', bold: true, size: 2 });
    blocks.push({ t: 'text', text: 'NOT CONFIRMED - do not charge again', align: 'center', bold: true });
  } else if (order.status === 'declined') {
    blocks.push({ t: 'text', text: '交易失败 未扣款', align: 'center', bold: true, size: 2 });
    blocks.push({ t: 'text', text: 'DECLINED - nothing was charged', align: 'center', bold: true });
  }
  blocks.push({ t: 'rule' }, ...footer(ctx, opts, order.merchantOrderId));
  return { blocks };
}

function timeOf(detail: OrderDetail, prefix: string): string | undefined {
  const entries = detail.timeline.filter((e) => e.type.startsWith(prefix));
  return entries.at(-1)?.at;
}

/** 撤销凭证: the void of a sale, showing the original order. */
export function voidSlip(detail: OrderDetail, ctx: SlipContext, opts: SlipOptions): Slip {
  const order = detail.order;
  const voidAt = timeOf(detail, 'void.') ?? order.updatedAt;
  const blocks: Block[] = [
    ...header(ctx, '撤销凭证 VOID', opts),
    ...terminalBlock(ctx, order.operatorId, voidAt),
    { t: 'rule' },
    { t: 'text', text: '原交易 ORIGINAL SALE', bold: true },
    ...paymentBlock(order),
    ...orderIds(order, '原'),
    { t: 'pair', left: '原交易时间 SALE TIME', right: chinaTime(order.createdAt) },
  ];
  if (order.retrievalRefNum)
    blocks.push({ t: 'pair', left: '原参考号 REF NO.', right: order.retrievalRefNum });
  blocks.push(
    money('原金额 AMOUNT', order.paidFen ?? order.amountFen),
    { t: 'rule' },
    money('撤销金额', -(order.paidFen ?? order.amountFen), true),
    { t: 'pair', left: '状态 STATUS', right: ORDER_STATUS[order.status], bold: true },
    { t: 'rule' },
    ...footer(ctx, opts, order.merchantOrderId),
  );
  return { blocks };
}

/** 退款凭证: one refund of a sale, showing the original order. */
export function refundSlip(
  detail: OrderDetail,
  refund: RefundView,
  ctx: SlipContext,
  opts: SlipOptions,
): Slip {
  const order = detail.order;
  const blocks: Block[] = [
    ...header(ctx, '退款凭证 REFUND', opts),
    ...terminalBlock(ctx, refund.operatorId, refund.at),
    { t: 'rule' },
    { t: 'pair', left: '退款单号 REFUND NO.', right: refund.refundRequestId },
    { t: 'text', text: '原交易 ORIGINAL SALE', bold: true },
    ...paymentBlock(order),
    ...orderIds(order, '原'),
    { t: 'pair', left: '原交易时间 SALE TIME', right: chinaTime(order.createdAt) },
    money('原实付 PAID', order.paidFen ?? order.amountFen),
    { t: 'rule' },
    money('退款金额', -refund.amountFen, true),
    { t: 'pair', left: '状态 STATUS', right: REFUND_STATUS[refund.status], bold: true },
  ];
  if (refund.message && refund.status !== 'refunded') {
    blocks.push({ t: 'text', text: `${refund.message.zh} ${refund.message.en}` });
  }
  blocks.push(
    money('累计已退 REFUNDED', order.refundedFen),
    money('可退余额 REFUNDABLE', order.refundableFen),
  );
  if (refund.status === 'pending' || refund.status === 'unknown') {
    blocks.push({ t: 'text', text: '退款结果未确认 请勿重复退款', align: 'center', bold: true });
  }
  blocks.push({ t: 'rule' }, ...footer(ctx, opts, order.merchantOrderId));
  return { blocks };
}

/** Pre-authorization (担保) slips: start, completion and void share one layout, titled by status. */
export function preauthSlip(view: PreauthView, ctx: SlipContext, opts: SlipOptions): Slip {
  const title =
    view.status === 'completed'
      ? '预授权完成 PRE-AUTH COMPLETE'
      : view.status === 'voided'
        ? '预授权撤销 PRE-AUTH VOID'
        : '预授权 PRE-AUTH';
  const blocks: Block[] = [
    ...header(ctx, title, opts),
    ...terminalBlock(ctx, view.operatorId, view.updatedAt),
    { t: 'rule' },
    { t: 'pair', left: '支付方式 CHANNEL', right: CHANNEL[view.channel] },
    { t: 'pair', left: '付款码 CODE', right: `****${view.codeLast4}` },
    { t: 'pair', left: '预授权号 PRE-AUTH NO.', right: view.id },
  ];
  if (view.orderId) blocks.push({ t: 'pair', left: '银商订单号 UMS NO.', right: view.orderId });
  blocks.push({ t: 'pair', left: '凭证号 TRACE NO.', right: view.systemTraceNum });
  if (view.authorizationCode)
    blocks.push({ t: 'pair', left: '授权码 AUTH CODE', right: view.authorizationCode });
  if (view.transactionDate) blocks.push({ t: 'pair', left: '交易日期 DATE', right: view.transactionDate });
  blocks.push({ t: 'pair', left: '开始时间 STARTED', right: chinaTime(view.createdAt) }, { t: 'rule' });
  if (view.status === 'completed' && view.completedFen !== undefined) {
    blocks.push(money('预授权金额 AUTHORIZED', view.amountFen), money('完成金额', view.completedFen, true));
  } else if (view.status === 'voided') {
    blocks.push(money('撤销金额', -view.amountFen, true));
  } else {
    blocks.push(money('预授权金额', view.amountFen, true));
  }
  blocks.push({ t: 'pair', left: '状态 STATUS', right: PREAUTH_STATUS[view.status], bold: true });
  if (view.status === 'authorized') {
    blocks.push({ t: 'text', text: '资金已冻结，完成后才扣款 Funds held, charged on completion' });
  }
  blocks.push({ t: 'rule' }, ...footer(ctx, opts, view.id));
  return { blocks };
}

/** 翼码退款凭证: a Yima account refund. */
export function yimaRefundSlip(view: YimaRefundView, ctx: SlipContext, opts: SlipOptions): Slip {
  const blocks: Block[] = [
    ...header(ctx, '翼码退款凭证 YIMA REFUND', opts),
    ...terminalBlock(ctx, view.operatorId, view.updatedAt),
    { t: 'rule' },
    { t: 'pair', left: '退款流水 REFUND SEQ', right: view.posSeq },
    { t: 'pair', left: '原交易流水 ORIGINAL SEQ', right: view.orgPosSeq },
    { t: 'pair', left: '申请时间 REQUESTED', right: chinaTime(view.createdAt) },
  ];
  if (view.resultId) blocks.push({ t: 'pair', left: '结果码 RESULT', right: view.resultId });
  blocks.push({ t: 'rule' }, money('退款金额', -view.amountFen, true), {
    t: 'pair',
    left: '状态 STATUS',
    right: YIMA_STATUS[view.status],
    bold: true,
  });
  if (view.message && view.status !== 'refunded')
    blocks.push({ t: 'text', text: `${view.message.zh} ${view.message.en}` });
  blocks.push({ t: 'rule' }, ...footer(ctx, opts, view.posSeq));
  return { blocks };
}

/** Only the kinds that happened, then the net: a refund-only row says "退款 1笔", never "0笔 -¥25.96". */
function compactTotalsBlocks(totals: Totals, indent = ''): Block[] {
  const out: Block[] = [];
  if (totals.salesCount > 0)
    out.push({ t: 'pair', left: `${indent}消费 SALES ${totals.salesCount}笔`, right: yuan(totals.salesFen) });
  if (totals.voidsCount > 0)
    out.push({
      t: 'pair',
      left: `${indent}撤销 VOIDS ${totals.voidsCount}笔`,
      right: yuan(-totals.voidsFen),
    });
  if (totals.refundsCount > 0) {
    out.push({
      t: 'pair',
      left: `${indent}退款 REFUNDS ${totals.refundsCount}笔`,
      right: yuan(-totals.refundsFen),
    });
  }
  out.push({ t: 'pair', left: `${indent}净额 NET`, right: yuan(totals.netFen), bold: true });
  return out;
}

function totalsBlocks(totals: Totals, indent = ''): Block[] {
  return [
    { t: 'pair', left: `${indent}消费 SALES ${totals.salesCount}笔`, right: yuan(totals.salesFen) },
    { t: 'pair', left: `${indent}撤销 VOIDS ${totals.voidsCount}笔`, right: yuan(-totals.voidsFen) },
    { t: 'pair', left: `${indent}退款 REFUNDS ${totals.refundsCount}笔`, right: yuan(-totals.refundsFen) },
    { t: 'pair', left: `${indent}净额 NET`, right: yuan(totals.netFen), bold: true },
  ];
}

/** 日结单 / 交班单. Unresolved orders are listed first, as on screen. */
export function reportSlip(report: Report, ctx: SlipContext): Slip {
  const settlement = report.kind === 'settlement';
  const blocks: Block[] = [
    ...header(ctx, settlement ? '日结单 DAILY SETTLEMENT' : '交班单 SHIFT REPORT', undefined),
    { t: 'pair', left: '营业日 DAY', right: report.day },
    { t: 'pair', left: '商户号 MERCHANT', right: ctx.shop.merchantCode },
    { t: 'pair', left: '终端号 TERMINAL', right: ctx.shop.terminalCode },
  ];
  if (report.operatorId)
    blocks.push({ t: 'pair', left: '操作员 OPERATOR', right: who(ctx, report.operatorId) });
  blocks.push(
    { t: 'pair', left: '从 FROM', right: chinaTime(report.from) },
    { t: 'pair', left: '至 TO', right: chinaTime(report.to) },
    { t: 'rule', char: '=' },
  );
  if (report.unresolved.length > 0) {
    blocks.push({
      t: 'text',
      text: `未决订单 UNRESOLVED: ${report.unresolved.length}`,
      bold: true,
      size: 2,
    });
    for (const order of report.unresolved) {
      blocks.push(
        { t: 'text', text: order.merchantOrderId },
        { t: 'pair', left: `  ${ORDER_STATUS[order.status]}`, right: yuan(order.amountFen) },
      );
    }
    blocks.push(
      { t: 'text', text: '请在当日处理完毕 Resolve before the day ends', bold: true },
      { t: 'rule', char: '=' },
    );
  }
  blocks.push({ t: 'text', text: '合计 TOTALS', bold: true }, ...totalsBlocks(report.totals), { t: 'rule' });
  if (report.byChannel.length > 0) {
    blocks.push({ t: 'text', text: '按渠道 BY CHANNEL', bold: true });
    for (const row of report.byChannel) {
      blocks.push({ t: 'text', text: CHANNEL[row.channel] }, ...compactTotalsBlocks(row.totals, '  '));
    }
    blocks.push({ t: 'rule' });
  }
  if (report.byPayMode.length > 0) {
    blocks.push({ t: 'text', text: '按支付方式 BY PAY MODE', bold: true });
    for (const row of report.byPayMode) {
      blocks.push(
        { t: 'text', text: PAY_MODE[row.payMode] ?? row.payMode },
        ...compactTotalsBlocks(row.totals, '  '),
      );
    }
    blocks.push({ t: 'rule' });
  }
  if (report.byOperator.length > 0) {
    blocks.push({ t: 'text', text: '按操作员 BY OPERATOR', bold: true });
    for (const row of report.byOperator) {
      blocks.push({ t: 'text', text: who(ctx, row.operatorId) }, ...compactTotalsBlocks(row.totals, '  '));
    }
    blocks.push({ t: 'rule' });
  }
  const hours = report.byHour.filter((h) => h.count > 0);
  if (hours.length > 0) {
    blocks.push({ t: 'text', text: '按时段 BY HOUR', bold: true });
    for (const h of hours) {
      const from = String(h.hour).padStart(2, '0');
      const to = String(h.hour + 1).padStart(2, '0');
      blocks.push({ t: 'pair', left: `${from}:00-${to}:00 ${h.count}笔`, right: yuan(h.fen) });
    }
    blocks.push({ t: 'rule' });
  }
  blocks.push(
    { t: 'pair', left: '生成时间 GENERATED', right: chinaTime(report.generatedAt) },
    { t: 'pair', left: '打印时间 PRINTED', right: chinaTime(ctx.printedAt) },
    { t: 'feed', lines: 1 },
    { t: 'text', text: settlement ? '店长签字 MANAGER:' : '交班人 HANDED OVER BY:' },
    { t: 'feed', lines: 2 },
  );
  if (!settlement) blocks.push({ t: 'text', text: '接班人 TAKEN OVER BY:' }, { t: 'feed', lines: 2 });
  blocks.push({ t: 'feed', lines: 1 });
  return { blocks };
}

/** A test page: column ruler, Chinese at full width, sizes, QR, so a wrong width or code page shows at once. */
export function testSlip(ctx: SlipContext, paper: PaperWidth, printerLabel: string): Slip {
  const cols = paper === '58' ? 32 : 48;
  const ruler = Array.from({ length: cols }, (_, i) => String((i + 1) % 10)).join('');
  return {
    blocks: [
      ...header(ctx, '打印测试 PRINTER TEST', undefined),
      { t: 'pair', left: '打印机 PRINTER', right: printerLabel },
      { t: 'pair', left: '纸宽 PAPER', right: `${paper}mm / ${cols}列` },
      { t: 'pair', left: '时间 TIME', right: chinaTime(ctx.printedAt) },
      { t: 'rule' },
      { t: 'text', text: ruler },
      { t: 'text', text: '汉'.repeat(cols / 2) },
      { t: 'text', text: '中文测试：一个汉字占两列，这一行应当在纸宽处整齐换行。' },
      { t: 'text', text: '加粗 BOLD', bold: true },
      { t: 'text', text: '倍大 DOUBLE', size: 2 },
      { t: 'pair', left: '金额 AMOUNT', right: yuan(123456) },
      { t: 'qr', data: 'TEST-PRINT' },
      { t: 'text', text: '打印正常 OK', align: 'center', bold: true },
      { t: 'feed', lines: 2 },
    ],
  };
}
