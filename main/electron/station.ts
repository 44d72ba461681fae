/**
 * The till as a station that looks after itself: starts at login, can run as a full-screen kiosk and
 * keeps the display awake during opening hours. (Starting again after a crash is fail-safe.ts.) The
 * decisions are plain Node here (tested without Electron); main.ts passes Electron's app and
 * powerSaveBlocker in.
 *
 * Settings for the PC, not the shop: `station.json` in the data folder, e.g.
 *   { "startAtLogin": true, "kiosk": false, "openingHours": { "from": "08:00", "to": "22:00" } }
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const StationConfig = z
  .object({
    startAtLogin: z.boolean().default(true),
    kiosk: z.boolean().default(false),
    /** The display stays on between these local times (from > to wraps past midnight). */
    openingHours: z
      .object({ from: HHMM, to: HHMM })
      .strict()
      .nullable()
      .default({ from: '07:00', to: '23:00' }),
  })
  .strict();
export type StationConfig = z.infer<typeof StationConfig>;

export function loadStationConfig(dataDir: string): { config: StationConfig; problem?: string } {
  const file = path.join(dataDir, 'station.json');
  const defaults = StationConfig.parse({});
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { config: defaults };
  }
  try {
    const parsed = StationConfig.safeParse(JSON.parse(text));
    if (parsed.success) return { config: parsed.data };
    return { config: defaults, problem: `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  } catch (error) {
    return {
      config: defaults,
      problem: `${file}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

// ── start at login ─────────────────────────────────────────────────────────────────────────

/** Electron's app login-item calls (Windows and macOS). */
export interface LoginItemPort {
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

export const AUTOSTART_FILE = 'counter-cashier.desktop';

/** An XDG autostart entry (freedesktop.org Desktop Application Autostart Specification). */
export function xdgAutostartEntry(exec: string): string {
  // Exec quoting per the Desktop Entry spec: the path in double quotes, with " ` $ \ escaped.
  const quoted = `"${exec.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Counter Cashier',
    'Name[zh_CN]=收银台',
    `Exec=${quoted} --autostart`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'X-GNOME-Autostart-Delay=5',
    '',
  ].join('\n');
}

export function xdgAutostartDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'autostart');
}

/**
 * Start at login on or off. Linux: write or remove ~/.config/autostart/counter-cashier.desktop (an
 * AppImage's real path is $APPIMAGE: its execPath is a temporary mount). Windows/macOS: login items.
 */
export function applyStartAtLogin(
  enabled: boolean,
  options: {
    platform?: NodeJS.Platform;
    app?: LoginItemPort;
    execPath?: string;
    env?: NodeJS.ProcessEnv;
    home?: string;
  } = {},
): { where: string } {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform === 'linux') {
    const dir = xdgAutostartDir(env, options.home);
    const file = path.join(dir, AUTOSTART_FILE);
    if (enabled) {
      const exec = env.APPIMAGE || options.execPath || process.execPath;
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, xdgAutostartEntry(exec), { mode: 0o644 });
      fs.renameSync(tmp, file);
    } else {
      fs.rmSync(file, { force: true });
    }
    return { where: file };
  }
  if (!options.app) throw new Error('login items need the Electron app');
  options.app.setLoginItemSettings({ openAtLogin: enabled, args: enabled ? ['--autostart'] : [] });
  return { where: platform === 'win32' ? 'HKCU\\...\\Run' : 'Login Items' };
}

// ── display awake during opening hours ─────────────────────────────────────────────────────

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Is the local time `at` inside [from, to)? A range with from > to wraps past midnight. */
export function withinHours(at: Date, hours: { from: string; to: string } | null): boolean {
  if (!hours) return false;
  const now = at.getHours() * 60 + at.getMinutes();
  const from = minutes(hours.from);
  const to = minutes(hours.to);
  if (from === to) return true; // open all day
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** Electron's powerSaveBlocker. */
export interface PowerSaveBlockerPort {
  start(type: 'prevent-display-sleep'): number;
  stop(id: number): void;
}

/** Holds a display-sleep blocker while the shop is open; re-evaluated every minute. */
export function keepAwake(
  blocker: PowerSaveBlockerPort,
  hours: { from: string; to: string } | null,
  now: () => Date = () => new Date(),
): { tick(): boolean; stop(): void } {
  let id: number | undefined;
  const tick = () => {
    const open = withinHours(now(), hours);
    if (open && id === undefined) id = blocker.start('prevent-display-sleep');
    if (!open && id !== undefined) {
      blocker.stop(id);
      id = undefined;
    }
    return id !== undefined;
  };
  tick();
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return {
    tick,
    stop() {
      clearInterval(timer);
      if (id !== undefined) blocker.stop(id);
      id = undefined;
    },
  };
}
