/**
 * Fixed sample data for goldens, tests, the preview screenshot and demos: every slip type, deterministic.
 */
import type { OrderDetail, OrderView, PreauthView } from '../journal/views.js';
import type { Report, Totals } from '../reports/types.js';
import type { YimaRefundView } from '../yima/types.js';
import type { SlipContext } from './receipts.js';

export const FIXED_NOW = '2025-03-01T06:30:00.000Z'; // 14:30:00 China time

export const sampleContext: SlipContext = {
  shop: { shopName: '演示商店 Demo Shop', merchantCode: '898310000000001', terminalCode: 'DEMO0001' },
  printedAt: FIXED_NOW,
  operatorName: (id) => ({ cashier: '收银员', manager: '店长' })[id],
};

export const paidOrder: OrderView = {
  kind: 'sale',
  merchantOrderId: 'DEMO000120250301141205000017',
  orderId: '20250301141205543210987654',
  day: '2025-03-01',
  createdAt: '2025-03-01T06:12:05.000Z',
  updatedAt: '2025-03-01T06:12:07.000Z',
  operatorId: 'cashier',
  amountFen: 12_800,
  paidFen: 12_300,
  discountFen: 500,
  refundedFen: 0,
  refundableFen: 12_300,
  channel: 'wechat',
  codeLast4: '4321',
  status: 'paid',
  retrievalRefNum: '506012345678',
  thirdPartyName: '微信',
  payMode: 'CODE_SCAN',
  unresolved: false,
};

export const saleDetail: OrderDetail = {
  order: paidOrder,
  refunds: [],
  timeline: [
    { seq: 1, at: paidOrder.createdAt, type: 'pay.intent', summary: { zh: '发起支付', en: 'Pay intent' } },
    { seq: 2, at: paidOrder.updatedAt, type: 'pay.reply', summary: { zh: '支付成功', en: 'Paid' } },
  ],
};

export const voidDetail: OrderDetail = {
  order: {
    ...paidOrder,
    merchantOrderId: 'DEMO000120250301141530000018',
    orderId: '20250301141530543210987655',
    channel: 'alipay',
    codeLast4: '8899',
    amountFen: 4_550,
    paidFen: 4_550,
    discountFen: 0,
    refundableFen: 0,
    status: 'voided',
    createdAt: '2025-03-01T06:15:30.000Z',
    updatedAt: '2025-03-01T06:20:00.000Z',
  },
  refunds: [],
  timeline: [
    { seq: 3, at: '2025-03-01T06:19:58.000Z', type: 'void.reply', summary: { zh: '撤销成功', en: 'Voided' } },
  ],
};

export const refundDetail: OrderDetail = {
  order: { ...paidOrder, status: 'partially-refunded', refundedFen: 2_000, refundableFen: 10_300 },
  refunds: [
    {
      refundRequestId: 'R-DEMO000120250301141205000017-1',
      amountFen: 2_000,
      status: 'refunded',
      operatorId: 'manager',
      at: '2025-03-01T06:25:00.000Z',
    },
  ],
  timeline: saleDetail.timeline,
};

export const preauthAuthorized: PreauthView = {
  id: 'PA-DEMO000120250301100000000003',
  orderId: '20250301100000543210987600',
  day: '2025-03-01',
  createdAt: '2025-03-01T02:00:00.000Z',
  updatedAt: '2025-03-01T02:00:03.000Z',
  operatorId: 'cashier',
  amountFen: 50_000,
  channel: 'unionpay',
  codeLast4: '6262',
  systemTraceNum: '000123',
  authorizationCode: 'A12345',
  transactionDate: '0301',
  status: 'authorized',
};

export const preauthCompleted: PreauthView = {
  ...preauthAuthorized,
  updatedAt: '2025-03-01T05:00:00.000Z',
  completedFen: 38_800,
  status: 'completed',
};

export const yimaRefund: YimaRefundView = {
  posSeq: 'YR2025030114200001',
  orgPosSeq: 'YP20250228183000123',
  amountFen: 1_990,
  status: 'refunded',
  resultId: '0000',
  operatorId: 'manager',
  createdAt: '2025-03-01T06:20:00.000Z',
  updatedAt: '2025-03-01T06:20:02.000Z',
};

const totals = (salesCount: number, salesFen: number, voidsFen: number, refundsFen: number): Totals => ({
  salesCount,
  salesFen,
  voidsCount: voidsFen > 0 ? 1 : 0,
  voidsFen,
  refundsCount: refundsFen > 0 ? 1 : 0,
  refundsFen,
  netFen: salesFen - voidsFen - refundsFen,
});

export const settlementReport: Report = {
  kind: 'settlement',
  day: '2025-03-01',
  from: '2025-02-28T16:00:00.000Z',
  to: '2025-03-01T15:59:59.999Z',
  totals: totals(3, 16_850, 4_550, 2_000),
  byChannel: [
    { channel: 'wechat', totals: totals(1, 12_300, 0, 2_000) },
    { channel: 'alipay', totals: totals(2, 4_550, 4_550, 0) },
  ],
  byPayMode: [{ payMode: 'CODE_SCAN', totals: totals(3, 16_850, 4_550, 2_000) }],
  byOperator: [{ operatorId: 'cashier', totals: totals(3, 16_850, 4_550, 2_000) }],
  byHour: Array.from({ length: 24 }, (_, hour) => ({
    hour,
    count: hour === 14 ? 3 : 0,
    fen: hour === 14 ? 16_850 : 0,
  })),
  unresolved: [
    {
      ...paidOrder,
      merchantOrderId: 'DEMO000120250301142800000019',
      status: 'unknown',
      unresolved: true,
      amountFen: 999,
    },
  ],
  generatedAt: FIXED_NOW,
};

export const shiftReport: Report = {
  ...settlementReport,
  kind: 'shift',
  operatorId: 'cashier',
  from: '2025-03-01T01:00:00.000Z',
  to: FIXED_NOW,
  unresolved: [],
};
