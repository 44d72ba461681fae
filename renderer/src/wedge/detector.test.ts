import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeKey } from './detector';

type Step = { key: string; at: number };

/** Turn a string into key steps `gap` ms apart, starting at `start`, optionally ending with Enter. */
function typed(text: string, gaps: number | number[], start = 1000, enter = true): Step[] {
  const steps: Step[] = [];
  let at = start;
  const chars = [...text, ...(enter ? ['Enter'] : [])];
  chars.forEach((key, i) => {
    if (i > 0) at += Array.isArray(gaps) ? (gaps[i - 1] ?? 0) : gaps;
    steps.push({ key, at });
  });
  return steps;
}

const kind = (key: string): WedgeKey =>
  key === 'Enter'
    ? { kind: 'enter' }
    : key === 'Shift'
      ? { kind: 'modifier' }
      : key.length === 1
        ? { kind: 'char', char: key }
        : { kind: 'other' };

/**
 * Run steps through a detector the way install.ts does, with a flush timer that fires `maxGapMs`
 * after each held key (checked before the next key). Returns what the page saw (released + passed
 * keys, in order) and the scans.
 */
function run(steps: Step[], detector = new WedgeDetector()) {
  const page: string[] = [];
  const scans: string[] = [];
  let flushAt: number | undefined;
  for (const step of steps) {
    if (flushAt !== undefined && step.at > flushAt) page.push(...detector.flush(flushAt + 1));
    const decision = detector.push(kind(step.key), step.at, step.key);
    page.push(...decision.release);
    if (decision.action === 'pass') page.push(step.key);
    if (decision.action === 'scan') scans.push(decision.scan as string);
    flushAt = detector.holding ? step.at + detector.maxGapMs : undefined;
  }
  if (flushAt !== undefined) page.push(...detector.flush(flushAt + 1));
  return { page: page.join(''), scans };
}

const CODE = '134567890123456789';

describe('WedgeDetector', () => {
  it('a scanner burst (≈10 ms a key) ending in Enter is a scan and nothing reaches the page', () => {
    expect(run(typed(CODE, 10))).toEqual({ page: '', scans: [CODE] });
  });

  it('a fast scanner (2 ms a key) too', () => {
    expect(run(typed(CODE, 2))).toEqual({ page: '', scans: [CODE] });
  });

  it('human typing (≈150 ms a key) is never a scan; every key reaches the page in order', () => {
    expect(run(typed(CODE, 150))).toEqual({ page: `${CODE}Enter`, scans: [] });
  });

  it('a fast typist with uneven gaps (40–120 ms) is not a scan either', () => {
    const gaps = [40, 45, 120, 30, 90, 60, 35, 110, 48, 70, 44, 130, 38, 80, 41, 100, 49, 45];
    expect(run(typed(CODE, gaps))).toEqual({ page: `${CODE}Enter`, scans: [] });
  });

  it('one slow gap inside an otherwise fast burst breaks it (the short tail is typing too)', () => {
    // 14 fast keys, a 200 ms pause, 4 fast keys + Enter: neither part is a scan of ≥ 8 keys + Enter.
    const gaps = Array.from({ length: CODE.length }, (_, i) => (i === 13 ? 200 : 8));
    const result = run(typed(CODE, gaps));
    expect(result.scans).toEqual([]);
    expect(result.page).toBe(`${CODE}Enter`);
  });

  it('a scanner burst with one hiccup of a busy machine (70 ms) is still a scan', () => {
    const gaps = Array.from({ length: CODE.length }, (_, i) => (i === 6 ? 70 : 10));
    expect(run(typed(CODE, gaps))).toEqual({ page: '', scans: [CODE] });
  });

  it('a very fast, very even typist (60 ms a key, every gap under maxGapMs) is still typing', () => {
    expect(run(typed(CODE, 60))).toEqual({ page: `${CODE}Enter`, scans: [] });
  });

  it('a burst shorter than minLength is typing: released, Enter passes', () => {
    expect(run(typed('1234567', 5))).toEqual({ page: '1234567Enter', scans: [] });
  });

  it('Enter too long after the burst is not a scan suffix', () => {
    const gaps = [...Array.from({ length: CODE.length - 1 }, () => 8), 120];
    expect(run(typed(CODE, gaps))).toEqual({ page: `${CODE}Enter`, scans: [] });
  });

  it('Shift pressed for capitals does not break a burst', () => {
    const steps: Step[] = [];
    let at = 0;
    for (const ch of 'CC20261122A0001') {
      if (ch >= 'A' && ch <= 'Z') {
        at += 3;
        steps.push({ key: 'Shift', at });
      }
      at += 3;
      steps.push({ key: ch, at });
    }
    steps.push({ key: 'Enter', at: at + 5 });
    const result = run(steps);
    expect(result.scans).toEqual(['CC20261122A0001']);
    expect(result.page).toBe('ShiftShiftShift'); // modifiers pass (they type nothing)
  });

  it('Backspace releases the held keys first, then passes', () => {
    const steps = [...typed('12', 10, 0, false), { key: 'Backspace', at: 25 }];
    expect(run(steps)).toEqual({ page: '12Backspace', scans: [] });
  });

  it('flush hands held keys back only after the gap', () => {
    const detector = new WedgeDetector<string>();
    detector.push({ kind: 'char', char: '5' }, 100, 'a');
    detector.push({ kind: 'char', char: '6' }, 110, 'b');
    expect(detector.flush(190)).toEqual([]);
    expect(detector.flush(191)).toEqual(['a', 'b']);
    expect(detector.holding).toBe(false);
  });

  it('two scans back to back are two scans', () => {
    const first = typed(CODE, 5, 0);
    const second = typed('2845678901234567', 5, 1000);
    expect(run([...first, ...second])).toEqual({ page: '', scans: [CODE, '2845678901234567'] });
  });

  it('human keys just before a scan reach the page; the scan is still recognised', () => {
    const human = typed('99', 200, 0, false);
    const scan = typed(CODE, 6, 2000);
    expect(run([...human, ...scan])).toEqual({ page: '99', scans: [CODE] });
  });

  it('more keys than any scan are released, not held forever', () => {
    const detector = new WedgeDetector<string>({ maxLength: 10 });
    const result = run(typed('123456789012345', 2), detector);
    expect(result.scans).toEqual([]);
    expect(result.page).toBe('123456789012345Enter');
  });
});
