/**
 * The browser harness: the same main-process services, reached from an ordinary browser. Serves the
 * built renderer and bridges the IPC contract over a WebSocket. Binds 127.0.0.1 only; every request
 * must name the loopback host and port (no DNS rebinding); every WebSocket must present the per-launch
 * random token and come from the harness's own origin. No frame, however malformed, stops the process:
 * each one is answered (an error envelope, or a close code the client can read).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EventHub, Router } from '../ipc/router.js';
import { mimeOf } from '../shared/mime.js';

export interface WebHarnessOptions {
  router: Router;
  events: EventHub;
  /** The built renderer (index.html + assets). */
  rendererDir: string;
  /** The bundled browser bridge that installs `window.cashier`. */
  bridgeFile: string;
  port?: number;
}

export interface WebHarness {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const BRIDGE_PATH = '/__cashier/bridge.js';
/** A call larger than this is answered with an error without being parsed. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Beyond this the socket is closed (1009) without reading further. */
const MAX_FRAME_BYTES = 4 * MAX_MESSAGE_BYTES;

const badFrame = (en: string, zh: string) => ({
  type: 'reply',
  id: null,
  envelope: { ok: false, error: { code: 'BAD_INPUT', message: { zh, en } } },
});

export async function startWebHarness(options: WebHarnessOptions): Promise<WebHarness> {
  const token = randomBytes(24).toString('hex');
  const rendererRoot = path.resolve(options.rendererDir);

  let port = 0;
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;

  const server = http.createServer((req, res) => {
    if (!hostOk(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request');
      return;
    }
    serveStatic(req.url ?? '/', rendererRoot, options.bridgeFile)
      .then(({ status, type, body }) => {
        res.writeHead(status, {
          'Content-Type': type,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'X-Frame-Options': 'DENY',
          'Referrer-Policy': 'no-referrer',
        });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  });

  // A malformed request line or header: answer 400 and drop the connection, never throw.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', () => undefined);
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url: URL | undefined;
    try {
      // Only a path is a valid target here: `GET http://[/ipc` and the like are refused, not parsed.
      if ((req.url ?? '').startsWith('/')) url = new URL(req.url ?? '/', origin);
    } catch {
      url = undefined;
    }
    const offered = url?.searchParams.get('token') ?? '';
    const originOk = req.headers.origin === origin || req.headers.origin === `http://localhost:${port}`;
    if (url?.pathname !== '/ipc' || !hostOk(req.headers.host) || !originOk || !tokensMatch(offered, token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const unsubscribe = options.events.subscribe((name, payload) => {
    const message = JSON.stringify({ type: 'event', name, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    // Invalid UTF-8, an oversized or malformed frame: ws closes the socket with a code (1007, 1009,
    // 1002) and reports it here. Without a listener the error would take the process down.
    ws.on('error', () => undefined);
    ws.on('close', () => sockets.delete(ws));
    const answer = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    ws.on('message', (raw, isBinary) => {
      const bytes = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : (raw as Buffer).byteLength;
      if (bytes > MAX_MESSAGE_BYTES) {
        answer(badFrame(`Message too large (limit ${MAX_MESSAGE_BYTES} bytes)`, '消息过大'));
        return;
      }
      if (isBinary) {
        answer(badFrame('Binary frames are not accepted', '不接受二进制消息'));
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(String(raw));
      } catch {
        answer(badFrame('Not JSON', '不是 JSON'));
        return;
      }
      if (!message || typeof message !== 'object' || Array.isArray(message)) {
        answer(badFrame('Expected an object', '应为对象'));
        return;
      }
      const { type, id, channel, payload } = message as Record<string, unknown>;
      if (type !== 'call' || typeof id !== 'number' || !Number.isSafeInteger(id)) {
        answer(badFrame('Expected {type:"call", id, channel, payload}', '消息格式无效'));
        return;
      }
      options.router
        .dispatch(channel, payload)
        .then((envelope) => {
          try {
            answer({ type: 'reply', id, envelope });
          } catch {
            answer(badFrame('Reply could not be encoded', '无法编码回复'));
          }
        })
        .catch(() =>
          answer({ type: 'reply', id, envelope: badFrame('Internal error', '内部错误').envelope }),
        );
    });
  });

  return {
    url: `${origin}/?token=${token}`,
    port,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tokensMatch(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveStatic(
  rawUrl: string,
  root: string,
  bridgeFile: string,
): Promise<{ status: number; type: string; body: Buffer | string }> {
  const pathname = decodeURIComponent(new URL(rawUrl, 'http://x').pathname);
  if (pathname === BRIDGE_PATH) {
    return { status: 200, type: mimeOf('.js'), body: await readFile(bridgeFile) };
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return { status: 403, type: 'text/plain', body: 'forbidden' };
  try {
    const body = await readFile(file);
    if (relative === 'index.html') {
      // The harness's preload: install window.cashier before the app's module script runs.
      const html = body
        .toString('utf8')
        .replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`);
      return { status: 200, type: mimeOf('.html'), body: html };
    }
    return { status: 200, type: mimeOf(path.extname(file)), body };
  } catch {
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
}
