/**
 * The Yima block of the composition root: demo mode, the real services, IPC through the router.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServices, startAppServices } from '../app/services.js';
import type { Report } from '../reports/types.js';
import type { YimaRefundView } from './types.js';

let app: AppServices;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'yima-services-'));
  app = await startAppServices({ transport: 'web', dataDir, version: 'test' });
  // The app starts signed out: the demo cashier signs in.
  await app.router.dispatch('auth.signIn', { operatorId: 'cashier', pin: '0000' });
});

afterAll(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('yima.* in the app (demo mode)', () => {
  it('refunds through the embedded simulator with the demo manager PIN, 9998 then 0000', async () => {
    const refused = await app.router.dispatch('yima.refund', {
      orgPosSeq: 'AP2026112200000001',
      amountFen: 1_298,
      pin: '999999',
    });
    expect(refused.ok).toBe(false);
    const reply = await app.router.dispatch('yima.refund', {
      orgPosSeq: 'AP2026112200000001',
      amountFen: 1_298,
      memo: '演示退款',
      pin: '123456',
    });
    expect(reply.ok).toBe(true);
    const view = (reply as { ok: true; data: YimaRefundView }).data;
    expect(view.status).toBe('refunded');
    expect(view.resultId).toBe('0000');
    const list = await app.router.dispatch('yima.list', {});
    expect(list.ok && (list.data as YimaRefundView[]).map((v) => v.posSeq)).toEqual([view.posSeq]);
    // Shown in the day's settlement like any other refund (pay mode YIMA).
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const report = await app.router.dispatch('reports.settlement', { day });
    expect(report.ok).toBe(true);
    const totals = (report as { ok: true; data: Report }).data.byPayMode.find((p) => p.payMode === 'YIMA');
    expect(totals?.totals.refundsFen).toBe(1_298);
    expect(totals?.totals.refundsCount).toBe(1);
  }, 60_000);
});
