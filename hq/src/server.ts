/**
 * The head-office HTTP service (Fastify): the counters' sync API (bearer token per counter), the reports
 * and reconciliation API for head office, and the web page (hq/web, built into dist/hq-web).
 */
import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MAX_BATCH, SYNC_PATHS } from '../../main/sync/protocol.js';
import { addCounter, authenticate, CounterError, type CounterIdentity, revokeCounter } from './counters.js';
import type { Db } from './db.js';
import { highWaterMark, IngestError, ingestBatch } from './ingest.js';
import { reconciliationRoutes } from './reconcile-routes.js';
import { counterSync, ordersOf, refreshRollups, settlement, unresolvedOrders } from './reports.js';

export interface HqServerOptions {
  db: Db;
  /** Built web page (index.html + assets); absent → the API only. */
  webDir?: string;
  /** Rebuild touched (counter, day) reports this long after the last ingest. */
  rollupDelayMs?: number;
  /** A counter-day's report is rebuilt in the background at most this often (reads always rebuild). */
  rollupMinIntervalMs?: number;
  /** Lets the CLI register counters through a running service (PGlite is one process's database). */
  adminKey?: string;
  /**
   * When set, the page and the head-office API need it: `Authorization: Bearer …`, or the cookie that
   * opening `/?token=…` once sets. The counters' sync API has its own tokens and is not affected.
   */
  accessToken?: string;
  logger?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function fail(reply: FastifyReply, status: number, code: string, zh: string, en: string) {
  return reply.code(status).send({ error: { code, message: { zh, en } } });
}

export async function buildHqServer(options: HqServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 32 * 1024 * 1024 });

  // Background rebuild of the rollups ingest touched, so a day's chain report only merges.
  let rollupTimer: NodeJS.Timeout | undefined;
  let rollupRunning: Promise<unknown> = Promise.resolve();
  let comeBack: NodeJS.Timeout | undefined;
  let closing = false;
  const scheduleRollups = () => {
    if (rollupTimer) return;
    rollupTimer = setTimeout(() => {
      rollupTimer = undefined;
      rollupRunning = rollupRunning
        .then(async () => {
          await refreshRollups(db, { minAgeMs: options.rollupMinIntervalMs ?? 30_000 });
          // Some were rebuilt too recently: come back for them.
          const { rows } = await db.query('SELECT 1 FROM rollup_terminal_day WHERE built_gen < gen LIMIT 1');
          if (rows.length > 0 && !closing) {
            comeBack = setTimeout(scheduleRollups, options.rollupMinIntervalMs ?? 30_000);
            comeBack.unref();
          }
        })
        .catch(() => {});
    }, options.rollupDelayMs ?? 500);
    rollupTimer.unref();
  };
  app.addHook('onClose', async () => {
    closing = true;
    if (rollupTimer) clearTimeout(rollupTimer);
    if (comeBack) clearTimeout(comeBack);
    await rollupRunning;
  });

  if (options.accessToken) {
    const expected = Buffer.from(options.accessToken);
    const matches = (given: string | undefined) => {
      if (!given) return false;
      const b = Buffer.from(given);
      return b.length === expected.length && timingSafeEqual(b, expected);
    };
    app.addHook('onRequest', async (request, reply) => {
      const url = request.url;
      if (url.startsWith('/api/sync/') || url.startsWith('/api/admin/')) return;
      const query = new URL(url, 'http://hq').searchParams.get('token') ?? undefined;
      if ((url === '/' || url.startsWith('/?')) && matches(query)) {
        reply.header(
          'set-cookie',
          `hq_access=${encodeURIComponent(options.accessToken as string)}; HttpOnly; SameSite=Strict; Path=/`,
        );
        return reply.redirect('/', 303);
      }
      const header = request.headers.authorization;
      const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      const cookie = /(?:^|;\s*)hq_access=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      if (matches(bearer) || matches(cookie ? decodeURIComponent(cookie) : undefined)) return;
      return fail(
        reply,
        401,
        'UNAUTHORIZED',
        '请用总部服务打印的地址（含 token）打开',
        'Open the address the service printed (with its token)',
      );
    });
  }

  const counterOf = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<CounterIdentity | undefined> => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const who = await authenticate(db, token);
    if (!who) {
      await fail(reply, 401, 'UNAUTHORIZED', '终端令牌无效或已吊销', 'Counter token unknown or revoked');
      return undefined;
    }
    await db.query('UPDATE counters SET last_seen_at = now() WHERE terminal_id = $1', [who.terminalId]);
    return who;
  };

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof IngestError) return fail(reply, error.status, error.code, error.zh, error.en);
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return fail(reply, status, 'BAD_REQUEST', '请求无效', (error as Error).message);
    }
    app.log.error(error);
    if (process.env.HQ_DEBUG) console.error(error);
    return fail(reply, 500, 'INTERNAL', '总部服务出错', 'Head-office service error');
  });

  // ── counters ────────────────────────────────────────────────────────────────────────────
  app.get(SYNC_PATHS.hwm, async (request, reply) => {
    const who = await counterOf(request, reply);
    if (!who) return reply;
    return { terminalId: who.terminalId, storeId: who.storeId, ...(await highWaterMark(db, who)) };
  });

  app.post(SYNC_PATHS.batch, async (request, reply) => {
    const who = await counterOf(request, reply);
    if (!who) return reply;
    const records = (request.body as { records?: unknown } | undefined)?.records;
    if (Array.isArray(records) && records.length > MAX_BATCH) {
      return fail(
        reply,
        413,
        'BATCH_TOO_LARGE',
        `每批最多 ${MAX_BATCH} 条`,
        `At most ${MAX_BATCH} records a batch`,
      );
    }
    const result = await ingestBatch(db, who, records);
    if (result.stored > 0) scheduleRollups();
    return result;
  });

  // ── head office ─────────────────────────────────────────────────────────────────────────
  const dayOf = (request: FastifyRequest, reply: FastifyReply): string | undefined => {
    const day = (request.query as { day?: string }).day;
    if (typeof day === 'string' && DAY.test(day)) return day;
    void fail(reply, 400, 'BAD_DAY', '日期格式应为 YYYY-MM-DD', 'day must be YYYY-MM-DD');
    return undefined;
  };

  app.get('/api/settlement', async (request, reply) => {
    const day = dayOf(request, reply);
    if (!day) return reply;
    const store = (request.query as { store?: string }).store;
    return settlement(db, day, store || undefined);
  });

  app.get('/api/counters', async () => ({ counters: await counterSync(db), now: new Date().toISOString() }));

  app.get('/api/orders', async (request, reply) => {
    const day = dayOf(request, reply);
    if (!day) return reply;
    const terminal = (request.query as { terminal?: string }).terminal;
    if (!terminal) return fail(reply, 400, 'BAD_TERMINAL', '缺少终端号', 'terminal is required');
    return { orders: await ordersOf(db, terminal, day) };
  });

  app.get('/api/unresolved', async () => ({ orders: await unresolvedOrders(db) }));

  app.get('/api/alerts', async () => {
    const { rows } = await db.query(
      `SELECT id, kind, terminal_id AS "terminalId", store_id AS "storeId", message_zh AS zh, message_en AS en, at
       FROM alerts WHERE acknowledged_at IS NULL ORDER BY id DESC LIMIT 200`,
    );
    return { alerts: rows };
  });

  app.get('/api/conflicts', async () => {
    const { rows } = await db.query(
      `SELECT id, terminal_id AS "terminalId", seq, stored_hash AS "storedHash", offered_hash AS "offeredHash",
              offered_body AS "offered", detected_at AS "detectedAt"
       FROM conflicts WHERE resolved_at IS NULL ORDER BY id LIMIT 500`,
    );
    return { conflicts: rows };
  });

  await reconciliationRoutes(app, db);

  if (options.adminKey) {
    const key = options.adminKey;
    app.post('/api/admin/counters', async (request, reply) => {
      if (request.headers['x-hq-admin'] !== key)
        return fail(reply, 403, 'FORBIDDEN', '无权操作', 'Forbidden');
      const body = (request.body ?? {}) as {
        storeId?: string;
        terminalId?: string;
        name?: string;
        revoke?: boolean;
      };
      try {
        if (body.revoke) return { revoked: await revokeCounter(db, String(body.terminalId ?? '')) };
        const token = await addCounter(db, {
          storeId: String(body.storeId ?? ''),
          terminalId: String(body.terminalId ?? ''),
          ...(body.name ? { name: body.name } : {}),
        });
        return { token };
      } catch (error) {
        if (error instanceof CounterError) return fail(reply, 400, 'BAD_INPUT', error.zh, error.en);
        throw error;
      }
    });
  }

  // ── the web page ────────────────────────────────────────────────────────────────────────
  if (options.webDir && fs.existsSync(path.join(options.webDir, 'index.html'))) {
    const root = path.resolve(options.webDir);
    const types: Record<string, string> = {
      '.html': 'text/html; charset=utf-8',
      '.js': 'text/javascript; charset=utf-8',
      '.css': 'text/css; charset=utf-8',
      '.svg': 'image/svg+xml',
      '.png': 'image/png',
      '.woff2': 'font/woff2',
    };
    app.get('/*', async (request, reply) => {
      const url = (request.params as { '*': string })['*'] || 'index.html';
      const file = path.resolve(root, url);
      const inside =
        file.startsWith(`${root}${path.sep}`) && fs.existsSync(file) && fs.statSync(file).isFile();
      const target = inside ? file : path.join(root, 'index.html');
      reply.header('content-type', types[path.extname(target)] ?? 'application/octet-stream');
      reply.header(
        'content-security-policy',
        "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'",
      );
      return reply.send(fs.readFileSync(target));
    });
  }
  return app;
}
