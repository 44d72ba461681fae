/**
 * The Electron entry. Everything Electron-specific lives in this folder and stays thin: a secure
 * window, the ipcMain transport for the shared Router, and OS integrations. All business logic is in
 * plain Node modules that the tests run without Electron.
 *
 * Hardening (see docs/security.md): sandboxed, context-isolated renderer with no Node; IPC only from
 * our own top-level page; every permission and device request denied; no navigation, no new windows,
 * no webviews, no network from the renderer; devtools only in unpackaged (development) runs;
 * Electron fuses set at packaging time (electron-builder.yml). The page is served from app://cashier
 * with the CSP as a header (app-protocol.ts); there is no application menu. Environment overrides
 * only where IT allows them (main/settings/overrides.ts); a crash flushes the journal, shows a
 * bilingual screen and restarts (fail-safe.ts); a data folder that cannot be written is shown, and
 * nothing starts.
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  session,
  type WebContents,
} from 'electron';
import ElectronStore from 'electron-store';
import { type AppServices, startAppServices } from '../app/services.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../ipc/contract.js';
import { createLogger } from '../log/logger.js';
import type { StoreClass } from '../settings/conf-file.js';
import { DataFolderError } from '../settings/data-folder.js';
import { dataDirFrom, resolveOverrides } from '../settings/overrides.js';
import { APP_SCHEME, createAppProtocolHandler } from './app-protocol.js';
import { createCrashHandler, dataFolderScreen } from './fail-safe.js';
import { mayClose } from './kiosk.js';
import {
  APPLICATION_MENU,
  BLOCKED_RENDERER_URLS,
  isTrustedSender,
  mayNavigate,
  TRUSTED_RENDERER_URL,
} from './policy.js';
import { createElectronSecretBox } from './secret-box.js';
import { applyStartAtLogin, keepAwake, loadStationConfig } from './station.js';
import { createElectronSystemPrinter } from './system-printer.js';
import { startUpdates } from './updates.js';

declare const __APP_VERSION__: string;

const log = createLogger('electron');
const distDir = path.resolve(__dirname, '..');
const rendererDir = path.join(distDir, 'renderer');
const rendererUrl = TRUSTED_RENDERER_URL;

// Files the app creates are the user's alone (journal 0600, folders 0700).
process.umask(0o077);

// Every renderer sandboxed, whatever a window asks for. Must run before ready.
app.enableSandbox();
// app://cashier serves the renderer (with a CSP header) instead of file://. Must run before ready.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
  },
]);

let services: AppServices | undefined;
let mainWindow: BrowserWindow | undefined;
const showScreen = (html: string) => {
  const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : createBareWindow();
  void window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
  window.show();
};
const onCrash = createCrashHandler({
  flush: async () => {
    await services?.stop();
    services = undefined;
  },
  show: showScreen,
  relaunch: (args) => app.relaunch({ args: args.slice(1) }),
  exit: (code) => app.exit(code),
  argv: process.argv,
  log: (message, meta) => log.error(message, meta),
});
process.on('uncaughtException', (error) => void onCrash(error));
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

async function start(): Promise<void> {
  await app.whenReady();
  // Set from station.json once the data folder is known; cleared by station.exitKiosk.
  let kiosk = false;
  // In kiosk mode only these let the window close without the manager's PIN (main/electron/kiosk.ts).
  let systemEnding = false;
  let appLeaving = false;
  const closeAllowed = () => mayClose({ kiosk, systemEnding, appLeaving });
  let updates: ReturnType<typeof startUpdates> | undefined;

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
  // to the gateway uses Node, not this session.) The CSP comes as a header from app:// and as the
  // <meta> in renderer/index.html.
  ses.webRequest.onBeforeRequest({ urls: BLOCKED_RENDERER_URLS }, (details, callback) => {
    log.warn('blocked a renderer network request', { url: details.url.slice(0, 200) });
    callback({ cancel: true });
  });

  // No application menu: its shortcuts (reload, devtools, zoom, quit) are not for a till.
  Menu.setApplicationMenu(APPLICATION_MENU);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));

  const overrides = resolveOverrides({
    env: process.env,
    packaged: app.isPackaged,
    // An AppImage runs from a temporary mount: the allow file sits next to the .AppImage itself.
    exeDir: path.dirname(process.env.APPIMAGE || app.getPath('exe')),
  });
  try {
    services = await startAppServices({
      transport: 'electron',
      dataDir: dataDirFrom(overrides, app.getPath('userData')),
      version: __APP_VERSION__,
      secretBox: createElectronSecretBox(),
      // Settings, secrets and operators through electron-store (conf + Electron's paths).
      storeClass: ElectronStore as unknown as StoreClass,
      systemPrinter: createElectronSystemPrinter(),
      overrides,
      station: {
        state: () => {
          const update = updates?.state();
          return { kiosk, startAtLogin: station.startAtLogin, ...(update ? { update } : {}) };
        },
        exitKiosk: () => {
          kiosk = false;
          if (mainWindow && !mainWindow.isDestroyed()) {
            mainWindow.setKiosk(false);
            mainWindow.setFullScreen(false);
          }
        },
      },
    });
  } catch (error) {
    if (!(error instanceof DataFolderError)) throw error;
    // Which folder and why, and nothing else: no services, so no sale.
    log.error('data folder unusable', { code: error.code });
    showScreen(dataFolderScreen(error.problem));
    app.on('window-all-closed', () => app.quit());
    return;
  }
  const running = services;

  // The PC: station.json in the data folder (main/electron/station.ts).
  const { config: station, problem: stationProblem } = loadStationConfig(running.dataDir);
  if (stationProblem) log.warn('station.json ignored', { problem: stationProblem });
  // Only an installed app registers itself to start at login (a development run would register electron).
  if (app.isPackaged) {
    try {
      applyStartAtLogin(station.startAtLogin, { app, execPath: process.execPath });
    } catch (error) {
      log.warn('start at login not set', { error: String(error) });
    }
  }
  kiosk = station.kiosk;
  const awake = keepAwake(powerSaveBlocker, station.openingHours);

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
    return running.router.dispatch(channel, payload);
  });

  const window = createWindow(kiosk);
  mainWindow = window;
  const ending = () => {
    systemEnding = true;
  };
  powerMonitor.on('shutdown', ending); // Linux, macOS
  window.on('query-session-end', ending); // Windows
  window.on('session-end', ending);
  window.on('close', (event) => {
    if (closeAllowed()) return;
    event.preventDefault();
    log.info('window close refused in kiosk mode (a manager PIN leaves it)');
  });
  running.events.subscribe((name, payload) => {
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
    stopping ??= running
      .stop()
      .catch((error: unknown) => log.error('stop failed', { error }))
      .finally(() => {
        stopped = true;
        awake.stop();
      });
    return stopping;
  };
  app.on('before-quit', (event) => {
    // Refused before anything stops: the till stays as it was.
    if (!closeAllowed()) {
      event.preventDefault();
      log.info('quit refused in kiosk mode (a manager PIN leaves it)');
      return;
    }
    if (stopped) return;
    event.preventDefault();
    void stopServices().then(() => app.quit());
  });

  // Updates: background download; installed only through the gate (at start before the first sale,
  // or right after 日结), with the services stopped first.
  if (app.isPackaged) {
    updates = startUpdates({
      dataDir: running.dataDir,
      facts: running.updateFacts,
      // Called just before the installer runs: the app is leaving, kiosk or not.
      stopServices: () => {
        appLeaving = true;
        return stopServices();
      },
    });
  }
}

function createWindow(kiosk: boolean): BrowserWindow {
  const window = new BrowserWindow({
    // Kiosk (station.json): full screen with no way out but a manager's PIN (station.exitKiosk).
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
      void window.loadURL(rendererUrl);
    } else if (details.reason !== 'clean-exit') {
      // Still crashing after the reloads: the same flush-and-restart as a crash in main.
      void onCrash(new Error(`renderer gone: ${details.reason}`));
    }
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererUrl);
  return window;
}

/** A window for the fail-safe screens: no preload, nothing to call. */
function createBareWindow(): BrowserWindow {
  mainWindow = new BrowserWindow({
    width: 1024,
    height: 700,
    title: 'Counter Cashier 收银台',
    backgroundColor: '#0f172a',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false },
  });
  mainWindow.setMenuBarVisibility(false);
  return mainWindow;
}
