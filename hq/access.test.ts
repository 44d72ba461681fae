/**
 * Head office reachable from other machines: with an access token, the page and the head-office API
 * answer only with it (bearer, or the cookie `/?token=…` sets once); the counters' sync API keeps its own
 * tokens. On PGlite (the check is the service's, not the database's).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addCounter } from './src/counters.js';
import { type HqService, startHqService } from './src/service.js';

const ACCESS = 'office-secret-0123456789';
let hq: HqService;

beforeAll(async () => {
  hq = await startHqService({ accessToken: ACCESS });
}, 60_000);
afterAll(async () => {
  await hq?.stop();
});

it('refuses the API without the token, lets it in by bearer or by the cookie the page link sets', async () => {
  const day = '2026-12-01';
  const none = await fetch(`${hq.url}/api/settlement?day=${day}`);
  expect(none.status).toBe(401);
  const body = (await none.json()) as { error: { message: { zh: string; en: string } } };
  expect(body.error.message.zh).toContain('token');
  expect(body.error.message.en).toContain('token');
  expect(
    (await fetch(`${hq.url}/api/settlement?day=${day}`, { headers: { authorization: 'Bearer wrong' } }))
      .status,
  ).toBe(401);
  expect(
    (await fetch(`${hq.url}/api/settlement?day=${day}`, { headers: { authorization: `Bearer ${ACCESS}` } }))
      .status,
  ).toBe(200);
  const link = await fetch(`${hq.url}/?token=${ACCESS}`, { redirect: 'manual' });
  expect(link.status).toBe(303);
  const cookie = (link.headers.get('set-cookie') ?? '').split(';')[0] as string;
  expect(link.headers.get('set-cookie')).toContain('HttpOnly');
  expect((await fetch(`${hq.url}/api/counters`, { headers: { cookie } })).status).toBe(200);
  expect((await fetch(`${hq.url}/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
  // A counter uploads with its own token, not the office's.
  const token = await addCounter(hq.db, { storeId: 'S1', terminalId: 'ACC1' });
  const hwm = await fetch(`${hq.url}/api/sync/hwm`, { headers: { authorization: `Bearer ${token}` } });
  expect(hwm.status).toBe(200);
  expect(
    (await fetch(`${hq.url}/api/sync/hwm`, { headers: { authorization: `Bearer ${ACCESS}` } })).status,
  ).toBe(401);
});
