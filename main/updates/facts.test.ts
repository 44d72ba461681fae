import { describe, expect, it } from 'vitest';
import type { SalePhase } from '../engine/sale-state.js';
import { EventHub } from '../ipc/router.js';
import type { PrintJobView } from '../printing/types.js';
import { createUpdateFacts } from './facts.js';

const job = (title: string, state: PrintJobView['state']): PrintJobView => ({
  jobId: 'P1',
  title,
  state,
  attempts: 1,
  at: '2026-12-01T08:00:00.000Z',
});

describe('update gate facts from the running app', () => {
  it('counts sales begun since start, sees a busy sale, pending prints, unsynced journal', () => {
    const events = new EventHub();
    let phase: SalePhase = 'idle';
    let jobs: PrintJobView[] = [];
    let sync: 'off' | 'synced' | 'behind' | 'offline' = 'off';
    const f = createUpdateFacts({
      events,
      salePhase: () => phase,
      unresolvedOrders: () => 0,
      printJobs: () => jobs,
      syncState: () => sync,
    });
    expect(f.facts()).toEqual({
      salesSinceStart: 0,
      saleInProgress: false,
      unresolvedOrders: 0,
      printJobsPending: 0,
      journalSynced: true,
    });
    phase = 'awaiting-code';
    events.emit('sale.state', {
      phase,
      amountFen: 1250,
      unresolvedCount: 0,
      updatedAt: '2026-12-01T08:00:00.000Z',
    });
    expect(f.facts()).toMatchObject({ salesSinceStart: 1, saleInProgress: true });
    jobs = [job('消费 SALE M1 顾客联', 'retrying'), job('x', 'done')];
    sync = 'behind';
    expect(f.facts()).toMatchObject({ printJobsPending: 1, journalSynced: false });
  });

  it('the day is closed when the settlement slip has printed, not before', () => {
    const events = new EventHub();
    const f = createUpdateFacts({
      events,
      salePhase: () => 'idle',
      unresolvedOrders: () => 0,
      printJobs: () => [],
    });
    let closed = 0;
    f.onDayClosed(() => {
      closed += 1;
    });
    events.emit('print.job', job('日结单 SETTLEMENT 2026-12-01', 'printing'));
    events.emit('print.job', job('交班单 SHIFT 2026-12-01', 'done'));
    expect(closed).toBe(0);
    events.emit('print.job', job('日结单 SETTLEMENT 2026-12-01', 'done'));
    expect(closed).toBe(1);
  });
});
