/**
 * The operating system's printers for main/printing (the `SystemPrinter` port): a driver-installed receipt
 * printer on Windows prints our HTML receipt through Chromium's silent print. Thin on purpose: the HTML,
 * the paper size and the retry policy all come from main/printing.
 *
 * Each job gets its own hidden, sandboxed window with JavaScript off, loads the receipt from a data: URL,
 * prints silently to the named printer with an explicit page size, and is destroyed (a hidden window left
 * open would keep the app from quitting when the main window closes).
 */
import { BrowserWindow } from 'electron';
import type { SystemPrinter } from '../printing/transports.js';

function hiddenWindow(): BrowserWindow {
  return new BrowserWindow({
    show: false,
    width: 400,
    height: 600,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
      spellcheck: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

export function createElectronSystemPrinter(): SystemPrinter {
  return {
    async list() {
      const window = hiddenWindow();
      try {
        const printers = await window.webContents.getPrintersAsync();
        return printers.map((p) => p.name);
      } finally {
        window.destroy();
      }
    },
    async print(html, { deviceName, widthMicrons, heightMicrons }) {
      const window = hiddenWindow();
      try {
        await window.loadURL(
          `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`,
        );
        await new Promise<void>((resolve, reject) => {
          window.webContents.print(
            {
              silent: true,
              printBackground: false,
              deviceName,
              margins: { marginType: 'none' },
              pageSize: { width: widthMicrons, height: heightMicrons ?? 297_000 },
            },
            (success, failureReason) =>
              success ? resolve() : reject(new Error(failureReason || 'print failed')),
          );
        });
      } finally {
        window.destroy();
      }
    },
  };
}
