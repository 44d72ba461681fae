/**
 * The ChinaUMS POS通 client as the transaction engine sees it: one method per endpoint, every answer a
 * `CallResult` in one of three outcome classes (NOTES.md §3):
 *
 *   ok        the gateway answered a success code ("00"; "0000" too on non-money endpoints).
 *   declined  the gateway answered a KNOWN refusal code: nothing happened; `meaning` is bilingual.
 *   unknown   anything else: timeout, reset, HTTP 5xx, unparsable body, missing or unknown errCode,
 *             9999 / 96 / 92 / ER / 94, or a pre-auth with autoQueryFlag "Y". Money MAY have moved:
 *             the engine must query, never re-send.
 *
 * Calls never throw for a gateway or network problem. They throw `AppError('BAD_INPUT', …, fields)`
 * when the request fails validation (nothing was sent) and `AppError('UNAVAILABLE', …)` when the
 * credentials are not configured (nothing was sent).
 *
 * merchantCode / terminalCode: the client reads them from its getters at call time; a request may
 * override either (e.g. to void an order made under an older terminal code). transactionCurrencyCode
 * is always "156", payMode defaults to "CODE_SCAN", pay's merchantRemark defaults to "收银台".
 */
import type { z } from 'zod';
import type { Bilingual } from '../shared/errors.js';
import type * as S from './schemas.js';
import type { NotSentCause, Transport } from './transport.js';

export type { Bilingual };

/**
 * Why an answer is unknown. `connect` is kept for compatibility and no longer produced: a connection that
 * was never established is a definite `declined` with `notSent` (see NotSentCause). `incomplete`: "00"
 * without the fields the spec requires in that reply, or an amount above the request.
 */
export type UnknownCause =
  | 'timeout'
  | 'network'
  | 'connect'
  | 'http-status'
  | 'unparsable'
  | 'unknown-code'
  | 'missing-errcode'
  | 'auto-query'
  | 'incomplete';

export type { NotSentCause };

/**
 * `message` is what a cashier may read, Chinese and English; `detail` (raw exception text, HTTP status)
 * is for the journal and the log only.
 */
export type CallResult<T> =
  | { outcome: 'ok'; errCode: string; errInfo: string; body: T; raw: string; httpStatus: number }
  | {
      outcome: 'declined';
      errCode: string;
      errInfo: string;
      /** The spec's meaning of errCode, Chinese and English. */
      meaning: Bilingual;
      /** For the cashier: the meaning, with the code ("余额不足（51）"). */
      message: Bilingual;
      body: T;
      raw: string;
      httpStatus: number;
      notSent?: undefined;
    }
  | {
      /**
       * The request provably never left the machine (the connection was never established): nothing
       * happened at the gateway. errCode and errInfo are empty; `meaning` = `message`.
       */
      outcome: 'declined';
      notSent: true;
      cause: NotSentCause;
      errCode: '';
      errInfo: '';
      meaning: Bilingual;
      message: Bilingual;
      /** What happened, for the log and journal (e.g. "connect ECONNREFUSED 127.0.0.1:9"). */
      detail: string;
      body?: undefined;
      raw?: undefined;
      httpStatus?: undefined;
    }
  | {
      outcome: 'unknown';
      cause: UnknownCause;
      errCode?: string;
      errInfo?: string;
      /** For the cashier, Chinese and English: never raw exception text. */
      message: Bilingual;
      /** What happened, for the log and journal only (never a key, signature or full payment code). */
      detail: string;
      /** Parsed body when there was one (e.g. an unknown errCode or autoQueryFlag "Y"). */
      body?: T;
      raw?: string;
      httpStatus?: number;
    };

// ── request / response types (wire shapes from schemas.ts) ───────────────────────────────────

type Filled = 'merchantCode' | 'terminalCode' | 'transactionCurrencyCode';
/** A request as the engine passes it: codes and currency filled by the client (overridable). */
type In<T> = Omit<T, Filled> & { merchantCode?: string; terminalCode?: string };

export type GoodsItem = z.infer<typeof S.GoodsItem>;

export type PayRequest = Omit<In<z.input<typeof S.PayRequest>>, 'payMode' | 'merchantRemark'> & {
  payMode?: z.input<typeof S.PayModeV2>;
  merchantRemark?: string;
};
export type VoidPaymentRequest = In<z.input<typeof S.VoidPaymentRequest>>;
export type RefundRequest = In<z.input<typeof S.RefundRequest>>;
export type QueryRequest = In<z.input<typeof S.QueryRequest>>;
export type QueryRefundRequest = In<z.input<typeof S.QueryRefundRequest>>;
export type ActivateTerminalRequest = In<z.input<typeof S.ActivateTerminalRequest>>;

export type PreauthActivateRequest = In<z.input<typeof S.PreauthActivateRequest>>;
export type PreauthorizeRequest = Omit<In<z.input<typeof S.PreauthorizeRequest>>, 'payMode'> & {
  payMode?: z.input<typeof S.PayModeV1>;
};
export type PreauthCompleteRequest = In<z.input<typeof S.PreauthCompleteRequest>>;
export type PreauthVoidRequest = In<z.input<typeof S.PreauthVoidRequest>>;
export type PreauthQuickRequest = In<z.input<typeof S.PreauthQuickRequest>>;
export type PreauthQueryByTraceRequest = In<z.input<typeof S.PreauthQueryByTraceRequest>>;
export type PreauthQueryRequest = In<z.input<typeof S.PreauthQueryRequest>>;

export type ActivateTerminalResponse = z.output<typeof S.ActivateTerminalResponse>;
export type PayResponse = z.output<typeof S.PayResponse>;
export type VoidPaymentResponse = z.output<typeof S.VoidPaymentResponse>;
export type RefundResponse = z.output<typeof S.RefundResponse>;
export type QueryResponse = z.output<typeof S.QueryResponse>;
export type QueryRefundResponse = z.output<typeof S.QueryRefundResponse>;
export type PreauthActivateResponse = z.output<typeof S.PreauthActivateResponse>;
export type PreauthorizeResponse = z.output<typeof S.PreauthorizeResponse>;
export type PreauthCompleteResponse = z.output<typeof S.PreauthCompleteResponse>;
export type PreauthVoidResponse = z.output<typeof S.PreauthVoidResponse>;
export type PreauthQuickCompleteResponse = z.output<typeof S.PreauthQuickCompleteResponse>;
export type PreauthQuickVoidResponse = z.output<typeof S.PreauthQuickVoidResponse>;
export type PreauthQueryByTraceResponse = z.output<typeof S.PreauthQueryByTraceResponse>;
export type PreauthQueryResponse = z.output<typeof S.PreauthQueryResponse>;

// ── interpretations ──────────────────────────────────────────────────────────────────────────

/**
 * What a v2 query says about an order (NOTES.md §3): queryResCode 0 paid, 5 failed, 2 voided,
 * 3 refunded, 4 reversed, 1 / FF / absent pending. `not-found`: the query was declined with 22/25
 * (the gateway does not know the order). `unknown`: the query itself got no usable answer.
 */
export type OrderState =
  | 'paid'
  | 'failed'
  | 'voided'
  | 'refunded'
  | 'reversed'
  | 'pending'
  | 'not-found'
  | 'unknown';

export interface QueryInterpretation {
  state: OrderState;
  queryResCode?: string;
  description?: string;
  /** Amount the customer paid (amount, else originalTransactionAmount), integer fen, when given. */
  amountFen?: number;
  orderId?: string;
  refundedFen?: number;
}

/**
 * What a pre-auth query says (secureStatus first, then status / autoQueryFlag):
 * secureStatus 0 authorized (担保中), 1 voided (担保撤销), 2 completed (担保完成), 3 completing
 * (正在完成), 6 failed; no secureStatus → status TRADE_SUCCESS authorized, NEW_ORDER / WAIT_BUYER_PAY
 * / UNKNOWN / autoQueryFlag "Y" pending, TRADE_CLOSED failed, TRADE_REFUND voided.
 */
export type PreauthState =
  | 'authorized'
  | 'voided'
  | 'completed'
  | 'completing'
  | 'failed'
  | 'pending'
  | 'not-found'
  | 'unknown';

export interface PreauthQueryInterpretation {
  state: PreauthState;
  secureStatus?: number;
  status?: string;
  orderId?: string;
  authorizationCode?: string;
  amountFen?: number;
}

// ── the client ───────────────────────────────────────────────────────────────────────────────

export interface CallOptions {
  /** Per-call timeout; default the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** One exchange as the gateway status sees it (status.ts). */
export interface ExchangeReport {
  endpoint: string;
  at: Date;
  latencyMs: number;
  result: CallResult<unknown>;
}

export interface PreauthApi {
  /** v1 activeterminal: required at least once before any pre-auth (preauth spec §2 note 2). */
  activate(req: PreauthActivateRequest, opts?: CallOptions): Promise<CallResult<PreauthActivateResponse>>;
  preauthorize(req: PreauthorizeRequest, opts?: CallOptions): Promise<CallResult<PreauthorizeResponse>>;
  complete(req: PreauthCompleteRequest, opts?: CallOptions): Promise<CallResult<PreauthCompleteResponse>>;
  void(req: PreauthVoidRequest, opts?: CallOptions): Promise<CallResult<PreauthVoidResponse>>;
  quickComplete(
    req: PreauthQuickRequest,
    opts?: CallOptions,
  ): Promise<CallResult<PreauthQuickCompleteResponse>>;
  quickVoid(req: PreauthQuickRequest, opts?: CallOptions): Promise<CallResult<PreauthQuickVoidResponse>>;
  queryByTrace(
    req: PreauthQueryByTraceRequest,
    opts?: CallOptions,
  ): Promise<CallResult<PreauthQueryByTraceResponse>>;
  query(req: PreauthQueryRequest, opts?: CallOptions): Promise<CallResult<PreauthQueryResponse>>;
  // The reversal (担保冲正) endpoint is documented as unsupported: deliberately not offered.
}

export interface PosLinkClient {
  activateTerminal(
    req?: ActivateTerminalRequest,
    opts?: CallOptions,
  ): Promise<CallResult<ActivateTerminalResponse>>;
  /** Never retried, never re-sent: an unknown answer means "query it". */
  pay(req: PayRequest, opts?: CallOptions): Promise<CallResult<PayResponse>>;
  voidPayment(req: VoidPaymentRequest, opts?: CallOptions): Promise<CallResult<VoidPaymentResponse>>;
  refund(req: RefundRequest, opts?: CallOptions): Promise<CallResult<RefundResponse>>;
  query(req: QueryRequest, opts?: CallOptions): Promise<CallResult<QueryResponse>>;
  queryRefund(req: QueryRefundRequest, opts?: CallOptions): Promise<CallResult<QueryRefundResponse>>;
  readonly preauth: PreauthApi;
  /** The origin requests go to now (CASHIER_GATEWAY_URL, else the configured environment). */
  baseUrl(): string;
  /** Closes kept-alive connections. */
  close(): Promise<void>;
}

export type AuthMode = 'body-signature' | 'access-token';

export interface PosLinkClientOptions {
  /** Origin of the gateway, e.g. "https://api-mop.chinaums.com"; a getter is read on every call. */
  baseUrl: string | (() => string);
  appId: () => string | undefined;
  appKey: () => string | undefined;
  merchantCode: () => string;
  terminalCode: () => string;
  /** Default 'body-signature' (OPEN-BODY-SIG). A getter is read on every call. */
  authMode?: AuthMode | (() => AuthMode);
  /** Per-call timeout, default 15 000 ms. */
  timeoutMs?: number;
  /** Until the connection is established, default 3 000 ms (a shorter wait for a dead network). */
  connectTimeoutMs?: number;
  /** Clock for Timestamp and token expiry (tests). */
  now?: () => Date;
  /** Nonce source (tests). Default 32 random hex chars. */
  nonce?: () => string;
  /** Transport (tests/bench). Default: node:http(s) with kept-alive connections (transport.ts). */
  fetch?: typeof fetch;
  /** The transport itself (tests: e.g. a node transport with a DNS lookup that never answers). */
  transport?: Transport;
  /** Called after every exchange that reached (or tried to reach) the gateway: the gateway status. */
  onExchange?: (exchange: ExchangeReport) => void;
}
