/**
 * The raw display capture on disk (`<dataDir>/ecr/display-capture.hex`: one line per read, ISO time
 * then hex) and its copy for support. A display stream carries totals and item prices, not payment
 * codes, but the copy masks every run of 16 or more ASCII digits to its last 4 all the same (a run
 * split across two reads counts as one).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { redactText } from '../../log/redact.js';

export function captureFilePath(dataDir: string): string {
  return path.join(dataDir, 'ecr', 'display-capture.hex');
}

/** Shortest digit run that is masked, and how many digits stay. */
const MASK_FROM = 16;
const KEEP = 4;
const STAR = 0x2a;
const LINE = /^(\S+) ((?:[0-9a-f]{2})*)$/;

/** The capture file as support may see it, or undefined when there is none. */
export function captureForSupport(dataDir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(captureFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  return maskCapture(text);
}

type Line = { kind: 'read'; time: string; hex: string } | { kind: 'other'; text: string };

/** Hex capture lines with every run of 16+ ASCII digits (across lines too) masked to its last 4. */
export function maskCapture(text: string): string {
  const lines: Line[] = text.split('\n').map((line) => {
    const m = LINE.exec(line);
    return m ? { kind: 'read', time: m[1] as string, hex: m[2] as string } : { kind: 'other', text: line };
  });
  // The bytes of every read, in order, as one stream, masked, then cut back into the reads.
  const stream = Buffer.from(lines.map((l) => (l.kind === 'read' ? l.hex : '')).join(''), 'hex');
  let run = 0;
  for (let i = 0; i <= stream.length; i++) {
    if (i < stream.length && isDigit(stream[i] as number)) {
      run++;
      continue;
    }
    if (run >= MASK_FROM) stream.fill(STAR, i - run, i - KEEP);
    run = 0;
  }
  let offset = 0;
  return lines
    .map((l) => {
      // A line that is not a capture line (there should be none) goes through the log redactor.
      if (l.kind === 'other') return redactText(l.text);
      const n = l.hex.length / 2;
      offset += n;
      return `${l.time} ${stream.subarray(offset - n, offset).toString('hex')}`;
    })
    .join('\n');
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
