/**
 * The composition root: builds every main-process service once and mounts their IPC handlers on one
 * Router. Electron (main/electron/main.ts) and the browser harness (main/harness/cli.ts) both call
 * `startAppServices`, so the two transports run exactly the same code.
 */
import os from 'node:os';
import path from 'node:path';
import { EventHub, Router } from '../ipc/router.js';

export interface AppServicesOptions {
  transport: 'electron' | 'web';
  /** Journal, settings, logs. `CASHIER_DATA_DIR` overrides the platform default. */
  dataDir: string;
  version: string;
}

export interface AppServices {
  readonly router: Router;
  readonly events: EventHub;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** The data folder: `CASHIER_DATA_DIR` if set (portable installs, tests), else the caller's default. */
export function resolveDataDir(fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CASHIER_DATA_DIR?.trim();
  return path.resolve(override || fallback);
}

export function defaultDataDirForNode(): string {
  return path.join(os.homedir(), '.counter-cashier');
}

export async function startAppServices(options: AppServicesOptions): Promise<AppServices> {
  const router = new Router();
  const events = new EventHub();
  const stops: Array<() => Promise<void> | void> = [];

  router.mount({
    'app.info': () => ({
      name: 'Counter Cashier',
      version: options.version,
      transport: options.transport,
      environment: 'demo',
      gatewayUrl: 'embedded simulator',
      dataDir: options.dataDir,
      secretsProtected: false,
      terminalCode: '',
      merchantCode: '',
      shopName: '',
    }),
    'app.ping': ({ echo }) => {
      const at = new Date().toISOString();
      // The ping also proves the event path: the UI sees the notice arrive.
      events.emit('app.notice', {
        level: 'info',
        message: { zh: `连接正常：${echo}`, en: `Connected: ${echo}` },
        at,
      });
      return { echo, at };
    },
  });

  return {
    router,
    events,
    dataDir: options.dataDir,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
