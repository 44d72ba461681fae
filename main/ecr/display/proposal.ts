/**
 * From an emulated display to an amount proposal (never a charge):
 *
 * - LED-8: the 总计 lamp (2) lit with digits shown → a proposal at once; new digits under the lamp
 *   replace it.
 * - Text displays: a line with a total label (总计 / 合计 / 应收 / TOTAL) and an amount, unchanged for
 *   `quietMs` with nothing else written (item prices have stopped) → a proposal.
 * - The 收款 (3) or 找零 (4) lamp, the 单价 lamp (1: a new item), or a clear → the open proposal is
 *   cancelled. A total the cashier already took (or dismissed) is not proposed again until it changes.
 */
import { parseYuanToFen } from '../../shared/money.js';
import type { DisplayEncoding, DisplayProtocol } from '../types.js';
import { DisplayScreen, type ScreenEvent } from './screen.js';

export interface Proposed {
  amountFen: number;
  text: string;
  protocol: string;
}

export interface ProposerOptions {
  protocol: DisplayProtocol;
  encoding: DisplayEncoding;
  quietMs: number;
  onPropose: (p: Proposed) => void;
  onCancel: (why: 'clear' | 'lamp' | 'changed') => void;
  /** Injected for tests; real timers by default. */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const TOTAL = /(总计|合计|应收|应付|TOTAL)\s*[:：]?\s*[¥￥$]?\s*(\d{1,9}(?:\.\d{1,2})?)/i;

export class Proposer {
  readonly screen: DisplayScreen;
  private readonly options: ProposerOptions;
  private timer: { cancel(): void } | undefined;
  /** The proposal on the checkout screen now (its key), if any. */
  private open: string | undefined;
  /** The last total proposed (taken or not): not proposed again until the screen shows another. */
  private lastKey: string | undefined;

  constructor(options: ProposerOptions) {
    this.options = options;
    this.screen = new DisplayScreen(options.protocol, options.encoding);
  }

  feed(bytes: Uint8Array): void {
    const events = this.screen.feed(bytes);
    if (events.length === 0) return;
    for (const e of events) this.event(e);
    this.armQuiet();
  }

  /** The cashier took or dismissed the open proposal. */
  consumed(): void {
    this.open = undefined;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private event(e: ScreenEvent): void {
    if (e.kind === 'clear') {
      this.lastKey = undefined;
      this.cancel('clear');
      return;
    }
    if (e.kind === 'lamp') {
      // Digits usually follow the lamp (ESC s 2, ESC Q A …): wait for them; if none come within the
      // quiet period, the digits already shown are the total.
      if (e.lamp === 2) this.armLamp();
      else if (e.lamp === 1 || e.lamp === 3 || e.lamp === 4) {
        this.lastKey = undefined;
        this.cancel('lamp');
      }
      return;
    }
    if (e.kind === 'led' && e.lamp === 2) this.ledTotal(e.led);
  }

  private armLamp(): void {
    this.timer?.cancel();
    const set = this.options.setTimer ?? defaultTimer;
    this.timer = set(() => {
      this.timer = undefined;
      const snap = this.screen.snapshot();
      if (snap.lamp === 2) this.ledTotal(snap.led);
    }, this.options.quietMs);
  }

  private ledTotal(led: string): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!led) return;
    this.propose(`led:${led}`, led, led);
  }

  /** Any text change restarts the quiet period; when it ends, a stable total line is proposed. */
  private armQuiet(): void {
    const snap = this.screen.snapshot();
    if (snap.protocol === 'led8') return;
    this.timer?.cancel();
    this.timer = undefined;
    const line = totalLine(snap.lines);
    const key = line ? `line:${line}` : undefined;
    if (this.open && this.open !== key) this.cancel('changed');
    if (!line || key === this.lastKey) return;
    const set = this.options.setTimer ?? defaultTimer;
    this.timer = set(() => {
      this.timer = undefined;
      const now = totalLine(this.screen.snapshot().lines);
      if (now === line) this.propose(key as string, line, (TOTAL.exec(line) as RegExpExecArray)[2] as string);
    }, this.options.quietMs);
  }

  private propose(key: string, text: string, amount: string): void {
    if (key === this.lastKey) return;
    const fen = parseYuanToFen(amount.trim());
    if (!fen.ok || fen.fen < 1) return;
    this.lastKey = key;
    this.open = key;
    this.options.onPropose({ amountFen: fen.fen, text: text.trim(), protocol: this.screen.detected() });
  }

  private cancel(why: 'clear' | 'lamp' | 'changed'): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.open === undefined) return;
    this.open = undefined;
    this.options.onCancel(why);
  }
}

/** The line with a total label and an amount; or the label on the upper line, the amount below it. */
function totalLine(lines: [string, string]): string | undefined {
  const one = lines.find((l) => TOTAL.test(l));
  if (one) return one;
  const joined = `${lines[0].trim()} ${lines[1].trim()}`;
  return TOTAL.test(joined) ? joined : undefined;
}

function defaultTimer(fn: () => void, ms: number) {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
}
