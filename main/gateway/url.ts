/** Which origin the client talks to, and which origins it may talk to at all. */

import { GATEWAY_URLS } from '../settings/defaults.js';
import type { Settings } from '../settings/types.js';
import type { Bilingual } from '../shared/errors.js';

/** Loopback names: the embedded simulator and tests. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The rule for any address this machine sends money or journal data to: a valid URL without a query or
 * fragment, https, plain http only for loopback (or where `allowHttp` says so). `name` is what the address
 * is called in the message ("网关地址" / "gateway address"). Undefined when the address may be used.
 */
export function httpsUrlProblem(
  url: string,
  name: Bilingual,
  options: { allowHttp?: (parsed: URL) => boolean; httpRefused?: Bilingual } = {},
): Bilingual | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { zh: `${name.zh}格式不正确`, en: `The ${name.en} is not a valid URL` };
  }
  if (parsed.search || parsed.hash) {
    return {
      zh: `${name.zh}不能包含 ? 或 # 部分`,
      en: `The ${name.en} may not hold a query (?) or fragment (#)`,
    };
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') {
    return { zh: `${name.zh}必须以 https:// 开头`, en: `The ${name.en} must start with https://` };
  }
  if (isLoopback(parsed.hostname) || options.allowHttp?.(parsed)) return undefined;
  return (
    options.httpRefused ?? {
      zh: `${name.zh}必须使用 https（http 只允许本机测试）`,
      en: `The ${name.en} must use https (http only for this machine, in tests)`,
    }
  );
}

/**
 * Why `url` may not carry payments, or undefined when it may. Live gateways use https (payment codes
 * and credentials cross the network); plain http is allowed for loopback (simulator, tests) and for the
 * spec's own test environment, which is published as http (NOTES.md §7: "test excepted").
 * Settings validation can use the same rule.
 */
export function gatewayUrlProblem(url: string): Bilingual | undefined {
  return httpsUrlProblem(
    url,
    { zh: '网关地址', en: 'gateway address' },
    {
      allowHttp: (parsed) => parsed.origin === GATEWAY_URLS.test,
      httpRefused: {
        zh: '正式网关必须使用 https（http 只允许本机测试）',
        en: 'A live gateway must use https (http only for this machine, in tests)',
      },
    },
  );
}

/**
 * CASHIER_GATEWAY_URL (IT staff, tests) wins; else demo → the embedded simulator, test / production →
 * GATEWAY_URLS, custom → settings.customGatewayUrl. Trailing slashes are dropped.
 * Returns '' when nothing usable is configured, or the address breaks the https rule above (the client
 * then refuses to send).
 */
export function resolveGatewayUrl(
  settings: Pick<Settings, 'environment' | 'customGatewayUrl'>,
  simulatorUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env.CASHIER_GATEWAY_URL?.trim();
  const chosen = (
    override
      ? override
      : settings.environment === 'demo'
        ? (simulatorUrl ?? '')
        : settings.environment === 'custom'
          ? settings.customGatewayUrl.trim()
          : GATEWAY_URLS[settings.environment]
  ).replace(/\/+$/, '');
  if (!chosen || gatewayUrlProblem(chosen)) return '';
  return chosen;
}
