/**
 * The browser harness survives any frame: a bounded fuzz over every channel with malformed payloads,
 * and hostile frames and requests. After each attack the process still answers a real call.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type AppServices, startAppServices } from '../app/services.js';
import { callNames } from '../ipc/contract.js';
import { startWebHarness, type WebHarness } from './web-server.js';

let dir: string;
let app: AppServices;
let harness: WebHarness;
let origin: string;
let token: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-harness-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<html><head></head><body></body></html>');
  fs.writeFileSync(path.join(dir, 'bridge.js'), '// bridge');
  app = await startAppServices({ transport: 'web', dataDir: path.join(dir, 'data'), version: 'test' });
  harness = await startWebHarness({
    router: app.router,
    events: app.events,
    rendererDir: renderer,
    bridgeFile: path.join(dir, 'bridge.js'),
  });
  origin = `http://127.0.0.1:${harness.port}`;
  token = new URL(harness.url).searchParams.get('token')!;
});

afterAll(async () => {
  await harness?.close();
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Reply = { type: string; id: number | null; envelope: { ok: boolean; error?: { code: string } } };

function open(headers: Record<string, string> = { Origin: origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${harness.port}/ipc?token=${token}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one raw frame and waits for the next answer (a reply or the socket closing). */
function exchange(ws: WebSocket, data: string | Buffer, binary = false): Promise<Reply | { closed: number }> {
  return new Promise((resolve) => {
    // Events (an app.notice, a sale.state) may arrive first: wait for the reply.
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(String(raw)) as Reply;
      if (message.type === 'event') return;
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(message);
    };
    const onClose = (code: number) => {
      ws.off('message', onMessage);
      resolve({ closed: code });
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(data, { binary });
  });
}

let nextId = 1;
async function ping(ws?: WebSocket): Promise<boolean> {
  const socket = ws ?? (await open());
  const id = nextId++;
  const reply = (await exchange(
    socket,
    JSON.stringify({ type: 'call', id, channel: 'app.ping', payload: { echo: 'alive' } }),
  )) as Reply;
  if (!ws) socket.close();
  return reply.id === id && reply.envelope.ok;
}

function rawRequest(text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(harness.port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    setTimeout(() => socket.destroy(), 2000).unref();
  });
}

describe('browser harness under hostile input', () => {
  it('answers every channel with malformed payloads (bounded fuzz) and stays up', async () => {
    const ws = await open();
    // Every channel, each with the same hostile set...
    const hostile: unknown[] = [
      null,
      'x',
      42,
      [],
      [1, 2],
      { zz: 1 },
      { __proto__: { a: 1 } },
      'x'.repeat(5000),
    ];
    for (const channel of callNames) {
      for (const p of hostile) {
        const id = nextId++;
        const reply = (await exchange(
          ws,
          JSON.stringify({ type: 'call', id, channel, payload: p }),
        )) as Reply;
        expect(reply.id, channel).toBe(id);
        expect(typeof reply.envelope.ok).toBe('boolean');
      }
    }
    // ...then random ones.
    const payload = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.anything({ maxDepth: 4 }),
      fc.string({ maxLength: 300 }),
      fc.array(fc.integer(), { maxLength: 20 }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 2 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...callNames), payload, async (channel, p) => {
        const id = nextId++;
        let frame: string;
        try {
          frame = JSON.stringify({ type: 'call', id, channel, payload: p });
        } catch {
          return;
        }
        const reply = (await exchange(ws, frame)) as Reply;
        expect(reply.id).toBe(id);
        expect(typeof reply.envelope.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
    expect(await ping(ws)).toBe(true);
    ws.close();
  }, 60_000);

  it('answers odd frames: null, non-objects, odd channels, a 100k-deep array, binary, bad JSON', async () => {
    const ws = await open();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const frames: Array<string | Buffer> = [
      'null',
      '42',
      '"call"',
      '[]',
      '{}',
      'not json',
      '{"type":"call","id":"1","channel":"app.ping"}',
      '{"type":"call","id":1e400,"channel":"app.ping"}',
      JSON.stringify({ type: 'call', id: 1, channel: { toString: 1 } }),
      JSON.stringify({ type: 'call', id: 2, channel: ['app.ping'] }),
      JSON.stringify({ type: 'call', id: 3, channel: '__proto__' }),
      JSON.stringify({ type: 'call', id: 4, channel: 'constructor' }),
      `{"type":"call","id":5,"channel":${deep}}`,
      `{"type":"call","id":6,"channel":"app.ping","payload":${deep}}`,
      `{"type":"call","id":7,"channel":"app.ping","payload":{"echo":"x","__proto__":{"polluted":1}}}`,
    ];
    for (const frame of frames) {
      const answer = await exchange(ws, frame);
      expect(answer, String(frame).slice(0, 60)).toHaveProperty('envelope.ok', false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await exchange(ws, Buffer.from('{"type":"call"}'), true)).toHaveProperty('envelope.ok', false);
    expect(await ping(ws)).toBe(true);
    ws.close();
  });

  it('answers a message over the size limit, closes on a giant one, and lives on', async () => {
    const ws = await open();
    const big = JSON.stringify({
      type: 'call',
      id: 1,
      channel: 'app.ping',
      payload: { echo: 'x'.repeat(300_000) },
    });
    const answer = (await exchange(ws, big)) as Reply;
    expect(answer.envelope.ok).toBe(false);
    expect(await ping(ws)).toBe(true);
    const giant = await exchange(ws, 'x'.repeat(2 * 1024 * 1024));
    expect(giant).toEqual({ closed: 1009 });
    expect(await ping()).toBe(true);
  });

  it('closes (1007) on invalid UTF-8 and lives on', async () => {
    const ws = await open();
    const invalid = Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
    expect(await exchange(ws, invalid, false)).toEqual({ closed: 1007 });
    expect(await ping()).toBe(true);
  });

  it('refuses odd upgrades and foreign Host headers, and lives on', async () => {
    for (const target of ['http://[/ipc', '//[/ipc', '*', 'http://127.0.0.1/ipc', '/ipc%']) {
      const out = await rawRequest(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${harness.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
      );
      expect(out.startsWith('HTTP/1.1 101'), target).toBe(false);
    }
    await expect(open({ Origin: origin, Host: `evil.example:${harness.port}` })).rejects.toThrow();
    await expect(open({ Origin: 'http://evil.example' })).rejects.toThrow();
    const status = await new Promise<number>((resolve) => {
      http
        .get(
          { host: '127.0.0.1', port: harness.port, path: '/', headers: { Host: 'rebind.example' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', () => resolve(0));
    });
    expect(status).toBe(421);
    expect(await rawRequest('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(
      await rawRequest(
        `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${harness.port}\r\nConnection: close\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1.1 [45]/);
    expect(await ping()).toBe(true);
  });
});
