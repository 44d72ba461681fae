/**
 * One handler router, two transports. Electron's ipcMain and the browser harness's WebSocket both hand
 * raw (untrusted) payloads to `dispatch`, which validates them against the contract before any handler
 * runs and always answers with an envelope.
 */
import type { z } from 'zod';
import {
  type CallName,
  type CallOutput,
  type Calls,
  calls,
  type EventName,
  type EventPayload,
  events,
} from './contract.js';
import { AppError, badInput, type Envelope } from './errors.js';
import { type ChannelRule, ruleFor } from './roles.js';

/** A handler receives the input as the contract parsed it (defaults applied, unknown keys refused). */
export type Handler<C extends CallName> = (
  input: z.output<Calls[C]['input']>,
) => Promise<CallOutput<C>> | CallOutput<C>;

export type Handlers = { [C in CallName]: Handler<C> };
export type PartialHandlers = Partial<Handlers>;

/**
 * Runs a call's handler if the caller may make it (roles.ts): throws an AppError otherwise. Installed by
 * the composition root (the session); a Router without one (unit tests) runs every handler.
 */
export type CallGate = (
  channel: CallName,
  rule: ChannelRule | undefined,
  input: Record<string, unknown>,
  run: () => Promise<unknown>,
) => Promise<unknown>;

export interface RouterLog {
  error(message: string, meta?: Record<string, unknown>): void;
}

export class Router {
  private readonly handlers: PartialHandlers = {};
  private gate: CallGate | undefined;

  constructor(private readonly log: RouterLog = console) {}

  /** Mount a domain's handlers. A channel may have one handler only. */
  mount(handlers: PartialHandlers): this {
    for (const [name, handler] of Object.entries(handlers)) {
      if (!(name in calls)) throw new Error(`handler for a channel the contract does not declare: ${name}`);
      if (name in this.handlers) throw new Error(`channel mounted twice: ${name}`);
      (this.handlers as Record<string, unknown>)[name] = handler;
    }
    return this;
  }

  /** Every call passes through `gate` from now on (the session's role check). */
  setGate(gate: CallGate): this {
    this.gate = gate;
    return this;
  }

  missing(): CallName[] {
    return (Object.keys(calls) as CallName[]).filter((name) => !(name in this.handlers));
  }

  async dispatch(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string' || !Object.hasOwn(calls, channel)) {
      return fail(
        new AppError('UNKNOWN_CHANNEL', {
          zh: '未知的调用',
          // Never String() an untrusted object: a 100k-deep array overflows the stack doing so.
          en: `Unknown call: ${typeof channel === 'string' ? channel.slice(0, 64) : `(${typeof channel})`}`,
        }),
      );
    }
    const name = channel as CallName;
    let parsed: ReturnType<(typeof calls)[CallName]['input']['safeParse']>;
    try {
      parsed = calls[name].input.safeParse(payload ?? {});
    } catch {
      // A pathological value (a 100k-deep array) can exhaust the stack inside the validator.
      return fail(new AppError('BAD_INPUT', { zh: '参数无效', en: `Invalid input for ${name}` }));
    }
    if (!parsed.success) return fail(badInput(parsed.error, `input for ${name}`));
    const handler = this.handlers[name] as ((input: unknown) => unknown) | undefined;
    if (!handler) {
      return fail(new AppError('UNAVAILABLE', { zh: '此功能尚不可用', en: `Not available: ${name}` }));
    }
    try {
      const run = async () => handler(parsed.data);
      const data = this.gate
        ? await this.gate(name, ruleFor(name), parsed.data as Record<string, unknown>, run)
        : await run();
      return { ok: true, data };
    } catch (error) {
      if (error instanceof AppError) return fail(error);
      this.log.error('ipc handler failed', {
        channel: name,
        error: error instanceof Error ? error.message : String(error),
      });
      return fail(
        new AppError('INTERNAL', {
          zh: '内部错误，请重试或联系技术支持',
          en: 'Internal error: retry or contact support',
        }),
      );
    }
  }
}

function fail(error: AppError): Envelope<never> {
  return { ok: false, error: error.toBody() };
}

export type EventListener = (name: EventName, payload: unknown) => void;

/**
 * Main → renderer events. Services emit here; each transport subscribes and forwards. Payloads are
 * checked against the contract so a malformed event is caught in main, not in the UI.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload);
    for (const listener of this.listeners) listener(name, checked);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
