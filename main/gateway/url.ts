/** Which origin the client talks to. */
import { GATEWAY_URLS } from '../settings/defaults.js';
import type { Settings } from '../settings/types.js';

/**
 * CASHIER_GATEWAY_URL (IT staff, tests) wins; else demo → the embedded simulator, test / production →
 * GATEWAY_URLS, custom → settings.customGatewayUrl. Trailing slashes are dropped.
 * Returns '' when nothing usable is configured (the client then refuses to send).
 */
export function resolveGatewayUrl(
  settings: Pick<Settings, 'environment' | 'customGatewayUrl'>,
  simulatorUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env.CASHIER_GATEWAY_URL?.trim();
  const chosen = override
    ? override
    : settings.environment === 'demo'
      ? (simulatorUrl ?? '')
      : settings.environment === 'custom'
        ? settings.customGatewayUrl.trim()
        : GATEWAY_URLS[settings.environment];
  return chosen.replace(/\/+$/, '');
}
