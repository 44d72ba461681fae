/**
 * CUPS (Linux, macOS): `lp -d <queue> -o raw` takes our ESC/POS bytes on stdin and the queue passes them
 * to the printer untouched. Status comes from `lpstat`, read in the C locale so the words are stable.
 *
 * After submitting we wait until the job leaves CUPS's not-completed list. A queue that CUPS stopped
 * (its backend failed) or a job still waiting when the time is up is cancelled before we report the
 * failure: the print queue above us retries, and an old job left in CUPS would print a second copy
 * the moment the printer came back.
 */
import { execFile, spawn } from 'node:child_process';
import { PrintError } from '../print-error.js';
import { jobTitle, type RawSpooler, type SpoolJob } from './types.js';

export interface CupsOptions {
  /** Extra environment, e.g. CUPS_SERVER for a private scheduler (tests). */
  env?: NodeJS.ProcessEnv;
  /** How often to ask about a submitted job. */
  pollMs?: number;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const LINE_LIMIT = 200;

export function cupsSpooler(options: CupsOptions = {}): RawSpooler {
  const env = { ...process.env, ...options.env, LC_ALL: 'C', LANG: 'C' };
  const pollMs = options.pollMs ?? 250;

  const run = (cmd: string, args: string[], input?: Uint8Array, timeoutMs = 10_000): Promise<Run> =>
    new Promise((resolve, reject) => {
      if (input) {
        const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stderr.on('data', (c: Buffer) => err.push(c));
        child.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({
            code: code ?? -1,
            stdout: Buffer.concat(out).toString(),
            stderr: Buffer.concat(err).toString(),
          });
        });
        child.stdin.on('error', () => undefined); // lp exiting early is reported through its exit code
        child.stdin.end(Buffer.from(input));
        return;
      }
      execFile(cmd, args, { env, timeout: timeoutMs }, (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        // A non-zero exit gives its number as `code`; a spawn failure (ENOENT) gives a string.
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string') return reject(error);
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      });
    });

  const tool = async (cmd: string, args: string[], input?: Uint8Array, timeoutMs?: number) => {
    try {
      return await run(cmd, args, input, timeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PrintError(
        'io',
        code === 'ENOENT' ? `${cmd} not installed (CUPS client tools)` : String(error),
      );
    }
  };

  const firstLine = (s: string) => (s.trim().split('\n')[0] ?? '').slice(0, LINE_LIMIT);

  /** `lpstat -l -p` → the queue's state, as one of our failures or undefined when it can print. */
  async function state(printer: string): Promise<PrintError | undefined> {
    const r = await tool('lpstat', ['-l', '-p', printer]);
    if (r.code !== 0 || !r.stdout.startsWith('printer ')) {
      if (/invalid destination|does not exist|not found/i.test(r.stderr + r.stdout)) {
        return new PrintError('not-found', printer);
      }
      return new PrintError('io', firstLine(r.stderr || r.stdout) || `lpstat exit ${r.code}`);
    }
    const head = firstLine(r.stdout);
    const alerts = /^\s*Alerts:\s*(.*)$/m.exec(r.stdout)?.[1] ?? '';
    if (/\bdisabled\b/.test(head)) {
      // The reason CUPS gives (the next line) says why, e.g. "Unable to connect to printer".
      const why = r.stdout.split('\n')[1]?.trim().slice(0, LINE_LIMIT);
      return new PrintError('paused', why || printer);
    }
    if (/media-empty/.test(alerts)) return new PrintError('paper-out', printer);
    if (/offline-report/.test(alerts)) return new PrintError('offline', printer);
    return undefined;
  }

  const cancel = (jobId: string) => tool('cancel', [jobId]).catch(() => undefined);

  async function pending(printer: string, jobId: string): Promise<boolean> {
    const r = await tool('lpstat', ['-W', 'not-completed', '-o', printer]);
    return r.stdout.split('\n').some((line) => line.split(/\s+/)[0] === jobId);
  }

  return {
    async list() {
      // No scheduler running or no CUPS tools: nothing installed to offer.
      const r = await tool('lpstat', ['-e']).catch(() => ({ code: -1, stdout: '' }));
      if (r.code !== 0) return [];
      return r.stdout
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .sort();
    },

    async check(printer) {
      const problem = await state(printer);
      if (problem) throw problem;
    },

    async print(job: SpoolJob) {
      const before = await state(job.printer);
      if (before) throw before;
      const deadline = Date.now() + job.timeoutMs;
      const r = await tool(
        'lp',
        ['-d', job.printer, '-o', 'raw', '-t', jobTitle(job.title)],
        job.bytes,
        job.timeoutMs,
      );
      const jobId = /request id is (\S+)/.exec(r.stdout)?.[1];
      if (r.code !== 0 || !jobId) {
        const problem = await state(job.printer);
        throw problem ?? new PrintError('io', firstLine(r.stderr || r.stdout) || `lp exit ${r.code}`);
      }
      for (;;) {
        if (!(await pending(job.printer, jobId))) return;
        const problem = await state(job.printer);
        if (problem) {
          await cancel(jobId);
          throw problem;
        }
        if (Date.now() >= deadline) {
          await cancel(jobId);
          throw new PrintError('timeout', `${jobId} cancelled`);
        }
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))),
        );
      }
    },

    async close() {},
  };
}
