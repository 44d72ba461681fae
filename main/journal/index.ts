/** The receipt journal (issue 4): see docs/journal.md. Import from here. */
export { chinaDay, dayOfOurId, type JournalRecord } from './format.js';
export { type GenericAppendOptions, Journal, type JournalOptions } from './journal.js';
export { foldPreauth, foldSale, type OrderState, RECORD } from './records.js';
export {
  type JournalHealth,
  JournalStore,
  type OpenReport,
  type VerifyProblem,
  type VerifyReport,
} from './store.js';
