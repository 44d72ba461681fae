/**
 * What the network can and cannot tell (NOTES.md §3), on loopback: a connection that was never
 * established is a definite "not sent"; anything after it is unknown. A "00" earns paid only with the
 * fields the spec requires.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CertFiles, selfSignedCert } from '../shared/testing/tls.js';
import { createPosLinkClient } from './client.js';
import { classifyFetchError, nodeTransport, type Transport } from './transport.js';
import type { CallResult, PosLinkClientOptions } from './types.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function client(baseUrl: string, extra: Partial<PosLinkClientOptions> = {}) {
  const c = createPosLinkClient({
    baseUrl,
    appId: () => 'app00000000000000000000000000001',
    appKey: () => 'key00000000000000000000000000001',
    merchantCode: () => '898310000000001',
    terminalCode: () => 'T0000001',
    ...extra,
  });
  closers.push(() => c.close());
  return c;
}

const pay = { merchantOrderId: 'M1', transactionAmount: 1234, payCode: '134567890123456789' };

/** A raw TCP server: `onConnection` decides what each connection gets. */
async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** An HTTP server answering every request with `body` (JSON). */
async function jsonServer(body: unknown, status = 200): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** No cashier-facing text may carry exception text or socket error codes. */
function expectCashierText(result: CallResult<unknown>) {
  expect(result.outcome).not.toBe('ok');
  if (result.outcome === 'ok') return;
  for (const text of [result.message.zh, result.message.en]) {
    expect(text).not.toMatch(/Error|ECONN|ENOTFOUND|fetch failed|other side closed|socket|UND_ERR/i);
    expect(text.length).toBeGreaterThan(0);
  }
}

describe('never left the machine → declined, not sent', () => {
  it('a closed port: refused, known from the error (not from a timer)', async () => {
    // Both timeouts far beyond the test's own limit: only the refusal itself can answer in time.
    const c = client(await closedPort(), { timeoutMs: 60_000, connectTimeoutMs: 60_000 });
    const result = await c.pay(pay);
    expect(result).toMatchObject({
      outcome: 'declined',
      notSent: true,
      cause: 'refused',
      errCode: '',
      message: { zh: '网络不通，未扣款', en: 'Network unreachable: nothing charged' },
    });
    if (result.outcome === 'declined' && result.notSent) expect(result.detail).toMatch(/ECONNREFUSED/);
    expectCashierText(result);
  }, 5_000);

  it('a name that does not resolve: dns', async () => {
    const c = client('http://cashier-gateway.invalid', { timeoutMs: 60_000 });
    const result = await c.query({ merchantOrderId: 'M1' });
    expect(result).toMatchObject({ outcome: 'declined', notSent: true, cause: 'dns' });
    expect(result.outcome === 'declined' && result.message.zh).toBe('网络不通，请求未发出');
  });

  it('a connection that never comes up within the connect timeout: connect-timeout', async () => {
    // The name lookup never answers, so the socket never connects.
    const stuck: Transport = nodeTransport({ lookup: () => {} });
    const c = client('http://gateway.example', {
      transport: stuck,
      timeoutMs: 60_000,
      connectTimeoutMs: 200,
    });
    const result = await c.pay(pay);
    expect(result).toMatchObject({ outcome: 'declined', notSent: true, cause: 'connect-timeout' });
  });

  it('https: a certificate refused in the handshake is not sent (no request byte goes before it)', async (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    let files: CertFiles;
    try {
      files = selfSignedCert(dir);
    } catch {
      return ctx.skip();
    }
    let requests = 0;
    const server = https.createServer(
      { key: fs.readFileSync(files.keyFile), cert: fs.readFileSync(files.certFile) },
      (_req, res) => {
        requests += 1;
        res.end('{}');
      },
    );
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const result = await client(url, { timeoutMs: 60_000 }).pay(pay);
    expect(result).toMatchObject({ outcome: 'declined', notSent: true, cause: 'tls' });
    expect(requests).toBe(0);
  });

  it('https: a handshake that never completes ends at the connect timeout, not sent', async () => {
    const url = (await tcpServer((socket) => socket.resume())).replace('http:', 'https:');
    const result = await client(url, { timeoutMs: 60_000, connectTimeoutMs: 300 }).pay(pay);
    expect(result).toMatchObject({ outcome: 'declined', notSent: true, cause: 'connect-timeout' });
  });

  it("undici's own codes for fetch: refused and DNS are not sent; a closed socket is not", async () => {
    const refused = await fetch(`${await closedPort()}/x`, { method: 'POST' }).catch((e: unknown) => e);
    expect(classifyFetchError(refused)).toMatchObject({ kind: 'not-sent', notSent: 'refused' });
    const closing = await tcpServer((socket) => socket.once('data', () => socket.destroy()));
    const dropped = await fetch(`${closing}/x`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(String((dropped as Error).cause)).toMatch(/other side closed|ECONNRESET|socket/i);
    expect(classifyFetchError(dropped)).toMatchObject({ kind: 'network' });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    expect(classifyFetchError(timeout)).toMatchObject({ kind: 'timeout' });
    const connectTimeout = new TypeError('fetch failed', {
      cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
    });
    expect(classifyFetchError(connectTimeout)).toMatchObject({ notSent: 'connect-timeout' });
  });

  it('an injected fetch that is refused: not sent too', async () => {
    const c = client(await closedPort(), { fetch });
    expect(await c.pay(pay)).toMatchObject({ outcome: 'declined', notSent: true, cause: 'refused' });
  });
});

describe('after the connection was established → unknown', () => {
  it('accepts, reads the request, never answers: timeout', async () => {
    const url = await tcpServer((socket) => socket.resume());
    const result = await client(url, { timeoutMs: 300 }).pay(pay);
    expect(result).toMatchObject({ outcome: 'unknown', cause: 'timeout' });
    expectCashierText(result);
  });

  it('closes after reading the request: network', async () => {
    const url = await tcpServer((socket) => socket.once('data', () => socket.end()));
    const result = await client(url).pay(pay);
    expect(result).toMatchObject({ outcome: 'unknown', cause: 'network' });
    if (result.outcome === 'unknown') expect(result.detail.length).toBeGreaterThan(0);
    expectCashierText(result);
  });

  it('resets the connection after reading the request: network', async () => {
    const url = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    expect(await client(url).pay(pay)).toMatchObject({ outcome: 'unknown', cause: 'network' });
  });

  it('cuts the reply off half-way: network', async () => {
    const url = await tcpServer((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"errCode":"00"');
        setTimeout(() => socket.destroy(), 20);
      }),
    );
    expect(await client(url).pay(pay)).toMatchObject({ outcome: 'unknown', cause: 'network' });
  });

  it('HTTP 502 and a non-JSON body: unknown, in words', async () => {
    const r502 = await client(await jsonServer('<html>bad gateway</html>', 502)).pay(pay);
    expect(r502).toMatchObject({ outcome: 'unknown', cause: 'http-status', httpStatus: 502 });
    expect(r502.outcome === 'unknown' && r502.message.zh).toContain('HTTP 502');
    const garbage = await client(await jsonServer('not json')).pay(pay);
    expect(garbage).toMatchObject({ outcome: 'unknown', cause: 'unparsable' });
  });
});

describe('a reply earns "paid"', () => {
  const full = {
    errCode: '00',
    errInfo: '交易成功',
    transactionTime: '120000',
    transactionDateWithYear: '20261201',
    settlementDateWithYear: '20261201',
    retrievalRefNum: '123456789012',
    amount: 1234,
    orderId: 'O1',
  };

  it('with 00 and every required field, amount not above the request', async () => {
    expect(await client(await jsonServer(full)).pay(pay)).toMatchObject({ outcome: 'ok', errCode: '00' });
    const discounted = await client(await jsonServer({ ...full, amount: 1000 })).pay(pay);
    expect(discounted.outcome).toBe('ok');
  });

  it('not with {"errCode":"00"} alone', async () => {
    const result = await client(await jsonServer({ errCode: '00' })).pay(pay);
    expect(result).toMatchObject({ outcome: 'unknown', cause: 'incomplete', errCode: '00' });
    if (result.outcome === 'unknown') expect(result.detail).toMatch(/orderId/);
  });

  for (const missing of Object.keys(full).filter((k) => k !== 'errCode' && k !== 'errInfo')) {
    it(`not without ${missing}`, async () => {
      const { [missing as keyof typeof full]: _, ...rest } = full;
      expect(await client(await jsonServer(rest)).pay(pay)).toMatchObject({
        outcome: 'unknown',
        cause: 'incomplete',
      });
    });
  }

  it('not with an amount above the request', async () => {
    const result = await client(await jsonServer({ ...full, amount: 1235 })).pay(pay);
    expect(result).toMatchObject({ outcome: 'unknown', cause: 'incomplete' });
  });

  it('not with a blank orderId', async () => {
    expect(await client(await jsonServer({ ...full, orderId: ' ' })).pay(pay)).toMatchObject({
      outcome: 'unknown',
    });
  });

  it('a query needs no pay fields: 00 alone is an answer there', async () => {
    const result = await client(await jsonServer({ errCode: '00', queryResCode: '0' })).query({
      merchantOrderId: 'M1',
    });
    expect(result.outcome).toBe('ok');
  });
});

describe('declines carry their meaning', () => {
  for (const [code, zh, en] of [
    ['51', '余额不足（51）', 'Insufficient funds (51)'],
    ['55', '密码错误（55）', 'Wrong PIN (55)'],
    ['05', '不予承兑（05）', 'Not honoured (05)'],
    ['61', '超出金额限制（61）', 'Over the amount limit (61)'],
  ] as const) {
    it(`${code}: ${zh}`, async () => {
      const result = await client(await jsonServer({ errCode: code, errInfo: 'x' })).pay(pay);
      expect(result).toMatchObject({ outcome: 'declined', errCode: code, message: { zh, en } });
    });
  }

  it('an unknown code is unknown, named in words', async () => {
    const result = await client(await jsonServer({ errCode: '96', errInfo: 'x' })).pay(pay);
    expect(result).toMatchObject({ outcome: 'unknown', cause: 'unknown-code', errCode: '96' });
    expect(result.outcome === 'unknown' && result.message.zh).toBe('交换中心异常（96），结果未知');
  });
});
