/**
 * A size-rotating log file sink: JSON lines in `<dir>/<name>.log`; when the next line would take the
 * file past `maxBytes`, it becomes `<name>.1.log` (older ones shift up) and at most `keep` old files
 * are kept. Writes are synchronous appends, so a crash loses no line already logged, and a failing
 * disk never throws into the caller (the line goes to stderr instead).
 *
 * Every record reaching a sink has already been redacted by createLogger; the sink redacts the whole
 * line record once more (structurally, so the line stays valid JSON), so a caller that hands it a record
 * directly cannot leak either.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord, LogSink } from './logger.js';
import { redact } from './redact.js';

export interface RotatingFileSinkOptions {
  dir: string;
  /** File base name: `cashier` → cashier.log, cashier.1.log, ... */
  name?: string;
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  /** Also echo warnings and errors to stderr (development). */
  echo?: boolean;
}

export interface RotatingFileSink extends LogSink {
  readonly file: string;
  /** All log files, newest first. */
  files(): string[];
}

export function createRotatingFileSink(options: RotatingFileSinkOptions): RotatingFileSink {
  const name = options.name ?? 'cashier';
  const maxBytes = Math.max(1024, options.maxBytes ?? 2 * 1024 * 1024);
  const keep = Math.max(1, Math.min(50, options.keep ?? 5));
  const file = path.join(options.dir, `${name}.log`);
  const rotated = (n: number) => path.join(options.dir, `${name}.${n}.log`);
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });

  let size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;

  const rotate = () => {
    fs.rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      if (fs.existsSync(rotated(n))) fs.renameSync(rotated(n), rotated(n + 1));
    }
    if (fs.existsSync(file)) fs.renameSync(file, rotated(1));
    size = 0;
  };

  const sink = ((record: LogRecord) => {
    const line = `${JSON.stringify(redact(record))}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      fs.appendFileSync(file, line, { mode: 0o600 });
      size += bytes;
    } catch {
      process.stderr.write(line);
      return;
    }
    if (options.echo && (record.level === 'warn' || record.level === 'error')) process.stderr.write(line);
  }) as RotatingFileSink;

  Object.defineProperty(sink, 'file', { value: file });
  sink.files = () =>
    [file, ...Array.from({ length: keep }, (_, i) => rotated(i + 1))].filter((f) => fs.existsSync(f));
  return sink;
}
