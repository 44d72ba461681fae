/**
 * Electron preload (sandboxed, context-isolated): exposes `window.cashier` and nothing else.
 * No Node API reaches the renderer; payloads are validated again in main.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { type EventName, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../main/ipc/contract.js';
import type { Envelope } from '../main/ipc/errors.js';
import { createCashierApi } from './api.js';

const api = createCashierApi({
  kind: 'electron',
  call: (channel, payload) =>
    ipcRenderer.invoke(IPC_CALL_CHANNEL, channel, payload) as Promise<Envelope<unknown>>,
  subscribe(listener) {
    const onEvent = (_event: unknown, name: EventName, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, onEvent);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onEvent);
  },
});

contextBridge.exposeInMainWorld('cashier', api);
