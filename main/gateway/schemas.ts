/**
 * Wire models of ChinaUMS POS通 (v2 transactions, v1 pre-authorization), one zod schema per request and
 * response table of the specs in /work/shared/specs.
 *
 * - Requests are STRICT: every field typed as the spec says (数字型 → JSON number, 布尔型 → boolean),
 *   maximum lengths, enums, required and conditional fields. Validated before anything is sent.
 * - Responses are LENIENT: numeric strings become integers, numbers in string fields become strings,
 *   an unparsable value becomes `undefined` (the raw body is kept for the journal), unknown fields kept.
 *
 * Messages are "中文 / English" so the BAD_INPUT error a cashier sees names the field and the fix.
 */
import { z } from 'zod';
import { PAY_MODES } from '../shared/schemas.js';

// ── request primitives ─────────────────────────────────────────────────────────────────────────

const text = (zh: string, en: string, max: number, min = 1) =>
  z
    .string({ error: `${zh}必须是文字 / ${en} must be text` })
    .min(min, `${zh}不能为空 / ${en} is required`)
    .max(max, `${zh}最长 ${max} 位 / ${en}: at most ${max} characters`);

const fen = (zh: string, en: string) =>
  z
    .number({ error: `${zh}必须是整数（分） / ${en} must be an integer number of fen` })
    .int(`${zh}必须是整数（分） / ${en} must be an integer number of fen`)
    .min(1, `${zh}至少 1 分 / ${en}: at least 1 fen`)
    .max(999_999_999_999, `${zh}最多 12 位 / ${en}: at most 12 digits of fen`);

const MerchantCode = text('商户号', 'merchantCode', 32);
const TerminalCode = text('终端号', 'terminalCode', 32);
const Currency = z.literal('156', {
  error: '交易币种必须是 156（人民币） / transactionCurrencyCode must be 156 (CNY)',
});
const OrderId50 = text('商户订单号', 'merchantOrderId', 50);
const OriginalOrderId = text('银商订单号', 'originalOrderId', 50);
const TraceNum = z
  .string({ error: '系统跟踪号必须是文字 / systemTraceNum must be text' })
  .regex(/^\d{6}$/, '系统跟踪号必须是 6 位数字 / systemTraceNum must be 6 digits');
const OriginalTraceNum = z
  .string({ error: '原系统跟踪号必须是文字 / originalSystemTraceNum must be text' })
  .regex(/^\d{6}$/, '原系统跟踪号必须是 6 位数字 / originalSystemTraceNum must be 6 digits');
const PayCode = z
  .string({ error: '付款码必须是文字 / payCode must be text' })
  .regex(/^[0-9A-Za-z]{1,64}$/, '付款码只能是 1–64 位数字或字母 / payCode: 1 to 64 digits or letters');
const MmDd = z
  .string({ error: '原交易日期必须是文字 / originalTransactionDate must be text' })
  .regex(/^(\d{4}|\d{8})$/, '原交易日期格式为 MMdd / originalTransactionDate must be MMdd');

export const PayModeV2 = z.enum(PAY_MODES, {
  error: '支付方式无效 / payMode must be E_CASH, SOUNDWAVE, NFC, CODE_SCAN, MANUAL or FACE_SCAN',
});
export const PayModeV1 = z.enum(
  PAY_MODES.filter((m): m is Exclude<(typeof PAY_MODES)[number], 'FACE_SCAN'> => m !== 'FACE_SCAN'),
  { error: '支付方式无效 / payMode must be E_CASH, SOUNDWAVE, NFC, CODE_SCAN or MANUAL' },
);

export const GoodsItem = z.strictObject({
  goodsId: text('商品ID', 'goods.goodsId', 32),
  goodsName: text('商品名称', 'goods.goodsName', 256),
  quantity: z
    .number({ error: '商品数量必须是整数 / goods.quantity must be an integer' })
    .int('商品数量必须是整数 / goods.quantity must be an integer')
    .refine((n) => n !== 0, '商品数量不能为 0 / goods.quantity must not be 0')
    .refine((n) => Math.abs(n) < 10_000_000_000, '商品数量最多 10 位 / goods.quantity: at most 10 digits'),
  price: z
    .number({ error: '商品单价必须是整数（分） / goods.price must be integer fen' })
    .int('商品单价必须是整数（分） / goods.price must be integer fen')
    .min(0, '商品单价不能为负 / goods.price must not be negative')
    .max(999_999_999_999, '商品单价最多 12 位 / goods.price: at most 12 digits'),
  goodsCategory: text('商品分类', 'goods.goodsCategory', 24).optional(),
  body: text('商品说明', 'goods.body', 100).optional(),
  discount: z
    .number({ error: '商品折扣必须是整数（分） / goods.discount must be integer fen' })
    .int('商品折扣必须是整数（分） / goods.discount must be integer fen')
    .min(0, '商品折扣不能为负 / goods.discount must not be negative')
    .max(999_999_999_999, '商品折扣最多 12 位 / goods.discount: at most 12 digits')
    .optional(),
});
export type GoodsItem = z.infer<typeof GoodsItem>;

const Goods = z
  .array(GoodsItem)
  .refine(
    (goods) => JSON.stringify(goods).length <= 6000,
    '商品信息最长 6000 位 / goods: at most 6000 characters as JSON',
  );

const eitherOrderId = <
  T extends { merchantOrderId?: string | undefined; originalOrderId?: string | undefined },
>(
  value: T,
) => Boolean(value.merchantOrderId || value.originalOrderId);
const eitherOrderIdMessage = {
  message:
    '商户订单号与银商订单号至少存在一个 / give merchantOrderId or originalOrderId (at least one of them)',
  path: ['merchantOrderId'],
};

// ── v2 requests ──────────────────────────────────────────────────────────────────────────────

export const ActivateTerminalRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
});

export const PayRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  transactionAmount: fen('交易金额', 'transactionAmount'),
  transactionCurrencyCode: Currency,
  merchantOrderId: OrderId50,
  merchantRemark: text('商户备注', 'merchantRemark', 50),
  payMode: PayModeV2,
  payCode: PayCode,
  goods: Goods.optional(),
  srcReserved: text('商户冗余信息', 'srcReserved', 100).optional(),
  storeId: text('门店号', 'storeId', 64).optional(),
  limitCreditCard: z
    .boolean({ error: '是否限制信用卡必须是 true/false / limitCreditCard must be a boolean' })
    .optional(),
  operatorId: text('操作员编号', 'operatorId', 64).optional(),
  bizIdentifier: text('业务标识', 'bizIdentifier', 64).optional(),
  goodsTag: text('商品标识', 'goodsTag', 64).optional(),
  installmentFlag: z.literal('HBF', { error: '分期标志只能是 HBF / installmentFlag must be HBF' }).optional(),
  installmentNumber: z
    .number({ error: '分期期数必须是整数 / installmentNumber must be an integer' })
    .int('分期期数必须是整数 / installmentNumber must be an integer')
    .min(1, '分期期数至少 1 / installmentNumber: at least 1')
    .optional(),
  retCommParams: z
    .strictObject({
      foodOrderType: z.literal('pre_order', {
        error: 'foodOrderType 只能是 pre_order / retCommParams.foodOrderType must be pre_order',
      }),
    })
    .refine(
      (v) => JSON.stringify(v).length <= 255,
      '返佣字段最长 255 位 / retCommParams: at most 255 characters',
    )
    .optional(),
});

/**
 * The fields that name an earlier order, shared by void, refund, query and query-refund: 商户订单号与
 * 银商订单号至少存在一个 (each request refines with `eitherOrderId`).
 */
const orderRef = {
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  merchantOrderId: OrderId50.optional(),
  originalOrderId: OriginalOrderId.optional(),
};

const LimitCrossDevice = z
  .boolean({ error: '是否限制跨终端必须是 true/false / limitCrossDevice must be a boolean' })
  .optional();

export const VoidPaymentRequest = z
  .strictObject({
    ...orderRef,
    merchantRemark: text('商户备注', 'merchantRemark', 50).optional(),
    limitCrossDevice: LimitCrossDevice,
    bizIdentifier: text('业务标识', 'bizIdentifier', 64).optional(),
  })
  .refine(eitherOrderId, eitherOrderIdMessage);

export const RefundRequest = z
  .strictObject({
    ...orderRef,
    refundRequestId: text('退款请求标识', 'refundRequestId', 50),
    transactionAmount: fen('退货金额', 'transactionAmount'),
    merchantRemark: text('商户备注', 'merchantRemark', 50).optional(),
    limitCrossDevice: LimitCrossDevice,
    srcReserved: text('商户冗余信息', 'srcReserved', 100).optional(),
    goods: Goods.optional(),
    storeId: text('门店号', 'storeId', 64).optional(),
    operatorId: text('操作员编号', 'operatorId', 64).optional(),
    bizIdentifier: text('业务标识', 'bizIdentifier', 64).optional(),
  })
  .refine(eitherOrderId, eitherOrderIdMessage);

export const QueryRequest = z
  .strictObject({
    ...orderRef,
  })
  .refine(eitherOrderId, eitherOrderIdMessage);

export const QueryRefundRequest = z
  .strictObject({
    ...orderRef,
    refundRequestId: text('退款请求标识', 'refundRequestId', 50),
  })
  .refine(eitherOrderId, eitherOrderIdMessage);

// ── v1 pre-authorization requests ────────────────────────────────────────────────────────────

export const PreauthActivateRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  systemTraceNum: TraceNum,
});

export const PreauthorizeRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  systemTraceNum: TraceNum,
  transactionAmount: fen('交易金额', 'transactionAmount'),
  transactionCurrencyCode: Currency,
  merchantOrderId: OrderId50.optional(),
  merchantRemark: text('商户备注', 'merchantRemark', 30).optional(),
  payMode: PayModeV1,
  payCode: PayCode,
  attachedData: text('附加信息', 'attachedData', 256).optional(),
});

/** 担保完成 and 担保撤销 share one request table. */
export const PreauthCompleteRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  systemTraceNum: TraceNum,
  transactionAmount: fen('交易金额', 'transactionAmount'),
  transactionCurrencyCode: Currency,
  authorizationCode: text('授权码', 'authorizationCode', 32),
  originalTransactionDate: MmDd,
  originalSystemTraceNum: OriginalTraceNum,
});
export const PreauthVoidRequest = PreauthCompleteRequest;

/** 快速担保完成 and 快速担保撤销 share one request table. */
export const PreauthQuickRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  systemTraceNum: TraceNum,
  transactionAmount: fen('交易金额', 'transactionAmount'),
  transactionCurrencyCode: Currency,
  orderId: text('银商订单号', 'orderId', 50),
  originalTransactionDate: MmDd.optional(),
  originalSystemTraceNum: OriginalTraceNum.optional(),
});

export const PreauthQueryByTraceRequest = z.strictObject({
  merchantCode: MerchantCode,
  terminalCode: TerminalCode,
  systemTraceNum: TraceNum,
  originalSystemTraceNum: OriginalTraceNum,
});

export const PreauthQueryRequest = z
  .strictObject({
    merchantCode: MerchantCode,
    terminalCode: TerminalCode,
    systemTraceNum: TraceNum,
    originalOrderId: OriginalOrderId.optional(),
    originalSystemTraceNum: OriginalTraceNum.optional(),
  })
  .refine((v) => Boolean(v.originalOrderId || v.originalSystemTraceNum), {
    message:
      '银商订单号与原系统跟踪号至少存在一个 / give originalOrderId or originalSystemTraceNum (at least one of them)',
    path: ['originalOrderId'],
  });

// ── lenient response primitives ──────────────────────────────────────────────────────────────

/** 数字型: a JSON number or a numeric string → safe integer; anything else → undefined. */
export const LNum = z
  .preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v) ? Number(v.trim()) : v),
    z.number().int().safe(),
  )
  .optional()
  .catch(undefined);
/** 字符串: a string, or a number sent where a string was documented → its decimal text. */
export const LStr = z
  .preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v), z.string())
  .optional()
  .catch(undefined);
const LList = <T extends z.ZodType>(item: T) => z.array(item).optional().catch(undefined);
const LJson = z.unknown().optional();

const Base = {
  errCode: LStr,
  errInfo: LStr,
};

const Promotion = z.looseObject({
  channelName: LStr,
  discountId: LStr,
  eventNo: LStr,
  eventName: LStr,
  discountScope: LStr,
  discountType: LStr,
  eventDiscountAmount: LNum,
  platformDiscountAmount: LNum,
  merchantDiscountAmount: LNum,
  thirdPartyDiscountAmount: LNum,
  thirdPartyDiscountDetail: LStr,
  goodsList: LList(
    z.looseObject({
      goodsId: LStr,
      discountAmount: LNum,
      goodsNumber: LNum,
      goodsPrice: LNum,
      goodsRemark: LStr,
    }),
  ),
});

const RefundEvent = z.looseObject({
  promotionProviderCode: LStr,
  flowId: LStr,
  eventNo: LStr,
  eventName: LStr,
  promotionRange: LStr,
  promotionType: LStr,
  refundPromotionAmt: LNum,
  platPromotionAmt: LNum,
  mchntPromotionAmt: LNum,
  thirdPartyPromotionAmt: LNum,
  thirdPartyPromotionDetail: LStr,
  goodsList: LList(
    z.looseObject({
      goodsId: LStr,
      promotionAmt: LNum,
      goodsNum: LNum,
      goodsPrice: LNum,
      goodsRemark: LStr,
    }),
  ),
});

const Dates = {
  transactionTime: LStr,
  transactionDateWithYear: LStr,
  settlementDateWithYear: LStr,
  retrievalRefNum: LStr,
};

/** What the channel paid: the same rows in the v2 支付 / 交易查询 and the v1 担保 / 担保查询 responses. */
const ChannelPaid = {
  actualTransactionAmount: LNum,
  amount: LNum,
  orderId: LStr,
  marketingAllianceDiscountInstruction: LStr,
  thirdPartyDiscountInstruction: LStr,
  thirdPartyName: LStr,
  thirdPartyBuyerId: LStr,
};

/** The transaction a query found: the same rows in the v2 退货查询 and the v1 担保查询 responses. */
const Deal = {
  payCode: LStr,
  dealDate: LStr,
  dealTime: LStr,
  originalAmount: LNum, // documented 字符串, carries fen
  dealType: LStr,
  dealSystemTraceNum: LStr,
  dealRetrievalRefNum: LStr,
  batchNo: LStr,
};

// ── v2 responses ─────────────────────────────────────────────────────────────────────────────

export const ActivateTerminalResponse = z.looseObject({ ...Base });

/**
 * What was paid and how it was discounted: the same rows, with the same types, in the 支付 and the
 * 交易查询 response tables (actualTransactionAmount … mchntName).
 */
const PaidDetail = {
  ...ChannelPaid,
  thirdPartyBuyerUserName: LStr,
  thirdPartyOrderId: LStr,
  thirdPartyPayInformation: LStr,
  totalDiscountAmount: LNum,
  discountStatus: LNum,
  promotionList: LList(Promotion),
  rawPromotionList: LJson,
  merchantAllowance: LNum,
  thirdPartyAllowance: LNum,
  thirdPartyPointDiscountAmount: LNum,
  mchntName: LStr,
};

export const PayResponse = z.looseObject({
  ...Base,
  ...Dates,
  transactionAmount: LNum,
  ...PaidDetail,
  cardAttr: LStr,
  installmentNumber: LNum,
  installmentSellerPercent: LNum,
});

export const VoidPaymentResponse = z.looseObject({
  ...Base,
  ...Dates,
  transactionAmount: LNum,
  actualTransactionAmount: LNum,
  thirdPartyName: LStr,
  cardAttr: LStr,
  installmentNumber: LNum,
  installmentSellerPercent: LNum,
});

const RefundPromotion = {
  refundInvoiceAmount: LNum, // documented 字符串, carries fen: stored as an integer
  totalRefundPromotionAmt: LNum,
  orderPromotionStatus: LStr,
  eventList: LList(RefundEvent),
  oriInfo: LJson,
};

export const RefundResponse = z.looseObject({
  ...Base,
  ...Dates,
  thirdPartyName: LStr,
  cardAttr: LStr,
  transactionAmount: LNum,
  installmentNumber: LNum,
  installmentSellerPercent: LNum,
  ...RefundPromotion,
});

export const QueryResponse = z.looseObject({
  ...Base,
  originalTransactionTime: LStr,
  originalSettlementDate: LStr,
  queryResCode: LStr,
  queryResDesc: LStr,
  originalPayCode: LStr,
  originalBatchNo: LStr,
  originalSystemTraceNum: LStr,
  originalRetrievalRefNum: LStr,
  originalTransactionAmount: LNum,
  merchantOrderId: LStr,
  refundedAmount: LNum,
  ...PaidDetail,
});

export const QueryRefundResponse = z.looseObject({
  ...Base,
  transactionTime: LStr,
  transactionDate: LStr,
  settlementDate: LStr,
  retrievalRefNum: LStr,
  queryResCode: LStr,
  queryResInfo: LStr,
  ...Deal,
  originalTransactionDate: LStr,
  originalRetrievalRefNum: LStr,
  originalSettlementDate: LStr,
  ...RefundPromotion,
});

// ── v1 pre-authorization responses ───────────────────────────────────────────────────────────

const V1Dates = {
  transactionTime: LStr,
  transactionDate: LStr, // MMdd
  settlementDate: LStr, // MMdd
  retrievalRefNum: LStr,
};

export const PreauthActivateResponse = z.looseObject({ ...Base });

/**
 * The authorization and what was paid: the same rows in the 担保 and the 担保查询 response tables
 * (the query documents some amounts as 字符串: LNum reads a numeric string too).
 */
const PreauthPaidDetail = {
  authorizationCode: LStr,
  ...ChannelPaid,
  thirdPartyMerchantDiscountAmount: LNum,
  thirdPartyOtherDiscountAmount: LNum,
};

export const PreauthorizeResponse = z.looseObject({
  ...Base,
  ...V1Dates,
  ...PreauthPaidDetail,
  thirdPartyBuyerUserName: LStr,
  transactionAmount: LNum,
  autoQueryFlag: LStr,
});

export const PreauthCompleteResponse = z.looseObject({ ...Base, ...V1Dates, thirdPartyName: LStr });
export const PreauthVoidResponse = PreauthCompleteResponse;
export const PreauthQuickCompleteResponse = z.looseObject({
  ...Base,
  ...V1Dates,
  actualTransactionAmount: LNum,
});
export const PreauthQuickVoidResponse = PreauthCompleteResponse;

const PreauthQueryFields = {
  ...Base,
  queryResCode: LStr,
  ...Deal,
  ...PreauthPaidDetail,
};

export const PreauthQueryByTraceResponse = z.looseObject({ ...PreauthQueryFields });

export const PreauthQueryResponse = z.looseObject({
  ...PreauthQueryFields,
  secureStatus: LNum,
  autoQueryFlag: LStr,
  status: LStr,
  targetStatus: LStr,
  netpayErrMsg: LStr,
});

export const AccessTokenResponse = z.looseObject({
  ...Base,
  accessToken: LStr,
  expiresIn: LNum,
});
