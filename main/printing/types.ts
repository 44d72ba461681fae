/** Printer choice and print jobs: the printing domain's shapes (the IPC channel files re-export them). */
import { z } from 'zod';
import { UsbSerialId } from '../devices/usb-serial.js';
import { Bilingual, Instant } from '../shared/schemas.js';

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
