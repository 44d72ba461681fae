/**
 * The station.* calls through the real app services and their session gate: the state for a signed-in
 * operator, leaving kiosk mode only with a manager's PIN.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServices } from '../app/services.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('station calls', () => {
  it('kiosk exits with the manager PIN only; the harness (no station) answers UNAVAILABLE', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'station-calls-'));
    let kiosk = true;
    const app = await startAppServices({
      transport: 'web',
      dataDir: dir,
      version: 'test',
      station: {
        state: () => ({ kiosk, startAtLogin: true }),
        exitKiosk: () => {
          kiosk = false;
        },
      },
    });
    try {
      // The sign-in screen shows the kiosk state too (leaving kiosk mode there still takes the PIN).
      const signedOut = await app.router.dispatch('station.state', {});
      expect(signedOut).toMatchObject({ ok: true, data: { kiosk: true } });
      expect((await app.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: '0000' })).ok).toBe(
        true,
      );
      expect(await app.router.dispatch('station.state', {})).toMatchObject({
        ok: true,
        data: { kiosk: true },
      });
      const wrong = await app.router.dispatch('station.exitKiosk', { pin: '9999' });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'PIN_INVALID' } });
      expect(kiosk).toBe(true);
      const right = await app.router.dispatch('station.exitKiosk', { pin: '123456' });
      expect(right).toMatchObject({ ok: true, data: { kiosk: false } });
    } finally {
      await app.stop();
    }
    fs.rmSync(dir, { recursive: true, force: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'station-calls-'));
    const harness = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
    try {
      await harness.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: '0000' });
      expect(await harness.router.dispatch('station.state', {})).toMatchObject({
        ok: false,
        error: { code: 'UNAVAILABLE' },
      });
    } finally {
      await harness.stop();
    }
  });
});
