/**
 * `npm run hq` — the head-office service.
 *
 *   npm run hq [-- --database-url postgres://… | --data-dir DIR] [--port 8620] [--host 127.0.0.1] [--no-web]
 *   npm run hq -- add-counter --store S --terminal T [--name N]     prints the counter's token (once)
 *   npm run hq -- revoke-counter --terminal T
 *
 * Without --database-url (or HQ_DATABASE_URL) it runs on embedded PGlite in --data-dir (default
 * ~/.counter-cashier-hq). PGlite is one process's database: while the service runs, add-counter goes
 * through it (service.json in the data folder names the port and a local admin key).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addCounter, CounterError, revokeCounter } from './counters.js';
import { openDb } from './db.js';
import { migrate } from './migrate.js';
import { startHqService } from './service.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const webDir = path.join(repo, 'dist', 'hq-web');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    store: { type: 'string' },
    terminal: { type: 'string' },
    name: { type: 'string' },
    'no-web': { type: 'boolean' },
    'access-token': { type: 'string' },
  },
});
const databaseUrl = values['database-url'] ?? process.env.HQ_DATABASE_URL?.trim() ?? undefined;
const dataDir = path.resolve(values['data-dir'] ?? path.join(os.homedir(), '.counter-cashier-hq'));
const serviceFile = path.join(dataDir, 'service.json');
const command = positionals[0] ?? 'serve';

function die(zh: string, en: string): never {
  console.error(`${zh}\n${en}`);
  process.exit(2);
}

/** The running service on this data folder, if any (PGlite cannot be opened twice). */
function runningService(): { port: number; adminKey: string } | undefined {
  if (databaseUrl) return undefined;
  try {
    const info = JSON.parse(fs.readFileSync(serviceFile, 'utf8')) as {
      pid: number;
      port: number;
      adminKey: string;
    };
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

async function admin(body: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const service = runningService();
  if (!service) return undefined;
  const response = await fetch(`http://127.0.0.1:${service.port}/api/admin/counters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hq-admin': service.adminKey },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const m = (json.error as { message: { zh: string; en: string } }).message;
    die(m.zh, m.en);
  }
  return json;
}

async function direct<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> {
  const db = await openDb({ ...(databaseUrl ? { databaseUrl } : { dataDir }) });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  if (command === 'add-counter') {
    if (!values.store || !values.terminal)
      die('用法：add-counter --store 门店号 --terminal 终端号', 'usage: add-counter --store S --terminal T');
    const input = {
      storeId: values.store,
      terminalId: values.terminal,
      ...(values.name ? { name: values.name } : {}),
    };
    const viaService = await admin(input);
    const token = viaService ? String(viaService.token) : await direct((db) => addCounter(db, input));
    console.log(token);
    console.error(
      `终端 ${values.terminal}（门店 ${values.store}）的令牌如上，只显示这一次：填入收银台 设置 → 总部同步。\n` +
        `The token above for counter ${values.terminal} (store ${values.store}) is shown once: enter it in Settings → 总部同步.`,
    );
    return;
  }
  if (command === 'revoke-counter') {
    if (!values.terminal) die('用法：revoke-counter --terminal 终端号', 'usage: revoke-counter --terminal T');
    const viaService = await admin({ terminalId: values.terminal, revoke: true });
    const revoked = viaService
      ? viaService.revoked === true
      : await direct((db) => revokeCounter(db, values.terminal as string));
    console.log(
      revoked ? `已吊销 revoked: ${values.terminal}` : `没有有效令牌 no active token: ${values.terminal}`,
    );
    return;
  }
  if (command !== 'serve')
    die(`未知命令：${command}`, `unknown command: ${command} (serve | add-counter | revoke-counter)`);

  const web = !values['no-web'];
  if (web && !fs.existsSync(path.join(webDir, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: path.join(repo, 'hq', 'web', 'vite.config.ts'), logLevel: 'warn' });
  }
  if (runningService())
    die(`数据目录已被另一个总部服务使用：${dataDir}`, `Another head-office service uses ${dataDir}`);
  const adminKey = randomBytes(24).toString('base64url');
  const host = values.host ?? '127.0.0.1';
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  // Reachable from other machines: the page and the API need a token (given, or one made now).
  const accessToken =
    values['access-token'] ??
    process.env.HQ_ACCESS_TOKEN?.trim() ??
    (loopback ? undefined : randomBytes(24).toString('base64url'));
  const service = await startHqService({
    ...(databaseUrl ? { databaseUrl } : { dataDir }),
    host,
    ...(accessToken ? { accessToken } : {}),
    port: Number(values.port ?? 8620),
    ...(web ? { webDir } : {}),
    adminKey,
  });
  if (!databaseUrl) {
    fs.writeFileSync(serviceFile, JSON.stringify({ pid: process.pid, port: service.port, adminKey }), {
      mode: 0o600,
    });
  }
  console.log(
    `总部服务已启动 head office listening on ${service.url} (${databaseUrl ? 'PostgreSQL' : `PGlite in ${dataDir}`})`,
  );
  if (accessToken) console.log(`打开 Open: ${service.url}/?token=${accessToken}`);
  const stop = async () => {
    fs.rmSync(serviceFile, { force: true });
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof CounterError) die(error.zh, error.en);
  const message = error instanceof Error ? error.message : String(error);
  die(`总部服务无法启动：${message}`, `Head-office service failed: ${message}`);
});
