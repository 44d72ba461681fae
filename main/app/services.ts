/**
 * The composition root: builds every main-process service once and mounts their IPC handlers on one
 * Router. Electron (main/electron/main.ts) and the browser harness (main/harness/cli.ts) both call
 * `startAppServices`, so the two transports run exactly the same code.
 */

import os from 'node:os';
import path from 'node:path';
import { checkPrinterConfig, checkScannerConfig, dropSavedNonDevices } from '../devices/paths.js';
import { createEcrLink } from '../ecr/link.js';
import { enginePort } from '../ecr/port.js';
import { Engine } from '../engine/engine.js';
import { engineHandlers } from '../engine/handlers.js';
import { createPreauthService } from '../engine/preauth.js';
import { forwardGatewayStatus, gatewayHandlers } from '../gateway/handlers.js';
import { createPosLinkClient, type PosLinkClient, resolveGatewayUrl } from '../gateway/index.js';
import { createGatewayMonitor } from '../gateway/status.js';
import type { StationState } from '../ipc/channels/station.js';
import { AppError } from '../ipc/errors.js';
import { EventHub, Router } from '../ipc/router.js';
import { Journal } from '../journal/journal.js';
import { healthNotice, journalStartNotices } from '../journal/startup.js';
import { collectDiagnostics } from '../log/diagnostics.js';
import { createRotatingFileSink } from '../log/file-sink.js';
import { createLogger, setLogSink } from '../log/logger.js';
import { createPrintingService } from '../printing/service.js';
import { platformSpooler, type RawSpooler } from '../printing/spooler/index.js';
import type { SystemPrinter } from '../printing/transports.js';
import { reportsHandlers } from '../reports/handlers.js';
import { settlementReport, shiftReport } from '../reports/journal-source.js';
import { createScannerService } from '../scanners/service.js';
import type { ScanSource } from '../scanners/types.js';
import { createPinAttempts } from '../settings/attempts.js';
import { auditedGate, readAudit } from '../settings/audit.js';
import { authHandlers } from '../settings/auth-handlers.js';
import type { StoreClass } from '../settings/conf-file.js';
import { DataFolderError, prepareDataFolder, restrictNewFiles } from '../settings/data-folder.js';
import { DEMO_YIMA_KEY } from '../settings/defaults.js';
import { diagnosticsDocuments, settingsHandlers } from '../settings/handlers.js';
import { createNoticeBoard } from '../settings/notices.js';
import { createOperators } from '../settings/operators.js';
import {
  describeOverrides,
  maskUrlCredentials,
  type Overrides,
  resolveOverrides,
} from '../settings/overrides.js';
import { createRecoveryCodes } from '../settings/recovery.js';
import { createPlainSecretBox, type SecretBox } from '../settings/secret-box.js';
import { createSession, type Session } from '../settings/session.js';
import { openShiftsIn } from '../settings/shifts.js';
import { createPersistentSettings } from '../settings/store.js';
import type { Simulator } from '../simulator/server.js';
import { createSyncService } from '../sync/service.js';
import { createUpdateFacts, type UpdateFacts } from '../updates/facts.js';
import { createYimaService, type YimaService } from '../yima/service.js';

export interface AppServicesOptions {
  transport: 'electron' | 'web';
  /** Journal, settings, logs. `CASHIER_DATA_DIR` overrides the platform default. */
  dataDir: string;
  version: string;
  /** Seals secrets at rest: Electron's safeStorage (main/electron/secret-box.ts); absent → unprotected. */
  secretBox?: SecretBox;
  /** The settings store class: electron-store in the Electron app; `conf` (its base) in Node. */
  storeClass?: StoreClass;
  /** The OS printers: Electron's silent print (main/electron/system-printer.ts); absent in the harness. */
  systemPrinter?: SystemPrinter;
  /**
   * Environment overrides in force (main/settings/overrides.ts). Electron passes what a packaged app
   * may honour; absent (harness, tests): the process environment, as a development run.
   */
  overrides?: Overrides;
  /** Raw ESC/POS to installed printers; default: CUPS, or the winspool helper on Windows. */
  spooler?: RawSpooler;
  /** The PC (Electron): kiosk mode, start at login, updates. Absent → station.* answer UNAVAILABLE. */
  station?: { state(): StationState; exitKiosk(): void };
}

export interface AppServices {
  readonly router: Router;
  readonly events: EventHub;
  readonly dataDir: string;
  /** What the update gate needs to know (main/updates/gate.ts). */
  readonly updateFacts: UpdateFacts;
  stop(): Promise<void>;
}

/** The data folder: `CASHIER_DATA_DIR` if set (portable installs, tests), else the caller's default. */
export function resolveDataDir(fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CASHIER_DATA_DIR?.trim();
  return path.resolve(override || fallback);
}

export function defaultDataDirForNode(): string {
  return path.join(os.homedir(), '.counter-cashier');
}

export async function startAppServices(options: AppServicesOptions): Promise<AppServices> {
  const overrides = options.overrides ?? resolveOverrides({ env: process.env, packaged: false });
  // Before anything opens a file: writable, 0700, files 0600 (or no start at all, and the shell says why).
  // New files are the user's alone, whatever mode an existing folder had (journal files 0600).
  restrictNewFiles();
  const folder = prepareDataFolder(options.dataDir);
  if (!folder.ok) throw new DataFolderError(folder.problem, folder.code);
  const router = new Router(createLogger('ipc'));
  const events = new EventHub();
  /** Stopped in reverse order of start. */
  const stops: Array<() => Promise<void> | void> = [];

  // ── settings, secrets, operators (issue 9) ─────────────────────────────────────────────
  // Log to rotating files under dataDir/logs from here on (put back on stop).
  const logSink = createRotatingFileSink({ dir: path.join(options.dataDir, 'logs'), echo: true });
  const previousLogSink = setLogSink(logSink);
  stops.push(() => void setLogSink(previousLogSink));
  const settingsNotices = createNoticeBoard();
  settingsNotices.onAdd((n) => events.emit('app.notice', { level: n.level, message: n.message, at: n.at }));
  const inForce = describeOverrides(overrides);
  // An installed app says so on screen; development runs, the harness and tests list them in app.info only.
  if (inForce.length > 0 && overrides.allowedBy !== 'development') {
    const list = inForce.map((o) => `${o.name}=${o.value}`).join(', ');
    settingsNotices.add('overrides', 'warning', {
      zh: `环境变量覆盖生效中：${list}`,
      en: `Environment overrides in force: ${list}`,
    });
  }
  if (overrides.ignored.length > 0) {
    createLogger('app').warn('environment overrides ignored (not allowed in this build)', {
      names: overrides.ignored,
    });
  }
  const settings = createPersistentSettings({
    dataDir: options.dataDir,
    secretBox: options.secretBox ?? createPlainSecretBox(),
    notices: settingsNotices,
    storeClass: options.storeClass,
  });
  // The journal opens first: whether it holds history decides whether a first manager may be created
  // without a PIN (fresh install only) and whether the demo operators may be seeded.
  // Every record names an operator; before anyone signs in, such records say 'system'.
  let session: Session | undefined;
  const journal = Journal.open({
    dataDir: options.dataDir,
    operatorId: () => session?.currentId() ?? 'system',
  });
  stops.push(() => journal.close());
  const hasHistory = () => journal.nextSeq > 1;
  const operatorStore = createOperators({
    dataDir: options.dataDir,
    seedDemo: settings.get().environment === 'demo' && !hasHistory(),
    notices: settingsNotices,
    storeClass: options.storeClass,
  });
  await operatorStore.ready;
  session = createSession({
    operators: operatorStore,
    attempts: createPinAttempts({ dataDir: options.dataDir }),
    journal: {
      append: (t, k, d, o) => journal.append(t, k, d, o),
      hasHistory,
      openShifts: () => openShiftsIn(journal.store),
    },
    recovery: createRecoveryCodes(options.dataDir),
    emit: (state) => events.emit('auth.changed', state),
    notice: (message) =>
      events.emit('app.notice', { level: 'warning', message, at: new Date().toISOString() }),
  });
  router.setGate(
    auditedGate(session.gate, {
      settings,
      operators: operatorStore,
      session,
      journal: { append: (t, k, d, o) => journal.append(t, k, d, o) },
    }),
  );
  const operators = session.operatorService;
  router.mount(authHandlers(session, (limit) => readAudit(journal, limit)));
  stops.push(settings.onChange(() => events.emit('settings.changed', settings.publicView())));
  router.mount(
    settingsHandlers({
      settings,
      operators,
      collectDiagnostics: () =>
        collectDiagnostics({
          dataDir: options.dataDir,
          logFiles: logSink.files(),
          documents: diagnosticsDocuments(settings, operators),
          files: { 'ecr/display-capture.hex': ecr.supportCapture() },
          version: options.version,
          transport: options.transport,
        }),
    }),
  );

  // ── gateway: embedded simulator in demo mode + ChinaUMS client (issue 3) ──────────────
  // Demo (and no CASHIER_GATEWAY_URL override): the POS通 simulator on 127.0.0.1, a free port, demo
  // credentials, scripted behaviours on (docs/simulator.md). `simulator` is undefined otherwise.
  // The client reads URL, AppId, AppKey, codes and auth mode from settings on every call.
  const simulator: Simulator | undefined =
    settings.get().environment === 'demo' && !overrides.active.CASHIER_GATEWAY_URL
      ? // Loaded only in demo mode: a live counter never carries the simulator's code in memory.
        await (await import('../simulator/server.js')).startSimulator() // DEMO_CREDENTIALS by default
      : undefined;
  if (simulator) stops.push(() => simulator.close());
  // Gateway status comes from every real exchange (gateway.status, status bar), and 测试连接.
  const gatewayMonitor = createGatewayMonitor();
  stops.push(forwardGatewayStatus(gatewayMonitor, events));
  const gateway: PosLinkClient = createPosLinkClient({
    baseUrl: () =>
      resolveGatewayUrl(settings.get(), simulator?.url, {
        CASHIER_GATEWAY_URL: overrides.active.CASHIER_GATEWAY_URL,
      }),
    appId: () => settings.get().appId,
    appKey: () => settings.secret('chinaumsAppKey'),
    merchantCode: () => settings.get().merchantCode,
    terminalCode: () => settings.get().terminalCode,
    authMode: () => settings.get().authMode,
    onExchange: (exchange) => gatewayMonitor.record(exchange),
  });
  stops.push(() => gateway.close());
  router.mount(gatewayHandlers(gatewayMonitor, gateway));

  // ── journal + transaction engine (issue 4) ─────────────────────────────────────────────
  // The receipt journal in dataDir/journal (docs/journal.md) and the engine (main/engine/index.ts).
  // Receipts print through `printing` (built below; called only after an outcome is journaled).
  // Recovery of unresolved orders starts in the background: it must not hold up the window.
  // What the start-up check found (tampering, damage, torn lines, a folder that cannot be written) stays
  // on the notice board, which the window reads at start; health changes go out as 'journal.health'.
  const journalStore = journal.store;
  for (const n of journalStartNotices(
    journalStore.openReport as NonNullable<typeof journalStore.openReport>,
    journalStore.health(),
    journalStore.dir,
  ))
    settingsNotices.add(n.code, n.level, n.message);
  stops.push(
    journalStore.onHealth((health) => {
      events.emit('journal.health', health);
      const notice = healthNotice(health);
      if (notice) settingsNotices.add(notice.code, notice.level, notice.message);
      else {
        settingsNotices.clear('journal-unwritable');
        events.emit('app.notice', {
          level: 'info',
          message: {
            zh: '收银记录可以写入了，可以继续收款。',
            en: 'The receipt journal can be written again: payments resume.',
          },
          at: new Date().toISOString(),
        });
      }
    }),
  );
  router.mount({ 'journal.health': () => journalStore.health() });
  const engine = new Engine({
    journal,
    gateway,
    settings,
    operators,
    events,
    printer: {
      printOrder: (id, opts) => printing.printOrder(id, opts),
      printReport: (report) => printing.printReport(report),
    },
  });
  const preauth = createPreauthService({
    engine,
    gateway,
    settings,
    operators,
    events,
    dataDir: options.dataDir,
  });
  router.mount(engineHandlers(engine, { preauth }));
  router.mount(reportsHandlers({ store: journal.store, today: () => journal.today() }));
  // One recovery loop for every kind (sales, pre-auths, Yima refunds): started once Yima has registered.
  stops.push(() => engine.stop());

  // ── 总部同步: the journal uploads to head office in the background (main/sync, docs/hq.md) ─────
  const sync = createSyncService({ store: journal.store, settings, events });
  router.mount(sync.handlers());
  stops.push(() => sync.stop());

  // ── ECR link: host POS → this counter (docs/ecr.md) ─────────────────────────────────────
  // The API listens only once a manager turned it on (Settings → ECR). A scan with no sale waiting
  // takes an open customer-display proposal (the cashier's confirmation), then pays it.
  const ecr = createEcrLink({
    port: enginePort(engine, journal, events, () => session?.currentId() !== undefined),
    settings,
    operators,
    events,
    dataDir: options.dataDir,
    secretBox: options.secretBox ?? createPlainSecretBox(),
    version: options.version,
    requireManager: async (pin) => session?.callManager() ?? (session as Session).requireManager(pin),
  });
  router.mount(ecr.handlers());
  await ecr.start();
  stops.push(() => ecr.stop());
  // An amount the cashier typed wins over a display proposal (the router begins it first).
  const saleWithProposals = {
    ...engine.sale,
    awaitingCode: () =>
      engine.sale.awaitingCode() || (ecr.openProposal() !== undefined && scanners.router.draft === undefined),
    acceptCode: (code: string, source: ScanSource, deviceId: string) => {
      const proposal = engine.sale.awaitingCode() ? undefined : ecr.openProposal();
      if (proposal) ecr.confirmProposal(proposal.id);
      return engine.sale.acceptCode(code, source, deviceId);
    },
  };

  // ── scanners (issue 5) ─────────────────────────────────────────────────────────────────
  // HID / serial driver from settings.scanner (or none: keyboard wedge in the renderer), the scan router,
  // scanners.* and scan.* handlers. A scan reaches the sale waiting for a code (engine.sale) or, on the
  // orders screen, opens the order its receipt QR names (engine.findOrder).
  const deviceCheck = { dataDir: options.dataDir };
  await dropSavedNonDevices(settings, deviceCheck, (message) =>
    settingsNotices.add('device-refused', 'warning', message),
  );
  const scanners = createScannerService({
    settings,
    checkScanner: (config, lists) => checkScannerConfig(config, { ...deviceCheck, lists }),
    events,
    sale: saleWithProposals,
    preauth,
    orders: { findOrder: (id: string) => engine.findOrder(id) },
  });
  router.mount(scanners.handlers());
  await scanners.start().catch((error: unknown) => {
    createLogger('scanners').error('scanner start failed', {
      error: error instanceof Error ? error.message : String(error),
    });
  });
  stops.push(() => scanners.stop());

  // ── printing (issue 6) ─────────────────────────────────────────────────────────────────
  // Slips read their data from the journal (orders, pre-auths, reports) and the Yima service, which is
  // built below (it prints through `printing`): until then no Yima slip can be found.
  let yima: YimaService | undefined;
  const printing = createPrintingService({
    settings,
    checkPrinter: (printer, lists) => checkPrinterConfig(printer, { ...deviceCheck, lists }),
    events,
    getOrder: (id) => {
      const order = journal.findOrder(id);
      return order ? journal.detail(order) : undefined;
    },
    getPreauth: (id) => journal.preauth(id),
    getYimaRefund: (posSeq) => yima?.get(posSeq),
    getReport: async ({ kind, day, operatorId }) =>
      kind === 'settlement'
        ? settlementReport(journal.store, day)
        : shiftReport(journal.store, operatorId ? { operatorId } : {}, journal.today()),
    operatorName: (id) => operators.list().find((o) => o.id === id)?.name,
    systemPrinter: options.systemPrinter,
    spooler: options.spooler ?? platformSpooler(),
  });
  router.mount(printing.handlers());
  stops.push(() => printing.stop());

  // ── Yima refunds (issue 8) ─────────────────────────────────────────────────────────────
  // Demo mode: the Yima simulator mounted on the gateway simulator (or on its own loopback server).
  const yimaDemo =
    settings.get().environment === 'demo'
      ? await (await import('../yima/demo.js')).startYimaDemo(DEMO_YIMA_KEY, simulator)
      : undefined;
  if (yimaDemo) stops.push(() => yimaDemo.stop());
  yima = createYimaService({
    settings,
    operators,
    // The engine's order book: intent / replies / final under the pos_seq in the receipt journal.
    book: engine.book,
    // The slip of a refunded refund (printing finds it through yima.get); a print failure never changes it.
    printer: { printYimaRefund: (view) => printing.printOrder(view.posSeq) },
    url: () => (yimaDemo && settings.get().environment === 'demo' ? yimaDemo.url : settings.get().yima.url),
  });
  router.mount(yima.handlers());
  stops.push(() => yima.stop());
  void engine.start().catch((error: unknown) => createLogger('engine').error('recovery failed', { error }));

  // ── app-level calls ────────────────────────────────────────────────────────────────────
  router.mount({
    'app.info': () => {
      const current = settings.get();
      return {
        name: 'Counter Cashier',
        version: options.version,
        transport: options.transport,
        environment: current.environment,
        // Shown in the status bar: where charges go. The demo simulator is named as such.
        gatewayUrl:
          simulator && gateway.baseUrl() === simulator.url
            ? 'embedded simulator'
            : maskUrlCredentials(gateway.baseUrl()) || '—',
        dataDir: options.dataDir,
        secretsProtected: settings.publicView().secretsProtection === 'os-keyring',
        terminalCode: current.terminalCode,
        merchantCode: current.merchantCode,
        shopName: current.shopName,
        overrides: describeOverrides(overrides),
      };
    },
    'app.ping': ({ echo }) => {
      const at = new Date().toISOString();
      // The ping also proves the event path: the UI sees the notice arrive.
      events.emit('app.notice', {
        level: 'info',
        message: { zh: `连接正常：${echo}`, en: `Connected: ${echo}` },
        at,
      });
      return { echo, at };
    },
  });
  // ── the counter PC (kiosk exit needs a manager) ─────────────────────────────────────────
  const noStation = () =>
    new AppError('UNAVAILABLE', { zh: '仅桌面应用支持', en: 'Only in the desktop app' });
  router.mount({
    'station.state': () => {
      if (!options.station) throw noStation();
      return options.station.state();
    },
    'station.exitKiosk': async ({ pin }) => {
      if (!options.station) throw noStation();
      await operators.requireManager(pin);
      options.station.exitKiosk();
      return options.station.state();
    },
  });

  // ── update gate facts ──────────────────────────────────────────────────────────────────
  const updateFacts = createUpdateFacts({
    events,
    salePhase: () => engine.sale.current().phase,
    unresolvedOrders: () => journal.unresolved().length,
    printJobs: () => printing.jobs(),
    syncState: () => sync.status().state,
  });

  return {
    router,
    events,
    dataDir: options.dataDir,
    updateFacts,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
