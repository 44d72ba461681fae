/**
 * The local HTTP API for host POS systems (docs/ecr.md): Fastify on 127.0.0.1, or on the LAN only with
 * TLS; a bearer token either way. Bodies are checked with the ECR zod schemas; every answer is JSON
 * (bilingual errors), events are server-sent.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { z } from 'zod';
import { createLogger } from '../log/logger.js';
import { badInput } from '../shared/errors.js';
import { openApiDocument } from './openapi.js';
import type { Answer, EcrService } from './service.js';
import { AuthThrottle } from './throttle.js';
import { EcrId, type EcrResult, PaymentRequest, RefundRequest, VoidRequest } from './types.js';

export interface EcrServerOptions {
  service: EcrService;
  token: string;
  host: string;
  port: number;
  tls?: { certPath: string; keyPath: string };
  version?: string;
  /** Wrong tokens per remote address (default: 5 within a minute, then refused 1 s, 2 s, … up to 60 s). */
  throttle?: AuthThrottle;
}

export interface EcrServer {
  readonly url: string;
  close(): Promise<void>;
}

const log = createLogger('ecr.api');

const UNAUTHORIZED = {
  error: {
    code: 'UNAUTHORIZED',
    message: { zh: '缺少或错误的访问令牌', en: 'Missing or wrong bearer token' },
  },
};

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const tooMany = (gate: { retryAfterMs: number }) => ({
  error: {
    code: 'TOO_MANY_ATTEMPTS',
    message: {
      zh: `访问令牌错误次数过多，请 ${seconds(gate.retryAfterMs)} 秒后再试`,
      en: `Too many wrong bearer tokens: try again in ${seconds(gate.retryAfterMs)} s`,
    },
  },
});

export async function startEcrServer(options: EcrServerOptions): Promise<EcrServer> {
  const https = options.tls
    ? { https: { cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) } }
    : {};
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 16 * 1024, ...https }) as never;
  const expected = Buffer.from(`Bearer ${options.token}`);
  const service = options.service;
  const openapi = openApiDocument(options.version ?? '0');

  const throttle = options.throttle ?? new AuthThrottle();

  app.addHook('onRequest', async (request, reply) => {
    const remote = request.ip;
    const gate = throttle.check(remote);
    if (!gate.ok)
      return reply
        .code(429)
        .header('retry-after', String(seconds(gate.retryAfterMs)))
        .send(tooMany(gate));
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      // Never the token itself: only where it came from and how often.
      const { failures, lockMs } = throttle.failed(remote);
      log.warn('ecr api: missing or wrong bearer token', {
        remote,
        failures,
        given: request.headers.authorization ? 'wrong' : 'none',
        ...(lockMs > 0 ? { refusedForMs: lockMs } : {}),
      });
      return reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED);
    }
    throttle.succeeded(remote);
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    void reply.code(status).send({
      error: {
        code: status === 500 ? 'INTERNAL' : 'BAD_INPUT',
        message: { zh: status === 500 ? '内部错误' : `请求无效：${err.message}`, en: err.message },
      },
    });
  });

  const send = (reply: FastifyReply, answer: Answer) => reply.code(answer.status).send(answer.body);
  const parse = <S extends z.ZodType>(
    schema: S,
    body: unknown,
    reply: FastifyReply,
  ): z.output<S> | undefined => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    void reply.code(400).send({ error: badInput(parsed.error, 'request').toBody() });
    return undefined;
  };
  const idOf = (params: unknown, reply: FastifyReply) =>
    parse(EcrId, (params as { ecrId?: string }).ecrId, reply);

  app.post('/v1/payments', async (request, reply) => {
    const body = parse(PaymentRequest, request.body, reply);
    if (body) return send(reply, await service.pay(body));
  });
  app.get('/v1/payments/:ecrId', async (request, reply) => {
    const id = idOf(request.params, reply);
    if (id) return send(reply, service.status(id));
  });
  for (const kind of ['payments', 'refunds', 'voids']) {
    app.post(`/v1/${kind}/:ecrId/abort`, async (request, reply) => {
      const id = idOf(request.params, reply);
      if (id) return send(reply, service.abort(id));
    });
  }
  app.post('/v1/refunds', async (request, reply) => {
    const body = parse(RefundRequest, request.body, reply);
    if (body) return send(reply, service.refund(body));
  });
  app.get('/v1/refunds/:ecrId', async (request, reply) => {
    const id = idOf(request.params, reply);
    if (id) return send(reply, service.status(id));
  });
  app.post('/v1/voids', async (request, reply) => {
    const body = parse(VoidRequest, request.body, reply);
    if (body) return send(reply, service.void(body));
  });
  app.get('/v1/voids/:ecrId', async (request, reply) => {
    const id = idOf(request.params, reply);
    if (id) return send(reply, service.status(id));
  });
  app.get('/v1/openapi.json', async () => openapi);
  app.get('/v1/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': counter-cashier ecr events\n\n');
    const event = (result: EcrResult) =>
      res.write(`event: ${result.kind}\nid: ${result.ecrId}\ndata: ${JSON.stringify(result)}\n\n`);
    // What is still open first, so a host that reconnects misses nothing; then every change.
    for (const result of service.inProgress()) event(result);
    const off = service.onResult(event);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    request.raw.on('close', () => {
      clearInterval(ping);
      off();
    });
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `${scheme}://${host}:${address.port}`,
    async close() {
      // SSE connections stay open: end them, then close.
      app.server.closeAllConnections?.();
      await app.close();
    },
  };
}
