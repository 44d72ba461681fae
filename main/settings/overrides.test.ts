import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServices } from '../app/services.js';
import type { AppInfo } from '../ipc/channels/app.js';
import { ALLOW_FILE, dataDirFrom, describeOverrides, resolveOverrides } from './overrides.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-overrides-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = { CASHIER_GATEWAY_URL: 'http://10.0.0.5:8080', CASHIER_DATA_DIR: '/mnt/usb/cashier' };

describe('environment overrides', () => {
  it('a packaged app ignores them unless IT turns them on (flag or file next to the exe)', () => {
    const off = resolveOverrides({ env, packaged: true, exeDir: dir });
    expect(off.active).toEqual({});
    expect(off.ignored).toEqual(['CASHIER_GATEWAY_URL', 'CASHIER_DATA_DIR']);
    expect(dataDirFrom(off, '/home/shop/.config/cashier')).toBe('/home/shop/.config/cashier');

    const flag = resolveOverrides({
      env: { ...env, CASHIER_ALLOW_OVERRIDES: '1' },
      packaged: true,
      exeDir: dir,
    });
    expect(flag).toMatchObject({ active: env, allowedBy: 'CASHIER_ALLOW_OVERRIDES' });

    fs.writeFileSync(path.join(dir, ALLOW_FILE), '');
    const file = resolveOverrides({ env, packaged: true, exeDir: dir });
    expect(file).toMatchObject({ active: env, allowedBy: 'file' });
    expect(dataDirFrom(file, '/x')).toBe('/mnt/usb/cashier');
  });

  it('a development run honours them (listed in app.info, no notice)', async () => {
    expect(resolveOverrides({ env, packaged: false }).active).toEqual(env);
    const app = await startAppServices({
      transport: 'web',
      dataDir: path.join(dir, 'dev'),
      version: 't',
      overrides: resolveOverrides({ env: { CASHIER_DATA_DIR: path.join(dir, 'dev') }, packaged: false }),
    });
    try {
      const info = (await app.router.dispatch('app.info', {})) as { ok: true; data: AppInfo };
      expect(info.data.overrides?.map((o) => o.name)).toEqual(['CASHIER_DATA_DIR']);
      expect(JSON.stringify(await app.router.dispatch('settings.get', {}))).not.toContain(
        'overrides in force',
      );
    } finally {
      await app.stop();
    }
  });

  it('one in force is shown: app.info lists it and a notice says so', async () => {
    const overrides = resolveOverrides({
      env: { CASHIER_GATEWAY_URL: 'https://gw.test.example/' },
      packaged: true,
      exeDir: dir,
    });
    expect(overrides.active).toEqual({});
    expect(
      describeOverrides(
        resolveOverrides({ env: { CASHIER_GATEWAY_URL: 'https://it:secret@gw.example/' }, packaged: false }),
      ),
    ).toEqual([{ name: 'CASHIER_GATEWAY_URL', value: 'https://***@gw.example/' }]);
    fs.writeFileSync(path.join(dir, ALLOW_FILE), '');
    const allowed = resolveOverrides({
      env: { CASHIER_GATEWAY_URL: 'https://gw.test.example/' },
      packaged: true,
      exeDir: dir,
    });
    const app = await startAppServices({
      transport: 'web',
      dataDir: path.join(dir, 'data'),
      version: 't',
      overrides: allowed,
    });
    try {
      const info = (await app.router.dispatch('app.info', {})) as { ok: true; data: AppInfo };
      expect(info.data.overrides).toEqual([
        { name: 'CASHIER_GATEWAY_URL', value: 'https://gw.test.example/' },
      ]);
      expect(info.data.gatewayUrl).toContain('gw.test.example');
      const settings = await app.router.dispatch('settings.get', {});
      expect(JSON.stringify(settings)).toContain('Environment overrides in force');
    } finally {
      await app.stop();
    }
  });
});
