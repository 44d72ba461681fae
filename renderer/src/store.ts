/**
 * The renderer's one store (zustand). Main owns the truth (sale state, orders, settings); this store
 * mirrors what main last said, from call replies and pushed events, plus purely local UI state.
 */
import { create } from 'zustand';
import type { AppInfo } from '../../main/ipc/channels/app';
import type { DeviceStatus, PrintJobView } from '../../main/ipc/channels/devices';
import type { SaleState, ScanReceived, TxnProgress } from '../../main/ipc/channels/sale';
import type { OperatorView, PublicSettings, SettingsNotice } from '../../main/ipc/channels/settings';
import type { Bilingual } from '../../main/ipc/errors';
import { announce } from './beep';
import { cashier } from './cashier';
import { type Lang, setLanguage } from './i18n';
import { watchAuth } from './manager';
import { type AuthState, type GatewayStatus, onOptional, optional, type SyncStatus } from './optional';

export type Screen = 'checkout' | 'orders' | 'preauth' | 'settlement' | 'settings';
export const SCREENS: Screen[] = ['checkout', 'orders', 'preauth', 'settlement', 'settings'];

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: Bilingual;
  at: string;
  /** A note about one scan: it goes when the sale moves on, so it never hangs under the next one. */
  transient?: boolean;
}

/** A pre-auth started by a scan on the pre-auth screen, until its outcome is known. */
export interface PreauthRun {
  amountFen: number;
  /** The pre-auth's id, once its first progress event names it. */
  id?: string;
  step?: TxnProgress['step'];
  done: boolean;
}

export interface CashierState {
  ready: boolean;
  screen: Screen;
  lang: Lang;
  info?: AppInfo;
  settings?: PublicSettings;
  operator?: OperatorView;
  /** Every operator (names for ids on screens and reports). */
  operators: OperatorView[];
  sale?: SaleState;
  /** The latest progress of the current sale's transaction. */
  progress?: TxnProgress;
  /** When the current sale's pay started and when the gateway first said "password on the phone". */
  payStartedAt?: number;
  passwordAt?: number;
  /** The amount typed on checkout, kept across screens until it is charged or cleared. */
  checkoutText: string;
  /** A valid typed amount per screen, sent to main so a scan confirms it (scan.setContext). */
  drafts: Partial<Record<Screen, number>>;
  preauthRun?: PreauthRun;
  /** The last sale that was paid (for the 补打上一单 / refund-last hotkeys). */
  lastPaidId?: string;
  /** The unresolved orders' ids: the status bar counts those other than the sale in progress. */
  unresolvedIds: string[];
  /** A fresh install with no manager yet (auth.state.setup): the sign-in screen creates the first. */
  authSetup?: boolean;
  /** When the signed-in cashier's shift began (sign-in): 交班 reports from here. */
  shiftStartedAt?: string;
  /** The sign-in screen is up: at start and after 交班 where main has sign-in, or for a quick switch. */
  signInOpen: boolean;
  /** Whether the sign-in screen may be closed without signing in (a quick switch, not a start). */
  signInRequired: boolean;
  /** The manager's session of changes in Settings (renderer/src/manager.ts). */
  manager?: { via: 'auth' | 'pin'; pin?: string; until: number };
  /** A language the cashier picked that main has not confirmed yet (a late reply must not undo it). */
  pendingLang?: Lang;
  /** Set with lookupOrderId when the orders screen should open the refund form. */
  lookupMode?: 'refund';
  scanner?: DeviceStatus;
  printer?: DeviceStatus;
  /** The gateway after the last real exchange, and the head-office upload, where main reports them. */
  gateway?: GatewayStatus;
  sync?: SyncStatus;
  notice?: Notice;
  /**
   * Print jobs that did not print (retrying or failed), newest first, until they print. A job the
   * cashier retried stays here (queued / printing) until it is done.
   */
  printProblems: PrintJobView[];
  unresolvedCount: number;
  /** Set by a scan routed to order lookup: the orders screen opens it. */
  lookupOrderId?: string;
  lastScan?: ScanReceived;
  /** Bumped on every orders.changed event so open lists refresh. */
  ordersVersion: number;
  setScreen(screen: Screen): void;
  setCheckoutText(text: string): void;
  setDraft(screen: Screen, fen: number | undefined): void;
  openOrder(id: string, mode?: 'refund'): void;
  signedIn(operator: OperatorView, shiftStartedAt?: string): void;
  signedOut(): void;
  setLang(lang: Lang): void;
  setSale(sale: SaleState): void;
  setSettings(settings: PublicSettings): void;
  setOperator(operator: OperatorView): void;
  showNotice(level: Notice['level'], message: Bilingual): void;
  notePrintJob(job: PrintJobView): void;
  clearLookup(): void;
  refreshUnresolved(): Promise<void>;
}

const RESULT_PHASES = new Set(['paid', 'declined', 'voided', 'needs-attention']);

export const useCashier = create<CashierState>()((set, get) => ({
  ready: false,
  screen: 'checkout',
  lang: 'zh-CN',
  unresolvedCount: 0,
  unresolvedIds: [],
  operators: [],
  ordersVersion: 0,
  printProblems: [],
  checkoutText: '',
  drafts: {},
  signInOpen: false,
  signInRequired: false,
  setScreen(screen) {
    set({ screen });
    sendContext();
  },
  setCheckoutText(text) {
    set({ checkoutText: text });
  },
  setDraft(screen, fen) {
    if (get().drafts[screen] === fen) return;
    set((st) => ({ drafts: { ...st.drafts, [screen]: fen } }));
    if (get().screen === screen) sendContext();
  },
  signedIn(operator, shiftStartedAt) {
    set({
      operator,
      shiftStartedAt: shiftStartedAt ?? new Date().toISOString(),
      signInOpen: false,
      signInRequired: false,
      lastPaidId: undefined,
    });
    void loadOperatorState();
  },
  signedOut() {
    set({
      operator: undefined,
      shiftStartedAt: undefined,
      signInOpen: true,
      signInRequired: true,
      screen: 'checkout',
    });
  },
  openOrder(id, mode) {
    set({ lookupOrderId: id, lookupMode: mode });
    get().setScreen('orders');
  },
  setLang(lang) {
    setLanguage(lang);
    set({ lang });
  },
  setSale(sale) {
    const before = get().sale;
    const sameOrder = before?.merchantOrderId === sale.merchantOrderId;
    const progress = sale.progress ?? (sameOrder && sale.phase === 'in-flight' ? get().progress : undefined);
    const phaseChanged = !(sameOrder && before?.phase === sale.phase);
    const keepTiming = sameOrder && sale.phase === 'in-flight';
    set((st) => ({
      sale,
      progress,
      ...(keepTiming ? {} : { passwordAt: undefined, payStartedAt: undefined }),
      // A scan note belongs to the sale it was made in.
      ...(phaseChanged ? { lastScan: undefined, notice: st.notice?.transient ? undefined : st.notice } : {}),
      ...(sale.phase === 'paid' && sale.merchantOrderId ? { lastPaidId: sale.merchantOrderId } : {}),
      unresolvedCount: countUnresolved(st.unresolvedIds, sale),
    }));
    // The status bar counts every unresolved order (orders.unresolved), parked ones included;
    // sale.unresolvedCount counts only those that block a new sale.
    if (phaseChanged) void get().refreshUnresolved();
    // A host POS's payment is waited on at the checkout: the cashier must see its amount and reference
    // wherever they were (only once per host transaction, so they may look elsewhere afterwards).
    const hostSale = sale.ecr && (sale.phase === 'awaiting-code' || sale.phase === 'in-flight');
    if (hostSale && before?.ecr?.ecrId !== sale.ecr?.ecrId && get().screen !== 'checkout') {
      get().setScreen('checkout');
    }
    if (RESULT_PHASES.has(sale.phase) && phaseChanged) {
      announce(sale.phase, sale.paidFen ?? sale.amountFen, get().settings, get().lang);
    }
  },
  setSettings(settings) {
    const pending = get().pendingLang;
    if (pending && settings.language !== pending) {
      // An answer from before the cashier's switch: keep the switch.
      set({ settings: { ...settings, language: pending } });
      return;
    }
    set({ settings, pendingLang: undefined });
    get().setLang(settings.language);
  },
  setOperator(operator) {
    set({ operator });
  },
  showNotice(level, message) {
    set({ notice: { level, message, at: new Date().toISOString() } });
  },
  notePrintJob(job) {
    set((st) => {
      const others = st.printProblems.filter((j) => j.jobId !== job.jobId);
      const known = others.length !== st.printProblems.length;
      if (job.state === 'retrying' || job.state === 'failed') return { printProblems: [job, ...others] };
      if (job.state === 'done' || !known) return { printProblems: others };
      // queued / printing again after a reprint: keep it on show, in place, until it is done.
      return { printProblems: st.printProblems.map((j) => (j.jobId === job.jobId ? job : j)) };
    });
  },
  clearLookup() {
    set({ lookupOrderId: undefined });
  },
  async refreshUnresolved() {
    const r = await cashier.orders.unresolved({});
    if (!r.ok) return;
    const ids = r.data.map((o) => o.merchantOrderId);
    set((st) => ({ unresolvedIds: ids, unresolvedCount: countUnresolved(ids, st.sale) }));
  },
}));

/** Unresolved orders, not counting the sale being charged right now (that one is not a problem yet). */
function countUnresolved(ids: string[], sale: SaleState | undefined): number {
  const current = sale?.phase === 'in-flight' ? sale.merchantOrderId : undefined;
  return ids.filter((id) => id !== current).length;
}

function sendContext(): void {
  const { screen, drafts } = useCashier.getState();
  const draftAmountFen = drafts[screen];
  void cashier.scan.setContext(draftAmountFen === undefined ? { screen } : { screen, draftAmountFen });
}

/** The last paid sale: the one this window saw, else today's newest paid order. */
export async function findLastPaid(): Promise<string | undefined> {
  const known = useCashier.getState().lastPaidId;
  if (known) return known;
  const r = await cashier.orders.list({ day: chinaToday(), limit: 500 });
  if (!r.ok) return undefined;
  const paid = r.data
    .filter((o) => o.kind === 'sale' && (o.status === 'paid' || o.status === 'partially-refunded'))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return paid?.merchantOrderId;
}

export async function loadOperators(): Promise<void> {
  const r = await cashier.operators.list({});
  if (r.ok) useCashier.setState({ operators: r.data });
}

/** What only a signed-in operator may read: the sale, devices, print problems, unresolved orders. */
export async function loadOperatorState(): Promise<void> {
  const store = useCashier;
  const [sale, operator, scanner, printer, jobs] = await Promise.all([
    cashier.sale.current({}),
    cashier.operators.current({}),
    cashier.scanners.status({}),
    cashier.printers.status({}),
    cashier.printers.jobs({}),
  ]);
  if (jobs.ok) {
    // Oldest first, so the newest ends up first in the list.
    for (const job of [...jobs.data].reverse()) {
      if (job.state === 'retrying' || job.state === 'failed') store.getState().notePrintJob(job);
    }
  }
  if (sale.ok) store.setState({ sale: sale.data, progress: sale.data.progress });
  if (operator.ok) store.setState({ operator: operator.data });
  if (scanner.ok) store.setState({ scanner: scanner.data });
  if (printer.ok) store.setState({ printer: printer.data });
  await store.getState().refreshUnresolved();
  void loadOperators();
  // The gateway and head-office lights (operator calls): their events keep them current from here.
  void optional
    .gatewayStatus()?.({})
    .then((r) => r.ok && store.setState({ gateway: r.data }));
  void optional
    .syncStatus()?.({})
    .then((r) => r.ok && store.setState({ sync: r.data }));
}

let started = false;

/** Load what main knows and subscribe to its events. Called once at start-up. */
export async function startStore(): Promise<void> {
  if (started) return;
  started = true;
  const store = useCashier;
  cashier.on('app.notice', (n) => store.setState({ notice: n }));
  cashier.on('sale.state', (s) => store.getState().setSale(s));
  cashier.on('txn.progress', (p) => {
    if (p.operation === 'preauth') {
      const run = store.getState().preauthRun;
      if (run && !run.done && (!run.id || run.id === p.merchantOrderId)) {
        const done = p.step === 'resolved';
        store.setState({ preauthRun: { ...run, id: p.merchantOrderId, step: p.step, done } });
        if (done) store.setState((st) => ({ ordersVersion: st.ordersVersion + 1 }));
      }
      return;
    }
    if (p.operation !== 'pay' && p.operation !== 'recovery') return;
    const st = store.getState();
    const sale = st.sale;
    if (sale?.merchantOrderId && sale.merchantOrderId !== p.merchantOrderId) return;
    const at = Date.parse(p.at) || Date.now();
    store.setState({
      progress: p,
      payStartedAt: st.payStartedAt ?? at,
      ...(p.step === 'waiting-password' && st.passwordAt === undefined ? { passwordAt: at } : {}),
    });
  });
  cashier.on('scan.received', (scan) => {
    store.setState({ lastScan: scan });
    if (scan.routedTo === 'order-lookup' && scan.orderId) {
      store.getState().openOrder(scan.orderId);
    } else if (scan.routedTo === 'preauth' && scan.amountFen !== undefined) {
      store.setState((st) => ({
        preauthRun: { amountFen: scan.amountFen ?? 0, done: false },
        drafts: { ...st.drafts, preauth: undefined },
      }));
    } else if (scan.routedTo === 'dropped' && scan.reason) {
      store.setState({
        notice: { level: 'warning', message: scan.reason, at: new Date().toISOString(), transient: true },
      });
    }
  });
  cashier.on('device.status', (d) => store.setState(d.kind === 'scanner' ? { scanner: d } : { printer: d }));
  cashier.on('settings.changed', (s) => store.getState().setSettings(s));
  cashier.on('print.job', (job) => store.getState().notePrintJob(job));
  cashier.on('orders.changed', () => {
    store.setState((st) => ({ ordersVersion: st.ordersVersion + 1 }));
    void store.getState().refreshUnresolved();
  });

  void loadOperators();
  onOptional<GatewayStatus>('gateway.status', (g) => store.setState({ gateway: g }));
  onOptional<SyncStatus>('sync.status', (x) => store.setState({ sync: x }));

  const [info, settings] = await Promise.all([cashier.app.info({}), cashier.settings.get({})]);
  if (info.ok) store.setState({ info: info.data });
  if (settings.ok) {
    store.getState().setSettings(settings.data);
    // Notices raised while main started (damaged file, no keyring, demo PINs) came before any
    // window listened: the worst of them goes to the status bar unless something newer is there.
    const worst = worstNotice(settings.data.notices);
    if (worst && !store.getState().notice) store.setState({ notice: worst });
  }
  // Where main has sign-in (auth.state), the app starts signed out: the sign-in screen comes first,
  // and what only a signed-in operator may read is loaded once someone is.
  const authState = optional.authState();
  let signedIn = true;
  if (authState) {
    const a = await authState({});
    if (a.ok) {
      store.setState({ operators: a.data.operators, authSetup: a.data.setup });
      signedIn = a.data.signedIn && Boolean(a.data.operator);
      if (signedIn && a.data.operator) store.setState({ operator: a.data.operator });
      else store.setState({ operator: undefined, signInOpen: true, signInRequired: true });
    }
    onOptional<AuthState>('auth.changed', (x) => {
      store.setState({ operators: x.operators, authSetup: x.setup });
      if (!x.signedIn) {
        if (store.getState().operator) store.getState().signedOut();
      } else if (x.operator) store.setState({ operator: x.operator });
    });
    watchAuth();
  }
  if (signedIn) await loadOperatorState();

  sendContext();
  store.setState({ ready: true });
}

const LEVELS = { info: 0, warning: 1, error: 2 } as const;

/** The most serious of the settings notices (the first of equals), as a status bar notice. */
export function worstNotice(notices: SettingsNotice[] | undefined): Notice | undefined {
  let worst: SettingsNotice | undefined;
  for (const n of notices ?? []) if (!worst || LEVELS[n.level] > LEVELS[worst.level]) worst = n;
  return worst && { level: worst.level, message: worst.message, at: worst.at };
}

/** Today as a China-time business day, YYYY-MM-DD. */
export function chinaToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** An ISO instant as China-time HH:mm:ss (or with the date when `withDate`). */
export function chinaTime(iso: string, withDate = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(d);
}

/**
 * What became of print jobs just sent: printed, or the printer's reason for not printing. "Sent" is
 * never reported as "printed": a job counts only when the printer took it (print.job 'done').
 */
export function watchPrintJobs(
  jobIds: string[],
  timeoutMs = 15_000,
): Promise<{ level: Notice['level']; message: Bilingual }> {
  if (jobIds.length === 0) {
    return Promise.resolve({
      level: 'warning',
      message: { zh: '未配置打印机，没有打印', en: 'No printer is set up: nothing printed' },
    });
  }
  return new Promise((resolve) => {
    const pending = new Set(jobIds);
    let off: () => void = () => {};
    const finish = (r: { level: Notice['level']; message: Bilingual }) => {
      clearTimeout(timer);
      off();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        finish({
          level: 'warning',
          message: { zh: '已发送，打印机尚未确认', en: 'Sent: the printer has not confirmed yet' },
        }),
      timeoutMs,
    );
    const onJob = (job: PrintJobView) => {
      if (!pending.has(job.jobId)) return;
      if (job.state === 'failed' || job.state === 'retrying') {
        const why = job.message ?? { zh: '打印机无响应', en: 'The printer did not answer' };
        finish({
          level: 'error',
          message: { zh: `未打印：${why.zh}`, en: `Not printed: ${why.en}` },
        });
      } else if (job.state === 'done') {
        pending.delete(job.jobId);
        if (pending.size === 0) finish({ level: 'info', message: { zh: '已打印', en: 'Printed' } });
      }
    };
    off = cashier.on('print.job', onJob);
    // Events sent before this listener existed: the jobs' states as main has them now.
    void cashier.printers.jobs({}).then((r) => {
      if (r.ok) for (const job of r.data) onJob(job);
    });
  });
}
