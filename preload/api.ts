/**
 * Builds the typed `window.cashier` API from the contract's channel names over any transport.
 * Used by the Electron preload (ipcRenderer) and by the browser harness bridge (WebSocket), so the
 * renderer sees the same object either way.
 */
import { type CallName, type CashierApi, callNames, type EventName } from '../main/ipc/contract.js';
import type { Envelope } from '../main/ipc/errors.js';

export interface Transport {
  readonly kind: 'electron' | 'web';
  call(channel: CallName, payload: unknown): Promise<Envelope<unknown>>;
  /** Subscribe to every event; returns an unsubscribe function. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
}

export function createCashierApi(transport: Transport): CashierApi {
  const api: Record<string, unknown> = {};
  for (const name of callNames) {
    const [domain, action] = name.split('.') as [string, string];
    if (!api[domain]) api[domain] = {};
    const group = api[domain] as Record<string, unknown>;
    group[action] = (input: unknown) => transport.call(name, input ?? {});
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) =>
    transport.subscribe((name, payload) => {
      if (name === event) listener(payload);
    });
  Object.defineProperty(api, 'transport', { value: transport.kind, enumerable: true });
  return api as unknown as CashierApi;
}
