/**
 * Customer-display streams as host POS systems write them, built from the documented command formats
 * (docs/ecr.md): items with their prices first, then the total, then payment or a clear. Each stream's
 * expected proposal is in `totalFen`. Tests and the bench replay them, split at arbitrary points.
 */
import iconv from 'iconv-lite';

const ESC = '\x1b';
const gbk = (s: string) => iconv.encode(s, 'gbk');
const bytes = (...parts: Array<string | Buffer>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

export interface DisplayStream {
  name: string;
  protocol: 'led8' | 'cd5220' | 'escpos' | 'text';
  /** Items and the total (the proposal must be totalFen, once, after the quiet period). */
  sale: Buffer;
  totalFen: number;
  /** What the host writes next (payment lamps, a clear): cancels an open proposal. */
  after: Buffer;
}

const led = (lamp: number, digits: string) => bytes(`${ESC}s${lamp}`, `${ESC}QA${digits}\r`);

export const STREAMS: DisplayStream[] = [
  {
    name: 'LED-8: 单价 lamp for each item, then 总计',
    protocol: 'led8',
    sale: bytes(`${ESC}@`, led(1, '5.50'), led(1, '12.00'), led(1, '0.99'), led(2, '18.49')),
    totalFen: 1849,
    // 收款 (cash given) then 找零 (change): the host took the money itself.
    after: bytes(led(3, '20.00'), led(4, '1.51')),
  },
  {
    name: 'CD5220 2×20: item on the upper line, price below, then 合计 in GBK',
    protocol: 'cd5220',
    sale: bytes(
      '\x0c',
      `${ESC}QA`,
      gbk('可口可乐 330ml'),
      '\r',
      `${ESC}QB`,
      gbk('单价 5.50'),
      '\r',
      `${ESC}QA`,
      gbk('薯片'),
      '\r',
      `${ESC}QB`,
      gbk('单价 12.00'),
      '\r',
      `${ESC}QA`,
      gbk('共 2 件'),
      '\r',
      `${ESC}QB`,
      gbk('合计 ￥17.50'),
      '\r',
    ),
    totalFen: 1750,
    after: bytes('\x0c'),
  },
  {
    name: 'ESC/POS customer display: cursor moves, TOTAL label above its amount',
    protocol: 'escpos',
    sale: bytes(
      `${ESC}@`,
      '\x0c',
      '\x1f$\x01\x01',
      'COLA',
      '\x1f$\x0f\x02',
      ' 5.50',
      '\x0c',
      '\x1f$\x01\x01',
      'CHIPS',
      '\x1f$\x0e\x02',
      ' 12.00',
      '\x0c',
      '\x1f$\x01\x01',
      'TOTAL',
      '\x1f$\x0e\x02',
      ' 17.50',
    ),
    totalFen: 1750,
    after: bytes('\x0c'),
  },
  {
    name: 'plain text lines (CRLF), GBK labels',
    protocol: 'text',
    sale: bytes(gbk('可乐 5.50\r\n'), gbk('薯片 12.00\r\n'), gbk('面包 8.00\r\n'), gbk('应收: 25.50\r\n')),
    totalFen: 2550,
    after: bytes('\x0c'),
  },
];

/** Split a stream at deterministic pseudo-random points (1–7 bytes a write), as a serial line delivers it. */
export function splitWrites(buf: Buffer, seed = 7): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  let at = 0;
  while (at < buf.length) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % 7);
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}
