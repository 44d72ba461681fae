/**
 * The session and its PIN rules, on real files: sign-in / sign-out as shifts in the journal, elevation,
 * attempts counted per operator, one at a time, persisted, with growing refusal windows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';
import { openTestSession } from './session-testkit.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-session-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every guess but one is wrong; the right PIN sits in the middle of the burst. */
function guesses(right: string, digits: number, n = 1000): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const g = String(i).padStart(digits, '0');
    if (g !== right) out.push(g);
  }
  out[n / 2] = right;
  return out;
}

describe('session', () => {
  it('starts signed out; a sign-in opens a shift and a sign-out closes it, both in the journal', async () => {
    const t = await openTestSession(dir, { demo: true });
    expect(t.session.state()).toMatchObject({ signedIn: false, setup: false, recovery: false });
    expect(t.session.state().operators.map((o) => o.id)).toEqual(['manager', 'cashier']);
    const s = await t.session.signIn('cashier', DEMO_CASHIER.pin);
    expect(s).toMatchObject({ signedIn: true, operator: { id: 'cashier' } });
    expect(s.elevated).toBeUndefined();
    t.session.signOut();
    const records = t.journal.store.recordsWrittenOn(t.journal.today());
    expect(records.map((r) => [r.t, r.op])).toEqual([
      ['shift.open', 'cashier'],
      ['shift.close', 'cashier'],
    ]);
    expect(records[0]!.k).toBe(records[1]!.k);
    expect(t.session.state().signedIn).toBe(false);
  });

  it('a shift left open by a crash is closed at the next start, which is signed out', async () => {
    const t = await openTestSession(dir, { demo: true });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    t.journal.close();
    const u = await openTestSession(dir, { demo: true });
    expect(u.session.state().signedIn).toBe(false);
    const records = u.journal.store.recordsWrittenOn(u.journal.today());
    expect(records.map((r) => r.t)).toEqual(['shift.open', 'shift.close']);
    expect(records[1]!.d).toMatchObject({ operatorId: 'cashier', reason: 'restart' });
    u.journal.close();
    const v = await openTestSession(dir, { demo: true });
    expect(v.journal.store.recordsWrittenOn(v.journal.today())).toHaveLength(2);
  });

  it('a manager PIN elevates for a few minutes; drop and sign-out end it', async () => {
    let clock = Date.parse('2026-03-01T08:00:00Z');
    const t = await openTestSession(dir, { demo: true, now: () => clock });
    await expect(t.session.elevate(DEMO_MANAGER.pin)).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    await expect(t.session.requireManager()).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await expect(t.session.elevate('999999')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    const s = await t.session.elevate(DEMO_MANAGER.pin);
    expect(s.elevated).toMatchObject({ managerId: 'manager' });
    expect((await t.session.requireManager()).id).toBe('manager');
    clock += 5 * 60_000 + 1;
    expect(t.session.state().elevated).toBeUndefined();
    await expect(t.session.requireManager()).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await t.session.elevate(DEMO_MANAGER.pin);
    t.session.drop();
    await expect(t.session.requireManager()).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await t.session.elevate(DEMO_MANAGER.pin);
    t.session.signOut();
    expect(t.session.state().elevated).toBeUndefined();
  });

  it("a cashier's own PIN on a manager action asks for a manager's PIN, and still counts as a wrong try", async () => {
    const t = await openTestSession(dir, { demo: true });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    await t.operators.save({
      id: 'c2',
      name: '小张',
      role: 'cashier',
      pin: '2222',
      managerPin: DEMO_MANAGER.pin,
    });
    await expect(t.session.requireManager(DEMO_CASHIER.pin)).rejects.toMatchObject({
      code: 'PIN_REQUIRED',
      bilingual: { zh: '需要店长 PIN', en: "A manager's PIN is needed" },
    });
    await expect(t.session.elevate(DEMO_CASHIER.pin)).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    expect(t.attempts.status('manager:cashier').failures).toBe(2);
    // Any other wrong PIN, another cashier's included, gets the plain answer: nothing to learn about others.
    await expect(t.session.requireManager('2222')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await expect(t.session.requireManager('8765')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    // Once refused for a while, the own PIN is refused like any other, unchecked.
    await expect(t.session.requireManager(DEMO_CASHIER.pin)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('1,000 parallel sign-in guesses at the cashier PIN find nothing', async () => {
    const t = await openTestSession(dir, { demo: true });
    const results = await Promise.allSettled(
      guesses(DEMO_CASHIER.pin, 4).map((pin) => t.session.signIn('cashier', pin)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(0);
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    // Three free tries and a fourth that opens the first window are checked; the rest are refused unchecked.
    expect(codes.filter((c) => c === 'PIN_INVALID').length).toBeLessThanOrEqual(4);
    expect(codes.filter((c) => c === 'FORBIDDEN').length).toBeGreaterThanOrEqual(996);
    expect(t.session.state().signedIn).toBe(false);
  });

  it('1,000 parallel manager-PIN guesses by a signed-in cashier find nothing', async () => {
    const t = await openTestSession(dir, { demo: true });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    const results = await Promise.allSettled(
      guesses(DEMO_MANAGER.pin, 6).map((pin) => t.session.requireManager(pin)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(0);
  });

  it('made-up operator ids share one counter and never reset a real one', async () => {
    const t = await openTestSession(dir, { demo: true });
    for (let i = 0; i < 4; i++) await t.session.signIn('manager', '000000').catch(() => undefined);
    const locked = t.attempts.status('signin:manager');
    expect(locked.lockedUntil).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) await t.session.signIn(`ghost${i}`, '000000').catch(() => undefined);
    expect(t.attempts.status('signin:manager')).toEqual(locked);
    expect(t.attempts.status('signin:?').failures).toBeGreaterThan(0);
    expect(t.attempts.status('signin:ghost1').failures).toBe(0);
  });

  it("a cashier's wrong guesses never lock the manager out", async () => {
    const t = await openTestSession(dir, { demo: true });
    await t.session.signIn('cashier', DEMO_CASHIER.pin);
    // Wrong manager PINs from the cashier's session: counted against that session...
    for (let i = 0; i < 6; i++) await t.session.requireManager('000000').catch(() => undefined);
    await expect(t.session.requireManager(DEMO_MANAGER.pin)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    t.session.signOut();
    // ...and wrong guesses at the cashier's own sign-in against the cashier.
    for (let i = 0; i < 6; i++) await t.session.signIn('cashier', '9999').catch(() => undefined);
    expect(t.attempts.status('signin:cashier').failures).toBe(4);
    // The manager signs in at once (and so elevates).
    const s = await t.session.signIn('manager', DEMO_MANAGER.pin);
    expect(s).toMatchObject({ operator: { id: 'manager' }, elevated: { managerId: 'manager' } });
    expect((await t.session.requireManager(DEMO_MANAGER.pin)).id).toBe('manager');
  });

  it('wrong PINs: three free tries, then growing refusal windows, still counted after a restart', async () => {
    let clock = Date.parse('2026-03-01T08:00:00Z');
    const first = await openTestSession(dir, {
      demo: true,
      now: () => clock,
      attempts: { now: () => clock },
    });
    for (let i = 0; i < 3; i++) {
      await expect(first.session.signIn('manager', '000000')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    }
    expect(first.attempts.status('signin:manager').lockedUntil).toBe(0);
    await expect(first.session.signIn('manager', '000000')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    const window1 = first.attempts.status('signin:manager').lockedUntil - clock;
    expect(window1).toBeGreaterThan(0);
    // Even the right PIN is refused inside the window.
    await expect(first.session.signIn('manager', DEMO_MANAGER.pin)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // A restart keeps the count and the window.
    const again = await openTestSession(dir, {
      demo: true,
      now: () => clock,
      attempts: { now: () => clock },
    });
    await expect(again.session.signIn('manager', DEMO_MANAGER.pin)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    clock += window1 + 1;
    await expect(again.session.signIn('manager', '000000')).rejects.toMatchObject({ code: 'PIN_INVALID' });
    const window2 = again.attempts.status('signin:manager').lockedUntil - clock;
    expect(window2).toBeGreaterThan(window1);
    clock += window2 + 1;
    expect((await again.session.signIn('manager', DEMO_MANAGER.pin)).signedIn).toBe(true);
    expect(again.attempts.status('signin:manager').failures).toBe(0);
    const file = path.join(dir, 'pin-attempts.json');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
  });
});
