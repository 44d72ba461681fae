/**
 * How a request reaches the gateway, and the one network fact that is certain: whether the connection
 * was ever established. Before that (refused, DNS failure, no route, connect timeout, TLS handshake
 * refused) no byte of the request can have left the machine; after it, anything may have happened.
 *
 * The default transport is node:http / node:https, which report the connection phase directly
 * (`connect` / `secureConnect` on the socket) and take a connect timeout of their own, separate from the
 * request timeout. An injected `fetch` (tests, bench) is classified by the error codes undici puts on
 * `error.cause` instead: ECONNREFUSED, ENOTFOUND / EAI_AGAIN (getaddrinfo), EHOSTUNREACH / ENETUNREACH,
 * UND_ERR_CONNECT_TIMEOUT (undici's ConnectTimeoutError), ERR_SOCKET_CONNECTION_TIMEOUT (net's
 * happy-eyeballs), possibly wrapped in an AggregateError when every address was tried. Everything else
 * (UND_ERR_SOCKET "other side closed", ECONNRESET, an abort) happened on an open connection: unknown.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';

/** Why a request provably never left the machine. */
/**
 * `connect-failed`: the node transport saw the connection fail before it was up, with another code.
 * `token-refused` / `token-failed` (access-token mode): no token, so the request itself was never sent.
 */
export type NotSentCause =
  | 'refused'
  | 'dns'
  | 'no-route'
  | 'connect-timeout'
  | 'tls'
  | 'connect-failed'
  | 'token-refused'
  | 'token-failed';

export interface HttpReply {
  status: number;
  text: string;
}

export interface PostOptions {
  /** The whole exchange, connect included. */
  timeoutMs: number;
  /** Until the connection is established (TCP, and TLS for https). */
  connectTimeoutMs: number;
}

/** A failed exchange: `notSent` set when the connection was never established. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-sent' | 'timeout' | 'network',
    readonly notSent?: NotSentCause,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Transport {
  post(url: string, headers: Record<string, string>, body: Uint8Array, opts: PostOptions): Promise<HttpReply>;
  close(): void;
}

/** Replies above this are cut off (a gateway reply is a few KB). */
const MAX_REPLY_BYTES = 1024 * 1024;

const REFUSED = new Set(['ECONNREFUSED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const CONNECT_TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
/** Certificate checks fail inside the handshake, before any request byte is written. */
const TLS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The cause of a connection that was never made, from an error's code; undefined when it was made. */
export function notSentCauseOf(code: string | undefined): NotSentCause | undefined {
  if (!code) return undefined;
  if (REFUSED.has(code)) return 'refused';
  if (DNS.has(code)) return 'dns';
  if (NO_ROUTE.has(code)) return 'no-route';
  if (CONNECT_TIMEOUT.has(code)) return 'connect-timeout';
  if (TLS.has(code)) return 'tls';
  return undefined;
}

/** Every code on an error, its `cause` chain and an AggregateError's members. */
export function errorCodes(error: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 5) return;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    const members = (value as { errors?: unknown }).errors;
    if (Array.isArray(members)) for (const member of members) visit(member, depth + 1);
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return out;
}

/**
 * A fetch failure → not sent (every code found says the connection never came up), timeout or network.
 * Used for an injected fetch; the node transport knows the phase and needs no guessing.
 */
export function classifyFetchError(error: unknown): TransportError {
  const message = describeError(error);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new TransportError(message, 'timeout');
  }
  const codes = errorCodes(error);
  const causes = codes.map(notSentCauseOf);
  const first = causes[0];
  if (first && causes.every((c) => c !== undefined)) {
    return new TransportError(message, 'not-sent', first, codes[0]);
  }
  return new TransportError(message, 'network', undefined, codes[0]);
}

/** For logs and the journal only: "TypeError: fetch failed: connect ECONNREFUSED … (ECONNREFUSED)". */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const code = errorCodes(error)[0];
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return `${error.name}: ${error.message}${causeText}${code ? ` (${code})` : ''}`.slice(0, 200);
}

export function fetchTransport(doFetch: typeof fetch): Transport {
  return {
    async post(url, headers, body, opts) {
      try {
        const reply = await doFetch(url, {
          method: 'POST',
          headers,
          body: body as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        return { status: reply.status, text: await reply.text() };
      } catch (error) {
        throw classifyFetchError(error);
      }
    },
    close() {},
  };
}

/**
 * node:http(s) with kept-alive connections. A socket taken from the pool is already established; a new
 * one counts as established on `connect` (http) or `secureConnect` (https).
 */
export function nodeTransport(options: { lookup?: LookupFunction } = {}): Transport {
  // Idle sockets are dropped before a typical server's keep-alive timeout (5 s), so a request is rarely
  // written onto a socket the server is about to close (which would make its outcome unknown).
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: 4_000 }),
    https: new https.Agent({ keepAlive: true, timeout: 4_000 }),
  };
  return {
    post(url, headers, body, opts) {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const lib = secure ? https : http;
      return new Promise<HttpReply>((resolve, reject) => {
        let established = false;
        let settled = false;
        let connectTimer: NodeJS.Timeout | undefined;
        const finish = (error: TransportError | undefined, reply?: HttpReply) => {
          if (settled) return;
          settled = true;
          clearTimeout(overall);
          clearTimeout(connectTimer);
          if (error) {
            req.destroy();
            reject(error);
          } else resolve(reply as HttpReply);
        };
        const failure = (error: unknown): TransportError => {
          const message = describeError(error);
          const code = errorCodes(error)[0];
          if (!established)
            return new TransportError(message, 'not-sent', notSentCauseOf(code) ?? 'connect-failed', code);
          return new TransportError(message, 'network', undefined, code);
        };
        const req = lib.request(target, {
          method: 'POST',
          headers: { ...headers, 'content-length': String(body.byteLength) },
          agent: secure ? agents.https : agents.http,
          ...(options.lookup ? { lookup: options.lookup } : {}),
        });
        const overall = setTimeout(() => {
          finish(
            established
              ? new TransportError(`TimeoutError: no reply within ${opts.timeoutMs} ms`, 'timeout')
              : new TransportError(
                  `connect timeout after ${opts.timeoutMs} ms`,
                  'not-sent',
                  'connect-timeout',
                  'ETIMEDOUT',
                ),
          );
        }, opts.timeoutMs);
        req.on('socket', (socket: Socket) => {
          // A pooled socket is already established; a new one is still connecting when it is handed over.
          if (!socket.connecting) {
            established = true;
            return;
          }
          connectTimer = setTimeout(() => {
            if (!established) {
              finish(
                new TransportError(
                  `connect timeout after ${opts.connectTimeoutMs} ms`,
                  'not-sent',
                  'connect-timeout',
                  'ETIMEDOUT',
                ),
              );
            }
          }, opts.connectTimeoutMs);
          socket.once(secure ? 'secureConnect' : 'connect', () => {
            established = true;
            clearTimeout(connectTimer);
          });
        });
        req.on('error', (error) => finish(failure(error)));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
          });
          res.on('end', () =>
            finish(undefined, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (error) => finish(failure(error)));
          res.on('close', () => {
            if (!res.complete) finish(new TransportError('reply cut off', 'network'));
          });
        });
        req.end(body);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
