/**
 * Money is integer fen, and only main/shared/money.ts turns it into yuan or text. This scan fails when
 * float arithmetic on amounts appears anywhere else in main/, renderer/, preload/ or hq/ (head office and
 * its page): a division or multiplication by 100, toFixed or parseFloat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNED = ['main', 'renderer/src', 'preload', 'hq'];
const THE_MONEY_MODULE = 'main/shared/money.ts';

const PATTERNS: Array<[string, RegExp]> = [
  ['/ 100', /\/\s*100(?![\d_.])/],
  ['* 100', /\*\s*100(?![\d_.])/],
  ['toFixed(', /\.toFixed\(/],
  ['parseFloat(', /\bparseFloat\(/],
];

/** Lines that match a pattern but are not money, with the reason. */
const NOT_MONEY: Array<{ file: string; contains: string; why: string }> = [
  { file: 'main/gateway/status.ts', contains: '(latencyMs % 1000) / 100', why: 'tenths of a second' },
  { file: 'main/printing/html.ts', contains: 'qrSizeMm(data, paper).toFixed(2)', why: 'millimetres' },
  { file: 'main/shared/money.scan.test.ts', contains: '', why: 'this file names the patterns' },
  {
    file: 'hq/chain.test.ts',
    contains: '1_000 + n * 100 + i * 11',
    why: 'integer fen: each counter its own amounts',
  },
  { file: 'hq/test/pg-cluster.ts', contains: 'cpu: ticks / 100', why: 'clock ticks per second' },
];

/** Float money still in files another part of the app owns, to be replaced there. Empty: keep it so. */
const PENDING: Array<{ file: string; contains: string }> = [];

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return out;
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(root, rel));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function isComment(line: string): boolean {
  const t = line.trim();
  return t.startsWith('//') || t.startsWith('*') || t.startsWith('/*');
}

interface Hit {
  file: string;
  line: number;
  pattern: string;
  text: string;
}

function scan(root = ROOT): Hit[] {
  const hits: Hit[] = [];
  for (const file of SCANNED.flatMap((dir) => sourceFiles(root, dir))) {
    if (file === THE_MONEY_MODULE) continue;
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (isComment(text)) return;
      for (const [name, re] of PATTERNS) {
        if (re.test(text)) hits.push({ file, line: i + 1, pattern: name, text: text.trim() });
      }
    });
  }
  return hits;
}

const listed = (list: Array<{ file: string; contains: string }>, hit: Hit) =>
  list.some((e) => e.file === hit.file && hit.text.includes(e.contains));

describe('money goes through main/shared/money.ts', () => {
  it('finds the patterns it looks for (the scan itself works)', () => {
    const sample = 'const yuan = (amountFen / 100).toFixed(2); const fen = Math.round(parseFloat(t) * 100);';
    const found = PATTERNS.filter(([, re]) => re.test(sample)).map(([name]) => name);
    expect(found).toEqual(['/ 100', '* 100', 'toFixed(', 'parseFloat(']);
    expect(PATTERNS.some(([, re]) => re.test('const n = 1000; a % 100 === 99; b / 1000'))).toBe(false);
  });

  it('scans head office and its page too', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'money-scan-'));
    try {
      fs.mkdirSync(path.join(root, 'hq/web/src'), { recursive: true });
      fs.mkdirSync(path.join(root, 'hq/src'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'hq/web/src/Chart.tsx'),
        'const bars = hours.map((h) => h.fen / 100);\n',
      );
      fs.writeFileSync(path.join(root, 'hq/src/parse.ts'), '// a comment: fen / 100\nconst ok = 1;\n');
      expect(scan(root).map((h) => `${h.file}:${h.line} [${h.pattern}]`)).toEqual([
        'hq/web/src/Chart.tsx:1 [/ 100]',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('no float arithmetic with fen outside money.ts', () => {
    const hits = scan();
    const offenders = hits.filter((h) => !listed(NOT_MONEY, h) && !listed(PENDING, h));
    expect(offenders.map((h) => `${h.file}:${h.line} [${h.pattern}] ${h.text}`)).toEqual([]);
    const stale = PENDING.filter((e) => !hits.some((h) => h.file === e.file && h.text.includes(e.contains)));
    if (stale.length > 0) console.warn(`PENDING entries fixed, delete them: ${JSON.stringify(stale)}`);
    const pending = hits.filter((h) => listed(PENDING, h));
    if (pending.length > 0) {
      console.warn(
        `float money still pending in files owned elsewhere:\n${pending.map((h) => `  ${h.file}:${h.line} ${h.text}`).join('\n')}`,
      );
    }
  });
});
