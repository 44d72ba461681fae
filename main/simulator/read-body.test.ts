/** readBody over a real loopback server: exact bytes under the limit, a rejection past it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from './read-body.js';

let server: http.Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Serves readBody(limit) and answers 200 + the byte count, or 413 with the error's name. */
async function serve(limit: number): Promise<string> {
  server = http.createServer((req, res) => {
    readBody(req, limit).then(
      (body) => res.writeHead(200).end(`${body.length}:${body.toString('utf8')}`),
      (error: unknown) => {
        if (!res.headersSent && !res.destroyed) res.writeHead(413).end((error as Error).name);
      },
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('readBody', () => {
  it('returns the exact bytes, multi-byte text included, at the limit', async () => {
    const text = '收银台'; // 9 bytes in UTF-8
    const url = await serve(9);
    const reply = await fetch(url, { method: 'POST', body: text });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe(`9:${text}`);
  });

  it('rejects with BodyTooLargeError one byte past the limit and keeps nothing', async () => {
    let caught: unknown;
    server = http.createServer((req, res) => {
      readBody(req, 8).then(
        () => res.writeHead(200).end(),
        (error: unknown) => {
          caught = error;
          res.destroy();
        },
      );
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(fetch(url, { method: 'POST', body: '123456789' })).rejects.toThrow();
    expect(caught).toBeInstanceOf(BodyTooLargeError);
    expect((caught as BodyTooLargeError).limit).toBe(8);
  });
});
