/**
 * The POS通 gateway simulator: an HTTP server on 127.0.0.1 with every endpoint the client uses, at the
 * same paths as the real gateway. Verifies Authorization (1000), validates fields with the client's own
 * strict schemas (9001), keeps order / refund / pre-auth state (bank.ts), and lets tests script faults,
 * move the clock, inspect the truth ledger and mount extra routes. See docs/simulator.md.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { z } from 'zod';
import { CALL_ID_FIELDS, type Endpoint, PATHS } from '../gateway/paths.js';
import * as S from '../gateway/schemas.js';
import {
  bodySignature,
  parseAuthorization,
  parseChinaTimestamp,
  sameText,
  tokenRequestSignature,
} from '../gateway/sign.js';
import { createLogger } from '../log/logger.js';
import { DEMO_CREDENTIALS } from '../settings/defaults.js';
import { Bank, type LedgerEntry, type PreauthLedgerEntry, type Reply } from './bank.js';
import { readBody } from './read-body.js';

const log = createLogger('simulator');

export type FaultKind = 'latency' | 'timeout' | 'http-500' | 'malformed' | 'drop' | 'errcode';

export interface Fault {
  kind: FaultKind;
  /** latency: real milliseconds to wait before answering. */
  ms?: number;
  /** errcode: the errCode answered instead of the real reply (e.g. "96", "9999", "57"). */
  code?: string;
  /**
   * Whether the request is processed (money moves) before the fault hits. Default true: the worst case
   * for the client. `timeout` with commit false = the request never reached the bank.
   */
  commit?: boolean;
}

/** Raw routes mounted by other modules (e.g. the Yima simulator): they read the request themselves. */
export type MountHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface RequestRecord {
  endpoint: Endpoint | 'mounted' | 'unknown';
  path: string;
  at: string;
  /** The errCode answered (before any fault), when there was one. */
  errCode?: string;
  fault?: FaultKind;
  /** merchantOrderId / refundRequestId / systemTraceNum of the request, for assertions. */
  ids: Record<string, string>;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  appId?: string;
  appKey?: string;
  /** "Customer typing password" delay (amount ending 99), simulator-clock ms. Default 12 000. */
  passwordDelayMs?: number;
  /** Scripted behaviours by amount / payment code. Default true. */
  scripts?: boolean;
  /** Accepted Timestamp skew, against real time or the simulator clock. Default 15 min. */
  timestampToleranceMs?: number;
  /** Access-token lifetime, seconds. Default 3600. */
  tokenTtlSeconds?: number;
  /** Latency for the "slow" script (amount ending 93), real ms. Default 2000. */
  slowMs?: number;
}

export interface SimClock {
  now(): Date;
  /** Move the simulator clock forward (or back with a negative value). */
  advance(ms: number): void;
  /** Jump the simulator clock to this instant. */
  set(at: Date): void;
  /** Back to real time. */
  reset(): void;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly clock: SimClock;
  readonly credentials: { appId: string; appKey: string };
  /** Apply `fault` to the next `times` calls of an endpoint (a PATHS key, a path, a mount prefix or '*'). */
  inject(target: Endpoint | string, fault: Fault, times?: number): void;
  clearFaults(): void;
  /** Truth: every order, with its state, how often it was charged, and its refunds. */
  ledger(): LedgerEntry[];
  preauthLedger(): PreauthLedgerEntry[];
  /** Every request received, in order (payment codes never recorded). */
  requests(): RequestRecord[];
  /** Invalidate every access token (the next token-mode call gets 1000). */
  revokeTokens(): void;
  /** Serve `pathPrefix` (e.g. "/yima/") with a raw handler; returns an unmount function. */
  mount(pathPrefix: string, handler: MountHandler): () => void;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

type Handler = (body: Record<string, unknown>) => Reply;

interface Route {
  endpoint: Endpoint;
  schema: z.ZodType;
  handle: Handler;
  /** v1 calls consume a systemTraceNum. */
  v1?: boolean;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const appId = options.appId ?? DEMO_CREDENTIALS.appId;
  const appKey = options.appKey ?? DEMO_CREDENTIALS.appKey;
  const tolerance = options.timestampToleranceMs ?? 15 * 60_000;
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const slowMs = options.slowMs ?? 2000;

  let offsetMs = 0;
  const clock: SimClock = {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
    set: (at) => {
      offsetMs = at.getTime() - Date.now();
    },
    reset: () => {
      offsetMs = 0;
    },
  };

  const bank = new Bank({
    now: clock.now,
    passwordDelayMs: options.passwordDelayMs ?? 12_000,
    scripts: options.scripts ?? true,
  });

  const faults = new Map<string, Array<{ fault: Fault; left: number }>>();
  const records: RequestRecord[] = [];
  const MAX_RECORDS = 20_000; // demo mode runs for days: keep the newest only
  const remember = (record: RequestRecord) => {
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  };
  const mounts = new Map<string, MountHandler>();
  const tokens = new Map<string, number>(); // token → expiry (simulator clock ms), insertion ordered
  const nonces = new Map<string, number>(); // nonce → real expiry ms (replay protection)
  const sockets = new Set<Socket>();
  const hung = new Set<http.ServerResponse>();

  const routes = new Map<string, Route>();
  const add = (route: Route) => routes.set(PATHS[route.endpoint], route);
  const str = (v: unknown) => v as string;
  add({
    endpoint: 'activateTerminal',
    schema: S.ActivateTerminalRequest,
    handle: (b) => bank.activate(str(b.merchantCode), str(b.terminalCode)),
  });
  add({ endpoint: 'pay', schema: S.PayRequest, handle: (b) => bank.pay(b as never) });
  add({ endpoint: 'voidPayment', schema: S.VoidPaymentRequest, handle: (b) => bank.voidPayment(b as never) });
  add({ endpoint: 'refund', schema: S.RefundRequest, handle: (b) => bank.refund(b as never) });
  add({ endpoint: 'query', schema: S.QueryRequest, handle: (b) => bank.query(b as never) });
  add({ endpoint: 'queryRefund', schema: S.QueryRefundRequest, handle: (b) => bank.queryRefund(b as never) });
  add({
    endpoint: 'preauthActivate',
    schema: S.PreauthActivateRequest,
    v1: true,
    handle: (b) => bank.activate(str(b.merchantCode), str(b.terminalCode)),
  });
  add({
    endpoint: 'preauthorize',
    schema: S.PreauthorizeRequest,
    v1: true,
    handle: (b) => bank.preauthorize(b as never),
  });
  add({
    endpoint: 'preauthComplete',
    schema: S.PreauthCompleteRequest,
    v1: true,
    handle: (b) => bank.preauthComplete(b as never, 'complete'),
  });
  add({
    endpoint: 'preauthVoid',
    schema: S.PreauthVoidRequest,
    v1: true,
    handle: (b) => bank.preauthComplete(b as never, 'void'),
  });
  add({
    endpoint: 'preauthQuickComplete',
    schema: S.PreauthQuickRequest,
    v1: true,
    handle: (b) => bank.preauthQuick(b as never, 'complete'),
  });
  add({
    endpoint: 'preauthQuickVoid',
    schema: S.PreauthQuickRequest,
    v1: true,
    handle: (b) => bank.preauthQuick(b as never, 'void'),
  });
  add({
    endpoint: 'preauthQueryByTrace',
    schema: S.PreauthQueryByTraceRequest,
    v1: true,
    handle: (b) => bank.preauthQueryByTrace(b as never),
  });
  add({
    endpoint: 'preauthQuery',
    schema: S.PreauthQueryRequest,
    v1: true,
    handle: (b) => bank.preauthQuery(b as never),
  });

  const takeFault = (endpoint: string, path: string): Fault | undefined => {
    for (const key of [endpoint, path, '*']) {
      const queue = faults.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.left -= 1;
      if (head.left <= 0) queue.shift();
      return head.fault;
    }
    for (const [key, queue] of faults) {
      if (!key.startsWith('/') || !path.startsWith(key) || !queue[0]) continue;
      const head = queue[0];
      head.left -= 1;
      if (head.left <= 0) queue.shift();
      return head.fault;
    }
    return undefined;
  };

  const checkTimestamp = (text: string | undefined): boolean => {
    const at = text ? parseChinaTimestamp(text) : undefined;
    if (!at) return false;
    const t = at.getTime();
    return Math.abs(t - Date.now()) <= tolerance || Math.abs(t - clock.now().getTime()) <= tolerance;
  };

  /** undefined when authorized, else why not (for errInfo). */
  const authorize = (header: string | undefined, body: Buffer): string | undefined => {
    const auth = parseAuthorization(header);
    if (!auth) return '缺少或无法识别的 Authorization 头';
    if (auth.scheme === 'OPEN-ACCESS-TOKEN') {
      const token = auth.params.AccessToken ?? '';
      const expiry = tokens.get(token);
      if (expiry === undefined || expiry <= clock.now().getTime()) return 'AccessToken 无效或已过期';
      return undefined;
    }
    const { AppId, Timestamp, Nonce, Signature } = auth.params;
    if (AppId !== appId) return 'AppId 不正确';
    if (!checkTimestamp(Timestamp)) return 'Timestamp 无效或已过期';
    if (!Nonce || Nonce.length < 8 || Nonce.length > 64) return 'Nonce 无效';
    const expected = bodySignature(appId, appKey, Timestamp as string, Nonce, body);
    if (!Signature || !sameText(Signature, expected)) return '签名不正确';
    const now = Date.now();
    if (nonces.size > 10_000) for (const [n, exp] of nonces) if (exp < now) nonces.delete(n);
    if ((nonces.get(Nonce) ?? 0) > now) return 'Nonce 重复使用';
    nonces.set(Nonce, now + 2 * tolerance);
    return undefined;
  };

  const issueToken = (body: Record<string, unknown>): Record<string, unknown> => {
    const { appId: id, timestamp, nonce, signMethod, signature } = body as Record<string, string | undefined>;
    if (id !== appId || signMethod !== 'SHA256' || !timestamp || !nonce || !signature) {
      return { errCode: '1000', errInfo: '认证失败' };
    }
    if (!checkTimestamp(timestamp)) return { errCode: '1000', errInfo: '认证失败：timestamp 无效' };
    if (!sameText(signature, tokenRequestSignature(appId, timestamp, nonce, appKey))) {
      return { errCode: '1000', errInfo: '认证失败：签名不正确' };
    }
    const token = randomBytes(24).toString('hex');
    tokens.set(token, clock.now().getTime() + tokenTtl * 1000);
    while (tokens.size > 10) tokens.delete(tokens.keys().next().value as string); // at most 10 live
    return { errCode: '0000', errInfo: '正常', accessToken: token, expiresIn: tokenTtl };
  };

  const send = (res: http.ServerResponse, status: number, body: Record<string, unknown> | string) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
  };

  const hang = (res: http.ServerResponse) => {
    hung.add(res);
    res.on('close', () => hung.delete(res));
  };

  const deliver = async (res: http.ServerResponse, reply: Reply, fault: Fault | undefined) => {
    const after = reply.after && reply.after !== 'answer' ? reply.after : fault?.kind;
    const latency =
      reply.latencyMs !== undefined ? slowMs : fault?.kind === 'latency' ? (fault.ms ?? 1000) : 0;
    if (latency > 0) await sleep(latency);
    switch (after) {
      case 'hang':
      case 'timeout':
        return hang(res);
      case 'drop':
        res.socket?.destroy();
        return;
      case 'http-500':
        return send(res, 500, '<html><body>500 Internal Server Error</body></html>');
      case 'malformed':
        return send(res, 200, JSON.stringify(reply.body).slice(0, 24));
      case 'errcode':
        return send(res, 200, {
          errCode: fault?.code ?? '9999',
          errInfo: `模拟应答 ${fault?.code ?? '9999'}`,
        });
      default:
        return send(res, 200, reply.body);
    }
  };

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    for (const [prefix, handler] of mounts) {
      if (!path.startsWith(prefix)) continue;
      remember({ endpoint: 'mounted', path, at: clock.now().toISOString(), ids: {} });
      const fault = takeFault(prefix, path);
      if (fault?.kind === 'latency') await sleep(fault.ms ?? 1000);
      else if (fault) {
        if (fault.kind === 'timeout') return hang(res);
        if (fault.kind === 'drop') return void req.socket.destroy();
        if (fault.kind === 'http-500') return send(res, 500, 'Internal Server Error');
        return send(res, 200, '{"result":');
      }
      try {
        await handler(req, res);
      } catch (error) {
        log.error('mounted handler failed', { prefix, error });
        if (!res.headersSent) send(res, 500, 'mounted handler failed');
      }
      return;
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY);
    } catch {
      return send(res, 413, { errCode: '9001', errInfo: '报文过大' });
    }
    if (req.method !== 'POST') return send(res, 405, { errCode: '9001', errInfo: '仅支持 POST' });

    if (path === PATHS.token) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // answered below as an authentication failure
      }
      const answer = issueToken(body && typeof body === 'object' ? body : {});
      remember({
        endpoint: 'token',
        path,
        at: clock.now().toISOString(),
        errCode: String(answer.errCode),
        ids: {},
      });
      return send(res, 200, answer);
    }

    const route = routes.get(path);
    if (!route) {
      remember({ endpoint: 'unknown', path, at: clock.now().toISOString(), ids: {} });
      return send(res, 404, { errCode: '9999', errInfo: `unknown path ${path.slice(0, 80)}` });
    }
    const record: RequestRecord = { endpoint: route.endpoint, path, at: clock.now().toISOString(), ids: {} };
    remember(record);

    const fault = takeFault(route.endpoint, path);
    if (fault) record.fault = fault.kind;
    if (fault && fault.kind !== 'latency' && fault.commit === false) {
      // The request "never reached the bank".
      return deliver(res, { body: {} }, fault);
    }

    const denied = authorize(req.headers.authorization, raw);
    if (denied) {
      record.errCode = '1000';
      return send(res, 401, { errCode: '1000', errInfo: `认证失败：${denied}` });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      record.errCode = '9001';
      return send(res, 200, { errCode: '9001', errInfo: '参数校验失败：报文不是 JSON' });
    }
    const checked = route.schema.safeParse(json);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      record.errCode = '9001';
      return send(res, 200, {
        errCode: '9001',
        errInfo: `参数校验失败：${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      });
    }
    const body = checked.data as Record<string, unknown>;
    for (const key of CALL_ID_FIELDS) {
      if (typeof body[key] === 'string') record.ids[key] = body[key] as string;
    }
    let reply: Reply | undefined;
    if (route.v1) {
      reply = bank.claimTrace(str(body.merchantCode), str(body.terminalCode), str(body.systemTraceNum));
    }
    reply ??= route.handle(body);
    record.errCode = String(reply.body.errCode ?? '');
    await deliver(res, reply, fault);
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  log.info('simulator listening', { url });

  return {
    url,
    port,
    clock,
    credentials: { appId, appKey },
    inject(target, fault, times = 1) {
      const key = target in PATHS ? target : target;
      const queue = faults.get(key) ?? [];
      queue.push({ fault, left: Math.max(1, Math.floor(times)) });
      faults.set(key, queue);
    },
    clearFaults: () => faults.clear(),
    ledger: () => bank.ledger(),
    preauthLedger: () => bank.preauthLedger(),
    requests: () => records.map((r) => ({ ...r, ids: { ...r.ids } })),
    revokeTokens: () => tokens.clear(),
    mount(pathPrefix, handler) {
      if (!pathPrefix.startsWith('/')) throw new Error('mount prefix must start with /');
      for (const p of Object.values(PATHS)) {
        if (p.startsWith(pathPrefix)) throw new Error(`mount prefix ${pathPrefix} would hide ${p}`);
      }
      if (mounts.has(pathPrefix)) throw new Error(`already mounted: ${pathPrefix}`);
      mounts.set(pathPrefix, handler);
      return () => {
        mounts.delete(pathPrefix);
      };
    },
    async close() {
      for (const res of hung) res.socket?.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
