/**
 * Decoding raw HID input reports from barcode scanners into text. Pure: no I/O, no timers (the
 * inter-report gap is handled by ScanAssembler in assembler.ts).
 *
 * Two report formats:
 *
 * 1. Keyboard usage reports (HID Usage Tables, page 0x07 Keyboard/Keypad), as a scanner in "USB HID
 *    keyboard" format sends them: [modifiers, reserved, key1 … keyN]. The boot format has 6 key slots
 *    (8 bytes); some scanners send longer reports (more key slots), and a device whose report
 *    descriptor declares report IDs prefixes every report with its ID byte. Each character is a report
 *    with the key pressed followed by an empty key-up report, so the same character twice in a row is
 *    two presses. A key is typed when it appears in a report and was not in the previous one.
 *
 * 2. HID POS barcode-scanner reports (HID Point of Sale Usage Tables, page 0x8C), as Honeywell,
 *    Newland, Zebra and others send them in "HID POS" mode: [reportId 0x02, length, data … (up to the
 *    report size), …trailer]. In 64-byte reports the last byte's bit 0 says "more data follows".
 */

export const HID_USAGE_PAGE_KEYBOARD_DESKTOP = 0x01;
export const HID_USAGE_KEYBOARD = 0x06;
export const HID_USAGE_PAGE_BARCODE_SCANNER = 0x8c;

/** A piece of a scan: some characters, and whether the scan is now complete. */
export interface DecodedChunk {
  text: string;
  /** A terminator (Enter, Tab, keypad Enter) or the POS "last report" flag ended the scan. */
  complete: boolean;
}

// Keyboard/Keypad page usage IDs → characters [unshifted, shifted].
const KEYS: Record<number, [string, string]> = {};
for (let i = 0; i < 26; i++) {
  const lower = String.fromCharCode(0x61 + i);
  KEYS[0x04 + i] = [lower, lower.toUpperCase()];
}
const DIGITS = '1234567890';
const SHIFTED_DIGITS = '!@#$%^&*()';
for (let i = 0; i < 10; i++) KEYS[0x1e + i] = [DIGITS[i] as string, SHIFTED_DIGITS[i] as string];
Object.assign(KEYS, {
  44: [' ', ' '],
  45: ['-', '_'],
  46: ['=', '+'],
  47: ['[', '{'],
  48: [']', '}'],
  49: ['\\', '|'],
  50: ['#', '~'], // non-US # and ~
  51: [';', ':'],
  52: ["'", '"'],
  53: ['`', '~'],
  54: [',', '<'],
  55: ['.', '>'],
  56: ['/', '?'],
  // Keypad (scanners often send digits on the keypad so they work whatever the keyboard layout)
  84: ['/', '/'],
  85: ['*', '*'],
  86: ['-', '-'],
  87: ['+', '+'],
  89: ['1', '1'],
  90: ['2', '2'],
  91: ['3', '3'],
  92: ['4', '4'],
  93: ['5', '5'],
  94: ['6', '6'],
  95: ['7', '7'],
  96: ['8', '8'],
  97: ['9', '9'],
  98: ['0', '0'],
  99: ['.', '.'],
} satisfies Record<number, [string, string]>);

/** Enter, Tab, keypad Enter: the suffix a scanner sends after the code. */
const TERMINATORS = new Set([0x28, 0x2b, 0x58]);
/** Usage IDs 0x01–0x03 are ErrorRollOver, POSTFail, ErrorUndefined: "too many keys", not keys. */
const ERROR_USAGES = new Set([0x01, 0x02, 0x03]);
const LEFT_SHIFT = 0x02;
const RIGHT_SHIFT = 0x20;

export interface KeyboardDecoderOptions {
  /**
   * Whether each report starts with a report ID byte. 'auto': a 9-byte report (8-byte boot report +
   * ID) has one, an 8-byte report does not; other lengths are taken as ID-prefixed when the first byte
   * is the same non-zero value in every report seen so far, including the empty key-up reports.
   */
  reportId?: 'auto' | boolean;
}

/** Stateful: remembers which keys were down in the previous report. One per open device. */
export class KeyboardReportDecoder {
  private previous = new Set<number>();
  private readonly reportIdMode: 'auto' | boolean;
  private firstByte: number | undefined;
  private firstByteConsistent = true;

  constructor(options: KeyboardDecoderOptions = {}) {
    this.reportIdMode = options.reportId ?? 'auto';
  }

  /** Feed one input report; returns the characters it typed (often none: key-up reports). */
  push(report: Uint8Array): DecodedChunk {
    const body = this.hasReportId(report) ? report.subarray(1) : report;
    if (body.length < 3) return { text: '', complete: false };
    const modifiers = body[0] ?? 0;
    const shift = (modifiers & (LEFT_SHIFT | RIGHT_SHIFT)) !== 0;
    const down = new Set<number>();
    let text = '';
    let complete = false;
    let rollover = false;
    for (const usage of body.subarray(2)) {
      if (usage === 0) continue;
      if (ERROR_USAGES.has(usage)) {
        rollover = true;
        continue;
      }
      down.add(usage);
      if (this.previous.has(usage) || complete) continue;
      if (TERMINATORS.has(usage)) {
        complete = true;
        continue;
      }
      const chars = KEYS[usage];
      if (chars) text += shift ? chars[1] : chars[0];
    }
    // A rollover report repeats "too many keys" in every slot; the keys held stay as they were.
    if (!rollover) this.previous = down;
    return { text, complete };
  }

  reset(): void {
    this.previous.clear();
  }

  private hasReportId(report: Uint8Array): boolean {
    if (this.reportIdMode !== 'auto') return this.reportIdMode;
    if (report.length === 9) return true;
    if (report.length === 8) return false;
    const first = report[0] ?? 0;
    if (this.firstByte === undefined) this.firstByte = first;
    else if (this.firstByte !== first) this.firstByteConsistent = false;
    return this.firstByteConsistent && first !== 0;
  }
}

export interface PosDecoderOptions {
  /** The report ID of the scanned-data input report (0x02 on Honeywell, Newland, Zebra in HID POS mode). */
  scanReportId?: number;
}

/**
 * HID POS (usage page 0x8C) scanned-data reports: [reportId, length, data…, trailer]. A report whose
 * length byte says the data fills the whole data area and whose last byte has bit 0 set is followed by
 * more reports; otherwise the report completes the scan.
 */
export class PosReportDecoder {
  private readonly scanReportId: number;

  constructor(options: PosDecoderOptions = {}) {
    this.scanReportId = options.scanReportId ?? 0x02;
  }

  push(report: Uint8Array): DecodedChunk {
    if (report.length < 2 || report[0] !== this.scanReportId) return { text: '', complete: false };
    const declared = report[1] ?? 0;
    // Data area: bytes 2 … (for 64-byte reports) 57; never read past the report.
    const dataEnd = Math.min(2 + declared, report.length >= 64 ? 58 : report.length);
    let text = '';
    for (const byte of report.subarray(2, dataEnd)) {
      if (byte === 0x0d || byte === 0x0a) continue; // a configured CR/LF suffix is not part of the code
      if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    }
    const more = report.length >= 64 && ((report[63] ?? 0) & 0x01) === 0x01;
    return { text, complete: !more };
  }

  reset(): void {}
}

export type ReportDecoder = KeyboardReportDecoder | PosReportDecoder;

/** Which decoder a device needs, from the usage page its interface reports. */
export function decoderFor(usagePage: number | undefined): ReportDecoder {
  return usagePage === HID_USAGE_PAGE_BARCODE_SCANNER ? new PosReportDecoder() : new KeyboardReportDecoder();
}
