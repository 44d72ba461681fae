import { describe, expect, it } from 'vitest';
import { en } from './en';
import { chineseIn, englishIn } from './language-check';
import { zh } from './zh';

describe('the catalogues keep each UI in its own language', () => {
  it('no English words in the Chinese catalogue (beyond key and device names)', () => {
    const found = Object.entries(zh)
      .map(([key, text]) => [key, englishIn(text.replace(/\{\{\w+\}\}/g, ''))] as const)
      .filter(([, words]) => words.length > 0);
    expect(found).toEqual([]);
  });

  it('no Chinese in the English catalogue (beyond the switch back to 中文)', () => {
    const found = Object.entries(en)
      .map(([key, text]) => [key, chineseIn(text)] as const)
      .filter(([, runs]) => runs.length > 0);
    expect(found).toEqual([]);
  });

  it('the check itself catches the mirror problems', () => {
    expect(englishIn('请扫描付款码 Scan the payment code')).toEqual(['Scan', 'the', 'payment', 'code']);
    expect(englishIn('按 Enter 收款；F12 AppId')).toEqual([]);
    expect(chineseIn('Scan the code 请扫描付款码')).toEqual(['请扫描付款码']);
    expect(chineseIn('Switch to 中文')).toEqual([]);
  });
});
