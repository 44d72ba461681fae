/**
 * Test and bench wiring: the real app services (journal, engine, settings, the ECR link) in a data
 * folder, against a POS通 simulator URL, with the ECR API turned on the way a manager does it
 * (ecr.configure with the demo manager's PIN) on a free loopback port.
 */
import { type AppServices, startAppServices } from '../../app/services.js';
import type { EcrSettings, EcrStatus } from '../types.js';

export const TEST_TOKEN = 'test-ecr-token-0123456789';
export const MANAGER_PIN = '123456';

export interface EcrApp {
  app: AppServices;
  url: string;
  events: Array<{ name: string; payload: unknown }>;
  call<T = unknown>(channel: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Sets CASHIER_GATEWAY_URL / CASHIER_ECR_* for this process (tests run one file per worker). */
export async function startEcrApp(options: {
  dataDir: string;
  gatewayUrl: string;
  ecr?: Partial<Omit<EcrSettings, 'display' | 'folder'>> & {
    display?: Partial<EcrSettings['display']>;
    folder?: Partial<EcrSettings['folder']>;
  };
  /** false: no CASHIER_ECR_TOKEN, the API waits for a manager's ecr.setToken (and is not awaited). */
  envToken?: boolean;
}): Promise<EcrApp> {
  process.env.CASHIER_GATEWAY_URL = options.gatewayUrl;
  process.env.CASHIER_ECR_PORT = '0';
  if (options.envToken === false) delete process.env.CASHIER_ECR_TOKEN;
  else process.env.CASHIER_ECR_TOKEN = TEST_TOKEN;
  process.env.CASHIER_LOG_LEVEL ??= 'error';
  const app = await startAppServices({ transport: 'web', dataDir: options.dataDir, version: 'test' });
  const events: EcrApp['events'] = [];
  app.events.subscribe((name, payload) => events.push({ name, payload }));
  const call = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const envelope = await app.router.dispatch(channel, input);
    if (!envelope.ok) throw new Error(`${channel}: ${JSON.stringify(envelope.error)}`);
    return envelope.data as T;
  };
  // The app starts signed out: the demo manager signs in, as at the counter.
  await call('auth.signIn', { operatorId: 'manager', pin: MANAGER_PIN });
  const status = await call<EcrStatus>('ecr.configure', {
    ecr: { enabled: true, ...options.ecr },
    managerPin: MANAGER_PIN,
  });
  const url = status.api.where ?? '';
  if (options.envToken !== false && (status.api.state !== 'on' || !url)) {
    throw new Error(`ECR API not on: ${JSON.stringify(status.api)}`);
  }
  return { app, url, events, call, stop: () => app.stop() };
}

/** One HTTP call to the ECR API with the test token. */
export async function ecrFetch(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token = TEST_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
