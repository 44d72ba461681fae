/**
 * The gate's facts, read from the running app: the sale, the journal's unresolved orders, the print
 * queue, the head-office upload. Also tells when the day has just been closed (the settlement slip
 * printed) and whether a sale has begun since start, the two moments an update may install.
 */

import type { SalePhase } from '../engine/sale-state.js';
import type { EventHub } from '../ipc/router.js';
import type { PrintJobView } from '../printing/types.js';
import type { GateFacts } from './gate.js';

export interface FactSources {
  events: EventHub;
  salePhase: () => SalePhase;
  unresolvedOrders: () => number;
  printJobs: () => PrintJobView[];
  /** Head-office upload state; absent or 'off' when the shop has no head office. */
  syncState?: () => 'off' | 'synced' | 'behind' | 'offline';
}

export interface UpdateFacts {
  facts(): Omit<GateFacts, 'moment' | 'updateReady'>;
  /** Called after the daily settlement slip (日结单) has printed. */
  onDayClosed(listener: () => void): () => void;
}

const BUSY: ReadonlySet<SalePhase> = new Set(['awaiting-code', 'in-flight', 'needs-attention']);
/** The settlement slip's job title (printing's printReport). */
const SETTLEMENT_TITLE = /^日结单 SETTLEMENT/;

export function createUpdateFacts(s: FactSources): UpdateFacts {
  let salesSinceStart = 0;
  let lastPhase: SalePhase | undefined;
  const dayClosed = new Set<() => void>();
  s.events.subscribe((name, payload) => {
    if (name === 'sale.state') {
      const phase = (payload as { phase?: SalePhase }).phase;
      if (phase === 'awaiting-code' && lastPhase !== 'awaiting-code') salesSinceStart += 1;
      lastPhase = phase;
    } else if (name === 'print.job') {
      const job = payload as PrintJobView;
      if (job.state === 'done' && SETTLEMENT_TITLE.test(job.title)) for (const l of dayClosed) l();
    }
  });
  return {
    facts: () => {
      const sync = s.syncState?.() ?? 'off';
      return {
        salesSinceStart,
        saleInProgress: BUSY.has(s.salePhase()),
        unresolvedOrders: s.unresolvedOrders(),
        printJobsPending: s
          .printJobs()
          .filter((j) => j.state === 'queued' || j.state === 'printing' || j.state === 'retrying').length,
        journalSynced: sync === 'off' || sync === 'synced',
      };
    },
    onDayClosed(listener) {
      dayClosed.add(listener);
      return () => dayClosed.delete(listener);
    },
  };
}
