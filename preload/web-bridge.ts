/**
 * The browser harness's stand-in for the preload: installs the same `window.cashier` over a WebSocket
 * to the harness on 127.0.0.1. The per-launch token comes from the page URL the harness printed.
 */
import type { CallName, EventName } from '../main/ipc/contract.js';
import type { Envelope } from '../main/ipc/errors.js';
import { createCashierApi } from './api.js';

type ServerMessage =
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: EventName; payload: unknown };

const LOST: Envelope<never> = {
  ok: false,
  error: {
    code: 'INTERNAL',
    message: { zh: '与收银服务的连接已断开', en: 'Lost the connection to the cashier service' },
  },
};

function connect(): void {
  const token =
    new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('cashier-token') ?? '';
  sessionStorage.setItem('cashier-token', token);
  const socket = new WebSocket(`ws://${location.host}/ipc?token=${encodeURIComponent(token)}`);
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const opened = new Promise<void>((resolve) =>
    socket.addEventListener('open', () => resolve(), { once: true }),
  );
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as ServerMessage;
    if (data.type === 'reply') {
      pending.get(data.id)?.(data.envelope);
      pending.delete(data.id);
    } else {
      for (const listener of listeners) listener(data.name, data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve(LOST);
    pending.clear();
  });

  const api = createCashierApi({
    kind: 'web',
    async call(channel: CallName, payload: unknown) {
      await opened;
      if (socket.readyState !== WebSocket.OPEN) return LOST;
      const id = nextId++;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'call', id, channel, payload }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  Object.defineProperty(window, 'cashier', { value: api, configurable: false, writable: false });
}

connect();
