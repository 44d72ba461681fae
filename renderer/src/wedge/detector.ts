/**
 * Keyboard-wedge scan detection, pure: fed key events with timestamps, it says what to do with each.
 *
 * A scanner in keyboard mode "types" the code far faster than a person (a few ms a key; people need
 * 80–200 ms even when typing fast) and ends with Enter. So:
 *
 *   - every printable key is HELD (kept from the page) while it might be the start of a scan;
 *   - a burst of at least `minLength` keys, each within `maxGapMs` of the one before, followed by Enter
 *     within `maxGapMs`, at a MEAN pace of at most `maxMeanGapMs` a key, is a SCAN: the held keys and
 *     the Enter never reach the page. (The mean, not every gap, carries the decision so that one
 *     hiccup of a busy machine does not turn a scan into typing; no person keeps up 30 ms a key.);
 *   - anything else RELEASES the held keys to the page, in order: a pause longer than `maxGapMs`
 *     (`flush`), an Enter after too few keys, a non-printable key (Backspace, arrows, Ctrl+…), or too
 *     many keys for any scan.
 *
 * Human typing is never taken for a scan: people need 80–200 ms a key, so their mean pace is far above
 * `maxMeanGapMs`, and one gap above `maxGapMs` anywhere breaks a burst. The price is that a typed key
 * reaches the page up to `maxGapMs` late (80 ms), or, while someone types faster than that, when they
 * pause.
 */

export interface WedgeOptions {
  /** Longest pause between two keys of one scan, and between the last key and Enter. */
  maxGapMs: number;
  /** Slowest mean pace of a scan, first key to Enter, per key. */
  maxMeanGapMs: number;
  /** Fewest characters a scan has (payment codes have 16–24, order ids more). */
  minLength: number;
  /** More held keys than this cannot be a scan (RawScan allows 256). */
  maxLength: number;
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = {
  maxGapMs: 80,
  maxMeanGapMs: 30,
  minLength: 8,
  maxLength: 256,
};

/** What a key is, for the detector. */
export type WedgeKey =
  | { kind: 'char'; char: string }
  | { kind: 'enter' }
  /** Shift / CapsLock pressed alone: scanners press Shift for capitals; neither breaks a burst. */
  | { kind: 'modifier' }
  /** Anything else (Backspace, arrows, F-keys, Ctrl/Alt/Meta combinations, IME composition). */
  | { kind: 'other' };

export interface WedgeDecision<T> {
  /** Held keys to hand back to the page now, in the order they were pressed (before this key). */
  release: T[];
  /** This key: let it through, hold it, or (Enter) swallow it because it completed `scan`. */
  action: 'pass' | 'hold' | 'scan';
  scan?: string;
}

/**
 * `T` is whatever the caller needs to replay a key later (the DOM event's key, code and target);
 * the detector only stores it.
 */
export class WedgeDetector<T = string> {
  private held: Array<{ char: string; payload: T }> = [];
  private lastAt = Number.NEGATIVE_INFINITY;
  private firstAt = Number.NEGATIVE_INFINITY;
  private readonly options: WedgeOptions;

  constructor(options: Partial<WedgeOptions> = {}) {
    this.options = { ...DEFAULT_WEDGE_OPTIONS, ...options };
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  get maxGapMs(): number {
    return this.options.maxGapMs;
  }

  /** One keydown at time `at` (ms, monotonic: event.timeStamp). */
  push(key: WedgeKey, at: number, payload: T): WedgeDecision<T> {
    const fast = at - this.lastAt <= this.options.maxGapMs;
    switch (key.kind) {
      case 'modifier':
        return { release: [], action: 'pass' };
      case 'other':
        return { release: this.take(), action: 'pass' };
      case 'enter': {
        const meanGap = (at - this.firstAt) / Math.max(1, this.held.length);
        if (this.held.length >= this.options.minLength && fast && meanGap <= this.options.maxMeanGapMs) {
          const scan = this.held.map((h) => h.char).join('');
          this.held = [];
          this.lastAt = Number.NEGATIVE_INFINITY;
          return { release: [], action: 'scan', scan };
        }
        return { release: this.take(), action: 'pass' };
      }
      case 'char': {
        // A pause before this key: what was held was typed by a person; this key may start a scan.
        const release = this.held.length > 0 && !fast ? this.take() : [];
        if (this.held.length >= this.options.maxLength) release.push(...this.take());
        if (this.held.length === 0) this.firstAt = at;
        this.held.push({ char: key.char, payload });
        this.lastAt = at;
        return { release, action: 'hold' };
      }
    }
  }

  /** Called by a timer: once `maxGapMs` has passed since the last key, the held keys go to the page. */
  flush(now: number): T[] {
    if (this.held.length === 0 || now - this.lastAt <= this.options.maxGapMs) return [];
    return this.take();
  }

  private take(): T[] {
    const taken = this.held.map((h) => h.payload);
    this.held = [];
    this.lastAt = Number.NEGATIVE_INFINITY;
    return taken;
  }
}
