/**
 * Fail safe, without Electron: what the shell does when something goes wrong that it cannot carry on
 * from. main.ts wires these to the real window, app.relaunch and the services; the tests run them in Node.
 *
 * - An uncaught exception: flush the journal (stop the services, bounded), show a bilingual screen,
 *   restart cleanly after a few seconds. After three restarts in a row the screen stays (a crash loop
 *   would otherwise hide the problem) and asks for IT.
 * - A data folder that cannot be written: a bilingual screen naming the folder and why; no services
 *   start, so no sale is possible.
 */
import type { Bilingual } from '../ipc/errors.js';

export const RESTARTS_FLAG = '--cashier-restarts=';
export const MAX_RESTARTS = 3;

export function restartsSoFar(argv: readonly string[]): number {
  const flag = argv.find((a) => a.startsWith(RESTARTS_FLAG));
  const n = flag ? Number(flag.slice(RESTARTS_FLAG.length)) : 0;
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** argv for the restarted process: the same, with the restart count moved on. */
export function relaunchArgs(argv: readonly string[]): string[] {
  const n = restartsSoFar(argv);
  return [...argv.filter((a) => !a.startsWith(RESTARTS_FLAG)), `${RESTARTS_FLAG}${n + 1}`];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A self-contained page (no script, no network): shown as a data: URL in the main window. */
export function failScreenHtml(title: Bilingual, detail: Bilingual, note?: Bilingual): string {
  const block = (b: Bilingual) =>
    `<p lang="zh-CN">${escapeHtml(b.zh)}</p><p lang="en">${escapeHtml(b.en)}</p>`;
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<title>Counter Cashier</title>',
    '<style>body{font-family:system-ui,"Microsoft YaHei",sans-serif;background:#0f172a;color:#f8fafc;',
    'display:flex;align-items:center;justify-content:center;height:100vh;margin:0}',
    'main{max-width:720px;padding:32px;border:2px solid #f87171;border-radius:12px}',
    'h1{font-size:28px;margin:0 0 16px}p{font-size:18px;line-height:1.5}</style></head><body><main>',
    `<h1>${escapeHtml(title.zh)} · ${escapeHtml(title.en)}</h1>`,
    block(detail),
    note ? block(note) : '',
    '</main></body></html>',
  ].join('');
}

export interface CrashHandlerDeps {
  /** Stops the services (the journal is flushed and closed). */
  flush: () => Promise<void>;
  show: (html: string) => void;
  relaunch: (args: string[]) => void;
  exit: (code: number) => void;
  argv: readonly string[];
  log: (message: string, meta: Record<string, unknown>) => void;
  flushTimeoutMs?: number;
  restartDelayMs?: number;
  schedule?: (fn: () => void, ms: number) => void;
}

/** The uncaughtException / unhandledRejection handler. Re-entrant calls (a crash while crashing) are ignored. */
export function createCrashHandler(deps: CrashHandlerDeps): (error: unknown) => Promise<void> {
  let handling = false;
  const schedule = deps.schedule ?? ((fn, ms) => void setTimeout(fn, ms));
  return async (error) => {
    if (handling) return;
    handling = true;
    deps.log('uncaught error: flushing and restarting', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    const timeout = new Promise<void>((resolve) => schedule(resolve, deps.flushTimeoutMs ?? 3000));
    await Promise.race([deps.flush().catch(() => undefined), timeout]);
    const restarts = restartsSoFar(deps.argv);
    const again = restarts < MAX_RESTARTS;
    deps.show(
      failScreenHtml(
        { zh: '收银程序出现错误', en: 'The cashier program hit an error' },
        {
          zh: '已保存的收款记录完好无损。未完成的交易会在重启后自动查询。',
          en: 'Every journaled payment is safe. Unfinished payments are checked again after the restart.',
        },
        again
          ? { zh: '几秒后自动重新启动……', en: 'Restarting in a few seconds…' }
          : {
              zh: '已连续重启多次仍然出错：请联系 IT，并提供“诊断信息”。',
              en: 'It failed again after several restarts: call IT and give them the diagnostics.',
            },
      ),
    );
    if (!again) return;
    schedule(() => {
      deps.relaunch(relaunchArgs(deps.argv));
      deps.exit(0);
    }, deps.restartDelayMs ?? 4000);
  };
}

export function dataFolderScreen(problem: Bilingual): string {
  return failScreenHtml({ zh: '无法启动收银', en: 'The cashier cannot start' }, problem, {
    zh: '数据文件夹可由 IT 通过 CASHIER_DATA_DIR 设置（需开启覆盖）。',
    en: 'IT can set the data folder with CASHIER_DATA_DIR (overrides must be allowed).',
  });
}
