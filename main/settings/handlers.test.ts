import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAppServices } from '../app/services.js';
import { Router } from '../ipc/router.js';
import { clearRegisteredSecrets } from '../log/redact.js';
import { DEMO_CASHIER, DEMO_CREDENTIALS, DEMO_MANAGER } from './defaults.js';
import { settingsHandlers } from './handlers.js';
import { PublicSettings } from './public.js';
import { createPlainSecretBox } from './secret-box.js';
import { openTestSession } from './session-testkit.js';
import { createPersistentSettings } from './store.js';

const APP_KEY = 'Zr8vTq3nWm6kPx2cBy7hLd4gJf9sNe5a';
const YIMA_KEY = 'yima-merchant-key-778899';
const PAY_CODE = '287634438256643941';
const PIN = DEMO_MANAGER.pin;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-handlers-'));
});
afterEach(() => {
  clearRegisteredSecrets();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function routerWithSettings() {
  const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
  const { operators, session } = await openTestSession(dir, { demo: true });
  await session.signIn('cashier', DEMO_CASHIER.pin);
  const router = new Router().mount(
    settingsHandlers({
      settings,
      operators,
      collectDiagnostics: () => ({ path: '/x', bytes: 1, at: 'now' }),
    }),
  );
  return { router, settings };
}

describe('settings handlers over the router', () => {
  it('settings.get / setSecret / update answer the public view only: the secret never comes back', async () => {
    const { router, settings } = await routerWithSettings();
    const answers = [
      await router.dispatch('settings.setSecret', {
        name: 'chinaumsAppKey',
        value: APP_KEY,
        managerPin: PIN,
      }),
      await router.dispatch('settings.setSecret', { name: 'yimaKey', value: YIMA_KEY, managerPin: PIN }),
      await router.dispatch('settings.get', {}),
      await router.dispatch('settings.update', {
        shopName: 'Shop 2',
        yima: { format: 'xml' },
        managerPin: PIN,
      }),
      await router.dispatch('settings.clearSecret', { name: 'yimaKey', managerPin: PIN }),
      await router.dispatch('operators.list', {}),
      await router.dispatch('operators.current', {}),
    ];
    const text = JSON.stringify(answers);
    for (const secret of [APP_KEY, YIMA_KEY, DEMO_CREDENTIALS.appKey, 'scrypt$', DEMO_MANAGER.pin]) {
      expect(text.includes(secret)).toBe(false);
    }
    for (const answer of answers.slice(0, 5)) {
      expect(answer.ok).toBe(true);
      if (answer.ok) expect(PublicSettings.strict().parse(answer.data)).toBeTruthy();
    }
    expect(settings.secret('chinaumsAppKey')).toBe(APP_KEY);
    const last = answers[4];
    expect(last?.ok && (last.data as PublicSettings).secrets).toEqual({
      chinaumsAppKey: { set: true },
      yimaKey: { set: false },
      hqToken: { set: false },
    });
  });

  it('a change to money, gateway or credentials needs a manager PIN; the language alone does not', async () => {
    const { router, settings } = await routerWithSettings();
    const before = settings.get();
    const refused = [
      [{ merchantCode: '898000000000001' }, 'PIN_REQUIRED'],
      [{ maxAmountFen: 100 }, 'PIN_REQUIRED'],
      [{ yima: { url: 'http://evil.example/' } }, 'PIN_REQUIRED'],
      [{ language: 'en', environment: 'custom' }, 'PIN_REQUIRED'],
      // The signed-in cashier's own PIN: told a manager's is needed.
      [{ merchantCode: '898000000000001', managerPin: DEMO_CASHIER.pin }, 'PIN_REQUIRED'],
      [{ merchantCode: '898000000000001', managerPin: '999999' }, 'PIN_INVALID'],
    ] as const;
    for (const [patch, code] of refused) {
      const answer = await router.dispatch('settings.update', patch);
      expect(answer.ok || answer.error.code).toBe(code);
    }
    for (const call of [
      router.dispatch('settings.setSecret', { name: 'chinaumsAppKey', value: APP_KEY }),
      router.dispatch('settings.clearSecret', { name: 'chinaumsAppKey' }),
    ]) {
      const answer = await call;
      expect(answer.ok || answer.error.code).toBe('PIN_REQUIRED');
    }
    const wrong = await router.dispatch('settings.setSecret', {
      name: 'chinaumsAppKey',
      value: APP_KEY,
      managerPin: '999999',
    });
    expect(wrong.ok || wrong.error.code).toBe('PIN_INVALID');
    // Nothing above changed anything.
    expect(settings.get()).toEqual(before);
    expect(settings.secret('chinaumsAppKey')).toBe(DEMO_CREDENTIALS.appKey);

    // The cashier switches the language alone, or saves the form with only the language changed.
    const lang = await router.dispatch('settings.update', { language: 'en' });
    expect(lang).toMatchObject({ ok: true, data: { language: 'en' } });
    const same = await router.dispatch('settings.update', {
      language: 'zh-CN',
      merchantCode: before.merchantCode,
      maxAmountFen: before.maxAmountFen,
      yima: { url: before.yima.url },
    });
    expect(same).toMatchObject({ ok: true, data: { language: 'zh-CN' } });

    const ok = await router.dispatch('settings.update', { merchantCode: '898000000000001', managerPin: PIN });
    expect(ok).toMatchObject({ ok: true, data: { merchantCode: '898000000000001' } });
  });

  it('the public view carries the saved scanner and printer choices', async () => {
    const { router, settings } = await routerWithSettings();
    settings.setDevice({
      scanner: { kind: 'hid', vendorId: 0x1eab, productId: 0x0d22 },
      printer: { printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 }, paperWidth: '58', drawerKick: true },
    });
    const got = await router.dispatch('settings.get', {});
    expect(got).toMatchObject({
      ok: true,
      data: {
        scanner: { kind: 'hid', vendorId: 0x1eab, productId: 0x0d22 },
        printer: {
          printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 },
          paperWidth: '58',
          drawerKick: true,
        },
      },
    });
    // Not writable through settings.update: devices go through scanners/printers.configure.
    const answer = await router.dispatch('settings.update', { scanner: { kind: 'wedge' }, managerPin: PIN });
    expect(answer.ok || answer.error.code).toBe('BAD_INPUT');
  });

  it('refuses a patch that tries to write secrets or unknown keys', async () => {
    const { router } = await routerWithSettings();
    for (const patch of [
      { secrets: { chinaumsAppKey: { set: true } } },
      { appKey: 'x' },
      { secretsProtection: 'os-keyring' },
    ]) {
      const answer = await router.dispatch('settings.update', patch);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('BAD_INPUT');
    }
  });

  it('refuses a merchant code or terminal code not in the issued format, naming the field in both languages', async () => {
    const { router, settings } = await routerWithSettings();
    const before = settings.get();
    for (const [patch, field, zh] of [
      [{ merchantCode: 'abc' }, 'merchantCode', '商户号应为 15 位数字'],
      [{ merchantCode: '89831000000000' }, 'merchantCode', '商户号应为 15 位数字'],
      [{ terminalCode: '' }, 'terminalCode', '终端号应为 8 位字母或数字'],
      [{ terminalCode: 'DEMO-001' }, 'terminalCode', '终端号应为 8 位字母或数字'],
    ] as const) {
      const answer = await router.dispatch('settings.update', { ...patch, managerPin: PIN });
      expect(answer.ok).toBe(false);
      if (answer.ok) continue;
      expect(answer.error.code).toBe('BAD_INPUT');
      expect(answer.error.message.zh).toContain(zh);
      expect(answer.error.message.en).toMatch(
        /merchant code is 15 digits|terminal code is 8 letters or digits/,
      );
      expect(answer.error.fields?.map((f) => f.path)).toEqual([field]);
    }
    expect(settings.get().merchantCode).toBe(before.merchantCode);
    expect(settings.get().terminalCode).toBe(before.terminalCode);
    // Demo mode's seeded values, saved as they are, and a good new pair both pass.
    const demo = await router.dispatch('settings.update', {
      merchantCode: DEMO_CREDENTIALS.merchantCode,
      terminalCode: DEMO_CREDENTIALS.terminalCode,
      shopName: 'Shop 3',
      managerPin: PIN,
    });
    expect(demo.ok).toBe(true);
    const good = await router.dispatch('settings.update', {
      merchantCode: '898310060514001',
      terminalCode: 'A1B2C3D4',
      managerPin: PIN,
    });
    expect(good).toMatchObject({
      ok: true,
      data: { merchantCode: '898310060514001', terminalCode: 'A1B2C3D4' },
    });
  });

  it('operators: sign in, wrong PIN, manager-only changes', async () => {
    const { router } = await routerWithSettings();
    const wrong = await router.dispatch('operators.signIn', { id: 'manager', pin: '000000' });
    expect(wrong.ok || wrong.error.code).toBe('PIN_INVALID');
    const c2 = { id: 'c2', name: '小张', role: 'cashier', pin: '2222' };
    // The cashier is signed in: no manager PIN, no change.
    const noPin = await router.dispatch('operators.save', c2);
    expect(noPin.ok || noPin.error.code).toBe('PIN_REQUIRED');
    const ok = await router.dispatch('operators.signIn', { id: 'manager', pin: DEMO_MANAGER.pin });
    expect(ok).toMatchObject({ ok: true, data: { id: 'manager', role: 'manager', hasPin: true } });
    // A manager's sign-in elevates the session: no PIN asked again for a few minutes.
    const elevated = await router.dispatch('operators.save', c2);
    expect(elevated.ok).toBe(true);
  });
});

describe('wired into startAppServices', () => {
  it('persists under dataDir, logs to dataDir/logs without secrets or codes, collects diagnostics', async () => {
    const services = await startAppServices({ transport: 'web', dataDir: dir, version: '0.0.0-test' });
    const events: string[] = [];
    services.events.subscribe((name) => events.push(name));
    try {
      const signedOut = await services.router.dispatch('settings.setSecret', {
        name: 'chinaumsAppKey',
        value: APP_KEY,
        managerPin: PIN,
      });
      expect(signedOut.ok || signedOut.error.code).toBe('PIN_REQUIRED');
      const signIn = await services.router.dispatch('auth.signIn', {
        operatorId: DEMO_CASHIER.id,
        pin: DEMO_CASHIER.pin,
      });
      expect(signIn.ok).toBe(true);
      const set = await services.router.dispatch('settings.setSecret', {
        name: 'chinaumsAppKey',
        value: APP_KEY,
        managerPin: PIN,
      });
      expect(set.ok).toBe(true);
      expect(events).toContain('settings.changed');
      // Something logs a payment code and the key the way a careless caller might.
      const { createLogger } = await import('../log/logger.js');
      createLogger('test').warn(`pay ${PAY_CODE} signed with ${APP_KEY}`, {
        appKey: APP_KEY,
        payCode: PAY_CODE,
      });

      const collected = await services.router.dispatch('diagnostics.collect', {});
      expect(collected.ok).toBe(true);
      if (!collected.ok) return;
      const zipPath = (collected.data as { path: string }).path;
      expect(path.dirname(zipPath)).toBe(path.join(dir, 'diagnostics'));
      const entries = unzipSync(fs.readFileSync(zipPath));
      expect(Object.keys(entries)).toContain('logs/cashier.log');
      expect(Object.keys(entries)).toContain('settings.json');
      const zipText = Object.values(entries)
        .map((b) => Buffer.from(b).toString('utf8'))
        .join('\n');
      expect(zipText.includes(APP_KEY)).toBe(false);
      expect(zipText.includes(PAY_CODE)).toBe(false);
      expect(zipText).toContain('"secretsProtection": "none"');

      const logText = fs
        .readdirSync(path.join(dir, 'logs'))
        .map((f) => fs.readFileSync(path.join(dir, 'logs', f), 'utf8'))
        .join('');
      expect(logText).toContain('••••3941');
      expect(logText.includes(APP_KEY)).toBe(false);
      expect(logText.includes(PAY_CODE)).toBe(false);
    } finally {
      await services.stop();
    }
    // A restart reads the same settings back.
    const again = await startAppServices({ transport: 'web', dataDir: dir, version: '0.0.0-test' });
    try {
      const got = await again.router.dispatch('settings.get', {});
      expect(got.ok && (got.data as PublicSettings).secrets.chinaumsAppKey.set).toBe(true);
    } finally {
      await again.stop();
    }
  });
});
