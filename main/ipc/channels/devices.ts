/** Scanners and printers: discovery, choice, test, status. */
import { z } from 'zod';
import { Bilingual, Instant } from './common.js';

export const DeviceStatus = z.object({
  kind: z.enum(['scanner', 'printer']),
  id: z.string(),
  label: z.string(),
  state: z.enum(['connected', 'lost', 'reconnected', 'absent', 'error', 'disabled']),
  detail: Bilingual.optional(),
  at: Instant,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const HidDeviceInfo = z.object({
  path: z.string(),
  vendorId: z.number().int(),
  productId: z.number().int(),
  usagePage: z.number().int().optional(),
  usage: z.number().int().optional(),
  manufacturer: z.string().optional(),
  product: z.string().optional(),
  /** Keyboard-mode scanners are owned by the OS: use the keyboard wedge instead. */
  keyboardMode: z.boolean(),
});
export type HidDeviceInfo = z.infer<typeof HidDeviceInfo>;

export const SerialPortInfo = z.object({
  path: z.string(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
});
export type SerialPortInfo = z.infer<typeof SerialPortInfo>;

/**
 * A USB serial device by what it is, not where Windows put it: the port is looked up by these ids when
 * it is opened, so a new COM number (another USB socket, a driver reinstall) does not lose the device.
 */
export const UsbSerialId = z
  .object({
    vendorId: z.string().regex(/^[0-9a-fA-F]{4}$/),
    productId: z.string().regex(/^[0-9a-fA-F]{4}$/),
    serialNumber: z.string().min(1).max(128).optional(),
  })
  .strict();
export type UsbSerialId = z.infer<typeof UsbSerialId>;

export const ScannerConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wedge') }).strict(),
  z
    .object({
      kind: z.literal('hid'),
      vendorId: z.number().int().min(0).max(0xffff),
      productId: z.number().int().min(0).max(0xffff),
      path: z.string().max(512).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('serial'),
      path: z.string().min(1).max(512),
      baudRate: z.number().int().min(300).max(921_600),
      dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
      parity: z.enum(['none', 'even', 'odd', 'mark', 'space']),
      stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]),
      terminator: z.enum(['CR', 'LF', 'CRLF', 'none']),
      /** With terminator 'none': a scan ends after this many ms without a byte. */
      interByteTimeoutMs: z.number().int().min(5).max(2000),
      /** Found by USB ids at open; `path` is where it was last seen. */
      usb: UsbSerialId.optional(),
    })
    .strict(),
]);
export type ScannerConfig = z.infer<typeof ScannerConfig>;

export const PrinterConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('tcp'),
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535),
    })
    .strict(),
  z
    .object({
      kind: z.literal('serial'),
      path: z.string().min(1).max(512),
      baudRate: z.number().int().min(1200).max(921_600),
      /** Found by USB ids at open; `path` is where it was last seen. */
      usb: UsbSerialId.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('usb-file'), path: z.string().min(1).max(512) }).strict(),
  /** The OS printer through Electron's silent webContents.print (driver-installed printers on Windows). */
  z.object({ kind: z.literal('system'), deviceName: z.string().max(256) }).strict(),
  /** An installed printer fed raw ESC/POS through the OS spooler (CUPS `lp -o raw`, Windows RAW datatype). */
  z.object({ kind: z.literal('spooler'), printerName: z.string().min(1).max(256) }).strict(),
]);
export type PrinterConfig = z.infer<typeof PrinterConfig>;

export const PrintJobView = z.object({
  jobId: z.string(),
  title: z.string(),
  state: z.enum(['queued', 'printing', 'done', 'retrying', 'failed']),
  attempts: z.number().int(),
  message: Bilingual.optional(),
  at: Instant,
});
export type PrintJobView = z.infer<typeof PrintJobView>;

const Empty = z.object({}).strict();

export const devicesCalls = {
  'scanners.list': {
    input: Empty,
    output: z.object({ hid: z.array(HidDeviceInfo), serial: z.array(SerialPortInfo) }),
  },
  'scanners.configure': { input: ScannerConfig, output: DeviceStatus },
  'scanners.status': { input: Empty, output: DeviceStatus },
  /** The next scan is shown (masked) in settings instead of going to a sale. */
  'scanners.test': { input: Empty, output: z.object({ ok: z.literal(true) }) },
  'printers.list': {
    input: Empty,
    output: z.object({
      serial: z.array(SerialPortInfo),
      usb: z.array(z.string()),
      system: z.array(z.string()),
      /** Installed printers that take raw ESC/POS through the spooler (the `spooler` kind). */
      spooler: z.array(z.string()),
    }),
  },
  'printers.configure': {
    input: z
      .object({
        printer: PrinterConfig,
        paperWidth: z.enum(['58', '80']),
        drawerKick: z.boolean().optional(),
      })
      .strict(),
    output: DeviceStatus,
  },
  'printers.status': { input: Empty, output: DeviceStatus },
  'printers.test': { input: Empty, output: z.object({ jobIds: z.array(z.string()) }) },
  'printers.jobs': { input: Empty, output: z.array(PrintJobView) },
  'printers.retry': { input: z.object({ jobId: z.string().max(64) }).strict(), output: PrintJobView },
  /** The receipt as it will print, as HTML, for the on-screen preview. */
  'printers.preview': {
    input: z
      .object({ id: z.string().min(1).max(64), copy: z.enum(['customer', 'merchant']).optional() })
      .strict(),
    output: z.object({ html: z.string(), widthMm: z.number() }),
  },
};

export const devicesEvents = {
  'device.status': DeviceStatus,
  'print.job': PrintJobView,
};
