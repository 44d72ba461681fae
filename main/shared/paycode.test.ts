import { describe, expect, it } from 'vitest';
import { channelOf, checkPayCode, last4, maskCode, normalizeScan } from './paycode.js';

describe('channelOf (NOTES.md §6: a label, not a gate)', () => {
  it.each([
    ['134567890123456789', 'wechat'], // 18 digits, starts 13
    ['104567890123456789', 'wechat'], // lower bound 10
    ['154567890123456789', 'wechat'], // upper bound 15
    ['2845678901234567', 'alipay'], // 16 digits, starts 28
    ['254567890123456789', 'alipay'], // 18 digits, starts 25
    ['304567890123456789012345', 'alipay'], // 24 digits, starts 30
    ['6212345678901234567', 'unionpay'], // 19 digits, starts 62
    ['0112345678901234567', 'ecny'], // 19 digits, starts 01
  ])('%s → %s', (code, channel) => {
    expect(channelOf(code)).toBe(channel);
  });

  it.each([
    ['164567890123456789', 'starts 16: between WeChat and Alipay ranges'],
    ['94567890123456789', '17 digits, unknown prefix'],
    ['134567890123456', 'WeChat prefix but 15 digits'],
    ['1345678901234567890', 'WeChat prefix but 19 digits'],
    ['621234567890123456', 'UnionPay prefix but 18 digits'],
    ['3145678901234567', 'starts 31, just above Alipay'],
    ['2445678901234567', 'starts 24, just below Alipay'],
  ])('%s → other (%s)', (code) => {
    expect(channelOf(code)).toBe('other');
  });
});

describe('checkPayCode', () => {
  it('accepts a WeChat code and labels it', () => {
    expect(checkPayCode('134567890123456789')).toEqual({
      ok: true,
      code: '134567890123456789',
      channel: 'wechat',
    });
  });

  it('never hard-blocks an unknown numeric prefix of a plausible length', () => {
    const result = checkPayCode('994567890123456789');
    expect(result).toEqual({ ok: true, code: '994567890123456789', channel: 'other' });
  });

  it('strips the CR / spaces a scanner adds', () => {
    expect(checkPayCode(' 2845678901234567\r\n')).toMatchObject({ ok: true, code: '2845678901234567' });
  });

  it('reads full-width digits typed through a Chinese IME as digits', () => {
    expect(normalizeScan('１３４５６７８９０１２３４５６７８９')).toBe('134567890123456789');
    expect(checkPayCode('１３４５６７８９０１２３４５６７８９')).toMatchObject({
      ok: true,
      channel: 'wechat',
    });
  });

  it('rejects an empty read', () => {
    expect(checkPayCode('  \r')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('rejects letters and symbols with a clear message in both languages', () => {
    const result = checkPayCode('https://example.com/x');
    expect(result).toMatchObject({ ok: false, reason: 'not-digits' });
    if (result.ok) throw new Error('unreachable');
    expect(result.message.zh).toContain('不是付款码');
    expect(result.message.en).toContain('Not a payment code');
    expect(checkPayCode('13456789012345678A')).toMatchObject({ ok: false, reason: 'not-digits' });
    expect(checkPayCode('1345-6789-0123-4567')).toMatchObject({ ok: false, reason: 'not-digits' });
  });

  it.each([
    ['6901234567892', 'EAN-13'],
    ['69012345', 'EAN-8'],
    ['012345678905', 'UPC-A'],
    ['16901234567893', 'GTIN-14'],
  ])('rejects the product barcode %s (%s)', (code) => {
    const result = checkPayCode(code);
    expect(result).toMatchObject({ ok: false, reason: 'product-barcode' });
    if (result.ok) throw new Error('unreachable');
    expect(result.message.zh).toBe('这是商品条码，不是付款码');
  });

  it('rejects wrong lengths and says how long the read was', () => {
    const short = checkPayCode('134567890123456'); // 15
    expect(short).toMatchObject({ ok: false, reason: 'too-short' });
    if (short.ok) throw new Error('unreachable');
    expect(short.message.en).toContain('15 digits');
    const long = checkPayCode('2845678901234567890123456'); // 25
    expect(long).toMatchObject({ ok: false, reason: 'too-long' });
    if (long.ok) throw new Error('unreachable');
    expect(long.message.zh).toContain('25 位');
    expect(checkPayCode('1234567')).toMatchObject({ ok: false, reason: 'too-short' });
  });

  it('accepts both ends of the overall length window (16 and 24)', () => {
    expect(checkPayCode('2845678901234567')).toMatchObject({ ok: true });
    expect(checkPayCode('284567890123456789012345')).toMatchObject({ ok: true });
  });
});

describe('masking', () => {
  it('keeps only the last 4 digits', () => {
    const masked = maskCode('134567890123456789');
    expect(masked).toBe('•••• 6789');
    expect(masked).not.toContain('1345');
    expect(last4('134567890123456789')).toBe('6789');
  });
});
