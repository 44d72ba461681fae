import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTOSTART_FILE,
  applyStartAtLogin,
  keepAwake,
  loadStationConfig,
  withinHours,
  xdgAutostartEntry,
} from './station.js';

let dir: string;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
const tmp = () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'station-'));
  return dir;
};

describe('start at login', () => {
  it('Linux: writes an XDG autostart entry under XDG_CONFIG_HOME, and removes it', () => {
    const home = tmp();
    const env = { XDG_CONFIG_HOME: path.join(home, 'cfg') };
    const { where } = applyStartAtLogin(true, {
      platform: 'linux',
      env,
      execPath: '/opt/Counter Cashier/counter-cashier',
    });
    expect(where).toBe(path.join(home, 'cfg', 'autostart', AUTOSTART_FILE));
    const text = fs.readFileSync(where, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Type=Application');
    expect(text).toContain('Exec="/opt/Counter Cashier/counter-cashier" --autostart');
    applyStartAtLogin(false, { platform: 'linux', env });
    expect(fs.existsSync(where)).toBe(false);
  });

  it('Linux AppImage: the entry runs $APPIMAGE, not the temporary mount; ~/.config without XDG_CONFIG_HOME', () => {
    const home = tmp();
    const env = { APPIMAGE: '/home/shop/Apps/counter-cashier-1.2.0-linux-x86_64.AppImage' };
    const { where } = applyStartAtLogin(true, {
      platform: 'linux',
      env,
      home,
      execPath: '/tmp/.mount_abc/cc',
    });
    expect(where).toBe(path.join(home, '.config', 'autostart', AUTOSTART_FILE));
    expect(fs.readFileSync(where, 'utf8')).toContain(`Exec="${env.APPIMAGE}" --autostart`);
  });

  it('quotes what the Desktop Entry spec says to escape', () => {
    expect(xdgAutostartEntry('/opt/a"b$c')).toContain('Exec="/opt/a\\"b\\$c" --autostart');
  });

  it('Windows/macOS: Electron login items', () => {
    const calls: unknown[] = [];
    applyStartAtLogin(true, { platform: 'win32', app: { setLoginItemSettings: (s) => calls.push(s) } });
    applyStartAtLogin(false, { platform: 'darwin', app: { setLoginItemSettings: (s) => calls.push(s) } });
    expect(calls).toEqual([
      { openAtLogin: true, args: ['--autostart'] },
      { openAtLogin: false, args: [] },
    ]);
  });
});

describe('display kept awake during opening hours', () => {
  const at = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00`);

  it('inside and outside the hours, including a range past midnight', () => {
    const day = { from: '08:00', to: '22:00' };
    expect(withinHours(at('07:59'), day)).toBe(false);
    expect(withinHours(at('08:00'), day)).toBe(true);
    expect(withinHours(at('21:59'), day)).toBe(true);
    expect(withinHours(at('22:00'), day)).toBe(false);
    const night = { from: '18:00', to: '02:00' };
    expect(withinHours(at('01:00'), night)).toBe(true);
    expect(withinHours(at('12:00'), night)).toBe(false);
    expect(withinHours(at('12:00'), null)).toBe(false);
  });

  it('starts one blocker at opening and releases it at closing', () => {
    let now = at('07:30');
    const started: number[] = [];
    const stopped: number[] = [];
    let next = 1;
    const k = keepAwake(
      {
        start: () => {
          started.push(next);
          return next++;
        },
        stop: (id) => void stopped.push(id),
      },
      { from: '08:00', to: '22:00' },
      () => now,
    );
    expect(started).toEqual([]);
    now = at('08:01');
    expect(k.tick()).toBe(true);
    expect(k.tick()).toBe(true);
    expect(started).toEqual([1]);
    now = at('22:05');
    expect(k.tick()).toBe(false);
    expect(stopped).toEqual([1]);
    k.stop();
  });
});

describe('station.json', () => {
  it('defaults without a file; a bad file is reported and the defaults used', () => {
    const d = tmp();
    expect(loadStationConfig(d).config).toMatchObject({ startAtLogin: true, kiosk: false });
    fs.writeFileSync(
      path.join(d, 'station.json'),
      '{"kiosk":true,"openingHours":{"from":"9:00","to":"21:00"}}',
    );
    const bad = loadStationConfig(d);
    expect(bad.problem).toContain('HH:MM');
    expect(bad.config.kiosk).toBe(false);
    fs.writeFileSync(path.join(d, 'station.json'), '{"kiosk":true,"openingHours":null}');
    expect(loadStationConfig(d).config).toMatchObject({ kiosk: true, openingHours: null });
  });
});
