/**
 * Return codes and outcome classification (NOTES.md §3). Pure functions: the client, the engine and the
 * tests share them.
 */
import type { Bilingual } from '../shared/errors.js';
import type {
  CallResult,
  OrderState,
  PreauthQueryInterpretation,
  PreauthQueryResponse,
  PreauthState,
  QueryInterpretation,
  QueryResponse,
  UnknownCause,
} from './types.js';

/**
 * The meaning of every code we may see: the spec's tables (v2 §2.1, §2.2) and the ISO 8583 response
 * codes POS通 follows ("根据ISO8583报文响应码规范"), Chinese and English.
 */
export const CODE_MEANINGS: Readonly<Record<string, Bilingual>> = {
  '0000': { zh: '正常', en: 'OK' },
  '1000': { zh: '认证失败', en: 'Authentication failed (check AppId / AppKey and the clock)' },
  '1001': { zh: '授权失败', en: 'Not authorized for this service' },
  '9001': { zh: '参数校验失败', en: 'Request fields were rejected' },
  '9999': { zh: '系统错误', en: 'Gateway system error' },
  '00': { zh: '交易成功', en: 'Approved' },
  '01': { zh: '请持卡人与发卡方联系', en: 'Refer to the card issuer' },
  '03': { zh: '无效商户', en: 'Invalid merchant' },
  '04': { zh: '没收卡', en: 'Pick up card' },
  '05': { zh: '不予承兑', en: 'Not honoured' },
  '12': { zh: '无效交易', en: 'Invalid transaction' },
  '13': { zh: '无效金额', en: 'Invalid amount' },
  '14': { zh: '无效卡号', en: 'Invalid card or account number' },
  '15': { zh: '无此发卡方', en: 'No such issuer' },
  '22': { zh: '原交易不存在', en: 'Original transaction does not exist' },
  '25': { zh: '找不到原始交易', en: 'Original transaction not found' },
  '30': { zh: '报文格式错误', en: 'Message format error' },
  '33': { zh: '过期的卡', en: 'Expired card' },
  '41': { zh: '挂失卡', en: 'Lost card' },
  '43': { zh: '被窃卡', en: 'Stolen card' },
  '51': { zh: '余额不足', en: 'Insufficient funds' },
  '54': { zh: '过期的卡', en: 'Expired card' },
  '55': { zh: '密码错误', en: 'Wrong PIN' },
  '57': { zh: '不允许此交易', en: 'Transaction not permitted' },
  '58': { zh: '不允许终端进行此交易', en: 'Transaction not permitted on this terminal' },
  '59': { zh: '有作弊嫌疑', en: 'Suspected fraud' },
  '61': { zh: '超出金额限制', en: 'Over the amount limit' },
  '62': { zh: '受限制的卡', en: 'Restricted card' },
  '64': { zh: '原始金额错误', en: 'Original amount incorrect' },
  '65': { zh: '超出交易次数限制', en: 'Over the frequency limit' },
  '68': { zh: '交易超时', en: 'Answer came too late' },
  '75': { zh: '密码错误次数超限', en: 'Too many wrong PIN attempts' },
  '90': { zh: '日切处理中', en: 'Day cut-off in progress' },
  '91': { zh: '发卡方不能处理', en: 'Issuer unavailable' },
  '92': { zh: '发卡方线路异常', en: 'Issuer line problem' },
  '94': { zh: '重复交易', en: 'Duplicate transaction' },
  '96': { zh: '交换中心异常', en: 'Switch system malfunction' },
  '97': { zh: '终端号未登记', en: 'Terminal not registered' },
  '98': { zh: '发卡方未应答', en: 'No answer from the issuer' },
  A7: { zh: '安全处理失败', en: 'Security processing failed' },
  ER: { zh: '参见具体返回信息', en: 'See the returned message' },
};

/** Definite refusals: the gateway said no and nothing was charged (NOTES.md §3). */
export const DECLINE_CODES: ReadonlySet<string> = new Set([
  '01',
  '03',
  '04',
  '05',
  '12',
  '13',
  '14',
  '15',
  '30',
  '33',
  '41',
  '43',
  '51',
  '54',
  '55',
  '57',
  '58',
  '59',
  '61',
  '62',
  '64',
  '65',
  '75',
  '97',
  'A7',
  '1000',
  '1001',
  '9001',
]);

/** On calls that refer to an earlier order (void, refund, queries, pre-auth follow-ups), 22 / 25 are definite. */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['22', '25']);

export type EndpointKind = 'money' | 'follow-up' | 'info';

export type Classified =
  | { outcome: 'ok' }
  | { outcome: 'declined'; meaning: Bilingual }
  | { outcome: 'unknown'; cause: 'unknown-code' | 'missing-errcode'; detail: string };

/**
 * - 'money' (pay, preauthorize): only "00" is ok; declines per DECLINE_CODES; everything else unknown.
 * - 'follow-up' (void, refund, complete, …): as 'money', and 22/25 are declines (no such original).
 * - 'info' (activate, queries): "00" and "0000" ok; 22/25 declines.
 */
export function classifyErrCode(errCode: string | undefined, kind: EndpointKind): Classified {
  if (errCode === undefined || errCode.trim() === '') {
    return { outcome: 'unknown', cause: 'missing-errcode', detail: 'reply has no errCode' };
  }
  const code = errCode.trim().toUpperCase();
  if (code === '00' || (kind === 'info' && code === '0000')) return { outcome: 'ok' };
  if (DECLINE_CODES.has(code) || (kind !== 'money' && NOT_FOUND_CODES.has(code))) {
    return { outcome: 'declined', meaning: meaningOf(code) };
  }
  return { outcome: 'unknown', cause: 'unknown-code', detail: `errCode ${code.slice(0, 16)}` };
}

/** The meaning of a code; an unlisted one is named with the gateway's own errInfo (cut short). */
export function meaningOf(code: string, errInfo?: string): Bilingual {
  const known = CODE_MEANINGS[code];
  if (known) return known;
  const info = cashierSafe(errInfo);
  return { zh: `返回码 ${code}${info ? `：${info}` : ''}`, en: `Code ${code}${info ? `: ${info}` : ''}` };
}

/** A decline as the cashier reads it: "余额不足（51）" / "Insufficient funds (51)". */
export function declineMessage(code: string): Bilingual {
  const meaning = meaningOf(code);
  return { zh: `${meaning.zh}（${code}）`, en: `${meaning.en} (${code})` };
}

/** Why a request never left the machine: nothing happened at the gateway. */
export function notSentMessage(kind: EndpointKind): Bilingual {
  return kind === 'money'
    ? { zh: '网络不通，未扣款', en: 'Network unreachable: nothing charged' }
    : { zh: '网络不通，请求未发出', en: 'Network unreachable: the request was not sent' };
}

/** An unknown outcome in words; never the exception text (that stays in `detail`). */
export function unknownMessage(
  cause: UnknownCause,
  facts: { errCode?: string; httpStatus?: number } = {},
): Bilingual {
  const tail = { zh: '结果未知', en: 'outcome unknown' };
  switch (cause) {
    case 'timeout':
      return { zh: `网关未及时答复，${tail.zh}`, en: `No answer from the gateway in time: ${tail.en}` };
    case 'network':
    case 'connect':
      return {
        zh: `请求发出后连接中断，${tail.zh}`,
        en: `The connection broke after the request was sent: ${tail.en}`,
      };
    case 'http-status':
      return {
        zh: `网关异常（HTTP ${facts.httpStatus ?? '?'}），${tail.zh}`,
        en: `Gateway error (HTTP ${facts.httpStatus ?? '?'}): ${tail.en}`,
      };
    case 'unparsable':
      return { zh: `网关答复无法识别，${tail.zh}`, en: `Unreadable gateway reply: ${tail.en}` };
    case 'missing-errcode':
      return { zh: `网关答复缺少返回码，${tail.zh}`, en: `Gateway reply without a code: ${tail.en}` };
    case 'auto-query':
      return { zh: '交易处理中，需查询确认', en: 'Still processing: a query will confirm it' };
    case 'incomplete':
      return {
        zh: `网关答复成功但不完整，${tail.zh}`,
        en: `Approval reply incomplete or with a wrong amount: ${tail.en}`,
      };
    case 'unknown-code': {
      const code = facts.errCode ?? '?';
      const meaning = meaningOf(code);
      return {
        zh: `${meaning.zh}（${code}），${tail.zh}`,
        en: `${meaning.en} (${code}): ${tail.en}`,
      };
    }
  }
}

/** Gateway text shown to a cashier: bounded, no control characters. */
function cashierSafe(text: string | undefined): string {
  const printable = [...(text ?? '')].map((ch) => ((ch.codePointAt(0) ?? 0) < 32 ? ' ' : ch)).join('');
  return printable.trim().slice(0, 60);
}

/**
 * A query (v2 or pre-auth) the gateway did not answer with a result: not-found only when it declined
 * with 22 / 25 (no such order); anything else leaves the state unknown.
 */
function unansweredQuery(result: Exclude<CallResult<unknown>, { outcome: 'ok' }>): {
  state: 'not-found' | 'unknown';
} {
  return {
    state: result.outcome === 'declined' && NOT_FOUND_CODES.has(result.errCode) ? 'not-found' : 'unknown',
  };
}

const QUERY_STATES: Record<string, OrderState> = {
  '0': 'paid',
  '1': 'pending',
  '2': 'voided',
  '3': 'refunded',
  '4': 'reversed',
  '5': 'failed',
  FF: 'pending',
};

/**
 * A v2 query result → the order's state (NOTES.md §3). With `requestedFen` (what the pay asked for), a
 * "paid" whose amount is above it is not believed: the state is 'unknown' (as for a pay reply).
 */
export function interpretQuery(
  result: CallResult<QueryResponse>,
  expect: { requestedFen?: number } = {},
): QueryInterpretation {
  if (result.outcome !== 'ok') return unansweredQuery(result);
  const body = result.body;
  const code = body.queryResCode?.trim().toUpperCase();
  // "5：失败（后面追加失败描述）": a failure code may carry its description after the 5.
  let state: OrderState =
    code === undefined || code === ''
      ? 'pending'
      : (QUERY_STATES[code] ?? (/^5\D/.test(code) ? 'failed' : 'pending'));
  const paidFen = body.amount ?? body.originalTransactionAmount;
  if (state === 'paid' && expect.requestedFen !== undefined && paidFen !== undefined) {
    if (paidFen > expect.requestedFen) state = 'unknown';
  }
  const out: QueryInterpretation = { state };
  if (code) out.queryResCode = code;
  if (body.queryResDesc) out.description = body.queryResDesc;
  const amount = body.amount ?? body.originalTransactionAmount;
  if (amount !== undefined) out.amountFen = amount;
  if (body.orderId) out.orderId = body.orderId;
  if (body.refundedAmount !== undefined) out.refundedFen = body.refundedAmount;
  return out;
}

const SECURE_STATES: Record<number, PreauthState> = {
  0: 'authorized',
  1: 'voided',
  2: 'completed',
  3: 'completing',
  6: 'failed',
};

const STATUS_STATES: Record<string, PreauthState> = {
  TRADE_SUCCESS: 'authorized',
  NEW_ORDER: 'pending',
  WAIT_BUYER_PAY: 'pending',
  UNKNOWN: 'pending',
  TRADE_CLOSED: 'failed',
  TRADE_REFUND: 'voided',
};

/** A v1 pre-auth query result → the pre-auth's state. */
export function interpretPreauthQuery(result: CallResult<PreauthQueryResponse>): PreauthQueryInterpretation {
  if (result.outcome !== 'ok') return unansweredQuery(result);
  const body = result.body;
  let state: PreauthState | undefined;
  if (body.secureStatus !== undefined) state = SECURE_STATES[body.secureStatus];
  if (!state && body.autoQueryFlag?.toUpperCase() === 'Y') state = 'pending';
  if (!state && body.status) state = STATUS_STATES[body.status.trim().toUpperCase()];
  if (!state) state = body.queryResCode?.trim() === '0' ? 'authorized' : 'pending';
  const out: PreauthQueryInterpretation = { state };
  if (body.secureStatus !== undefined) out.secureStatus = body.secureStatus;
  if (body.status) out.status = body.status;
  if (body.orderId) out.orderId = body.orderId;
  if (body.authorizationCode) out.authorizationCode = body.authorizationCode;
  const amount = body.amount ?? body.originalAmount;
  if (amount !== undefined) out.amountFen = amount;
  return out;
}
