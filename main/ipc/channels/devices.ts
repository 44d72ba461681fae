/** Scanners and printers: discovery, choice, test, status. */
import { z } from 'zod';
import { PrinterConfig, PrintJobView } from '../../printing/types.js';
import { HidDeviceInfo, ScannerConfig, SerialPortInfo } from '../../scanners/types.js';
import { DeviceStatus } from '../../shared/device-status.js';

export { PrinterConfig, PrintJobView } from '../../printing/types.js';
export { HidDeviceInfo, ScannerConfig, SerialPortInfo } from '../../scanners/types.js';
export { DeviceStatus } from '../../shared/device-status.js';

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
