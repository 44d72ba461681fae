/** Start the head-office service: open the database, migrate, listen. Used by the CLI, tests and bench. */
import type { FastifyInstance } from 'fastify';
import { type Db, openDb } from './db.js';
import { migrate } from './migrate.js';
import { buildHqServer } from './server.js';

export interface HqServiceOptions {
  databaseUrl?: string;
  /** PGlite data folder when there is no databaseUrl (undefined: in memory, tests only). */
  dataDir?: string;
  host?: string;
  port?: number;
  webDir?: string;
  adminKey?: string;
  accessToken?: string;
  rollupDelayMs?: number;
  rollupMinIntervalMs?: number;
}

export interface HqService {
  readonly db: Db;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startHqService(options: HqServiceOptions): Promise<HqService> {
  const db = await openDb(options);
  try {
    await migrate(db);
    const app = await buildHqServer({
      db,
      ...(options.webDir ? { webDir: options.webDir } : {}),
      ...(options.adminKey ? { adminKey: options.adminKey } : {}),
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      ...(options.rollupDelayMs !== undefined ? { rollupDelayMs: options.rollupDelayMs } : {}),
      ...(options.rollupMinIntervalMs !== undefined
        ? { rollupMinIntervalMs: options.rollupMinIntervalMs }
        : {}),
    });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      db,
      app,
      port,
      url: `http://${options.host ?? '127.0.0.1'}:${port}`,
      async stop() {
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
