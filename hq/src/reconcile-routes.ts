/** HTTP routes of statement reconciliation (对账). */
import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { Db } from './db.js';
import { getMapping, importStatement, PRESETS, reconcile, StatementError, saveMapping } from './reconcile.js';

const ACQUIRER = /^[a-z0-9_-]{1,30}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function reconciliationRoutes(app: FastifyInstance, db: Db): Promise<void> {
  // Statements arrive as the raw file (text/csv or application/octet-stream for GBK files).
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );
  const bad = (zh: string, en: string) => ({ error: { code: 'BAD_INPUT', message: { zh, en } } });

  app.get('/api/acquirers', async () => {
    const { rows } = await db.query<{ acquirer: string }>('SELECT acquirer FROM acquirer_mappings');
    return { acquirers: [...new Set([...Object.keys(PRESETS), ...rows.map((r) => r.acquirer)])].sort() };
  });

  app.get('/api/acquirers/:acquirer/mapping', async (request, reply) => {
    const { acquirer } = request.params as { acquirer: string };
    const mapping = ACQUIRER.test(acquirer) ? await getMapping(db, acquirer) : undefined;
    if (!mapping) return reply.code(404).send(bad('没有这个收单机构的映射', 'No mapping for this acquirer'));
    return { acquirer, mapping };
  });

  app.put('/api/acquirers/:acquirer/mapping', async (request, reply) => {
    const { acquirer } = request.params as { acquirer: string };
    if (!ACQUIRER.test(acquirer))
      return reply.code(400).send(bad('收单机构名无效', 'Acquirer name: a-z, 0-9, - or _'));
    try {
      return { acquirer, mapping: await saveMapping(db, acquirer, request.body) };
    } catch (error) {
      if (error instanceof ZodError) {
        return reply
          .code(400)
          .send(
            bad(
              `映射无效：${error.issues[0]?.path.join('.')}`,
              `Mapping invalid: ${error.issues[0]?.message}`,
            ),
          );
      }
      throw error;
    }
  });

  app.post('/api/statements/:acquirer', async (request, reply) => {
    const { acquirer } = request.params as { acquirer: string };
    const body = request.body;
    if (!ACQUIRER.test(acquirer)) return reply.code(400).send(bad('收单机构名无效', 'Acquirer name invalid'));
    if (!Buffer.isBuffer(body) && typeof body !== 'string') {
      return reply.code(415).send(bad('请以 text/csv 上传对账单文件', 'Upload the statement as text/csv'));
    }
    try {
      const fileName = (request.query as { file?: string }).file;
      return await importStatement(db, acquirer, body, fileName);
    } catch (error) {
      if (error instanceof StatementError) return reply.code(400).send(bad(error.zh, error.en));
      throw error;
    }
  });

  app.get('/api/reconciliation', async (request, reply) => {
    const q = request.query as { acquirer?: string; day?: string; store?: string };
    if (!q.day || !DAY.test(q.day))
      return reply.code(400).send(bad('日期格式应为 YYYY-MM-DD', 'day must be YYYY-MM-DD'));
    const acquirer = q.acquirer ?? 'wechat';
    if (!ACQUIRER.test(acquirer)) return reply.code(400).send(bad('收单机构名无效', 'Acquirer name invalid'));
    return reconcile(db, acquirer, q.day, q.store || undefined);
  });
}
