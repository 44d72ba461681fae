/** IPC adapter of the reports: 日结 and 交班 from the journal (printing has reports.print). */
import type { PartialHandlers } from '../ipc/router.js';
import { type JournalReads, settlementReport, shiftReport } from './journal-source.js';

export function reportsHandlers(deps: { store: JournalReads; today: () => string }): PartialHandlers {
  return {
    'reports.settlement': ({ day }) => settlementReport(deps.store, day),
    'reports.shift': (input) => shiftReport(deps.store, input, deps.today()),
  };
}
