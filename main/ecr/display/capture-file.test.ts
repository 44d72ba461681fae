import { describe, expect, it } from 'vitest';
import { maskCapture } from './capture-file.js';

const line = (time: string, text: string) => `${time} ${Buffer.from(text, 'latin1').toString('hex')}`;
const decode = (capture: string) =>
  capture
    .split('\n')
    .map((l) => Buffer.from(l.split(' ')[1] ?? '', 'hex').toString('latin1'))
    .join('|');

describe('the display capture for support', () => {
  it('masks a run of 16+ digits to its last 4, also when it is split across two reads', () => {
    const text = [
      line('2026-12-01T01:00:00.000Z', 'TOTAL 17.50\r\nCARD 1345678901'),
      line('2026-12-01T01:00:00.020Z', '23451234\r\n'),
      line('2026-12-01T01:00:00.040Z', 'ID 622588001234567\r\n'),
    ].join('\n');
    const masked = maskCapture(text);
    // 18 digits over two reads: masked as one run. 15 digits: left as they are.
    expect(decode(masked)).toBe('TOTAL 17.50\r\nCARD **********|****1234\r\n|ID 622588001234567\r\n');
    // Times and the bytes per read are kept.
    expect(masked.split('\n').map((l) => l.split(' ')[0])).toEqual([
      '2026-12-01T01:00:00.000Z',
      '2026-12-01T01:00:00.020Z',
      '2026-12-01T01:00:00.040Z',
    ]);
    expect(masked.length).toBe(text.length);
  });

  it('leaves shorter digit runs, control codes and GBK bytes as they were', () => {
    const bytes = Buffer.concat([
      Buffer.from([0x1b, 0x51, 0x41]),
      Buffer.from('123456789012345', 'latin1'), // 15 digits: not a payment code
      Buffer.from([0x0d, 0xba, 0xcf, 0xbc, 0xc6]), // CR 合计 in GBK
    ]);
    const text = `2026-12-01T01:00:00.000Z ${bytes.toString('hex')}`;
    expect(maskCapture(text)).toBe(text);
  });
});
