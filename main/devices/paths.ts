/**
 * Devices, not files: a printer or scanner is a device the OS lists (COM ports, /dev/tty*, /dev/usb/lp*,
 * installed printers) or a TCP host:port. A path that is relative, climbs with `..`, is an ordinary
 * file, or resolves (through symlinks) into the data folder is refused, with a message the cashier can
 * read. Used by printers.configure, scanners.configure, and at start for the saved choices.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PrinterConfig } from '../printing/types.js';
import type { ScannerConfig } from '../scanners/types.js';
import type { SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';

export type DeviceKind = 'usb-printer' | 'serial' | 'hid';

export interface DeviceCheckOptions {
  /** The app's data folder (journal, settings, operators): never a device. */
  dataDir: string;
  /** Paths the OS listed for this kind (serial ports, /dev/usb/lp*, HID paths, printer names). */
  listed?: () => Promise<string[]>;
  platform?: NodeJS.Platform;
}

/** What a device node's real path may look like, per kind, on POSIX systems. */
const POSIX_NAMES: Record<DeviceKind, RegExp> = {
  'usb-printer': /^\/dev\/(usb\/)?lp\d+$/,
  serial: /^\/dev\/(tty[A-Za-z0-9._-]*|cu\.[A-Za-z0-9._-]+|pts\/\d+|rfcomm\d+)$/,
  hid: /^\/dev\/(hidraw\d+|usb\/hiddev\d+)$/,
};
const WINDOWS_SERIAL = /^(\\\\\.\\)?COM\d{1,3}$/i;

const refuse = (message: Bilingual) =>
  new AppError('BAD_INPUT', message, [{ path: 'path', message: message.en }]);

/** Throws a bilingual BAD_INPUT unless `p` names a device of `kind`. */
export async function checkDevicePath(
  kind: DeviceKind,
  p: string,
  options: DeviceCheckOptions,
): Promise<void> {
  const platform = options.platform ?? process.platform;
  const shown = p.length > 80 ? `${p.slice(0, 77)}...` : p;
  const listed = options.listed ? await options.listed().catch(() => [] as string[]) : [];
  if (p.split(/[\\/]+/).includes('..')) {
    throw refuse({
      zh: `设备路径不能包含 “..”：${shown}`,
      en: `A device path cannot contain "..": ${shown}`,
    });
  }
  if (platform === 'win32') {
    if (kind === 'serial' && WINDOWS_SERIAL.test(p)) return;
    if (listed.includes(p)) return;
    throw refuse({
      zh: `请选择系统列出的设备（如 COM3）：${shown}`,
      en: `Choose a device the system lists (e.g. COM3): ${shown}`,
    });
  }
  if (!path.isAbsolute(p)) {
    throw refuse({
      zh: `请选择系统列出的设备（如 /dev/usb/lp0、/dev/ttyUSB0），不能用相对路径：${shown}`,
      en: `Choose a device the system lists (e.g. /dev/usb/lp0, /dev/ttyUSB0), not a relative path: ${shown}`,
    });
  }
  let real: string;
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    real = await fs.realpath(p);
    stat = await fs.stat(real);
  } catch {
    throw refuse({
      zh: `找不到设备：${shown}（请检查连接）`,
      en: `No such device: ${shown} (check the cable)`,
    });
  }
  const data = await fs.realpath(options.dataDir).catch(() => path.resolve(options.dataDir));
  if (real === data || real.startsWith(data + path.sep)) {
    throw refuse({
      zh: `此路径指向收银数据文件夹，不是设备：${shown}`,
      en: `This path leads into the cashier's data folder, not to a device: ${shown}`,
    });
  }
  if (!stat.isCharacterDevice()) {
    throw refuse({
      zh: `这是普通文件或文件夹，不是设备：${shown}`,
      en: `This is an ordinary file or folder, not a device: ${shown}`,
    });
  }
  if (POSIX_NAMES[kind].test(real) || listed.includes(p) || listed.includes(real)) return;
  throw refuse({
    zh: `此设备不是${kind === 'usb-printer' ? 'USB 打印机' : kind === 'hid' ? '扫码枪' : '串口'}：${shown}`,
    en: `This device is not a ${kind === 'usb-printer' ? 'USB printer' : kind === 'hid' ? 'HID scanner' : 'serial port'}: ${shown}`,
  });
}

export interface DeviceLists {
  serial?: () => Promise<string[]>;
  usb?: () => Promise<string[]>;
  hid?: () => Promise<string[]>;
  system?: () => Promise<string[]>;
  /** Installed printers the raw spooler (CUPS / winspool) lists. */
  spooler?: () => Promise<string[]>;
}

/** printers.configure's choice, checked. TCP needs no path; a system printer must be one the OS lists. */
export async function checkPrinterConfig(
  config: PrinterConfig,
  options: Omit<DeviceCheckOptions, 'listed'> & { lists?: DeviceLists },
): Promise<void> {
  switch (config.kind) {
    case 'none':
    case 'tcp':
      return;
    case 'serial':
      return checkDevicePath('serial', config.path, { ...options, listed: options.lists?.serial });
    case 'usb-file':
      return checkDevicePath('usb-printer', config.path, { ...options, listed: options.lists?.usb });
    case 'system': {
      const names = options.lists?.system ? await options.lists.system().catch(() => []) : [];
      if (names.length === 0 || names.includes(config.deviceName)) return;
      throw refuse({
        zh: `系统中没有此打印机：${config.deviceName}`,
        en: `The system has no printer named ${config.deviceName}`,
      });
    }
    case 'spooler': {
      const names = options.lists?.spooler ? await options.lists.spooler().catch(() => []) : [];
      if (names.includes(config.printerName)) return;
      throw refuse({
        zh: `系统中没有此已安装打印机：${config.printerName}`,
        en: `No installed printer named ${config.printerName}`,
      });
    }
  }
}

/** scanners.configure's choice, checked (the keyboard wedge and HID by vendor/product need no path). */
export async function checkScannerConfig(
  config: ScannerConfig,
  options: Omit<DeviceCheckOptions, 'listed'> & { lists?: DeviceLists },
): Promise<void> {
  if (config.kind === 'serial') {
    return checkDevicePath('serial', config.path, { ...options, listed: options.lists?.serial });
  }
  if (config.kind === 'hid' && config.path !== undefined) {
    const listed = options.lists?.hid ? await options.lists.hid().catch(() => []) : [];
    if (listed.includes(config.path)) return;
    return checkDevicePath('hid', config.path, { ...options, listed: options.lists?.hid });
  }
}

/**
 * At start: a saved printer or scanner choice that is not a device (written before these checks, or
 * by hand) is dropped, with a notice, rather than written to.
 */
export async function dropSavedNonDevices(
  settings: Pick<SettingsService, 'get' | 'setDevice'>,
  options: Omit<DeviceCheckOptions, 'listed'>,
  notify: (message: Bilingual) => void,
): Promise<void> {
  const { printer, scanner } = settings.get();
  try {
    await checkPrinterConfig(printer.printer, { ...options, lists: {} });
  } catch (error) {
    settings.setDevice({ printer: { ...printer, printer: { kind: 'none' } } });
    notify(dropped('打印机', 'printer', error));
  }
  try {
    await checkScannerConfig(scanner, { ...options, lists: {} });
  } catch (error) {
    settings.setDevice({ scanner: { kind: 'wedge' } });
    notify(dropped('扫码枪', 'scanner', error));
  }
}

function dropped(zh: string, en: string, error: unknown): Bilingual {
  const why = error instanceof AppError ? error.bilingual : { zh: String(error), en: String(error) };
  return {
    zh: `已停用保存的${zh}设置：${why.zh}。请在设置中重新选择。`,
    en: `The saved ${en} choice was turned off: ${why.en}. Choose it again in Settings.`,
  };
}
