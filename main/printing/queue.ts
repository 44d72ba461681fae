/**
 * The print queue: one printer, one job at a time, in order. A failed attempt is retried with a bounded
 * backoff; after the last attempt the job is `failed` and waits for the cashier's reprint button
 * (`retry`). Nothing here ever touches a transaction: a job holds a finished document, nothing more.
 */

import { createLogger } from '../log/logger.js';
import type { Bilingual } from '../shared/errors.js';
import type { PaperWidth, PrintDocument } from './layout.js';
import { PrintError, type Printer } from './transports.js';
import type { PrintJobView } from './types.js';

const log = createLogger('print-queue');

/** Waits before attempts 2, 3, ...: about 38 s of trying in all. */
export const DEFAULT_BACKOFF_MS = [1000, 2000, 5000, 10_000, 20_000];

export interface QueueOptions {
  /** The printer and paper as configured now (read at every attempt, so a fixed setting applies to retries). */
  target: () => { printer: Printer | undefined; paper: PaperWidth };
  /** Delay before attempt n+1 after n failures; the list's length + 1 is the number of attempts. */
  backoffMs?: number[];
  onJob?: (job: PrintJobView) => void;
  onAttempt?: (
    outcome: { ok: true; printer: Printer } | { ok: false; printer: Printer | undefined; error: PrintError },
  ) => void;
  now?: () => Date;
  /** How many finished jobs to keep for the jobs list. */
  keep?: number;
}

interface Job {
  view: PrintJobView;
  doc: PrintDocument;
  timer?: NodeJS.Timeout;
  wake?: () => void;
}

export interface PrintQueue {
  enqueue(doc: PrintDocument): PrintJobView;
  retry(jobId: string): PrintJobView | undefined;
  list(): PrintJobView[];
  get(jobId: string): PrintJobView | undefined;
  /** Resolves when no job is queued, printing or waiting to retry. */
  idle(): Promise<void>;
  stop(): void;
}

export function createPrintQueue(options: QueueOptions): PrintQueue {
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const now = options.now ?? (() => new Date());
  const keep = options.keep ?? 100;
  const jobs: Job[] = [];
  const pending: Job[] = [];
  let running = false;
  let stopped = false;
  let seq = 0;
  const idleWaiters: Array<() => void> = [];

  const update = (job: Job, patch: Partial<PrintJobView>, message?: Bilingual) => {
    const { message: _old, ...rest } = job.view;
    job.view = { ...rest, ...patch, at: now().toISOString(), ...(message ? { message } : {}) };
    options.onJob?.({ ...job.view });
  };

  const trim = () => {
    while (jobs.length > keep) {
      const index = jobs.findIndex((j) => j.view.state === 'done' || j.view.state === 'failed');
      if (index < 0) break;
      jobs.splice(index, 1);
    }
  };

  const settleIdle = () => {
    if (running || pending.length > 0) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const pump = async () => {
    if (running || stopped) return;
    running = true;
    try {
      while (pending.length > 0 && !stopped) {
        const job = pending.shift() as Job;
        await attemptUntilDone(job);
      }
    } finally {
      running = false;
      settleIdle();
    }
  };

  const attemptUntilDone = async (job: Job) => {
    for (;;) {
      if (stopped) return;
      const { printer, paper } = options.target();
      update(job, { state: 'printing', attempts: job.view.attempts + 1 });
      try {
        if (!printer) throw new PrintError('unavailable');
        await printer.print(job.doc, paper);
        update(job, { state: 'done' });
        options.onAttempt?.({ ok: true, printer });
        return;
      } catch (caught) {
        const error = caught instanceof PrintError ? caught : new PrintError('io', String(caught));
        options.onAttempt?.({ ok: false, printer, error });
        log.warn('print attempt failed', {
          jobId: job.view.jobId,
          attempt: job.view.attempts,
          reason: error.reason,
        });
        const wait = backoff[job.view.attempts - 1];
        // No printer, or a driver that cannot take raw bytes: trying again cannot help.
        if (wait === undefined || error.reason === 'unavailable' || error.reason === 'unsupported') {
          update(job, { state: 'failed' }, error.bilingual);
          return;
        }
        update(job, { state: 'retrying' }, error.bilingual);
        await new Promise<void>((resolve) => {
          job.wake = resolve;
          job.timer = setTimeout(resolve, wait);
        });
        clearTimeout(job.timer);
        job.wake = undefined;
      }
    }
  };

  return {
    enqueue(doc) {
      seq += 1;
      const job: Job = {
        doc,
        view: {
          jobId: `P${now().getTime().toString(36)}-${seq}`,
          title: doc.title,
          state: 'queued',
          attempts: 0,
          at: now().toISOString(),
        },
      };
      jobs.push(job);
      pending.push(job);
      trim();
      options.onJob?.({ ...job.view });
      void pump();
      return { ...job.view };
    },
    retry(jobId) {
      const job = jobs.find((j) => j.view.jobId === jobId);
      if (!job) return undefined;
      if (job.view.state === 'retrying') {
        job.wake?.(); // try now instead of waiting out the backoff
      } else if (job.view.state === 'failed' || job.view.state === 'done') {
        update(job, { state: 'queued', attempts: 0 });
        pending.push(job);
        void pump();
      }
      return { ...job.view };
    },
    list: () => jobs.map((j) => ({ ...j.view })).reverse(),
    get: (jobId) => {
      const job = jobs.find((j) => j.view.jobId === jobId);
      return job ? { ...job.view } : undefined;
    },
    idle() {
      if (!running && pending.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      for (const job of jobs) {
        clearTimeout(job.timer);
        job.wake?.();
      }
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
