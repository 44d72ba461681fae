/**
 * THE IPC contract: every channel between the renderer and main, in one place.
 *
 * - calls: request/response, renderer → main. Each has an input and an output zod schema.
 * - events: main → renderer pushes (scans, transaction progress, device status, ...).
 *
 * The per-domain tables live in ./channels/*.ts; this module joins them and derives the types
 * that the preload (`window.cashier`), the router and the renderer use. The renderer imports types only.
 */
import type { z } from 'zod';
import { appCalls, appEvents } from './channels/app.js';
import { authCalls, authEvents } from './channels/auth.js';
import { devicesCalls, devicesEvents } from './channels/devices.js';
import { ecrCalls, ecrEvents } from './channels/ecr.js';
import { gatewayCalls, gatewayEvents } from './channels/gateway.js';
import { journalCalls, journalEvents } from './channels/journal.js';
import { ordersCalls, ordersEvents } from './channels/orders.js';
import { preauthCalls } from './channels/preauth.js';
import { reportsCalls } from './channels/reports.js';
import { saleCalls, saleEvents } from './channels/sale.js';
import { settingsCalls, settingsEvents } from './channels/settings.js';
import { stationCalls } from './channels/station.js';
import { syncCalls, syncEvents } from './channels/sync.js';
import { yimaCalls } from './channels/yima.js';
import type { Envelope } from './errors.js';

export const calls = {
  ...appCalls,
  ...saleCalls,
  ...ordersCalls,
  ...reportsCalls,
  ...preauthCalls,
  ...yimaCalls,
  ...devicesCalls,
  ...settingsCalls,
  ...authCalls,
  ...journalCalls,
  ...gatewayCalls,
  ...syncCalls,
  ...stationCalls,
  ...ecrCalls,
} as const;

export const events = {
  ...appEvents,
  ...saleEvents,
  ...ordersEvents,
  ...devicesEvents,
  ...settingsEvents,
  ...authEvents,
  ...journalEvents,
  ...gatewayEvents,
  ...syncEvents,
  ...ecrEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type EventName = keyof typeof events;

export type CallInput<C extends CallName> = z.input<Calls[C]['input']>;
export type CallOutput<C extends CallName> = z.output<Calls[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

/** The IPC channel names on the wire: one for calls, one for events (the name travels in the message). */
export const IPC_CALL_CHANNEL = 'cashier:call';
export const IPC_EVENT_CHANNEL = 'cashier:event';

type Domain<K> = K extends `${infer D}.${string}` ? D : never;

/**
 * `window.cashier`: `cashier.sale.begin({ amountFen })`, `cashier.on('sale.state', fn)`.
 * Every call resolves to an envelope, never rejects for a domain error: `{ ok, data } | { ok: false, error }`.
 */
export type CashierApi = {
  [D in Domain<CallName>]: {
    [K in CallName as K extends `${D}.${infer A}` ? A : never]: (
      input: CallInput<K>,
    ) => Promise<Envelope<CallOutput<K>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Which transport carries this API: the Electron preload or the browser harness. */
  readonly transport: 'electron' | 'web';
};
