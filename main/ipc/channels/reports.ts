/** Daily settlement (日结) and shift handover (交班). The report's shapes live in main/reports/types.ts. */
import { z } from 'zod';
import { Report } from '../../reports/types.js';
import { Day, Instant } from './common.js';

export { Report, ReportChannel, Totals } from '../../reports/types.js';

export const reportsCalls = {
  'reports.settlement': { input: z.object({ day: Day }).strict(), output: Report },
  'reports.shift': {
    input: z.object({ operatorId: z.string().max(20).optional(), since: Instant.optional() }).strict(),
    output: Report,
  },
  'reports.print': {
    input: z
      .object({ kind: z.enum(['settlement', 'shift']), day: Day, operatorId: z.string().max(20).optional() })
      .strict(),
    output: z.object({ jobIds: z.array(z.string()) }),
  },
};
