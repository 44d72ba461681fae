/**
 * The composition root: builds every main-process service once and mounts their IPC handlers on one
 * Router. Electron (main/electron/main.ts) and the browser harness (main/harness/cli.ts) both call
 * `startAppServices`, so the two transports run exactly the same code.
 */
import os from 'node:os';
import path from 'node:path';
import { EventHub, Router } from '../ipc/router.js';
import { createLogger } from '../log/logger.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';

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
  const router = new Router(createLogger('ipc'));
  const events = new EventHub();
  /** Stopped in reverse order of start. */
  const stops: Array<() => Promise<void> | void> = [];

  // ── settings, secrets, operators (issue 9) ─────────────────────────────────────────────
  const settings = createMemorySettings();
  const operators = createMemoryOperators();

  // ── gateway: embedded simulator in demo mode + ChinaUMS client (issue 3) ──────────────

  // ── journal + transaction engine (issue 4) ─────────────────────────────────────────────

  // ── scanners (issue 5) ─────────────────────────────────────────────────────────────────

  // ── printing (issue 6) ─────────────────────────────────────────────────────────────────

  // ── Yima refunds (issue 8) ─────────────────────────────────────────────────────────────

  // ── app-level calls ────────────────────────────────────────────────────────────────────
  router.mount({
    'app.info': () => {
      const current = settings.get();
      return {
        name: 'Counter Cashier',
        version: options.version,
        transport: options.transport,
        environment: current.environment,
        gatewayUrl: current.environment === 'demo' ? 'embedded simulator' : current.customGatewayUrl,
        dataDir: options.dataDir,
        secretsProtected: settings.publicView().secretsProtection === 'os-keyring',
        terminalCode: current.terminalCode,
        merchantCode: current.merchantCode,
        shopName: current.shopName,
      };
    },
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
  void operators;

  return {
    router,
    events,
    dataDir: options.dataDir,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
