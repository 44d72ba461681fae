/**
 * Joins decoded pieces (HID reports, serial bytes) into whole scans. A scan ends at its terminator, or
 * — for devices that send none — when no piece arrives for `gapMs`. A scan longer than `maxLength`
 * (a stuck scanner, a flood of bytes) is thrown away whole rather than cut into a wrong code.
 */

export interface AssemblerOptions {
  /** End a scan after this many ms without input. 0 = only a terminator ends a scan. */
  gapMs: number;
  maxLength?: number;
  onScan(code: string): void;
  /** Called when a scan is discarded (too long). */
  onDiscard?(reason: 'too-long', length: number): void;
}

export class ScanAssembler {
  private buffer = '';
  private overflowed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly maxLength: number;

  constructor(private readonly options: AssemblerOptions) {
    this.maxLength = options.maxLength ?? 256;
  }

  push(text: string, complete: boolean): void {
    if (text) {
      if (this.buffer.length + text.length > this.maxLength) this.overflowed = true;
      else if (!this.overflowed) this.buffer += text;
    }
    if (complete) {
      this.finish();
      return;
    }
    if (this.options.gapMs > 0 && (this.buffer || this.overflowed)) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.finish(), this.options.gapMs);
    }
  }

  /** Drop anything half-read (the device went away mid-scan). */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = '';
    this.overflowed = false;
  }

  private finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const code = this.buffer.trim();
    const overflowed = this.overflowed;
    const length = this.buffer.length;
    this.buffer = '';
    this.overflowed = false;
    if (overflowed) {
      this.options.onDiscard?.('too-long', length);
      return;
    }
    if (code) this.options.onScan(code);
  }
}
