import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDevicePath, checkPrinterConfig, checkScannerConfig } from './paths.js';

let dir: string;
let dataDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-devices-'));
  dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, 'operators.json'), '{}');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const refused = async (promise: Promise<unknown>, en: RegExp) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code: 'BAD_INPUT' });
  const bilingual = (error as { bilingual: { zh: string; en: string } }).bilingual;
  expect(bilingual.en).toMatch(en);
  expect(bilingual.zh).toMatch(/[\u4e00-\u9fff]/);
};

describe.skipIf(process.platform === 'win32')('devices, not files (POSIX)', () => {
  it('refuses a file in the data folder, by path or through a symlink', async () => {
    const target = path.join(dataDir, 'operators.json');
    await refused(checkPrinterConfig({ kind: 'usb-file', path: target }, { dataDir }), /data folder/);
    const link = path.join(dir, 'lp0');
    fs.symlinkSync(target, link);
    await refused(checkPrinterConfig({ kind: 'usb-file', path: link }, { dataDir }), /data folder/);
  });

  it('refuses ordinary files, folders, relative paths, .. and what does not exist', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'x');
    await refused(checkDevicePath('usb-printer', file, { dataDir }), /ordinary file/);
    await refused(checkDevicePath('serial', dir, { dataDir }), /ordinary file or folder/);
    await refused(checkDevicePath('usb-printer', 'lp0', { dataDir }), /relative path/);
    await refused(checkDevicePath('usb-printer', '/dev/usb/../../etc/passwd', { dataDir }), /"\.\."/);
    await refused(checkDevicePath('serial', '/dev/ttyNOPE99', { dataDir }), /No such device/);
    await refused(
      checkScannerConfig(
        {
          kind: 'serial',
          path: file,
          baudRate: 9600,
          dataBits: 8,
          parity: 'none',
          stopBits: 1,
          terminator: 'CR',
          interByteTimeoutMs: 50,
        },
        { dataDir },
      ),
      /ordinary file/,
    );
  });

  it('accepts a real character device of the right kind, and not one of another kind', async () => {
    // /dev/tty is a character device every POSIX system has; it is a terminal, not a USB printer.
    await expect(checkDevicePath('serial', '/dev/tty', { dataDir })).resolves.toBeUndefined();
    await refused(checkDevicePath('usb-printer', '/dev/null', { dataDir }), /not a USB printer/);
    // ...unless the OS itself lists it as one.
    await expect(
      checkDevicePath('usb-printer', '/dev/null', { dataDir, listed: async () => ['/dev/null'] }),
    ).resolves.toBeUndefined();
  });

  it('TCP host:port and none need no path; a system printer must be one the OS lists', async () => {
    await expect(
      checkPrinterConfig({ kind: 'tcp', host: '192.168.1.50', port: 9100 }, { dataDir }),
    ).resolves.toBe(undefined);
    await expect(checkPrinterConfig({ kind: 'none' }, { dataDir })).resolves.toBeUndefined();
    const lists = { system: async () => ['EPSON TM-T82'] };
    await expect(
      checkPrinterConfig({ kind: 'system', deviceName: 'EPSON TM-T82' }, { dataDir, lists }),
    ).resolves.toBeUndefined();
    await refused(
      checkPrinterConfig({ kind: 'system', deviceName: 'Evil' }, { dataDir, lists }),
      /no printer/,
    );
  });
});

describe('devices on Windows', () => {
  it('COM ports are serial devices; a file path is not', async () => {
    const win = { dataDir, platform: 'win32' as const };
    await expect(checkDevicePath('serial', 'COM3', win)).resolves.toBeUndefined();
    await expect(checkDevicePath('serial', '\\\\.\\COM12', win)).resolves.toBeUndefined();
    await refused(checkDevicePath('serial', 'C:\\Users\\shop\\AppData\\operators.json', win), /system lists/);
    await refused(checkDevicePath('usb-printer', '..\\operators.json', win), /"\.\."/);
  });
});
