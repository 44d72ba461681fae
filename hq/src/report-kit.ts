// Head office reads replicated records through the counter's own report module: the same facts, the same rules.
import type { JournalRecord } from '../../main/journal/format.js';
import {
  buildReport as buildFromSource,
  factsFromRecords as facts,
  mergeReports,
  type Report,
  type ReportRequest,
  type SettlementSource,
  sourceFromFacts,
} from '../../main/reports/index.js';

export { mergeReports };

export function factsFromRecords(records: readonly JournalRecord[]): SettlementSource {
  return sourceFromFacts(facts(records));
}

export function buildReport(source: SettlementSource, request: ReportRequest): Report {
  return buildFromSource(source, request);
}
