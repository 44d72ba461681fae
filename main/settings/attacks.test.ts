/**
 * The attacks a signed-in cashier could try through the IPC contract, against the whole app
 * (startAppServices, demo mode, real files). Each must find nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppServices, startAppServices } from '../app/services.js';
import type { Envelope } from '../shared/errors.js';
import type { AuthState } from './auth-types.js';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';
import { openTestSession } from './session-testkit.js';

let dir: string;
let app: AppServices | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-attacks-'));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  app = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
  return app;
};
const code = (e: Envelope<unknown>) => (e.ok ? 'ok' : e.error.code);

describe('attacks through the IPC contract', () => {
  it('signed out, nothing but the sign-in screen answers', async () => {
    const a = await start();
    expect(code(await a.router.dispatch('sale.begin', { amountFen: 100 }))).toBe('PIN_REQUIRED');
    expect(code(await a.router.dispatch('orders.list', {}))).toBe('PIN_REQUIRED');
    expect(
      code(await a.router.dispatch('printers.configure', { printer: { kind: 'none' }, paperWidth: '58' })),
    ).toBe('PIN_REQUIRED');
    const state = await a.router.dispatch('auth.state', {});
    expect(state.ok && (state.data as AuthState).signedIn).toBe(false);
    expect(code(await a.router.dispatch('settings.get', {}))).toBe('ok');
  });

  it('1,000 parallel orders.void guesses at the manager PIN find nothing', async () => {
    const a = await start();
    expect(
      code(await a.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: DEMO_CASHIER.pin })),
    ).toBe('ok');
    const pins = Array.from({ length: 1000 }, (_, i) => String(100_000 + i));
    pins[500] = DEMO_MANAGER.pin;
    const answers = await Promise.all(
      pins.map((pin) => a.router.dispatch('orders.void', { merchantOrderId: 'NOSUCHORDER0001', pin })),
    );
    const codes = answers.map(code);
    // NOT_FOUND would mean the PIN was right and the order merely absent.
    expect(codes.filter((c) => c === 'NOT_FOUND' || c === 'ok')).toEqual([]);
    expect(codes.filter((c) => c === 'PIN_INVALID').length).toBeLessThanOrEqual(4);
  });

  it('1,000 parallel auth.signIn guesses at the cashier PIN find nothing', async () => {
    const a = await start();
    const pins = Array.from({ length: 1000 }, (_, i) => String(i).padStart(4, '0')).filter(
      (p) => p !== DEMO_CASHIER.pin,
    );
    pins.splice(500, 0, DEMO_CASHIER.pin);
    const answers = await Promise.all(
      pins.slice(0, 1000).map((pin) => a.router.dispatch('auth.signIn', { operatorId: 'cashier', pin })),
    );
    expect(answers.filter((e) => e.ok)).toEqual([]);
    const state = (await a.router.dispatch('auth.state', {})) as { ok: true; data: AuthState };
    expect(state.data.signedIn).toBe(false);
  });

  it('a damaged operators file after sales does not hand out a PIN-less manager', async () => {
    const a = await start();
    await a.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: DEMO_CASHIER.pin });
    await a.router.dispatch('auth.signOut', {});
    await a.stop();
    app = undefined;
    fs.writeFileSync(path.join(dir, 'operators.json'), 'receipt bytes \x1b@ not json');
    const b = await start();
    const state = (await b.router.dispatch('auth.state', {})) as { ok: true; data: AuthState };
    expect(state.data).toMatchObject({ signedIn: false, setup: false, recovery: true, operators: [] });
    const boss = { id: 'boss', name: '老板', role: 'manager', pin: '111111' };
    expect(code(await b.router.dispatch('operators.save', boss))).not.toBe('ok');
    expect(
      code(await b.router.dispatch('auth.setup', { operatorId: 'boss', name: '老板', pin: '111111' })),
    ).not.toBe('ok');
    expect(
      code(
        await b.router.dispatch('auth.recover', {
          code: 'AAAA-BBBB-CCCC-DDDD',
          operatorId: 'boss',
          name: '老板',
          pin: '111111',
        }),
      ),
    ).not.toBe('ok');
    const after = (await b.router.dispatch('auth.state', {})) as { ok: true; data: AuthState };
    expect(after.data.operators).toEqual([]);
  });
});

describe('operators.remove', () => {
  it('an elevated manager session removes without an inline PIN; a cashier alone cannot', async () => {
    const a = await start();
    await a.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: DEMO_CASHIER.pin });
    expect(
      code(
        await a.router.dispatch('operators.save', {
          id: 'c2',
          name: '小张',
          role: 'cashier',
          pin: '2222',
          managerPin: DEMO_MANAGER.pin,
        }),
      ),
    ).toBe('ok');
    // Signed in as a cashier, not elevated: no PIN, no removal.
    expect(code(await a.router.dispatch('operators.remove', { id: 'c2' }))).toBe('PIN_REQUIRED');
    expect(code(await a.router.dispatch('auth.elevate', { pin: DEMO_MANAGER.pin }))).toBe('ok');
    const removed = await a.router.dispatch('operators.remove', { id: 'c2' });
    expect(removed.ok && (removed.data as { id: string }[]).map((o) => o.id).sort()).toEqual([
      'cashier',
      'manager',
    ]);
    // Dropped: asked for again.
    await a.router.dispatch('auth.drop', {});
    expect(code(await a.router.dispatch('operators.remove', { id: 'manager' }))).toBe('PIN_REQUIRED');
  });
});

describe('printer-path takeover', () => {
  it('a cashier cannot choose a printer; a manager cannot aim one at a file', async () => {
    const a = await start();
    const target = path.join(dir, 'operators.json');
    const before = fs.readFileSync(target, 'utf8');
    const aim = { printer: { kind: 'usb-file', path: target }, paperWidth: '58' };
    await a.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: DEMO_CASHIER.pin });
    expect(code(await a.router.dispatch('printers.configure', aim))).toBe('PIN_REQUIRED');
    await a.router.dispatch('auth.signIn', { operatorId: 'manager', pin: DEMO_MANAGER.pin });
    const refused = await a.router.dispatch('printers.configure', aim);
    expect(refused.ok || refused.error.message.en).toMatch(/data folder/);
    const link = path.join(os.tmpdir(), `lp-${process.pid}-${Date.now()}`);
    fs.symlinkSync(target, link);
    try {
      const viaLink = await a.router.dispatch('printers.configure', {
        ...aim,
        printer: { kind: 'usb-file', path: link },
      });
      expect(code(viaLink)).toBe('BAD_INPUT');
    } finally {
      fs.rmSync(link);
    }
    await a.router.dispatch('printers.test', {});
    expect(fs.readFileSync(target, 'utf8')).toBe(before);
  });

  it('a saved choice that is a file is dropped at start, with a notice', async () => {
    const target = path.join(dir, 'operators.json');
    const { createPersistentSettings } = await import('./store.js');
    const { createPlainSecretBox } = await import('./secret-box.js');
    createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() }).setDevice({
      printer: { printer: { kind: 'usb-file', path: target }, paperWidth: '58', drawerKick: false },
    });
    const a = await start();
    const got = await a.router.dispatch('settings.get', {});
    expect(got.ok && (got.data as { printer: { printer: { kind: string } } }).printer.printer.kind).toBe(
      'none',
    );
    expect(JSON.stringify(got)).toContain('device-refused');
  });
});

describe('the recovery route', () => {
  it('fresh install: set-up gives a code once; after the operators are lost only that code helps', async () => {
    const t = await openTestSession(dir);
    expect(t.session.state()).toMatchObject({ setup: true, recovery: false });
    const { recoveryCode } = await t.session.setup({ operatorId: 'boss', name: '老板', pin: '246810' });
    expect(recoveryCode).toMatch(/^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$/);
    expect(fs.readFileSync(path.join(dir, 'recovery.json'), 'utf8')).not.toContain(
      recoveryCode.slice(0, 4) + recoveryCode.slice(5, 9),
    );
    t.session.signOut();
    fs.rmSync(path.join(dir, 'operators.json'));
    const u = await openTestSession(dir);
    expect(u.session.state()).toMatchObject({ setup: false, recovery: true, signedIn: false });
    await expect(u.session.setup({ operatorId: 'x', name: 'x', pin: '111111' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const input = { operatorId: 'boss2', name: '新店长', pin: '135790' };
    await expect(u.session.recover({ ...input, code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' })).rejects.toMatchObject({
      code: 'PIN_INVALID',
    });
    const done = await u.session.recover({ ...input, code: recoveryCode.toLowerCase() });
    expect(done.state).toMatchObject({ signedIn: true, operator: { id: 'boss2', role: 'manager' } });
    expect(done.recoveryCode).not.toBe(recoveryCode);
    const types = u.journal.store.recordsWrittenOn(u.journal.today()).map((r) => r.t);
    expect(types).toContain('audit.change');
    // The used code is spent.
    u.session.signOut();
    fs.rmSync(path.join(dir, 'operators.json'));
    const v = await openTestSession(dir);
    await expect(v.session.recover({ ...input, code: recoveryCode })).rejects.toMatchObject({
      code: 'PIN_INVALID',
    });
  });
});

describe('IT re-provisioning', () => {
  it('creates a manager from the command line, journals it, issues a new code', async () => {
    const { provisionManager } = await import('./provision.js');
    const t = await openTestSession(dir);
    await t.session.setup({ operatorId: 'boss', name: '老板', pin: '246810' });
    t.session.signOut();
    t.journal.close();
    fs.rmSync(path.join(dir, 'operators.json'));
    const { recoveryCode } = await provisionManager({
      dataDir: dir,
      id: 'it-boss',
      name: '新店长',
      pin: '97531',
    });
    expect(recoveryCode).toMatch(/^[2-9A-Z]{4}-/);
    const u = await openTestSession(dir);
    expect(u.session.state()).toMatchObject({ recovery: false, setup: false });
    expect((await u.session.signIn('it-boss', '97531')).operator?.role).toBe('manager');
    const audit = u.journal.store.recordsWrittenOn(u.journal.today()).filter((r) => r.t === 'audit.change');
    expect(audit.at(-1)?.op).toBe('it');
  });
});

describe('settings while signed out', () => {
  it('the language may be switched at the sign-in screen; nothing else without a manager', async () => {
    const a = await start();
    expect(code(await a.router.dispatch('settings.update', { language: 'en' }))).toBe('ok');
    expect(code(await a.router.dispatch('settings.update', { environment: 'production' }))).toBe(
      'PIN_REQUIRED',
    );
    expect(
      code(await a.router.dispatch('settings.update', { environment: 'production', managerPin: '000000' })),
    ).toBe('PIN_INVALID');
  });
});

describe('first set-up race', () => {
  it('two set-ups sent at once make one manager', async () => {
    const t = await openTestSession(dir);
    const results = await Promise.allSettled([
      t.session.setup({ operatorId: 'a', name: 'A', pin: '111111' }),
      t.session.setup({ operatorId: 'b', name: 'B', pin: '222222' }),
      t.operators.save({ id: 'c', name: 'C', role: 'manager', pin: '333333' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(t.store.list().filter((o) => o.role === 'manager')).toHaveLength(1);
  });
});
