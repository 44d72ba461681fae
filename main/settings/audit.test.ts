/** Privileged changes are journaled as audit.change: who, when, old → new, secrets masked. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppServices, startAppServices } from '../app/services.js';
import type { AuditEntry } from './auth-types.js';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';

const APP_KEY = 'Qm4vTq3nWm6kPx2cBy7hLd4gJf9sNe5z';
let dir: string;
let app: AppServices;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-audit-'));
  app = await startAppServices({ transport: 'web', dataDir: dir, version: 'test' });
});
afterEach(async () => {
  await app.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('audit trail', () => {
  it('journals who changed what, old → new, with secrets masked; only a manager may read it', async () => {
    const r = app.router;
    await r.dispatch('auth.signIn', { operatorId: 'cashier', pin: DEMO_CASHIER.pin });
    expect((await r.dispatch('audit.list', {})).ok).toBe(false);
    // Inline PIN from the cashier's session: the manager is named as the one who allowed it.
    const upd = await r.dispatch('settings.update', {
      shopName: '新店名',
      customGatewayUrl: 'https://user:hunter2@gw.example.cn/v2',
      managerPin: DEMO_MANAGER.pin,
    });
    expect(upd.ok).toBe(true);
    await r.dispatch('auth.elevate', { pin: DEMO_MANAGER.pin });
    expect((await r.dispatch('settings.setSecret', { name: 'chinaumsAppKey', value: APP_KEY })).ok).toBe(
      true,
    );
    expect(
      (
        await r.dispatch('printers.configure', {
          printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 },
          paperWidth: '80',
        })
      ).ok,
    ).toBe(true);
    expect(
      (await r.dispatch('operators.save', { id: 'c2', name: '小张', role: 'cashier', pin: '2468' })).ok,
    ).toBe(true);
    const list = await r.dispatch('audit.list', {});
    expect(list.ok).toBe(true);
    const entries = (list as { ok: true; data: AuditEntry[] }).data;
    expect(entries.map((e) => e.area)).toEqual(['operator', 'printer', 'secret', 'settings']);
    const settings = entries[3]!;
    expect(settings).toMatchObject({ operatorId: 'cashier', managerId: 'manager' });
    expect(settings.changes).toEqual(
      expect.arrayContaining([
        { field: 'shopName', old: '演示商店 Demo Shop', new: '新店名' },
        { field: 'customGatewayUrl', old: '', new: 'https://***@gw.example.cn/v2' },
      ]),
    );
    expect(entries[2]!.changes).toEqual([
      { field: 'secret.chinaumsAppKey', old: 'set', new: 'set (new value)' },
    ]);
    expect(entries[1]!.changes).toEqual(
      expect.arrayContaining([{ field: 'printer.printer.kind', old: 'none', new: 'tcp' }]),
    );
    expect(entries[0]!.changes).toEqual([
      { field: 'operator.c2', new: '小张 (cashier, PIN set)' },
      { field: 'operator.c2.pin', new: 'changed' },
    ]);
    const journalText = fs
      .readdirSync(path.join(dir, 'journal'))
      .filter((f) => f.endsWith('.jsonl') || f.endsWith('.log') || !f.includes('.'))
      .map((f) => {
        const p = path.join(dir, 'journal', f);
        return fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : '';
      })
      .join('');
    expect(journalText).toContain('audit.change');
    expect(journalText).not.toContain(APP_KEY);
    expect(journalText).not.toContain('hunter2');
  });
});
