/**
 * Serial devices by USB vendor/product id (and serial number when there are two of a kind): the path
 * is resolved from the OS's port list each time the port is opened. Windows renumbers COM ports when a
 * device moves to another USB socket; Linux's /dev/ttyACM0 can become ttyACM1 after a replug.
 */
import { z } from 'zod';

/**
 * A USB serial device by what it is, not where the OS put it: saved beside the path of a serial printer
 * or scanner, and looked up each time the port is opened.
 */
export const UsbSerialId = z
  .object({
    vendorId: z.string().regex(/^[0-9a-fA-F]{4}$/),
    productId: z.string().regex(/^[0-9a-fA-F]{4}$/),
    serialNumber: z.string().min(1).max(128).optional(),
  })
  .strict();
export type UsbSerialId = z.infer<typeof UsbSerialId>;

export interface ListedPort {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  serialNumber?: string | undefined;
}

const hex = (id: string | undefined) => (id ?? '').toLowerCase().replace(/^0x/, '').padStart(4, '0');

/** The port to open: the listed port with these USB ids (the saved path if several match), else the saved path. */
export function resolveSerialPath(
  config: { path: string; usb?: UsbSerialId | undefined },
  ports: ListedPort[],
): string {
  const { usb } = config;
  if (!usb) return config.path;
  const matches = ports.filter(
    (p) =>
      hex(p.vendorId) === hex(usb.vendorId) &&
      hex(p.productId) === hex(usb.productId) &&
      (usb.serialNumber === undefined || p.serialNumber === usb.serialNumber),
  );
  if (matches.length === 0) return config.path; // unplugged: the open fails and says where it looked
  const same = matches.find((p) => p.path.toLowerCase() === config.path.toLowerCase());
  return (same ?? [...matches].sort((a, b) => a.path.localeCompare(b.path))[0] ?? matches[0]!).path;
}
