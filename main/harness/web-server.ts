/**
 * The browser harness: the same main-process services, reached from an ordinary browser. Serves the
 * built renderer and bridges the IPC contract over a WebSocket. Binds 127.0.0.1 only; every WebSocket
 * must present the per-launch random token and come from the harness's own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EventHub, Router } from '../ipc/router.js';

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

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.json': 'application/json',
};

const BRIDGE_PATH = '/__cashier/bridge.js';
const MAX_MESSAGE_BYTES = 256 * 1024;

export async function startWebHarness(options: WebHarnessOptions): Promise<WebHarness> {
  const token = randomBytes(24).toString('hex');
  const rendererRoot = path.resolve(options.rendererDir);

  const server = http.createServer((req, res) => {
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const offered = url.searchParams.get('token') ?? '';
    const originOk = req.headers.origin === origin;
    if (url.pathname !== '/ipc' || !originOk || !tokensMatch(offered, token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
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
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (raw) => {
      let message: { type?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(raw));
      } catch {
        return; // not our client: ignore rather than crash
      }
      if (message.type !== 'call' || typeof message.id !== 'number') return;
      const id = message.id;
      void options.router.dispatch(message.channel, message.payload).then((envelope) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id, envelope }));
      });
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
    return { status: 200, type: MIME['.js']!, body: await readFile(bridgeFile) };
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
      return { status: 200, type: MIME['.html']!, body: html };
    }
    return { status: 200, type: MIME[path.extname(file)] ?? 'application/octet-stream', body };
  } catch {
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
}
