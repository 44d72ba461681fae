/**
 * The Electron entry. Everything Electron-specific lives in this folder and stays thin: a secure
 * window, the ipcMain transport for the shared Router, and OS integrations. All business logic is in
 * plain Node modules that the tests run without Electron.
 *
 * Hardening (see docs/security.md): sandboxed, context-isolated renderer with no Node; IPC only from
 * our own top-level page; every permission and device request denied; no navigation, no new windows,
 * no webviews, no network from the renderer; devtools only in unpackaged (development) runs;
 * Electron fuses set at packaging time (electron-builder.yml).
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, powerSaveBlocker, session, type WebContents } from 'electron';
import ElectronStore from 'electron-store';
import { resolveDataDir, startAppServices } from '../app/services.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../ipc/contract.js';
import { createLogger } from '../log/logger.js';
import type { StoreClass } from '../settings/conf-file.js';
import { BLOCKED_RENDERER_URLS, isTrustedSender, mayNavigate, rendererUrlFor } from './policy.js';
import { createElectronSecretBox } from './secret-box.js';
import { applyStartAtLogin, keepAwake, loadStationConfig, recordCrash } from './station.js';
import { createElectronSystemPrinter } from './system-printer.js';
import { startUpdates } from './updates.js';

declare const __APP_VERSION__: string;

const log = createLogger('electron');
const distDir = path.resolve(__dirname, '..');
const rendererIndex = path.join(distDir, 'renderer', 'index.html');
const rendererUrl = rendererUrlFor(rendererIndex);

// Every renderer sandboxed, whatever a window asks for. Must run before ready.
app.enableSandbox();

process.on('uncaughtException', (error) => {
  log.error('uncaught exception', { error });
  crashed('uncaught exception');
});
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason }));

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first for the scanner, the printer and the journal.
  app.quit();
} else {
  lockDownWebContents();
  start().catch((error: unknown) => {
    log.error('start failed', { error });
    app.exit(1);
  });
}

/** Applies to every webContents ever created (windows, hidden print windows, devtools): no escape. */
function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!mayNavigate(url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!mayNavigate(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Watchdog: start again after a crash (the journal's recovery resumes any open order), unless crash-looping. */
let watchdog = false;
let dataDirForCrashes: string | undefined;
function crashed(what: string): void {
  if (!watchdog || !dataDirForCrashes || !app.isPackaged) return;
  if (recordCrash(dataDirForCrashes)) {
    log.error('restarting after a crash', { what });
    app.relaunch();
    app.exit(1);
  } else {
    log.error('crashed again within minutes: not restarting', { what });
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = resolveDataDir(app.getPath('userData'));
  const { config: station, problem: stationProblem } = loadStationConfig(dataDir);
  if (stationProblem) log.warn('station.json ignored', { problem: stationProblem });
  watchdog = station.watchdog;
  dataDirForCrashes = dataDir;
  let kiosk = station.kiosk;
  // Only an installed app registers itself to start at login (a development run would register electron).
  if (app.isPackaged) {
    try {
      applyStartAtLogin(station.startAtLogin, { app, execPath: process.execPath });
    } catch (error) {
      log.warn('start at login not set', { error });
    }
  }
  const awake = keepAwake(powerSaveBlocker, station.openingHours);

  // Deny every permission (camera, notifications, HID/serial/USB from the web side, ...) by default.
  // Scanners and printers are opened by main (node-hid, serialport), never by the renderer.
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  // The renderer talks to main over IPC only: no network from the page at all. (Main's own HTTP
  // to the gateway uses Node, not this session.) file:// cannot carry a CSP header: the CSP is the
  // <meta> in renderer/index.html.
  ses.webRequest.onBeforeRequest({ urls: BLOCKED_RENDERER_URLS }, (details, callback) => {
    log.warn('blocked a renderer network request', { url: details.url.slice(0, 200) });
    callback({ cancel: true });
  });

  const services = await startAppServices({
    transport: 'electron',
    dataDir,
    version: __APP_VERSION__,
    secretBox: createElectronSecretBox(),
    // Settings, secrets and operators through electron-store (conf + Electron's paths).
    storeClass: ElectronStore as unknown as StoreClass,
    systemPrinter: createElectronSystemPrinter(),
    station: {
      state: () => ({ kiosk, startAtLogin: station.startAtLogin }),
      exitKiosk: () => {
        kiosk = false;
        if (!window.isDestroyed()) {
          window.setKiosk(false);
          window.setFullScreen(false);
        }
      },
    },
  });

  ipcMain.handle(IPC_CALL_CHANNEL, (event, channel: unknown, payload: unknown) => {
    // Only our own top-level page may call in.
    const frame = event.senderFrame;
    const trusted = isTrustedSender(
      frame ? { url: frame.url, isMainFrame: frame.parent === null } : null,
      rendererUrl,
    );
    if (!trusted) {
      log.warn('refused an IPC call from an untrusted frame', { url: frame?.url.slice(0, 200) });
      return { ok: false, error: { code: 'FORBIDDEN', message: { zh: '拒绝访问', en: 'Forbidden sender' } } };
    }
    return services.router.dispatch(channel, payload);
  });

  const window = createWindow(kiosk);
  services.events.subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());

  // Stop the services (journal flush, device close) before the process goes: quit waits for it, and
  // so does an update's installer (main/electron/updates.ts). Once only, whoever asks first.
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stopServices = () => {
    stopping ??= services
      .stop()
      .catch((error: unknown) => log.error('stop failed', { error }))
      .finally(() => {
        stopped = true;
        awake.stop();
      });
    return stopping;
  };
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void stopServices().then(() => app.quit());
  });

  // Updates: background download; install only through the gate (start before the first sale, after 日结).
  if (app.isPackaged) startUpdates({ dataDir, facts: services.updateFacts, stopServices });
}

function createWindow(kiosk: boolean): BrowserWindow {
  const window = new BrowserWindow({
    // Kiosk: full screen, no way out but a manager's PIN (station.exitKiosk).
    kiosk,
    fullscreen: kiosk,
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    title: 'Counter Cashier 收银台',
    backgroundColor: '#0f172a',
    show: false,
    webPreferences: {
      preload: path.join(distDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // No middle-click "open in new window" (denied anyway by the window-open handler).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.setMenuBarVisibility(false);
  // A crashed page is reloaded (the sale state lives in main), a few times at most.
  let reloads = 0;
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode, reloads });
    if (details.reason !== 'clean-exit' && reloads < 5 && !window.isDestroyed()) {
      reloads += 1;
      void window.loadFile(rendererIndex);
    } else if (details.reason !== 'clean-exit') {
      crashed(`renderer ${details.reason}`);
    }
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}
