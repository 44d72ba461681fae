/**
 * The POS通 client: validate → serialize once → sign those bytes → POST with a per-call timeout →
 * classify. Node's fetch keeps connections alive by default. No call is ever retried automatically,
 * except one re-send after an access-token refresh when the gateway answered 1000 (authentication
 * failed: the gateway refused before processing anything).
 */
import type { z } from 'zod';
import { AppError, type FieldIssue } from '../ipc/errors.js';
import { createLogger } from '../log/logger.js';
import { last4 } from '../shared/paycode.js';
import { type Classified, classifyErrCode, type EndpointKind } from './codes.js';
import { CALL_ID_FIELDS, type Endpoint, PATHS } from './paths.js';
import * as S from './schemas.js';
import { bodySigHeader, chinaTimestamp, randomNonce, tokenRequestSignature } from './sign.js';
import type { AuthMode, CallOptions, CallResult, PosLinkClient, PosLinkClientOptions } from './types.js';

const log = createLogger('gateway');

const DEFAULT_TIMEOUT_MS = 15_000;
/** Refresh a token this long before it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

type AnySchema = z.ZodType<Record<string, unknown>>;

interface Spec {
  path: string;
  request: z.ZodType;
  response: AnySchema;
  kind: EndpointKind;
}

const SPECS: Record<Exclude<Endpoint, 'token'>, Spec> = {
  activateTerminal: {
    path: PATHS.activateTerminal,
    request: S.ActivateTerminalRequest,
    response: S.ActivateTerminalResponse,
    kind: 'info',
  },
  pay: { path: PATHS.pay, request: S.PayRequest, response: S.PayResponse, kind: 'money' },
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
  const doFetch = options.fetch ?? fetch;
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
        zh: '未配置支付网关地址（切换到演示模式后请重启应用）',
        en: 'No payment gateway address configured (after switching to demo mode, restart the app)',
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
    let reply: Response;
    let text: string;
    try {
      reply = await doFetch(`${origin}${PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await reply.text();
    } catch (error) {
      throw tokenError(`token request failed: ${describeError(error)}`);
    }
    let parsed: z.output<typeof S.AccessTokenResponse>;
    try {
      parsed = S.AccessTokenResponse.parse(JSON.parse(text));
    } catch {
      throw tokenError(`token reply unparsable (HTTP ${reply.status})`);
    }
    if (!parsed.accessToken) {
      throw tokenError(`token refused: ${parsed.errCode ?? 'no errCode'} ${parsed.errInfo ?? ''}`.trim());
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
    const bytes = new TextEncoder().encode(JSON.stringify(checked.data));
    const url = `${origin}${spec.path}`;
    const context = logContext(endpoint, checked.data as Record<string, unknown>);
    const started = performance.now();

    const send = async (): Promise<CallResult<T>> => {
      let authorization: string;
      if (authMode() === 'access-token') {
        const value = await currentToken(appId, appKey, origin, timeoutMs);
        authorization = `OPEN-ACCESS-TOKEN AccessToken=${value}`;
      } else {
        authorization = bodySigHeader(appId, appKey, chinaTimestamp(now()), nonce(), bytes);
      }
      return exchange<T>(url, bytes, authorization, timeoutMs, spec);
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
      ...(result.errCode ? { errCode: result.errCode } : {}),
      httpStatus: result.httpStatus,
      ms,
    };
    if (result.outcome === 'unknown') log.warn('gateway answer unknown', summary);
    else log.info('gateway answered', summary);
    return result;
  }

  async function exchange<T>(
    url: string,
    bytes: Uint8Array<ArrayBuffer>,
    authorization: string,
    timeoutMs: number,
    spec: Spec,
  ): Promise<CallResult<T>> {
    let status: number;
    let raw: string;
    try {
      const reply = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json',
          authorization,
        },
        body: bytes,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = reply.status;
      raw = await reply.text();
    } catch (error) {
      const cause = networkCause(error);
      return { outcome: 'unknown', cause, detail: describeError(error) };
    }
    if (status >= 500) {
      return { outcome: 'unknown', cause: 'http-status', detail: `HTTP ${status}`, raw, httpStatus: status };
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return {
        outcome: 'unknown',
        cause: status >= 300 ? 'http-status' : 'unparsable',
        detail: `HTTP ${status}: reply is not JSON`,
        raw,
        httpStatus: status,
      };
    }
    const parsed =
      json && typeof json === 'object' && !Array.isArray(json) ? spec.response.safeParse(json) : null;
    if (!parsed?.success) {
      return {
        outcome: 'unknown',
        cause: 'unparsable',
        detail: `HTTP ${status}: reply is not a JSON object`,
        raw,
        httpStatus: status,
      };
    }
    const body = parsed.data as T & { errCode?: string; errInfo?: string; autoQueryFlag?: string };
    const errCode = body.errCode?.trim();
    const errInfo = body.errInfo ?? '';
    let classified: Classified = classifyErrCode(errCode, spec.kind);
    if (classified.outcome === 'ok' && spec.kind === 'money' && body.autoQueryFlag?.toUpperCase() === 'Y') {
      return {
        outcome: 'unknown',
        cause: 'auto-query',
        errCode: errCode as string,
        errInfo,
        detail: 'autoQueryFlag Y: state unknown, query it',
        body,
        raw,
        httpStatus: status,
      };
    }
    if (classified.outcome === 'ok' && status >= 300) {
      classified = { outcome: 'unknown', cause: 'unknown-code', detail: `HTTP ${status} with errCode 00` };
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
        body,
        raw,
        httpStatus: status,
      };
    }
    const unknown: CallResult<T> = {
      outcome: 'unknown',
      cause: status >= 300 && classified.cause === 'missing-errcode' ? 'http-status' : classified.cause,
      detail: status >= 300 ? `HTTP ${status}: ${classified.detail}` : classified.detail,
      errInfo,
      body,
      raw,
      httpStatus: status,
    };
    if (errCode) unknown.errCode = errCode;
    return unknown;
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
    },
  } as PosLinkClient;
}

function tokenError(detail: string): AppError {
  log.warn('access token unavailable', { detail });
  return new AppError('GATEWAY', {
    zh: '无法获取网关访问令牌，交易未发送，请检查网络和 AppId / AppKey',
    en: `Could not obtain a gateway access token; nothing was sent (${detail.slice(0, 120)})`,
  });
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

function networkCause(error: unknown): 'timeout' | 'network' | 'connect' {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timeout';
  const code = errorCode(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'connect';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect';
  return 'network';
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const code = errorCode(error);
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? `: ${cause.message}` : '';
  return `${error.name}: ${error.message}${causeText}${code ? ` (${code})` : ''}`.slice(0, 200);
}
