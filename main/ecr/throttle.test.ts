/**
 * Wrong bearer tokens: the throttle's rules on a hand-moved clock, then the real API on loopback
 * refusing a guessing address with 429 (its token not even compared), logging it without the token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LogRecord, setLogSink } from '../log/logger.js';
import { type EcrServer, startEcrServer } from './server.js';
import type { EcrService } from './service.js';
import { AuthThrottle } from './throttle.js';

describe('AuthThrottle', () => {
  it('refuses an address after 5 failures in the window, doubling the wait; others are not touched', () => {
    let now = 0;
    const t = new AuthThrottle({ now: () => now });
    for (let i = 1; i <= 4; i++) expect(t.failed('10.0.0.2')).toEqual({ failures: i, lockMs: 0 });
    expect(t.check('10.0.0.2')).toEqual({ ok: true });
    expect(t.failed('10.0.0.2')).toEqual({ failures: 5, lockMs: 1000 });
    expect(t.check('10.0.0.2')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(t.check('10.0.0.3')).toEqual({ ok: true });
    now = 1000;
    expect(t.check('10.0.0.2')).toEqual({ ok: true });
    expect(t.failed('10.0.0.2').lockMs).toBe(2000);
    now = 3000;
    expect(t.failed('10.0.0.2').lockMs).toBe(4000);
  });

  it('the wait stops growing at the cap; a quiet window or the right token starts afresh', () => {
    let now = 0;
    const t = new AuthThrottle({ now: () => now, windowMs: 60_000 });
    for (let i = 0; i < 20; i++) t.failed('a');
    expect(t.failed('a').lockMs).toBe(60_000);
    now = 200_000; // every failure is out of the window
    expect(t.check('a')).toEqual({ ok: true });
    expect(t.failed('a')).toEqual({ failures: 1, lockMs: 0 });
    for (let i = 0; i < 3; i++) t.failed('b');
    t.succeeded('b');
    expect(t.failed('b')).toEqual({ failures: 1, lockMs: 0 });
  });

  it('remembers a bounded number of addresses, forgetting the oldest', () => {
    const t = new AuthThrottle({ maxFailures: 1, maxAddresses: 2, now: () => 0 });
    t.failed('a');
    t.failed('b');
    t.failed('c');
    expect(t.check('a')).toEqual({ ok: true });
    expect(t.check('b').ok).toBe(false);
    expect(t.check('c').ok).toBe(false);
  });
});

describe('the ECR API on loopback', () => {
  const TOKEN = 'right-token-0123456789';
  const WRONG = 'guessed-token-9876543210';
  let server: EcrServer | undefined;
  let restore: (() => void) | undefined;
  afterEach(async () => {
    await server?.close();
    restore?.();
  });

  it('answers 429 with Retry-After after 5 wrong tokens, the right one too, until the wait is over', async () => {
    const logged: LogRecord[] = [];
    const previous = setLogSink((r) => logged.push(r), 'debug');
    restore = () => setLogSink(previous);
    let now = 0;
    server = await startEcrServer({
      service: {} as EcrService, // never reached: only the token is in question here
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      throttle: new AuthThrottle({ now: () => now }),
    });
    const call = (token: string) =>
      fetch(`${server?.url}/v1/openapi.json`, { headers: { authorization: `Bearer ${token}` } });

    expect((await call(TOKEN)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await call(WRONG)).status).toBe(401);
    const refused = await call(TOKEN);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { error: { code: string; message: { zh: string; en: string } } };
    expect(body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(body.error.message.zh).toContain('1 秒后再试');
    expect(body.error.message.en).toContain('try again in 1 s');
    now = 1000;
    expect((await call(TOKEN)).status).toBe(200);
    // The right token started the address afresh: 4 wrong ones are allowed again.
    for (let i = 0; i < 4; i++) expect((await call(WRONG)).status).toBe(401);
    expect((await call(TOKEN)).status).toBe(200);

    const warnings = logged.filter((r) => r.scope === 'ecr.api' && r.level === 'warn');
    expect(warnings.length).toBe(9);
    expect(JSON.stringify(warnings)).toContain('127.0.0.1');
    expect(JSON.stringify(logged)).not.toContain(WRONG);
    expect(JSON.stringify(logged)).not.toContain(TOKEN);
    expect(warnings[4]?.meta).toMatchObject({ remote: '127.0.0.1', failures: 5, refusedForMs: 1000 });
  });
});
