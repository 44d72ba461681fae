import { describe, expect, it } from 'vitest';
import { encodeEscPos } from './escpos.js';
import { decodeEscPos } from './escpos-decode.js';
import { resolve } from './layout.js';
import { chinaTime, columns, gbk, printable, wrap, yuan } from './text.js';

describe('column math', () => {
  it('counts a CJK character as two columns and ASCII as one', () => {
    expect(columns('abc')).toBe(3);
    expect(columns('中文')).toBe(4);
    expect(columns('实付 ￥12.30')).toBe(4 + 1 + 2 + 5);
  });

  it('wraps Chinese at the column limit without splitting a character', () => {
    const lines = wrap('一二三四五六七八九十', 7);
    expect(lines).toEqual(['一二三', '四五六', '七八九', '十']);
    for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(7);
  });

  it('prefers breaking Latin text at a space', () => {
    expect(wrap('Thank you for shopping', 10)).toEqual(['Thank you', 'for', 'shopping']);
  });

  it('puts a pair that does not fit on two lines, value right-aligned', () => {
    const { lines } = resolve(
      { blocks: [{ t: 'pair', left: '商户订单号 ORDER NO.', right: 'X'.repeat(28) }] },
      32,
    );
    expect(lines.map((l) => l.kind)).toEqual(['text', 'text']);
    expect(lines[1]).toMatchObject({ align: 'right', text: 'X'.repeat(28) });
  });
});

describe('printable text', () => {
  it('strips control characters so data cannot inject printer commands', () => {
    expect(printable('Shop\x1bi\x1dV\x00A')).toBe('ShopiVA');
    const bytes = encodeEscPos(
      { title: 't', slips: [{ blocks: [{ t: 'text', text: 'A\x1b@\x1dVB' }] }] },
      '58',
    );
    expect(decodeEscPos(bytes).cuts).toBe(1);
    expect(decodeEscPos(bytes).inits).toBe(1);
  });

  it('replaces characters GBK lacks with look-alikes or ?', () => {
    expect(printable('¥1 •••• 1234 ✓ 😀')).toBe('￥1 **** 1234 √ ?');
    expect(gbk('￥').toString('hex')).toBe('a3a4');
  });

  it('formats money from integer fen only', () => {
    expect(yuan(12345)).toBe('￥123.45');
    expect(yuan(-5)).toBe('-￥0.05');
    expect(() => yuan(1.5)).toThrow();
  });

  it('shows China time (UTC+8, no daylight saving)', () => {
    expect(chinaTime('2025-03-01T16:30:05.000Z')).toBe('2025-03-02 00:30:05');
    expect(chinaTime('2025-07-01T00:00:00Z')).toBe('2025-07-01 08:00:00');
  });
});
