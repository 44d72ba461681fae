/**
 * The one logger. Every line passes through `redact` first. The sink is swappable: stderr by default,
 * rotating files once the app configures them (`setLogSink`).
 */
import { redact, redactText } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  time: string;
  level: LogLevel;
  scope: string;
  message: string;
  meta?: unknown;
}

export type LogSink = (record: LogRecord) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let sink: LogSink = (record) => {
  if (LEVELS[record.level] >= LEVELS.warn) process.stderr.write(`${JSON.stringify(record)}\n`);
};
let minimum: LogLevel = (process.env.CASHIER_LOG_LEVEL as LogLevel | undefined) ?? 'info';

/** Replace the sink (and optionally the minimum level). Returns the previous sink, to put back on stop. */
export function setLogSink(next: LogSink, level?: LogLevel): LogSink {
  const previous = sink;
  sink = next;
  if (level) minimum = level;
  return previous;
}

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    const record: LogRecord = { time: new Date().toISOString(), level, scope, message: redactText(message) };
    if (meta) record.meta = redact(meta);
    try {
      sink(record);
    } catch {
      // A failing sink must never break the code that logs (a sale in flight, a print).
    }
  };
  return {
    debug: (message, meta) => write('debug', message, meta),
    info: (message, meta) => write('info', message, meta),
    warn: (message, meta) => write('warn', message, meta),
    error: (message, meta) => write('error', message, meta),
  };
}
