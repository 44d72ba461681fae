import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { EventHub, Router } from './router.js';

const quietLog = { error: () => {} };

describe('Router', () => {
  it('validates input before the handler runs and answers with a typed envelope', async () => {
    let calls = 0;
    const router = new Router(quietLog).mount({
      'app.ping': ({ echo }) => {
        calls += 1;
        return { echo, at: 'now' };
      },
    });
    expect(await router.dispatch('app.ping', { echo: 'hi' })).toEqual({
      ok: true,
      data: { echo: 'hi', at: 'now' },
    });
    const bad = await router.dispatch('app.ping', { echo: 7 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', fields: [{ path: 'echo' }] } });
    expect(await router.dispatch('app.ping', { echo: 'x', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(calls).toBe(1);
  });

  it('refuses channels the contract does not declare, and prototype keys', async () => {
    const router = new Router(quietLog);
    for (const channel of ['nope.nothing', '__proto__', 'constructor', 42, null]) {
      expect(await router.dispatch(channel, {})).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL' },
      });
    }
    expect(() => router.mount({ 'no.such': () => ({}) } as never)).toThrow(/does not declare/);
  });

  it('turns AppError into its own code and hides other errors behind INTERNAL', async () => {
    const router = new Router(quietLog).mount({
      'sale.cancel': () => {
        throw new AppError('CONFLICT', { zh: '交易进行中', en: 'A payment is in flight' });
      },
      'sale.reset': () => {
        throw new Error('secret stack detail');
      },
    });
    expect(await router.dispatch('sale.cancel', {})).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: { zh: '交易进行中', en: 'A payment is in flight' } },
    });
    const internal = await router.dispatch('sale.reset', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('secret stack detail');
  });

  it('answers UNAVAILABLE for a declared channel with no handler yet', async () => {
    expect(await new Router(quietLog).dispatch('sale.current', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
  });
});

describe('EventHub', () => {
  it('delivers checked payloads and refuses malformed ones in main', () => {
    const hub = new EventHub();
    const seen: unknown[] = [];
    hub.subscribe((name, payload) => seen.push([name, payload]));
    hub.emit('app.notice', { level: 'info', message: { zh: '好', en: 'ok' }, at: 't' });
    expect(seen).toHaveLength(1);
    expect(() => hub.emit('app.notice', { level: 'loud' } as never)).toThrow();
    expect(seen).toHaveLength(1);
  });
});
