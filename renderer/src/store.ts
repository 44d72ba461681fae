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
import { beepFor } from './beep';
import { cashier } from './cashier';
import { type Lang, setLanguage } from './i18n';

export type Screen = 'checkout' | 'orders' | 'preauth' | 'settlement' | 'settings';
export const SCREENS: Screen[] = ['checkout', 'orders', 'preauth', 'settlement', 'settings'];

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: Bilingual;
  at: string;
}

export interface CashierState {
  ready: boolean;
  screen: Screen;
  lang: Lang;
  info?: AppInfo;
  settings?: PublicSettings;
  operator?: OperatorView;
  sale?: SaleState;
  /** The latest progress of the current sale's transaction. */
  progress?: TxnProgress;
  scanner?: DeviceStatus;
  printer?: DeviceStatus;
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
  ordersVersion: 0,
  printProblems: [],
  setScreen(screen) {
    set({ screen });
    void cashier.scan.setContext({ screen });
  },
  setLang(lang) {
    setLanguage(lang);
    set({ lang });
  },
  setSale(sale) {
    const before = get().sale;
    const sameOrder = before?.merchantOrderId === sale.merchantOrderId;
    const progress = sale.progress ?? (sameOrder && sale.phase === 'in-flight' ? get().progress : undefined);
    set({ sale, progress });
    const phaseChanged = !(sameOrder && before?.phase === sale.phase);
    // The status bar counts every unresolved order (orders.unresolved), parked ones included;
    // sale.unresolvedCount counts only those that block a new sale.
    if (phaseChanged) void get().refreshUnresolved();
    if (RESULT_PHASES.has(sale.phase) && phaseChanged) beepFor(sale.phase);
  },
  setSettings(settings) {
    set({ settings });
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
    if (r.ok) set({ unresolvedCount: r.data.length });
  },
}));

let started = false;

/** Load what main knows and subscribe to its events. Called once at start-up. */
export async function startStore(): Promise<void> {
  if (started) return;
  started = true;
  const store = useCashier;
  cashier.on('app.notice', (n) => store.setState({ notice: n }));
  cashier.on('sale.state', (s) => store.getState().setSale(s));
  cashier.on('txn.progress', (p) => {
    const sale = store.getState().sale;
    if (!sale?.merchantOrderId || sale.merchantOrderId === p.merchantOrderId) store.setState({ progress: p });
  });
  cashier.on('scan.received', (scan) => {
    store.setState({ lastScan: scan });
    if (scan.routedTo === 'order-lookup' && scan.orderId) {
      store.setState({ lookupOrderId: scan.orderId });
      store.getState().setScreen('orders');
    } else if (scan.routedTo === 'dropped' && scan.reason) {
      store.getState().showNotice('warning', scan.reason);
    }
  });
  cashier.on('device.status', (d) => store.setState(d.kind === 'scanner' ? { scanner: d } : { printer: d }));
  cashier.on('settings.changed', (s) => store.getState().setSettings(s));
  cashier.on('print.job', (job) => store.getState().notePrintJob(job));
  cashier.on('orders.changed', () => {
    store.setState((st) => ({ ordersVersion: st.ordersVersion + 1 }));
    void store.getState().refreshUnresolved();
  });

  const [info, settings, sale, operator, scanner, printer, jobs] = await Promise.all([
    cashier.app.info({}),
    cashier.settings.get({}),
    cashier.sale.current({}),
    cashier.operators.current({}),
    cashier.scanners.status({}),
    cashier.printers.status({}),
    cashier.printers.jobs({}),
  ]);
  if (info.ok) store.setState({ info: info.data });
  if (settings.ok) {
    store.getState().setSettings(settings.data);
    // Notices raised while main started (damaged file, no keyring, demo PINs) came before any
    // window listened: the worst of them goes to the status bar unless something newer is there.
    const worst = worstNotice(settings.data.notices);
    if (worst && !store.getState().notice) store.setState({ notice: worst });
  }
  if (jobs.ok) {
    // Oldest first, so the newest ends up first in the list.
    for (const job of [...jobs.data].reverse()) {
      if (job.state === 'retrying' || job.state === 'failed') store.getState().notePrintJob(job);
    }
  }
  if (sale.ok)
    store.setState({
      sale: sale.data,
      progress: sale.data.progress,
    });
  if (operator.ok) store.setState({ operator: operator.data });
  if (scanner.ok) store.setState({ scanner: scanner.data });
  if (printer.ok) store.setState({ printer: printer.data });
  await store.getState().refreshUnresolved();
  void cashier.scan.setContext({ screen: store.getState().screen });
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
