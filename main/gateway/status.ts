/**
 * Gateway status from the last real exchange (not a local ping), and the connection test: a harmless
 * signed query of an order id that cannot exist. "原交易不存在" (22 / 25) proves route, signature and
 * merchant; 1000 means the credentials (or the clock) are wrong; not sent means the network is down.
 */
import { randomBytes } from 'node:crypto';
import { AppError, type Bilingual } from '../shared/errors.js';
import { NOT_FOUND_CODES } from './codes.js';
import type { GatewayStatus, GatewayTestResult } from './status-types.js';
import type { NotSentCause } from './transport.js';
import type { CallResult, ExchangeReport, PosLinkClient } from './types.js';

export {
  GatewayState,
  GatewayStatus,
  GatewayTestResult,
} from './status-types.js';

/** An answer slower than this marks the gateway slow (a healthy POS通 answers in well under a second). */
export const SLOW_MS = 3_000;

const NOT_SENT_WORDS: Record<NotSentCause, Bilingual> = {
  refused: { zh: '连接被拒绝', en: 'connection refused' },
  dns: { zh: '域名无法解析', en: 'name not resolved' },
  'no-route': { zh: '网络不可达', en: 'no route to the gateway' },
  'connect-timeout': { zh: '连接超时', en: 'connect timed out' },
  tls: { zh: '安全连接失败（证书）', en: 'secure connection failed (certificate)' },
  'connect-failed': { zh: '连接失败', en: 'connection failed' },
  'token-refused': { zh: '访问令牌被拒绝', en: 'access token refused' },
  'token-failed': { zh: '无法获取访问令牌', en: 'no access token' },
};

/** What one exchange says about the gateway. */
export function statusOf(result: CallResult<unknown>, latencyMs: number, at?: Date): GatewayStatus {
  const base = { ...(at ? { at: at.toISOString() } : {}), latencyMs: Math.max(0, Math.round(latencyMs)) };
  if (result.outcome === 'declined' && result.notSent && result.cause === 'token-refused') {
    return { ...base, state: 'auth-failed', message: result.message };
  }
  if (result.outcome === 'declined' && result.notSent) {
    const why = NOT_SENT_WORDS[result.cause];
    return {
      ...base,
      state: 'unreachable',
      message: { zh: `网络不通：${why.zh}`, en: `Network unreachable: ${why.en}` },
    };
  }
  if (result.outcome === 'declined' && (result.errCode === '1000' || result.errCode === '1001')) {
    return { ...base, state: 'auth-failed', message: result.message };
  }
  if (result.outcome === 'unknown' && (result.cause === 'timeout' || result.cause === 'network')) {
    return { ...base, state: 'unreachable', message: result.message };
  }
  if (result.outcome === 'unknown' && result.cause === 'http-status' && (result.httpStatus ?? 0) >= 500) {
    return { ...base, state: 'unreachable', message: result.message };
  }
  // The gateway answered (whatever the business outcome): it is up.
  if (latencyMs > SLOW_MS) {
    const seconds = `${Math.floor(latencyMs / 1000)}.${Math.floor((latencyMs % 1000) / 100)}`;
    return {
      ...base,
      state: 'slow',
      message: {
        zh: `网关响应慢（${seconds} 秒）`,
        en: `Gateway slow (${seconds} s)`,
      },
    };
  }
  return { ...base, state: 'ok', message: { zh: '网关连接正常', en: 'Gateway connected' } };
}

export interface GatewayMonitor {
  status(): GatewayStatus;
  /** Feed every exchange (PosLinkClientOptions.onExchange). */
  record(exchange: ExchangeReport): void;
  onChange(listener: (status: GatewayStatus) => void): () => void;
  /** 测试连接: one signed query of an order id that cannot exist. */
  test(client: PosLinkClient): Promise<GatewayTestResult>;
}

export function createGatewayMonitor(): GatewayMonitor {
  let current: GatewayStatus = {
    state: 'unknown',
    message: { zh: '尚未与网关通信', en: 'No exchange with the gateway yet' },
  };
  const listeners = new Set<(status: GatewayStatus) => void>();
  const set = (next: GatewayStatus) => {
    current = next;
    for (const listener of listeners) listener(next);
  };
  return {
    status: () => current,
    record(exchange) {
      set(statusOf(exchange.result, exchange.latencyMs, exchange.at));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async test(client) {
      let result: CallResult<unknown>;
      try {
        result = await client.query({ merchantOrderId: impossibleOrderId() });
      } catch (error) {
        // Not configured (no AppId / AppKey, no usable URL) or a field the gateway would refuse.
        if (error instanceof AppError) return { ok: false, state: 'unknown', message: error.bilingual };
        throw error;
      }
      return testVerdict(result);
    },
  };
}

/** No order of ours looks like this (ours start with a terminal code and a China-time stamp). */
export function impossibleOrderId(): string {
  return `CONNTEST${randomBytes(12).toString('hex').toUpperCase()}`;
}

/** The connection test's answer, from the query's result. */
export function testVerdict(result: CallResult<unknown>): GatewayTestResult {
  if (result.outcome === 'ok' || (result.outcome === 'declined' && NOT_FOUND_CODES.has(result.errCode))) {
    return {
      ok: true,
      state: 'ok',
      message: {
        zh: '连接正常：网关已应答，签名与商户信息有效',
        en: 'Connected: the gateway answered; signature and merchant are valid',
      },
    };
  }
  if (result.outcome === 'declined' && result.notSent) {
    const s = statusOf(result, 0);
    return { ok: false, state: s.state, message: s.message as Bilingual };
  }
  if (result.outcome === 'declined' && result.errCode === '1000') {
    return {
      ok: false,
      state: 'auth-failed',
      message: {
        zh: '认证失败（1000）：AppId / AppKey 不正确，或本机时间偏差过大',
        en: 'Authentication failed (1000): wrong AppId / AppKey, or this computer’s clock is off',
      },
    };
  }
  if (result.outcome === 'declined') {
    // 1001 not authorized, 03 invalid merchant, 97 terminal not registered, …: credentials or codes.
    return {
      ok: false,
      state: 'auth-failed',
      message: {
        zh: `网关拒绝：${result.message.zh}，请检查商户号 / 终端号 / 权限`,
        en: `Refused by the gateway: ${result.message.en}; check merchant code, terminal code and permissions`,
      },
    };
  }
  const s = statusOf(result, 0);
  return {
    ok: false,
    state: s.state === 'ok' ? 'unknown' : s.state,
    message: s.state === 'ok' ? result.message : (s.message as Bilingual),
  };
}
