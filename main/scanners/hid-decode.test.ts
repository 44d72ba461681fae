import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScanAssembler } from './assembler.js';
import {
  BOOT_KEYBOARD_6912345678901234,
  BOOT_KEYBOARD_SHIFT_ORDER_ID,
  HID_POS_CONTINUED,
  HID_POS_CONTINUED_TEXT,
  HID_POS_SINGLE_134567890123456789,
  LONG_REPORTS_TAB_134567890123456789,
  REPORT_ID_KEYPAD_2800112233445566,
} from './fixtures/hid-reports.js';
import { decoderFor, KeyboardReportDecoder, PosReportDecoder, type ReportDecoder } from './hid-decode.js';

/** Feed a report stream through a decoder and an assembler (no gap timer): the scans it yields. */
function decodeAll(decoder: ReportDecoder, reports: number[][]): string[] {
  const scans: string[] = [];
  const assembler = new ScanAssembler({ gapMs: 0, onScan: (code) => scans.push(code) });
  for (const report of reports) {
    const chunk = decoder.push(Uint8Array.from(report));
    assembler.push(chunk.text, chunk.complete);
  }
  return scans;
}

describe('keyboard usage reports', () => {
  it('boot 8-byte reports with key-up reports and Enter', () => {
    expect(decodeAll(new KeyboardReportDecoder(), BOOT_KEYBOARD_6912345678901234)).toEqual([
      '6912345678901234',
    ]);
  });

  it('report-ID-prefixed 9-byte reports, keypad digits, repeated digits, keypad Enter', () => {
    expect(decodeAll(new KeyboardReportDecoder(), REPORT_ID_KEYPAD_2800112233445566)).toEqual([
      '2800112233445566',
    ]);
  });

  it('the report ID byte is not read as modifiers (ID 0x02 would otherwise be Left Shift)', () => {
    const withId2 = BOOT_KEYBOARD_6912345678901234.map((r) => [0x02, ...r]);
    expect(decodeAll(new KeyboardReportDecoder(), withId2)).toEqual(['6912345678901234']);
    // Read without the ID, 0x02 is Left Shift: the digits come out as symbols.
    expect(decodeAll(new KeyboardReportDecoder({ reportId: false }), withId2)).toEqual(['^(!@#$%^&*()!@#$']);
  });

  it('16-byte reports, key changes without key-up, Tab terminator', () => {
    expect(decodeAll(new KeyboardReportDecoder(), LONG_REPORTS_TAB_134567890123456789)).toEqual([
      '134567890123456789',
    ]);
  });

  it('Shift in the modifier byte gives capitals', () => {
    expect(decodeAll(new KeyboardReportDecoder(), BOOT_KEYBOARD_SHIFT_ORDER_ID)).toEqual(['CC20261122A0001']);
  });

  it('a held key is typed once; the rollover error report changes nothing', () => {
    const decoder = new KeyboardReportDecoder();
    expect(decoder.push(Uint8Array.from([0, 0, 0x1e, 0, 0, 0, 0, 0])).text).toBe('1');
    expect(decoder.push(Uint8Array.from([0, 0, 0x1e, 0, 0, 0, 0, 0])).text).toBe('');
    expect(decoder.push(Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1])).text).toBe('');
    expect(decoder.push(Uint8Array.from([0, 0, 0x1e, 0x1f, 0, 0, 0, 0])).text).toBe('2');
    expect(decoder.push(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0])).text).toBe('');
    expect(decoder.push(Uint8Array.from([0, 0, 0x1e, 0, 0, 0, 0, 0])).text).toBe('1');
  });

  it('shifted digits and punctuation follow the usage table', () => {
    const decoder = new KeyboardReportDecoder({ reportId: false });
    const typed = [
      [0x02, 0, 0x1e],
      [0, 0, 0],
      [0, 0, 0x2d],
      [0, 0, 0],
      [0x20, 0, 0x38],
      [0, 0, 0],
      [0, 0, 0x37],
    ].map((r) => decoder.push(Uint8Array.from([...r, 0, 0, 0, 0, 0])).text);
    expect(typed.join('')).toBe('!-?.');
  });
});

describe('HID POS (usage page 0x8C) reports', () => {
  it('a single 64-byte scanned-data report', () => {
    expect(decodeAll(new PosReportDecoder(), HID_POS_SINGLE_134567890123456789)).toEqual([
      '134567890123456789',
    ]);
  });

  it('a code spanning two reports joined by the continuation bit', () => {
    const decoder = new PosReportDecoder();
    const [first, second] = HID_POS_CONTINUED.map((r) => decoder.push(Uint8Array.from(r)));
    expect(first?.complete).toBe(false);
    expect(second?.complete).toBe(true);
    expect(decodeAll(new PosReportDecoder(), HID_POS_CONTINUED)).toEqual([HID_POS_CONTINUED_TEXT]);
  });

  it('ignores reports with another report ID and never reads past a short report', () => {
    const decoder = new PosReportDecoder();
    expect(decoder.push(Uint8Array.from([0x04, 3, 0x31, 0x32, 0x33]))).toEqual({ text: '', complete: false });
    expect(decoder.push(Uint8Array.from([0x02, 40, 0x31, 0x32]))).toEqual({ text: '12', complete: true });
  });

  it('decoderFor picks by usage page', () => {
    expect(decoderFor(0x8c)).toBeInstanceOf(PosReportDecoder);
    expect(decoderFor(0xff00)).toBeInstanceOf(KeyboardReportDecoder);
  });
});

describe('ScanAssembler', () => {
  afterEach(() => vi.useRealTimers());

  it('ends a scan after the inter-report gap when no terminator comes', () => {
    vi.useFakeTimers();
    const scans: string[] = [];
    const assembler = new ScanAssembler({ gapMs: 50, onScan: (c) => scans.push(c) });
    assembler.push('1345678', false);
    vi.advanceTimersByTime(30);
    assembler.push('90123456789', false);
    vi.advanceTimersByTime(30);
    expect(scans).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(scans).toEqual(['134567890123456789']);
  });

  it('throws away an over-long scan whole', () => {
    const scans: string[] = [];
    const discarded: number[] = [];
    const assembler = new ScanAssembler({
      gapMs: 0,
      maxLength: 10,
      onScan: (c) => scans.push(c),
      onDiscard: (_r, n) => discarded.push(n),
    });
    assembler.push('123456', false);
    assembler.push('789012', true);
    assembler.push('42', true);
    expect(scans).toEqual(['42']);
    expect(discarded).toHaveLength(1);
  });
});
