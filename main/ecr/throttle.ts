/**
 * Wrong bearer tokens, per remote address: after a few failures within a window the address is
 * refused (429) for a while, longer with each further failure, without its token being compared, so
 * guessing gains nothing. A right token resets the address. Pure: the clock is passed in.
 */

export interface ThrottleOptions {
  /** Failures allowed within the window before the address is refused. */
  maxFailures?: number;
  windowMs?: number;
  /** The first refusal; it doubles with each failure after that, up to maxLockMs. */
  firstLockMs?: number;
  maxLockMs?: number;
  /** Addresses remembered at most (the oldest forgotten first). */
  maxAddresses?: number;
  now?: () => number;
}

export type Gate = { ok: true } | { ok: false; retryAfterMs: number };

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class AuthThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly firstLockMs: number;
  private readonly maxLockMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.firstLockMs = options.firstLockMs ?? 1_000;
    this.maxLockMs = options.maxLockMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Before the token is looked at: is this address refused right now? */
  check(address: string): Gate {
    const entry = this.entries.get(address);
    const wait = entry ? entry.lockedUntil - this.now() : 0;
    return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
  }

  /** A wrong or missing token: the failures counted in the window, and the refusal it starts, if any. */
  failed(address: string): { failures: number; lockMs: number } {
    const now = this.now();
    const entry = this.entries.get(address) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((t) => now - t < this.windowMs);
    entry.failures.push(now);
    const over = entry.failures.length - this.maxFailures;
    const lockMs = over < 0 ? 0 : Math.min(this.maxLockMs, this.firstLockMs * 2 ** Math.min(over, 30));
    if (lockMs > 0) entry.lockedUntil = now + lockMs;
    // Re-inserted: the map's order is the order of last failure, the oldest first.
    this.entries.delete(address);
    this.entries.set(address, entry);
    while (this.entries.size > this.maxAddresses) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return { failures: entry.failures.length, lockMs };
  }

  /** The right token: the address starts afresh. */
  succeeded(address: string): void {
    this.entries.delete(address);
  }
}
