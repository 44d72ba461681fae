import { describe, expect, it } from 'vitest';
import {
  fenToYuanText,
  fenToYuanWords,
  formatFen,
  parseYuanMessage,
  parseYuanToFen,
  yuanToFen,
  yuanTypingVerdict,
} from './money.js';

describe('yuan text → fen', () => {
  const ok: Array<[string, number]> = [
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['12.', 1200],
    ['.5', 50],
    ['.05', 5],
    ['0.01', 1],
    [' 7 ', 700],
    ['０.５', 50],
    ['１２．３４', 1234],
    // 0.1 + 0.2 style float traps: exact because nothing goes through a float.
    ['0.29', 29],
    ['1.15', 115],
    ['4.35', 435],
    ['9999999999999.99', 999_999_999_999_999],
  ];
  for (const [text, fen] of ok)
    it(`"${text}" → ${fen}`, () => expect(parseYuanToFen(text)).toEqual({ ok: true, fen }));

  const refused: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['1,5', 'comma'],
    ['1,234.50', 'comma'],
    ['1，5', 'comma'],
    ['1.234', 'decimals'],
    ['.', 'format'],
    ['-1', 'format'],
    ['1e3', 'format'],
    ['12a', 'format'],
    ['1.2.3', 'format'],
    ['¥12', 'format'],
  ];
  for (const [text, reason] of refused) {
    it(`"${text}" is refused: ${reason}`, () => {
      expect(parseYuanToFen(text)).toEqual({ ok: false, reason });
    });
  }

  it('every refusal has a message in both languages', () => {
    for (const reason of ['empty', 'format', 'decimals', 'comma'] as const) {
      const m = parseYuanMessage(reason);
      expect(m.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(parseYuanMessage('comma').zh).toContain('小数点');
  });
});

describe('fen → text', () => {
  it('formats integers without a float', () => {
    expect(fenToYuanText(1234)).toBe('12.34');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(-5)).toBe('-0.05');
    expect(fenToYuanText(0)).toBe('0.00');
    expect(formatFen(-2596)).toBe('-¥25.96');
    expect(formatFen(999_999_999_999)).toBe('¥9999999999.99');
    expect(fenToYuanWords(1234)).toBe('12.34 元');
  });

  it('refuses what is not integer fen', () => {
    expect(() => fenToYuanText(12.5)).toThrow(TypeError);
    expect(() => fenToYuanText(Number.NaN)).toThrow(TypeError);
    expect(() => yuanToFen(1.5)).toThrow(TypeError);
    expect(yuanToFen(50_000)).toBe(5_000_000);
  });

  it('round-trips every amount of a range exactly', () => {
    for (let fen = 0; fen <= 20_000; fen += 7) {
      expect(parseYuanToFen(fenToYuanText(fen))).toEqual({ ok: true, fen });
    }
  });
});

describe('typing an amount', () => {
  it('says why, instead of dropping characters', () => {
    expect(yuanTypingVerdict('12.3')).toBe('ok');
    expect(yuanTypingVerdict('.')).toBe('ok');
    expect(yuanTypingVerdict('1,')).toBe('comma');
    expect(yuanTypingVerdict('1.234')).toBe('decimals');
    expect(yuanTypingVerdict('1a')).toBe('bad');
  });
});
