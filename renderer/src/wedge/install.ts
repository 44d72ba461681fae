/**
 * The keyboard wedge in the page: recognises a keyboard-mode scanner's bursts whatever has focus, and
 * keeps their characters out of inputs.
 *
 * How: one keydown listener on window in the capture phase (it runs before any element's handler).
 * Every printable key is held back (preventDefault + stopImmediatePropagation: no character is typed,
 * no app handler sees it) while the detector (detector.ts) decides:
 *
 *   - a scan (≥ 8 keys, each ≤ 80 ms apart and ≤ 30 ms a key on average, then Enter): the held keys
 *     and the Enter are dropped and `onScan(code)` is called;
 *   - typing (a pause, a short burst, any other key): the held keys are REPLAYED to the element that
 *     had focus when they were pressed, in order: a synthetic keydown (so app key handlers, e.g. the
 *     checkout keypad, still see them) and, unless a handler prevents it, the character is inserted
 *     with `document.execCommand('insertText')`, which goes through the browser's own editing path
 *     (beforeinput/input events fire, undo works, React sees an ordinary change).
 *
 * A typed key therefore reaches the page about 80 ms late (later only while someone keeps typing faster
 * than that). Keys during IME composition, and keys with Ctrl/Alt/Meta, are never held. A scanner must be set to send Enter after the code (the factory
 * default of nearly all of them) and the IME should be in English mode (full-width digits are still
 * read as digits by main).
 */
import { DEFAULT_WEDGE_OPTIONS, WedgeDetector, type WedgeKey, type WedgeOptions } from './detector';

interface HeldKey {
  key: string;
  code: string;
  shiftKey: boolean;
  target: EventTarget | null;
}

/** Synthetic keydowns we dispatch while replaying: our own listener lets them through. */
const replaying = new WeakSet<Event>();

function classify(event: KeyboardEvent): WedgeKey {
  if (event.isComposing || event.key === 'Process' || event.keyCode === 229) return { kind: 'other' };
  if (event.ctrlKey || event.altKey || event.metaKey) return { kind: 'other' };
  if (event.key === 'Enter') return { kind: 'enter' };
  if (event.key === 'Shift' || event.key === 'CapsLock') return { kind: 'modifier' };
  if (event.key.length === 1) return { kind: 'char', char: event.key };
  return { kind: 'other' };
}

function isTextEditable(target: EventTarget | null): target is HTMLElement {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement) return !target.readOnly && !target.disabled;
  if (target instanceof HTMLInputElement) {
    const textual = ['text', 'search', 'tel', 'url', 'email', 'password', 'number', ''];
    return textual.includes(target.type) && !target.readOnly && !target.disabled;
  }
  return target.isContentEditable;
}

function replay(keys: HeldKey[]): void {
  for (const held of keys) {
    const target = held.target instanceof Node && held.target.isConnected ? held.target : document.body;
    const synthetic = new KeyboardEvent('keydown', {
      key: held.key,
      code: held.code,
      shiftKey: held.shiftKey,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    replaying.add(synthetic);
    const notCancelled = target.dispatchEvent(synthetic);
    if (!notCancelled || !isTextEditable(target)) continue;
    if (document.activeElement !== target) target.focus();
    // execCommand is the one way to insert text that behaves exactly like typing (events, undo).
    const inserted = document.execCommand('insertText', false, held.key);
    if (!inserted && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) {
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? start;
      target.setRangeText(held.key, start, end, 'end');
      target.dispatchEvent(
        new InputEvent('input', { bubbles: true, data: held.key, inputType: 'insertText' }),
      );
    }
  }
}

/**
 * Start listening. `onScan` receives each recognised code (untrimmed of nothing: exactly the keys).
 * Returns a function that stops listening and hands any held keys back to the page.
 */
export function installWedge(
  onScan: (code: string) => void,
  options: Partial<WedgeOptions> = {},
): () => void {
  const detector = new WedgeDetector<HeldKey>({ ...DEFAULT_WEDGE_OPTIONS, ...options });
  let timer: ReturnType<typeof setTimeout> | undefined;

  const scheduleFlush = () => {
    clearTimeout(timer);
    if (!detector.holding) return;
    timer = setTimeout(() => {
      timer = undefined;
      replay(detector.flush(performance.now()));
      scheduleFlush();
    }, detector.maxGapMs + 5);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (replaying.has(event)) return;
    const decision = detector.push(classify(event), event.timeStamp, {
      key: event.key,
      code: event.code,
      shiftKey: event.shiftKey,
      target: event.target,
    });
    if (decision.release.length > 0) replay(decision.release);
    if (decision.action !== 'pass') {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    if (decision.action === 'scan' && decision.scan) onScan(decision.scan);
    scheduleFlush();
  };

  window.addEventListener('keydown', onKeyDown, true);
  return () => {
    window.removeEventListener('keydown', onKeyDown, true);
    clearTimeout(timer);
    replay(detector.flush(Number.POSITIVE_INFINITY));
  };
}
