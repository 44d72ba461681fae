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
import { badInput } from '../shared/errors.js';
import { openApiDocument } from './openapi.js';
import type { Answer, EcrService } from './service.js';
import { EcrId, type EcrResult, PaymentRequest, RefundRequest, VoidRequest } from './types.js';

export interface EcrServerOptions {
  service: EcrService;
  token: string;
  host: string;
  port: number;
  tls?: { certPath: string; keyPath: string };
  version?: string;
}

export interface EcrServer {
  readonly url: string;
  close(): Promise<void>;
}

const UNAUTHORIZED = {
  error: {
    code: 'UNAUTHORIZED',
    message: { zh: '缺少或错误的访问令牌', en: 'Missing or wrong bearer token' },
  },
};

export async function startEcrServer(options: EcrServerOptions): Promise<EcrServer> {
  const https = options.tls
    ? { https: { cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) } }
    : {};
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 16 * 1024, ...https }) as never;
  const expected = Buffer.from(`Bearer ${options.token}`);
  const service = options.service;
  const openapi = openApiDocument(options.version ?? '0');

  app.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED);
    }
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
