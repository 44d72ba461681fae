/**
 * PIN attempt bookkeeping: counted per key (one operator's sign-in, or one signed-in operator's
 * manager-PIN checks), checked one at a time, with growing refusal windows, persisted in
 * `<dataDir>/pin-attempts.json` (0600) so a restart does not wipe the count.
 *
 * `check(key, verify)` runs `verify` only when the key is not in a refusal window, and only one
 * verification per key at a time: a thousand guesses sent at once queue behind each other, and once
 * the free tries are used up the rest are refused without being checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../log/logger.js';
import { AppError } from '../shared/errors.js';

const log = createLogger('pin-attempts');

export interface AttemptsOptions {
  dataDir: string;
  now?: () => number;
  /** Wrong PINs in a row allowed before refusal windows begin. */
  freeTries?: number;
  /** First refusal window; each further wrong PIN doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

export interface PinAttempts {
  readonly path: string;
  /**
   * Runs `verify` under the key's rules. A true result resets the key's count; false counts one wrong
   * PIN and throws PIN_INVALID; in a refusal window it throws FORBIDDEN without calling `verify`.
   */
  check<T>(key: string, verify: () => Promise<T | undefined>): Promise<T>;
  /** Wrong PINs in a row on this key, and until when it is refused (ms since epoch; 0 when open). */
  status(key: string): { failures: number; lockedUntil: number };
}

const FILE = 'pin-attempts.json';
const MAX_KEYS = 1000;

export function createPinAttempts(options: AttemptsOptions): PinAttempts {
  const now = options.now ?? Date.now;
  const freeTries = options.freeTries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 2_000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const file = path.join(options.dataDir, FILE);
  const entries = load(file);
  const queues = new Map<string, Promise<unknown>>();

  const persist = () => {
    // Oldest keys go first if a flood of odd keys ever fills the file.
    const keys = Object.keys(entries);
    for (const key of keys.slice(0, Math.max(0, keys.length - MAX_KEYS))) delete entries[key];
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, entries }), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  };

  const refuseIfLocked = (key: string) => {
    const entry = entries[key];
    const wait = entry ? entry.lockedUntil - now() : 0;
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('FORBIDDEN', {
        zh: `PIN 错误次数过多，请 ${seconds} 秒后再试`,
        en: `Too many wrong PINs: try again in ${seconds} s`,
      });
    }
  };

  const run = async <T>(key: string, verify: () => Promise<T | undefined>): Promise<T> => {
    refuseIfLocked(key);
    const result = await verify();
    if (result !== undefined) {
      if (entries[key]) {
        delete entries[key];
        persist();
      }
      return result;
    }
    const failures = (entries[key]?.failures ?? 0) + 1;
    const over = failures - freeTries;
    const delay = over > 0 ? Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
    delete entries[key];
    entries[key] = { failures, lockedUntil: delay > 0 ? now() + delay : 0 };
    persist();
    log.warn('wrong PIN', { counter: key, failures, refusedForMs: delay });
    throw new AppError('PIN_INVALID', { zh: 'PIN 不正确', en: 'Wrong PIN' });
  };

  return {
    path: file,
    check(key, verify) {
      const previous = queues.get(key) ?? Promise.resolve();
      const mine = previous.then(
        () => run(key, verify),
        () => run(key, verify),
      );
      const settled = mine.catch(() => undefined);
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return mine;
    },
    status(key) {
      const entry = entries[key];
      return { failures: entry?.failures ?? 0, lockedUntil: entry?.lockedUntil ?? 0 };
    },
  };
}

/** Entries that do not read as numbers are dropped; a file that is not JSON starts the count afresh. */
function load(file: string): Record<string, Entry> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { entries?: Record<string, Partial<Entry>> };
    const out: Record<string, Entry> = {};
    for (const [key, value] of Object.entries(parsed.entries ?? {})) {
      const failures = Number(value?.failures);
      const lockedUntil = Number(value?.lockedUntil);
      if (Number.isSafeInteger(failures) && failures >= 0 && Number.isFinite(lockedUntil)) {
        out[key] = { failures, lockedUntil };
      }
    }
    return out;
  } catch {
    log.warn('PIN attempts file unreadable: counting starts afresh', { file });
    return {};
  }
}
