import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';
import { createNoticeBoard } from './notices.js';
import { createOperators, type OperatorInput } from './operators.js';
import { hashPin, verifyPin } from './pin.js';
import { openTestSession } from './session-testkit.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-operators-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('PIN hashing', () => {
  it('is salted: two hashes of the same PIN differ, and both verify', async () => {
    const a = await hashPin('123456');
    const b = await hashPin('123456');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('123456');
    expect(await verifyPin('123456', a)).toBe(true);
    expect(await verifyPin('123456', b)).toBe(true);
  });

  it('a wrong PIN fails, and a malformed or hostile hash never matches', async () => {
    const hash = await hashPin('0000');
    expect(await verifyPin('0001', hash)).toBe(false);
    expect(await verifyPin('00000', hash)).toBe(false);
    expect(await verifyPin('0000', 'plain-0000')).toBe(false);
    expect(await verifyPin('0000', hash.replace('$16384$', '$1073741824$'))).toBe(false);
    expect(await verifyPin('0000', '')).toBe(false);
  });
});

describe('operators', () => {
  /** The demo operators, with the cashier signed in (the app itself starts signed out). */
  const demo = async () => {
    const t = await openTestSession(dir, { demo: true });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    return Object.assign(t.operators, { usesDemoPins: t.store.usesDemoPins, path: t.store.path });
  };

  it('seeds the demo manager and cashier on first start; nobody is signed in until a PIN is given', async () => {
    const t = await openTestSession(dir, { demo: true });
    expect(t.session.state()).toMatchObject({ signedIn: false, setup: false, recovery: false });
    expect(() => t.operators.current()).toThrow(expect.objectContaining({ code: 'PIN_REQUIRED' }));
    const ops = await demo();
    expect(ops.list()).toEqual([
      { id: 'manager', name: DEMO_MANAGER.name, role: 'manager', hasPin: true },
      { id: 'cashier', name: DEMO_CASHIER.name, role: 'cashier', hasPin: true },
    ]);
    expect(ops.current().id).toBe('cashier');
    expect(await ops.usesDemoPins()).toBe(true);
    const raw = fs.readFileSync(ops.path, 'utf8');
    expect(raw).not.toContain(`"${DEMO_MANAGER.pin}"`);
    expect(raw).toContain('scrypt$');
    if (process.platform !== 'win32') expect(fs.statSync(ops.path).mode & 0o077).toBe(0);
  });

  it('seeds nobody outside demo: current() asks for a sign-in, and the first manager needs no PIN', async () => {
    const { operators: ops, notices, session } = await openTestSession(dir);
    expect(ops.list()).toEqual([]);
    expect(() => ops.current()).toThrow(expect.objectContaining({ code: 'PIN_REQUIRED' }));
    await ops.save({ id: 'boss', name: '老板', role: 'manager', pin: '246810' });
    expect(ops.current().id).toBe('boss');
    expect(notices.join()).toMatch(/Recovery code: [2-9A-Z]{4}-/);
    expect(session.state().elevated?.managerId).toBe('boss');
    // From now on a manager's PIN (or an elevated session) is needed.
    session.drop();
    await expect(ops.save({ id: 'c1', name: '小王', role: 'cashier', pin: '1111' })).rejects.toMatchObject({
      code: 'PIN_REQUIRED',
    });
    await expect(
      ops.save({ id: 'c1', name: '小王', role: 'cashier', pin: '1111', managerPin: '000000' }),
    ).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await ops.save({ id: 'c1', name: '小王', role: 'cashier', pin: '1111', managerPin: '246810' });
    expect((await ops.signIn('c1', '1111')).name).toBe('小王');
    expect(ops.current().id).toBe('c1');
  });

  it('signs in with the right PIN only, and a restart starts signed out', async () => {
    const ops = await demo();
    await expect(ops.signIn('manager', '654321')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await expect(ops.signIn('nobody', DEMO_MANAGER.pin)).rejects.toMatchObject({ code: 'PIN_INVALID' });
    expect(ops.current().id).toBe('cashier');
    await ops.signIn('manager', DEMO_MANAGER.pin);
    expect(ops.current().id).toBe('manager');
    const again = await openTestSession(dir, { demo: true });
    expect(again.session.state().signedIn).toBe(false);
    expect(again.operators.list()).toHaveLength(2);
  });

  it('requireManager accepts a manager PIN, not a cashier PIN', async () => {
    const ops = await demo();
    expect((await ops.requireManager(DEMO_MANAGER.pin)).role).toBe('manager');
    // The signed-in cashier's own PIN is not a manager's: said so, not "wrong PIN".
    await expect(ops.requireManager(DEMO_CASHIER.pin)).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await expect(ops.requireManager('9999')).rejects.toMatchObject({ code: 'PIN_INVALID' });
  });

  it('changing a PIN: the old one stops working, the new one works; no PIN given keeps the old hash', async () => {
    const ops = await demo();
    await ops.save({
      id: 'cashier',
      name: '收银员',
      role: 'cashier',
      pin: '9876',
      managerPin: DEMO_MANAGER.pin,
    });
    await expect(ops.signIn('cashier', DEMO_CASHIER.pin)).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await ops.signIn('cashier', '9876');
    await ops.save({ id: 'cashier', name: '小李', role: 'cashier', managerPin: DEMO_MANAGER.pin });
    expect((await ops.signIn('cashier', '9876')).name).toBe('小李');
    expect(await ops.usesDemoPins()).toBe(true); // the manager still has the demo PIN
    await ops.save({
      id: 'manager',
      name: '店长',
      role: 'manager',
      pin: '13579135',
      managerPin: DEMO_MANAGER.pin,
    });
    expect(await ops.usesDemoPins()).toBe(false);
  });

  it('a demo-pins notice stays while a demo PIN opens an account, and goes when both are changed', async () => {
    const notices = createNoticeBoard();
    const store = createOperators({ dataDir: dir, seedDemo: true, notices });
    await store.ready;
    expect(notices.list().map((n) => n.code)).toEqual(['demo-pins']);
    const save = (input: OperatorInput) => store.save(input);
    await save({
      id: 'manager',
      name: '店长',
      role: 'manager',
      pin: '80808080',
    });
    expect(notices.list().map((n) => n.code)).toEqual(['demo-pins']);
    await save({ id: 'cashier', name: '收银员', role: 'cashier', pin: '4321' });
    expect(notices.list()).toEqual([]);
  });

  it('never leaves the shop without a manager', async () => {
    const ops = await demo();
    await expect(ops.remove('manager', DEMO_MANAGER.pin)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      ops.save({ id: 'manager', name: '店长', role: 'cashier', managerPin: DEMO_MANAGER.pin }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      ops.save({ id: 'm2', name: '二店长', role: 'manager', managerPin: DEMO_MANAGER.pin }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await ops.save({
      id: 'm2',
      name: '二店长',
      role: 'manager',
      pin: '112233',
      managerPin: DEMO_MANAGER.pin,
    });
    expect((await ops.remove('manager', '112233')).map((o) => o.id)).toEqual(['cashier', 'm2']);
  });

  it('removing needs a manager PIN; the manager takes over from a removed signed-in operator', async () => {
    const ops = await demo();
    await expect(ops.remove('cashier', DEMO_CASHIER.pin)).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    expect(ops.current().id).toBe('cashier');
    await ops.remove('cashier', DEMO_MANAGER.pin);
    expect(ops.current().id).toBe('manager');
    await expect(ops.remove('ghost', DEMO_MANAGER.pin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a damaged operators file is set aside with a notice and re-seeded in demo', async () => {
    fs.writeFileSync(path.join(dir, 'operators.json'), '{"operators": [{"id": "x", "role": "king"}]}');
    const ops = await demo();
    expect(ops.list().map((o) => o.id)).toEqual(['manager', 'cashier']);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('operators.corrupt-'))).toBe(true);
  });
});
