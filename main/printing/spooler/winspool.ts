/**
 * Windows: raw ESC/POS to an installed printer through the winspool helper (winspool-helper.ts), a
 * PowerShell process started once and kept; see helper-process.ts for the framing and restarts.
 */
import { createHelperClient, type HelperOptions } from './helper-process.js';
import { jobTitle, type RawSpooler } from './types.js';
import { helperCommand } from './winspool-helper.js';

export function winspoolSpooler(options: Partial<HelperOptions> = {}): RawSpooler & {
  readonly starts: number;
  readonly pid: number | undefined;
} {
  const helper = createHelperClient({ command: helperCommand, ...options });
  return {
    async list() {
      const answer = await helper.request({ op: 'list' });
      return Array.isArray(answer.printers)
        ? answer.printers.filter((p): p is string => typeof p === 'string').sort()
        : [];
    },
    async check(printer) {
      await helper.request({ op: 'check', printer });
    },
    async print(job) {
      await helper.request(
        { op: 'print', printer: job.printer, title: jobTitle(job.title), timeoutMs: job.timeoutMs },
        job.bytes,
        job.timeoutMs,
      );
    },
    close: () => helper.close(),
    get starts() {
      return helper.starts;
    },
    get pid() {
      return helper.pid;
    },
  };
}
