/** Settlement (日结) and shift (交班) reports: import from here. */
export { buildReport, daysOf, mergeReports, reportWindow, zeroTotals } from './build.js';
export { factsFromRecords, sourceFromFacts } from './facts.js';
export {
  type JournalReads,
  journalSettlementSource,
  settlementReport,
  shiftReport,
  shiftWindowOf,
} from './journal-source.js';
export * from './types.js';
