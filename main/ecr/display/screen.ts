/**
 * An emulated customer display (客显): the bytes a host POS writes to its pole display go in, the
 * screen comes out — LED-8 lamps and digits, a 2×20 character grid, and the last plain-text lines.
 * Bytes may arrive split anywhere (mid-command, mid-GBK character): the parser keeps its state.
 *
 * Protocols (docs/ecr.md):
 * - LED-8 (8-digit amount displays): `ESC s n` lamp (0 全暗, 1 单价, 2 总计, 3 收款, 4 找零),
 *   `ESC Q A <digits> CR` show digits, `ESC @` clear.
 * - CD5220 / EPSON 2×20: `ESC Q A … CR` upper line, `ESC Q B … CR` lower line, `0C` clear,
 *   `1F 24 x y` cursor (1-based column, row), then text at the cursor.
 * - ESC/POS customer display: `US $ x y` cursor, `0C` clear, `ESC @` initialise, text at the cursor.
 * - Plain text: lines ended by CR and/or LF (the last two kept).
 */
import iconv from 'iconv-lite';
import type { DisplayEncoding, DisplayProtocol } from '../types.js';

export type Detected = Exclude<DisplayProtocol, 'auto'>;

export interface ScreenSnapshot {
  lamp: number;
  /** LED-8: the digits shown. */
  led: string;
  /** The 2×20 grid (trailing spaces trimmed), or the last two plain-text lines. */
  lines: [string, string];
  protocol: Detected;
  encoding: 'ascii' | 'gbk';
}

export type ScreenEvent =
  | { kind: 'clear' }
  | { kind: 'lamp'; lamp: number }
  | { kind: 'led'; led: string; lamp: number }
  | { kind: 'text' };

const ESC = 0x1b;
const US = 0x1f;
const CR = 0x0d;
const LF = 0x0a;
const FF = 0x0c;
const COLS = 20;
const MAX_FIELD = 80;

type Mode =
  | { m: 'text' }
  | { m: 'esc' }
  | { m: 'esc-s' }
  | { m: 'esc-q' }
  | { m: 'esc-q-data'; target: 'A' | 'B' | 'D'; bytes: number[] }
  | { m: 'esc-skip'; n: number }
  | { m: 'us' }
  | { m: 'us-cursor'; args: number[] }
  | { m: 'us-skip'; n: number };

export class DisplayScreen {
  private mode: Mode = { m: 'text' };
  private lamp = 0;
  private led = '';
  private grid: string[][] = [blank(), blank()];
  private row = 0;
  private col = 0;
  /** Plain-text lines (protocol 'text'): the line being written and the last two complete ones. */
  private lineBytes: number[] = [];
  private textLines: [string, string] = ['', ''];
  /** A GBK lead byte waiting for its trail byte (split writes). */
  private lead: number | undefined;
  private seen: Detected | undefined;
  private sawHigh = false;
  private gridUsed = false;

  constructor(
    private readonly protocol: DisplayProtocol = 'auto',
    private readonly encoding: DisplayEncoding = 'auto',
  ) {}

  /** Feed bytes; returns what changed, in order. */
  feed(bytes: Uint8Array): ScreenEvent[] {
    const out: ScreenEvent[] = [];
    for (const b of bytes) this.byte(b, out);
    return out;
  }

  snapshot(): ScreenSnapshot {
    const gridLines: [string, string] = [this.gridLine(0), this.gridLine(1)];
    const useGrid = this.gridUsed || this.detected() === 'cd5220' || this.detected() === 'escpos';
    return {
      lamp: this.lamp,
      led: this.led,
      lines: useGrid ? gridLines : this.textLines,
      protocol: this.detected(),
      encoding: this.encoding === 'auto' ? (this.sawHigh ? 'gbk' : 'ascii') : this.encoding,
    };
  }

  detected(): Detected {
    if (this.protocol !== 'auto') return this.protocol;
    return this.seen ?? 'text';
  }

  private detect(p: Detected): void {
    // LED-8 wins once its lamp command is seen; the grid protocols refine 'text'.
    if (this.seen === 'led8') return;
    if (p === 'led8' || !this.seen || this.seen === 'text') this.seen = p;
  }

  private byte(b: number, out: ScreenEvent[]): void {
    const mode = this.mode;
    switch (mode.m) {
      case 'esc':
        this.mode = { m: 'text' };
        if (b === 0x40) {
          this.clear(out); // ESC @
        } else if (b === 0x73) {
          this.mode = { m: 'esc-s' }; // ESC s n
        } else if (b === 0x51) {
          this.mode = { m: 'esc-q' }; // ESC Q A/B/D
        } else if (b === 0x3d || b === 0x74 || b === 0x52) {
          this.mode = { m: 'esc-skip', n: 1 }; // ESC = n, ESC t n, ESC R n: one parameter
        }
        return;
      case 'esc-s': {
        this.mode = { m: 'text' };
        const lamp = b >= 0x30 && b <= 0x34 ? b - 0x30 : b <= 4 ? b : undefined;
        if (lamp !== undefined) {
          this.detect('led8');
          this.lamp = lamp;
          out.push({ kind: 'lamp', lamp });
        }
        return;
      }
      case 'esc-q':
        if (b === 0x41 || b === 0x42 || b === 0x44) {
          this.mode = { m: 'esc-q-data', target: String.fromCharCode(b) as 'A' | 'B' | 'D', bytes: [] };
        } else this.mode = { m: 'text' };
        return;
      case 'esc-q-data':
        if (b === CR || b === LF) {
          this.mode = { m: 'text' };
          this.qData(mode.target, mode.bytes, out);
        } else if (mode.bytes.length < MAX_FIELD) mode.bytes.push(b);
        return;
      case 'esc-skip':
        this.mode = mode.n <= 1 ? { m: 'text' } : { m: 'esc-skip', n: mode.n - 1 };
        return;
      case 'us':
        if (b === 0x24) {
          this.mode = { m: 'us-cursor', args: [] };
        } else {
          // US C n (cursor on/off), US X n (brightness), US E n (blink), US r n …: one parameter.
          this.mode = /[CXErvTw]/.test(String.fromCharCode(b)) ? { m: 'us-skip', n: 1 } : { m: 'text' };
        }
        return;
      case 'us-cursor':
        mode.args.push(b);
        if (mode.args.length === 2) {
          this.mode = { m: 'text' };
          this.detect(this.seen === 'cd5220' ? 'cd5220' : 'escpos');
          this.gridUsed = true;
          this.col = clamp((mode.args[0] as number) - 1, 0, COLS - 1);
          this.row = clamp((mode.args[1] as number) - 1, 0, 1);
        }
        return;
      case 'us-skip':
        this.mode = mode.n <= 1 ? { m: 'text' } : { m: 'us-skip', n: mode.n - 1 };
        return;
      case 'text':
        break;
    }
    if (b === ESC) {
      this.lead = undefined;
      this.mode = { m: 'esc' };
      return;
    }
    if (b === US) {
      this.lead = undefined;
      this.mode = { m: 'us' };
      return;
    }
    if (b === FF) {
      this.clear(out);
      return;
    }
    if (b === 0x0b) {
      this.row = 0; // HOME
      this.col = 0;
      return;
    }
    if (b === 0x18) {
      this.grid[this.row] = blank(); // CAN: clear the cursor line
      this.col = 0;
      out.push({ kind: 'text' });
      return;
    }
    if (b === CR || b === LF) {
      this.endLine(b, out);
      return;
    }
    if (b < 0x20) return;
    this.lineBytes.length < MAX_FIELD && this.lineBytes.push(b);
    const ch = this.char(b);
    if (ch !== undefined && this.gridUsed) {
      const line = this.grid[this.row] as string[];
      if (this.col < COLS) line[this.col] = ch;
      this.col += 1;
      if (ch.length > 0 && ch.charCodeAt(0) > 0x7f && this.col < COLS) {
        line[this.col] = ''; // a double-width character takes two cells
        this.col += 1;
      }
      out.push({ kind: 'text' });
    }
  }

  /** One character from the byte stream (GBK pairs joined), or undefined while half a pair is held. */
  private char(b: number): string | undefined {
    if (this.lead !== undefined) {
      const pair = Buffer.from([this.lead, b]);
      this.lead = undefined;
      return this.encoding === 'ascii' ? '??' : iconv.decode(pair, 'gbk');
    }
    if (b >= 0x81 && b <= 0xfe && this.encoding !== 'ascii') {
      this.sawHigh = true;
      this.lead = b;
      return undefined;
    }
    return b < 0x80 ? String.fromCharCode(b) : '?';
  }

  private decode(bytes: number[]): string {
    if (this.encoding === 'ascii')
      return Buffer.from(bytes.map((x) => (x < 0x80 ? x : 0x3f))).toString('latin1');
    if (bytes.some((x) => x >= 0x80)) this.sawHigh = true;
    return iconv.decode(Buffer.from(bytes), 'gbk');
  }

  private qData(target: 'A' | 'B' | 'D', bytes: number[], out: ScreenEvent[]): void {
    const text = this.decode(bytes);
    if (target === 'B') this.detect('cd5220');
    if (
      this.detected() === 'led8' ||
      (this.protocol === 'auto' && this.seen !== 'cd5220' && /^[\d.\s-]+$/.test(text))
    ) {
      this.led = text.trim();
      out.push({ kind: 'led', led: this.led, lamp: this.lamp });
      if (this.detected() === 'led8') return;
    }
    this.gridUsed = true;
    this.grid[target === 'B' ? 1 : 0] = toCells(text);
    out.push({ kind: 'text' });
  }

  private endLine(b: number, out: ScreenEvent[]): void {
    this.lead = undefined;
    if (this.gridUsed) {
      if (b === CR) this.col = 0;
      else this.row = Math.min(1, this.row + 1);
      this.lineBytes = [];
      return;
    }
    if (this.lineBytes.length === 0) return; // the LF of a CRLF
    const text = this.decode(this.lineBytes).trimEnd();
    this.lineBytes = [];
    this.textLines = [this.textLines[1], text];
    out.push({ kind: 'text' });
  }

  private clear(out: ScreenEvent[]): void {
    // Auto-detection starts again: a host may switch display mode (or the wrong profile was guessed).
    this.seen = undefined;
    this.gridUsed = false;
    this.lead = undefined;
    this.led = '';
    this.lamp = 0;
    this.grid = [blank(), blank()];
    this.row = 0;
    this.col = 0;
    this.lineBytes = [];
    this.textLines = ['', ''];
    out.push({ kind: 'clear' });
  }

  private gridLine(row: number): string {
    return (this.grid[row] as string[]).join('').trimEnd();
  }
}

function blank(): string[] {
  return Array.from({ length: COLS }, () => ' ');
}

function toCells(text: string): string[] {
  const cells = blank();
  let col = 0;
  for (const ch of text) {
    if (col >= COLS) break;
    cells[col] = ch;
    col += 1;
    if (ch.charCodeAt(0) > 0x7f && col < COLS) {
      cells[col] = '';
      col += 1;
    }
  }
  return cells;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
