import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreClass } from './conf-file.js';
import { DEMO_CREDENTIALS, defaultSettings } from './defaults.js';
import { createNoticeBoard } from './notices.js';
import { createOperators } from './operators.js';
import { PublicSettings } from './public.js';
import { settingsProjectVersion } from './schema.js';
import { createPlainSecretBox, type SecretBox } from './secret-box.js';
import { createPersistentSettings } from './store.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-settings-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for safeStorage: reversible, but visibly not the plain text (XOR + marker). */
function fakeKeyring(): SecretBox & { broken: boolean } {
  const box = {
    available: true,
    broken: false,
    encrypt: (text: string) => Buffer.concat([Buffer.from('v10'), Buffer.from(text).map((b) => b ^ 0x5a)]),
    decrypt: (data: Buffer) => {
      if (box.broken || data.subarray(0, 3).toString() !== 'v10') throw new Error('cannot decrypt');
      return Buffer.from(data.subarray(3).map((b) => b ^ 0x5a)).toString();
    },
  };
  return box;
}

const APP_KEY = 'f3a9c1d27e5b48a6b0c4d8e2f1a7b3c9';

describe('persistent settings', () => {
  it('starts with defaults and the demo AppKey, and keeps changes across restarts', () => {
    const first = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(first.firstStart).toBe(true);
    expect(first.get()).toEqual(defaultSettings());
    expect(first.secret('chinaumsAppKey')).toBe(DEMO_CREDENTIALS.appKey);
    first.update({ shopName: '好又多', maxAmountFen: 100_00, yima: { enabled: false } });
    first.setDevice({ scanner: { kind: 'hid', vendorId: 0x1eab, productId: 0x0d22 } });

    const second = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(second.firstStart).toBe(false);
    expect(second.get().shopName).toBe('好又多');
    expect(second.get().maxAmountFen).toBe(10000);
    expect(second.get().yima.enabled).toBe(false);
    expect(second.get().yima.isspid).toBe(defaultSettings().yima.isspid);
    expect(second.get().scanner).toEqual({ kind: 'hid', vendorId: 0x1eab, productId: 0x0d22 });
  });

  it('refuses an invalid change with BAD_INPUT and keeps the old value', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(() => settings.update({ queryDeadlineSeconds: 5 })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(settings.get().queryDeadlineSeconds).toBe(60);
    const again = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(again.get().queryDeadlineSeconds).toBe(60);
  });

  it('tells listeners about changes', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    const seen: string[] = [];
    settings.onChange((s) => seen.push(s.shopName));
    settings.update({ shopName: 'A' });
    settings.setSecret('yimaKey', 'yima-secret-123');
    expect(seen).toEqual(['A', 'A']);
  });

  it('get() hands out a copy: a caller that changes it cannot change the settings behind the service', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    const got = settings.get();
    got.yima.enabled = false;
    got.maxAmountFen = 1;
    expect(settings.get().yima.enabled).toBe(true);
    expect(settings.get().maxAmountFen).toBe(defaultSettings().maxAmountFen);
  });
});

describe('migrations', () => {
  it('brings a layout-1 file (flat printer options, "sandbox") up to the current layout', () => {
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        shopName: '老店',
        environment: 'sandbox',
        merchantCode: '898310000000777',
        paperWidth: 58,
        drawerKick: true,
        printerHost: '192.168.1.50',
        printerPort: 9100,
        yima: { ...defaultSettings().yima, signMode: undefined, enabled: false },
        __internal__: { migrations: { version: settingsProjectVersion(1) } },
      }),
    );
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    const current = settings.get();
    expect(current.shopName).toBe('老店');
    expect(current.environment).toBe('test');
    expect(current.merchantCode).toBe('898310000000777');
    expect(current.printer).toEqual({
      printer: { kind: 'tcp', host: '192.168.1.50', port: 9100 },
      paperWidth: '58',
      drawerKick: true,
    });
    expect(current.yima.signMode).toBe('md5-body-key');
    expect(current.yima.enabled).toBe(false);
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.paperWidth).toBeUndefined();
    expect(onDisk.printerHost).toBeUndefined();
    expect(onDisk.__internal__.migrations.version).toBe(settingsProjectVersion());
    expect(settings.publicView().notices?.map((n) => n.code)).toEqual(['secrets-unprotected']);
  });

  it('migrates a file with no recorded version (a pre-migration build) too', () => {
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({ environment: 'sandbox', paperWidth: 80 }),
    );
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(settings.get().environment).toBe('test');
    expect(settings.get().printer.paperWidth).toBe('80');
  });

  it('leaves a current file alone (no migration re-run)', () => {
    const first = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    first.update({ environment: 'production' });
    const second = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(second.get().environment).toBe('production');
  });
});

describe('a damaged settings file', () => {
  const damage = (content: string) => fs.writeFileSync(path.join(dir, 'settings.json'), content);
  const aside = () => fs.readdirSync(dir).filter((f) => f.startsWith('settings.corrupt-'));

  it.each([
    ['not JSON', '{"shopName": "half-writ'],
    ['fails the schema', JSON.stringify({ maxAmountFen: -5, language: 'fr' })],
    ['an unknown key', JSON.stringify({ shopName: 'x', sneaky: true })],
    ['binary noise', '\u0000\u0001\u0002'],
  ])('%s: set aside with a timestamp, defaults used, a warning notice, no crash', (_label, content) => {
    damage(content);
    const notices = createNoticeBoard(() => new Date('2026-03-01T08:00:00.000Z'));
    const added: string[] = [];
    notices.onAdd((n) => added.push(n.code));
    const settings = createPersistentSettings({
      dataDir: dir,
      secretBox: createPlainSecretBox(),
      notices,
      now: () => new Date('2026-03-01T08:00:00.000Z'),
    });
    expect(settings.get()).toEqual(defaultSettings());
    expect(aside()).toEqual(['settings.corrupt-2026-03-01T08-00-00-000Z.json']);
    expect(fs.readFileSync(path.join(dir, aside()[0]!), 'utf8')).toBe(content);
    expect(added).toContain('settings-reset');
    const view = settings.publicView();
    expect(view.notices?.find((n) => n.code === 'settings-reset')?.level).toBe('warning');
    expect(PublicSettings.parse(view)).toBeTruthy();
    // The replacement file is valid: a restart opens it quietly.
    const again = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(again.publicView().notices?.some((n) => n.code === 'settings-reset')).toBeFalsy();
  });

  it('two damaged starts in the same millisecond keep both old files', () => {
    const now = () => new Date('2026-03-01T08:00:00.000Z');
    damage('{');
    createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox(), now });
    damage('{{');
    createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox(), now });
    expect(aside()).toHaveLength(2);
  });
});

describe('secrets', () => {
  it('never appear in the public view, only whether each is set', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: fakeKeyring() });
    settings.setSecret('chinaumsAppKey', APP_KEY);
    const view = settings.publicView();
    expect(JSON.stringify(view)).not.toContain(APP_KEY);
    expect(JSON.stringify(view)).not.toContain(DEMO_CREDENTIALS.appKey);
    expect(view.secrets).toEqual({
      chinaumsAppKey: { set: true },
      yimaKey: { set: true },
      hqToken: { set: false },
    });
    expect(view.secretsProtection).toBe('os-keyring');
    settings.clearSecret('yimaKey');
    expect(settings.publicView().secrets.yimaKey).toEqual({ set: false });
    expect(settings.secret('yimaKey')).toBeUndefined();
  });

  it('are encrypted at rest by the keyring box, and read back after a restart', () => {
    const box = fakeKeyring();
    createPersistentSettings({ dataDir: dir, secretBox: box }).setSecret('chinaumsAppKey', APP_KEY);
    const raw = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(raw).not.toContain(APP_KEY);
    expect(raw).not.toContain(Buffer.from(APP_KEY).toString('base64'));
    expect(raw).toContain('"os-keyring"');
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain(APP_KEY);
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o077).toBe(0);
    const again = createPersistentSettings({ dataDir: dir, secretBox: box });
    expect(again.secret('chinaumsAppKey')).toBe(APP_KEY);
  });

  it('without a keyring: stored unprotected and the settings say so', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    const view = settings.publicView();
    expect(view.secretsProtection).toBe('none');
    expect(view.notices?.map((n) => n.code)).toContain('secrets-unprotected');
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toContain('"none"');
  });

  it('stored in the clear, then sealed once a keyring is available', () => {
    createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() }).setSecret(
      'yimaKey',
      'yk-123456',
    );
    const box = fakeKeyring();
    const upgraded = createPersistentSettings({ dataDir: dir, secretBox: box });
    expect(upgraded.secret('yimaKey')).toBe('yk-123456');
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8'));
    expect(raw.yimaKey.protection).toBe('os-keyring');
  });

  it('a secret the keyring can no longer open is unset with an error notice, not a crash', () => {
    const box = fakeKeyring();
    createPersistentSettings({ dataDir: dir, secretBox: box }).setSecret('chinaumsAppKey', APP_KEY);
    box.broken = true;
    const settings = createPersistentSettings({ dataDir: dir, secretBox: box });
    expect(settings.secret('chinaumsAppKey')).toBeUndefined();
    expect(settings.publicView().secrets.chinaumsAppKey).toEqual({ set: false });
    expect(settings.publicView().notices?.find((n) => n.code === 'secret-unreadable')?.level).toBe('error');
    box.broken = false;
    settings.setSecret('chinaumsAppKey', APP_KEY);
    expect(settings.publicView().notices?.some((n) => n.code === 'secret-unreadable')).toBeFalsy();
  });

  it('a damaged secrets file is set aside with a notice', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), '{}');
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"chinaumsAppKey": {"protection": "no');
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(settings.secret('chinaumsAppKey')).toBeUndefined();
    expect(settings.publicView().notices?.map((n) => n.code)).toContain('secrets-reset');
    expect(fs.readdirSync(dir).some((f) => f.startsWith('secrets.corrupt-'))).toBe(true);
  });

  it('refuses an empty or space-padded secret', () => {
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(() => settings.setSecret('chinaumsAppKey', ' key ')).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('outside demo, no demo AppKey is seeded', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ environment: 'production' }));
    const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
    expect(settings.secret('chinaumsAppKey')).toBeUndefined();
  });
});

describe('the store class (electron-store in the Electron app)', () => {
  it('opens settings, secrets and operators through the injected class, in the data folder', async () => {
    // Behaves like electron-store: takes the file name from `name` (default 'config') over configName.
    const made: string[] = [];
    class ElectronStoreLike<T extends Record<string, unknown>> extends Conf<T> {
      constructor(options: Partial<ConfOptions<T>> & { name?: string }) {
        const { name = 'config', ...rest } = options;
        made.push(name);
        super({ ...rest, configName: name });
      }
    }
    const storeClass = ElectronStoreLike as unknown as StoreClass;
    const settings = createPersistentSettings({
      dataDir: dir,
      secretBox: createPlainSecretBox(),
      storeClass,
    });
    const operators = createOperators({ dataDir: dir, seedDemo: true, storeClass });
    await operators.ready;
    settings.update({ shopName: '测试小店' });
    expect(made.sort()).toEqual(['operators', 'secrets', 'settings']);
    expect(fs.readdirSync(dir).sort()).toEqual(['operators.json', 'secrets.json', 'settings.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).shopName).toBe('测试小店');
  });
});
