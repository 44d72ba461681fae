/** App-level calls and notices. */
import { z } from 'zod';
import { GatewayEnvironment } from '../../settings/public.js';
import { Bilingual, Instant } from './common.js';

export { GatewayEnvironment } from '../../settings/public.js';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  environment: GatewayEnvironment,
  /** Shown in the status bar; never carries credentials. */
  gatewayUrl: z.string(),
  dataDir: z.string(),
  /** True when secrets are encrypted by the OS keyring (Electron safeStorage). */
  secretsProtected: z.boolean(),
  terminalCode: z.string(),
  merchantCode: z.string(),
  shopName: z.string(),
  /** Environment overrides in force (CASHIER_GATEWAY_URL, CASHIER_DATA_DIR): shown while present. */
  overrides: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appCalls = {
  'app.info': { input: z.object({}).strict(), output: AppInfo },
  /** Round-trip check used by tests and the status bar's health light. */
  'app.ping': {
    input: z.object({ echo: z.string().max(200) }).strict(),
    output: z.object({ echo: z.string(), at: Instant }),
  },
};

export const appEvents = {
  /** Something the cashier should see that is not tied to one screen. */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: Bilingual, at: Instant }),
};
