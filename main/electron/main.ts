/**
 * The Electron entry. Everything Electron-specific lives in this folder and stays thin: a secure
 * window, the ipcMain transport for the shared Router, and OS integrations. All business logic is in
 * plain Node modules that the tests run without Electron.
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { resolveDataDir, startAppServices } from '../app/services.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../ipc/contract.js';

declare const __APP_VERSION__: string;

const distDir = path.resolve(__dirname, '..');
const rendererIndex = path.join(distDir, 'renderer', 'index.html');
const rendererUrl = new URL(`file://${rendererIndex.replaceAll(path.sep, '/')}`).href;

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first for the scanner, the printer and the journal.
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  await app.whenReady();
  const services = await startAppServices({
    transport: 'electron',
    dataDir: resolveDataDir(app.getPath('userData')),
    version: __APP_VERSION__,
  });

  // Deny every permission (camera, notifications, HID/serial from the web side, ...) by default.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  ipcMain.handle(IPC_CALL_CHANNEL, (event, channel: unknown, payload: unknown) => {
    // Only our own top-level page may call in.
    if (event.senderFrame?.url !== rendererUrl || event.senderFrame.parent !== null) {
      return { ok: false, error: { code: 'FORBIDDEN', message: { zh: '拒绝访问', en: 'Forbidden sender' } } };
    }
    return services.router.dispatch(channel, payload);
  });

  const window = createWindow();
  services.events.subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void services.stop());
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
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
      webSecurity: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.setMenuBarVisibility(false);
  // No navigation away from the app, no new windows, no remote content.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}
