/** Gateway status and 测试连接 against the real simulator on loopback. */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { createPosLinkClient } from './client.js';
import { createGatewayMonitor, type GatewayStatus, statusOf } from './status.js';
import type { PosLinkClientOptions } from './types.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

function setup(extra: Partial<PosLinkClientOptions> = {}) {
  const monitor = createGatewayMonitor();
  const client = createPosLinkClient({
    baseUrl: () => sim.url,
    appId: () => sim.credentials.appId,
    appKey: () => sim.credentials.appKey,
    merchantCode: () => '898310000000001',
    terminalCode: () => 'T0000001',
    now: () => sim.clock.now(),
    onExchange: (e) => monitor.record(e),
    ...extra,
  });
  return { monitor, client };
}

async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('测试连接 (gateway.test)', () => {
  it('good credentials: 原交易不存在 for an impossible order means route and signature work', async () => {
    const { monitor, client } = setup();
    const seen: GatewayStatus[] = [];
    monitor.onChange((s) => seen.push(s));
    expect(monitor.status().state).toBe('unknown');
    const result = await monitor.test(client);
    expect(result).toMatchObject({ ok: true, state: 'ok' });
    expect(result.message.zh).toContain('连接正常');
    // The test was a real exchange: the status follows it.
    expect(monitor.status()).toMatchObject({ state: 'ok' });
    expect(seen).toHaveLength(1);
    // It left no order behind at the gateway.
    expect(sim.ledger()).toEqual([]);
    expect(sim.requests().at(-1)).toMatchObject({ endpoint: 'query', errCode: '22' });
  });

  it('a wrong AppKey: 1000, auth-failed', async () => {
    const { monitor, client } = setup({ appKey: () => 'wrongkey000000000000000000000000' });
    const result = await monitor.test(client);
    expect(result).toMatchObject({ ok: false, state: 'auth-failed' });
    expect(result.message.zh).toContain('1000');
    expect(monitor.status().state).toBe('auth-failed');
  });

  it('nothing listening: unreachable, says so', async () => {
    const { monitor, client } = setup({ baseUrl: await closedPortUrl() });
    const result = await monitor.test(client);
    expect(result).toMatchObject({ ok: false, state: 'unreachable' });
    expect(result.message).toEqual({
      zh: '网络不通：连接被拒绝',
      en: 'Network unreachable: connection refused',
    });
    expect(monitor.status().state).toBe('unreachable');
  });

  it('no credentials: says what is missing, sends nothing', async () => {
    const { monitor, client } = setup({ appId: () => undefined });
    const result = await monitor.test(client);
    expect(result).toMatchObject({ ok: false, state: 'unknown' });
    expect(result.message.zh).toContain('AppId');
  });
});

describe('status from the last exchange', () => {
  it('slow, timeout, 5xx and answers', () => {
    const ok = { outcome: 'ok', errCode: '00', errInfo: '', body: {}, raw: '', httpStatus: 200 } as const;
    expect(statusOf(ok, 120).state).toBe('ok');
    expect(statusOf(ok, 4_500)).toMatchObject({ state: 'slow', message: { zh: '网关响应慢（4.5 秒）' } });
    const timeout = {
      outcome: 'unknown',
      cause: 'timeout',
      message: { zh: '网关未及时答复，结果未知', en: 'x' },
      detail: 'TimeoutError',
    } as const;
    expect(statusOf(timeout, 15_000).state).toBe('unreachable');
    expect(statusOf({ ...timeout, cause: 'http-status', httpStatus: 502 }, 10).state).toBe('unreachable');
    // A business decline is still a gateway that answers.
    const declined = {
      outcome: 'declined',
      errCode: '51',
      errInfo: '',
      meaning: { zh: '余额不足', en: 'Insufficient funds' },
      message: { zh: '余额不足（51）', en: 'Insufficient funds (51)' },
      body: {},
      raw: '',
      httpStatus: 200,
    } as const;
    expect(statusOf(declined, 80).state).toBe('ok');
  });
});
