/**
 * Environment overrides (CASHIER_GATEWAY_URL, CASHIER_DATA_DIR) are for tests and IT. A development run,
 * the browser harness and the tests honour them; a packaged app only when IT turns them on
 * (CASHIER_ALLOW_OVERRIDES=1, or a file `cashier-allow-overrides` next to the executable). While one is in
 * force the app says so on screen (app.info `overrides` and a notice); one that is set but not allowed is
 * ignored, and named in the log.
 */
import fs from 'node:fs';
import path from 'node:path';

export const OVERRIDABLE = ['CASHIER_GATEWAY_URL', 'CASHIER_DATA_DIR'] as const;
export type OverrideName = (typeof OVERRIDABLE)[number];
export const ALLOW_FILE = 'cashier-allow-overrides';

export interface Overrides {
  /** The overrides in force, by name (empty: none). */
  active: Partial<Record<OverrideName, string>>;
  /** Set in the environment but not honoured (a packaged app without IT's permission). */
  ignored: OverrideName[];
  /** Why they are honoured: a development run, the environment flag, or the file. */
  allowedBy?: 'development' | 'CASHIER_ALLOW_OVERRIDES' | 'file';
}

export function resolveOverrides(input: {
  env: NodeJS.ProcessEnv;
  packaged: boolean;
  /** The folder of the executable, where IT may drop the allow file. */
  exeDir?: string;
}): Overrides {
  const set = OVERRIDABLE.filter((name) => Boolean(input.env[name]?.trim()));
  const allowedBy = !input.packaged
    ? ('development' as const)
    : input.env.CASHIER_ALLOW_OVERRIDES === '1'
      ? ('CASHIER_ALLOW_OVERRIDES' as const)
      : input.exeDir && fs.existsSync(path.join(input.exeDir, ALLOW_FILE))
        ? ('file' as const)
        : undefined;
  if (!allowedBy) return { active: {}, ignored: set };
  const active: Overrides['active'] = {};
  for (const name of set) active[name] = input.env[name]!.trim();
  return { active, ignored: [], allowedBy };
}

/** What the status bar and the notice show: the names and values in force (no credentials in URLs). */
export function describeOverrides(overrides: Overrides): Array<{ name: string; value: string }> {
  return Object.entries(overrides.active).map(([name, value]) => ({
    name,
    value: maskUrlCredentials(value),
  }));
}

/** `https://user:pass@host/` → `https://***@host/`: the host stays readable, the credentials do not. */
export function maskUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/** The data folder: the CASHIER_DATA_DIR override when in force, else the caller's default. */
export function dataDirFrom(overrides: Overrides, fallback: string): string {
  return path.resolve(overrides.active.CASHIER_DATA_DIR || fallback);
}
