/**
 * The POS通 client: validate → serialize once → sign those bytes → POST with a per-call timeout →
 * classify. Node's fetch keeps connections alive by default. No call is ever retried automatically,
 * except one re-send after an access-token refresh when the gateway answered 1000 (authentication
 * failed: the gateway refused before processing anything).
 */
import type { z } from 'zod';
import { createLogger } from '../log/logger.js';
import { AppError, type Bilingual, type FieldIssue } from '../shared/errors.js';
import { last4 } from '../shared/paycode.js';
import {
  type Classified,
  classifyErrCode,
  declineMessage,
  type EndpointKind,
  notSentMessage,
  unknownMessage,
} from './codes.js';
import { CALL_ID_FIELDS, type Endpoint, PATHS } from './paths.js';
import * as S from './schemas.js';
import { bodySigHeader, chinaTimestamp, randomNonce, tokenRequestSignature } from './sign.js';
import {
  fetchTransport,
  type NotSentCause,
  nodeTransport,
  type Transport,
  TransportError,
} from './transport.js';
import type {
  AuthMode,
  CallOptions,
  CallResult,
  PosLinkClient,
  PosLinkClientOptions,
  UnknownCause,
} from './types.js';

const log = createLogger('gateway');

const DEFAULT_TIMEOUT_MS = 15_000;
/** A dead network is known in seconds, not after the whole request timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/** Refresh a token this long before it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

type AnySchema = z.ZodType<Record<string, unknown>>;

interface Spec {
  path: string;
  request: z.ZodType;
  response: AnySchema;
  kind: EndpointKind;
  /**
   * Money endpoints: the reply fields the spec marks 是 (required) in a success reply. "00" without one
   * of them does not earn "paid" (NOTES.md §3): the outcome is unknown and a query decides.
   */
  required?: readonly string[];
}

/** v2 支付 reply: 是 rows besides errCode / errInfo. */
const PAY_REQUIRED = [
  'orderId',
  'amount',
  'retrievalRefNum',
  'transactionTime',
  'transactionDateWithYear',
  'settlementDateWithYear',
] as const;
/** v1 担保 reply: 是 rows besides errCode / errInfo. */
const PREAUTHORIZE_REQUIRED = [
  'orderId',
  'transactionAmount',
  'retrievalRefNum',
  'authorizationCode',
  'transactionTime',
  'transactionDate',
  'settlementDate',
] as const;

const SPECS: Record<Exclude<Endpoint, 'token'>, Spec> = {
  activateTerminal: {
    path: PATHS.activateTerminal,
    request: S.ActivateTerminalRequest,
    response: S.ActivateTerminalResponse,
    kind: 'info',
  },
  pay: {
    path: PATHS.pay,
    request: S.PayRequest,
    response: S.PayResponse,
    kind: 'money',
    required: PAY_REQUIRED,
  },
  voidPayment: {
    path: PATHS.voidPayment,
    request: S.VoidPaymentRequest,
    response: S.VoidPaymentResponse,
    kind: 'follow-up',
  },
  refund: { path: PATHS.refund, request: S.RefundRequest, response: S.RefundResponse, kind: 'follow-up' },
  query: { path: PATHS.query, request: S.QueryRequest, response: S.QueryResponse, kind: 'info' },
  queryRefund: {
    path: PATHS.queryRefund,
    request: S.QueryRefundRequest,
    response: S.QueryRefundResponse,
    kind: 'info',
  },
  preauthActivate: {
    path: PATHS.preauthActivate,
    request: S.PreauthActivateRequest,
    response: S.PreauthActivateResponse,
    kind: 'info',
  },
  preauthorize: {
    path: PATHS.preauthorize,
    request: S.PreauthorizeRequest,
    response: S.PreauthorizeResponse,
    kind: 'money',
    required: PREAUTHORIZE_REQUIRED,
  },
  preauthComplete: {
    path: PATHS.preauthComplete,
    request: S.PreauthCompleteRequest,
    response: S.PreauthCompleteResponse,
    kind: 'follow-up',
  },
  preauthVoid: {
    path: PATHS.preauthVoid,
    request: S.PreauthVoidRequest,
    response: S.PreauthVoidResponse,
    kind: 'follow-up',
  },
  preauthQuickComplete: {
    path: PATHS.preauthQuickComplete,
    request: S.PreauthQuickRequest,
    response: S.PreauthQuickCompleteResponse,
    kind: 'follow-up',
  },
  preauthQuickVoid: {
    path: PATHS.preauthQuickVoid,
    request: S.PreauthQuickRequest,
    response: S.PreauthQuickVoidResponse,
    kind: 'follow-up',
  },
  preauthQueryByTrace: {
    path: PATHS.preauthQueryByTrace,
    request: S.PreauthQueryByTraceRequest,
    response: S.PreauthQueryByTraceResponse,
    kind: 'info',
  },
  preauthQuery: {
    path: PATHS.preauthQuery,
    request: S.PreauthQueryRequest,
    response: S.PreauthQueryResponse,
    kind: 'info',
  },
};

/** Fields the client fills per endpoint before validation (the engine may override the codes). */
const DEFAULTS: Partial<Record<keyof typeof SPECS, Record<string, unknown>>> = {
  pay: { transactionCurrencyCode: '156', payMode: 'CODE_SCAN', merchantRemark: '收银台' },
  preauthorize: { transactionCurrencyCode: '156', payMode: 'CODE_SCAN' },
  preauthComplete: { transactionCurrencyCode: '156' },
  preauthVoid: { transactionCurrencyCode: '156' },
  preauthQuickComplete: { transactionCurrencyCode: '156' },
  preauthQuickVoid: { transactionCurrencyCode: '156' },
};

/** Field order on the wire: codes first (as the spec tables list them), then the caller's fields. */
function buildRequest(
  endpoint: keyof typeof SPECS,
  input: Record<string, unknown>,
  merchantCode: string,
  terminalCode: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { merchantCode, terminalCode, ...DEFAULTS[endpoint] };
  for (const [key, value] of Object.entries(input)) if (value !== undefined) out[key] = value;
  return out;
}

/** Field-level issues as a BAD_INPUT error: "商户订单号最长 50 位 / merchantOrderId: at most 50 characters". */
export function requestError(endpoint: string, error: z.ZodError): AppError {
  const fields: FieldIssue[] = error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  const first = fields[0];
  const [zh, en] = splitMessage(first?.message ?? '');
  return new AppError(
    'BAD_INPUT',
    {
      zh: `请求未发送：${first ? `${first.path} ${zh}` : '参数无效'}`,
      en: `Request not sent (${endpoint}): ${first ? `${first.path}: ${en}` : 'invalid fields'}`,
    },
    fields,
  );
}

function splitMessage(message: string): [string, string] {
  const at = message.indexOf(' / ');
  return at < 0 ? [message, message] : [message.slice(0, at), message.slice(at + 3)];
}

interface Token {
  value: string;
  expiresAt: number;
}

export function createPosLinkClient(options: PosLinkClientOptions): PosLinkClient {
  const now = options.now ?? (() => new Date());
  const nonce = options.nonce ?? randomNonce;
  const transport: Transport =
    options.transport ?? (options.fetch ? fetchTransport(options.fetch) : nodeTransport());
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const baseUrl = () =>
    (typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl).replace(/\/+$/, '');
  const authMode = (): AuthMode =>
    typeof options.authMode === 'function' ? options.authMode() : (options.authMode ?? 'body-signature');

  let token: Token | undefined;
  let tokenInFlight: Promise<Token> | undefined;

  const credentials = () => {
    const appId = options.appId()?.trim();
    const appKey = options.appKey();
    if (!appId || !appKey) {
      throw new AppError('UNAVAILABLE', {
        zh: '未配置银联商务 AppId / AppKey，请在设置中填写',
        en: 'ChinaUMS AppId / AppKey not configured: fill them in Settings',
      });
    }
    const origin = baseUrl();
    if (!/^https?:\/\/[^/]+/.test(origin)) {
      throw new AppError('UNAVAILABLE', {
        zh: '未配置可用的支付网关地址（正式环境须 https；切换到演示模式后请重启应用）',
        en: 'No usable payment gateway address (live gateways need https; after switching to demo mode, restart the app)',
      });
    }
    return { appId, appKey, origin };
  };

  async function fetchToken(
    appId: string,
    appKey: string,
    origin: string,
    timeoutMs: number,
  ): Promise<Token> {
    const timestamp = chinaTimestamp(now());
    const n = nonce();
    const body = JSON.stringify({
      appId,
      timestamp,
      nonce: n,
      signMethod: 'SHA256',
      signature: tokenRequestSignature(appId, timestamp, n, appKey),
    });
    let reply: { status: number; text: string };
    try {
      reply = await transport.post(
        `${origin}${PATHS.token}`,
        { 'content-type': 'application/json; charset=utf-8' },
        new TextEncoder().encode(body),
        { timeoutMs, connectTimeoutMs: connectTimeout },
      );
    } catch (error) {
      const failure = error instanceof TransportError ? error : undefined;
      throw new TokenUnavailable(
        failure?.notSent ?? 'token-failed',
        `token request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    let parsed: z.output<typeof S.AccessTokenResponse>;
    try {
      parsed = S.AccessTokenResponse.parse(JSON.parse(reply.text));
    } catch {
      throw new TokenUnavailable('token-failed', `token reply unparsable (HTTP ${reply.status})`);
    }
    if (!parsed.accessToken) {
      throw new TokenUnavailable(
        'token-refused',
        `token refused: ${parsed.errCode ?? 'no errCode'} ${parsed.errInfo ?? ''}`.trim(),
      );
    }
    const lifetimeMs = (parsed.expiresIn ?? 3600) * 1000;
    log.info('access token obtained', { expiresInSeconds: parsed.expiresIn ?? 3600 });
    return {
      value: parsed.accessToken,
      expiresAt: now().getTime() + Math.max(lifetimeMs - TOKEN_MARGIN_MS, lifetimeMs / 2),
    };
  }

  async function currentToken(appId: string, appKey: string, origin: string, timeoutMs: number) {
    if (token && token.expiresAt > now().getTime()) return token.value;
    tokenInFlight ??= fetchToken(appId, appKey, origin, timeoutMs).finally(() => {
      tokenInFlight = undefined;
    });
    token = await tokenInFlight;
    return token.value;
  }

  async function call<T>(
    endpoint: keyof typeof SPECS,
    input: Record<string, unknown>,
    opts: CallOptions = {},
  ): Promise<CallResult<T>> {
    const spec = SPECS[endpoint];
    const { merchantCode, terminalCode, ...rest } = input as {
      merchantCode?: string;
      terminalCode?: string;
    } & Record<string, unknown>;
    const request = buildRequest(
      endpoint,
      rest,
      merchantCode ?? options.merchantCode(),
      terminalCode ?? options.terminalCode(),
    );
    const checked = spec.request.safeParse(request);
    if (!checked.success) throw requestError(endpoint, checked.error);
    const { appId, appKey, origin } = credentials();
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    // Serialize once; sign and send the same bytes.
    const data = checked.data as Record<string, unknown>;
    const bytes = new TextEncoder().encode(JSON.stringify(data));
    const url = `${origin}${spec.path}`;
    const context = logContext(endpoint, data);
    const requestedFen = typeof data.transactionAmount === 'number' ? data.transactionAmount : undefined;
    const startedAt = now();
    const started = performance.now();

    const send = async (): Promise<CallResult<T>> => {
      let authorization: string;
      if (authMode() === 'access-token') {
        let value: string;
        try {
          value = await currentToken(appId, appKey, origin, timeoutMs);
        } catch (error) {
          if (!(error instanceof TokenUnavailable)) throw error;
          // No token, no request: the call itself provably never left.
          log.warn('access token unavailable', { ...context, detail: error.message });
          return notSentResult(error.cause, tokenMessage(error.cause), error.message);
        }
        authorization = `OPEN-ACCESS-TOKEN AccessToken=${value}`;
      } else {
        authorization = bodySigHeader(appId, appKey, chinaTimestamp(now()), nonce(), bytes);
      }
      return exchange<T>(url, bytes, authorization, timeoutMs, spec, requestedFen);
    };

    let result = await send();
    if (authMode() === 'access-token' && result.outcome === 'declined' && result.errCode === '1000') {
      // The token was refused before anything was processed: refresh once and send again.
      token = undefined;
      log.warn('access token refused (1000): refreshing once', context);
      result = await send();
    }
    const ms = Math.round(performance.now() - started);
    const summary = {
      ...context,
      outcome: result.outcome,
      ...(result.outcome === 'unknown' ? { cause: result.cause, detail: result.detail } : {}),
      ...(result.outcome === 'declined' && result.notSent
        ? { notSent: result.cause, detail: result.detail }
        : {}),
      ...(result.errCode ? { errCode: result.errCode } : {}),
      httpStatus: result.httpStatus,
      ms,
    };
    if (result.outcome === 'unknown' || (result.outcome === 'declined' && result.notSent))
      log.warn('gateway answer unknown or not sent', summary);
    else log.info('gateway answered', summary);
    try {
      options.onExchange?.({ endpoint, at: startedAt, latencyMs: ms, result: result as CallResult<unknown> });
    } catch (error) {
      log.warn('exchange listener failed', { error: error instanceof Error ? error.message : String(error) });
    }
    return result;
  }

  async function exchange<T>(
    url: string,
    bytes: Uint8Array<ArrayBuffer>,
    authorization: string,
    timeoutMs: number,
    spec: Spec,
    requestedFen: number | undefined,
  ): Promise<CallResult<T>> {
    let status: number;
    let raw: string;
    try {
      const reply = await transport.post(
        url,
        {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          authorization,
        },
        bytes,
        { timeoutMs, connectTimeoutMs: Math.min(connectTimeout, timeoutMs) },
      );
      status = reply.status;
      raw = reply.text;
    } catch (error) {
      const failure = error instanceof TransportError ? error : new TransportError(String(error), 'network');
      if (failure.kind === 'not-sent' && failure.notSent) {
        return notSentResult(failure.notSent, notSentMessage(spec.kind), failure.message);
      }
      const cause: UnknownCause = failure.kind === 'timeout' ? 'timeout' : 'network';
      return { outcome: 'unknown', cause, message: unknownMessage(cause), detail: failure.message };
    }
    const unknown = (
      cause: UnknownCause,
      detail: string,
      extra: { errCode?: string; errInfo?: string; body?: T } = {},
    ): CallResult<T> => ({
      outcome: 'unknown',
      cause,
      message: unknownMessage(cause, {
        httpStatus: status,
        ...(extra.errCode ? { errCode: extra.errCode } : {}),
      }),
      detail,
      ...extra,
      raw,
      httpStatus: status,
    });
    if (status >= 500) return unknown('http-status', `HTTP ${status}`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return unknown(status >= 300 ? 'http-status' : 'unparsable', `HTTP ${status}: reply is not JSON`);
    }
    const parsed =
      json && typeof json === 'object' && !Array.isArray(json) ? spec.response.safeParse(json) : null;
    if (!parsed?.success) return unknown('unparsable', `HTTP ${status}: reply is not a JSON object`);
    const body = parsed.data as T & { errCode?: string; errInfo?: string; autoQueryFlag?: string };
    const errCode = body.errCode?.trim().toUpperCase();
    const errInfo = body.errInfo ?? '';
    let classified: Classified = classifyErrCode(errCode, spec.kind);
    if (classified.outcome === 'ok' && spec.kind === 'money' && body.autoQueryFlag?.toUpperCase() === 'Y') {
      return unknown('auto-query', 'autoQueryFlag Y: state unknown, query it', {
        errCode: errCode as string,
        errInfo,
        body,
      });
    }
    if (classified.outcome === 'ok' && status >= 300) {
      classified = { outcome: 'unknown', cause: 'unknown-code', detail: `HTTP ${status} with errCode 00` };
    }
    if (classified.outcome === 'ok' && spec.required) {
      const problem = approvalProblem(body as Record<string, unknown>, spec.required, requestedFen);
      if (problem) return unknown('incomplete', problem, { errCode: errCode as string, errInfo, body });
    }
    if (classified.outcome === 'ok') {
      return { outcome: 'ok', errCode: errCode as string, errInfo, body, raw, httpStatus: status };
    }
    if (classified.outcome === 'declined') {
      return {
        outcome: 'declined',
        errCode: errCode as string,
        errInfo,
        meaning: classified.meaning,
        message: declineMessage(errCode as string),
        body,
        raw,
        httpStatus: status,
      };
    }
    const cause = status >= 300 && classified.cause === 'missing-errcode' ? 'http-status' : classified.cause;
    return unknown(cause, status >= 300 ? `HTTP ${status}: ${classified.detail}` : classified.detail, {
      ...(errCode ? { errCode } : {}),
      errInfo,
      body,
    });
  }

  const c = <T>(endpoint: keyof typeof SPECS) => {
    return (req: object = {}, opts?: CallOptions) => call<T>(endpoint, req as Record<string, unknown>, opts);
  };

  return {
    activateTerminal: c('activateTerminal'),
    pay: c('pay'),
    voidPayment: c('voidPayment'),
    refund: c('refund'),
    query: c('query'),
    queryRefund: c('queryRefund'),
    preauth: {
      activate: c('preauthActivate'),
      preauthorize: c('preauthorize'),
      complete: c('preauthComplete'),
      void: c('preauthVoid'),
      quickComplete: c('preauthQuickComplete'),
      quickVoid: c('preauthQuickVoid'),
      queryByTrace: c('preauthQueryByTrace'),
      query: c('preauthQuery'),
    },
    baseUrl,
    async close() {
      token = undefined;
      transport.close();
    },
  } as PosLinkClient;
}

/** The token could not be had: `cause` says whether the gateway refused it or could not be reached. */
class TokenUnavailable extends Error {
  constructor(
    override readonly cause: NotSentCause,
    detail: string,
  ) {
    super(detail);
    this.name = 'TokenUnavailable';
  }
}

/** The request provably never left: declined, nothing happened at the gateway. */
function notSentResult<T>(cause: NotSentCause, message: Bilingual, detail: string): CallResult<T> {
  return {
    outcome: 'declined',
    notSent: true,
    cause,
    errCode: '',
    errInfo: '',
    meaning: message,
    message,
    detail,
  };
}

function tokenMessage(cause: NotSentCause): Bilingual {
  return cause === 'token-refused'
    ? {
        zh: '网关拒绝发放访问令牌（请检查 AppId / AppKey），交易未发送',
        en: 'The gateway refused an access token (check AppId / AppKey): nothing was sent',
      }
    : {
        zh: '无法获取网关访问令牌，交易未发送',
        en: 'Could not get a gateway access token: nothing was sent',
      };
}

/** Only what identifies the call: never a key, a signature or a full payment code. */
function logContext(endpoint: string, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { endpoint };
  for (const key of [...CALL_ID_FIELDS, 'originalSystemTraceNum', 'transactionAmount']) {
    if (data[key] !== undefined) out[key] = data[key];
  }
  if (typeof data.payCode === 'string') out.payCodeLast4 = last4(data.payCode);
  return out;
}

/**
 * Why a "00" on a money endpoint does not yet mean paid: a required field missing, or an amount above
 * the request (a reply that does not match what we asked for). undefined when it is a real approval.
 */
export function approvalProblem(
  body: Record<string, unknown>,
  required: readonly string[],
  requestedFen: number | undefined,
): string | undefined {
  const missing = required.filter((key) => {
    const value = body[key];
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  });
  if (missing.length > 0) return `errCode 00 without ${missing.join(', ')}`;
  if (requestedFen !== undefined) {
    for (const key of ['amount', 'transactionAmount', 'actualTransactionAmount']) {
      const value = body[key];
      if (typeof value === 'number' && value > requestedFen) {
        return `errCode 00 with ${key} ${value} above the requested ${requestedFen}`;
      }
    }
  }
  return undefined;
}
