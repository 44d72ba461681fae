import { describe, expect, it } from 'vitest';
import { spokenResult } from './beep';

describe('the spoken result (云音箱 style)', () => {
  it('says the amount in yuan from fen, in the UI language', () => {
    expect(spokenResult('paid', 1234, 'zh-CN')).toBe('收款成功，12.34 元');
    expect(spokenResult('paid', 5, 'en')).toBe('Payment received, 0.05 yuan');
  });
  it('says failures briefly and stays quiet where there is nothing to say', () => {
    expect(spokenResult('declined', 1234, 'zh-CN')).toBe('收款失败');
    expect(spokenResult('voided', 1234, 'zh-CN')).toBeUndefined();
  });
});
