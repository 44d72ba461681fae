/**
 * Test wiring shared by the engine tests and the crash runner: a journal in a folder, the real POS通
 * client against a simulator URL, in-memory settings and operators, an event recorder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPosLinkClient } from '../gateway/client.js';
import type { PosLinkClient } from '../gateway/types.js';
import { EventHub } from '../ipc/router.js';
import { Journal, type JournalOptions } from '../journal/journal.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import type { OperatorService, Settings, SettingsService } from '../settings/types.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { createYimaService, type YimaServiceOptions } from '../yima/service.js';
import { Engine, type EngineDeps } from './engine.js';
import { createPreauthService } from './preauth.js';

/** A WeChat-shaped code (18 digits, starts 13) ending in `last4`. */
export const wechatCode = (last4 = '1234') => `13456789012345${last4}`;

/** A simulator (wallet passwords take 250 ms), a fresh data folder in the temp dir, and a kit on both. */
export interface SimKit {
  sim: Simulator;
  dir: string;
  kit: Kit;
}

export async function openSimKit(dirPrefix: string): Promise<SimKit> {
  const sim = await startSimulator({ passwordDelayMs: 250 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  return { sim, dir, kit: makeKit({ dataDir: dir, gatewayUrl: sim.url }) };
}

/** Closes the kit (the one in use now, which a test may have replaced), the simulator, and removes the folder. */
export async function closeSimKit({ sim, dir, kit }: SimKit): Promise<void> {
  await kit.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface Kit {
  engine: Engine;
  settings: SettingsService;
  operators: OperatorService;
  hub: EventHub;
  journal: Journal;
  gateway: PosLinkClient;
  events: Array<{ name: string; payload: unknown }>;
  close(): Promise<void>;
}

export function makeKit(options: {
  dataDir: string;
  gatewayUrl: string;
  settings?: Partial<Settings>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** One clock for the journal (its China day) and the engine (ids, deadlines, the day-end warning). */
  now?: () => number;
  engine?: Partial<EngineDeps>;
  /** Journal options passed through (e.g. an injected file layer). */
  journal?: Pick<JournalOptions, 'store'>;
}): Kit {
  const settings = createMemorySettings({ queryDeadlineSeconds: 2, ...options.settings });
  const operators = createMemoryOperators();
  const hub = new EventHub();
  const events: Kit['events'] = [];
  hub.subscribe((name, payload) => events.push({ name, payload }));
  const journal = Journal.open({
    dataDir: options.dataDir,
    operatorId: () => operators.current().id,
    ...(options.now ? { now: options.now } : {}),
    ...options.journal,
  });
  const gateway = createPosLinkClient({
    baseUrl: options.gatewayUrl,
    appId: () => settings.get().appId,
    appKey: () => settings.secret('chinaumsAppKey'),
    merchantCode: () => settings.get().merchantCode,
    terminalCode: () => settings.get().terminalCode,
    timeoutMs: options.timeoutMs ?? 400,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const engine = new Engine({
    journal,
    gateway,
    settings,
    operators,
    events: hub,
    schedule: { firstQueryMs: 30, queryEveryMs: 60, recoveryEveryMs: 3_600_000 },
    ...(options.now ? { now: options.now } : {}),
    ...options.engine,
  });
  return {
    engine,
    settings,
    operators,
    hub,
    journal,
    gateway,
    events,
    async close() {
      await engine.stop();
      await gateway.close();
      journal.close();
    },
  };
}

/** One row per order: what the journal says against what the simulator's ledger says. */
export interface Agreement {
  merchantOrderId: string;
  journal: string;
  bank: string;
  chargedTimes: number;
  journalRefundedFen: number;
  bankRefundedFen: number;
  ok: boolean;
}

/**
 * Zero lost, zero doubled: every order the bank knows is in the journal, resolved, with a status that
 * means the same thing (paid ⇔ money kept, voided/declined ⇔ nothing kept), never charged twice, and the
 * same refunded total.
 */
export function compare(
  journal: Journal,
  ledger: Array<{
    merchantOrderId: string;
    state: string;
    chargedTimes: number;
    refundedFen: number;
    capturedFen: number;
  }>,
  day = journal.today(),
): Agreement[] {
  const orders = new Map(journal.ordersOfDay(day).map((o) => [o.view.merchantOrderId, o.view]));
  const rows: Agreement[] = [];
  const keptByJournal = (status: string) => ['paid', 'partially-refunded', 'refunded'].includes(status);
  for (const entry of ledger) {
    const view = orders.get(entry.merchantOrderId);
    const status = view ? view.status : 'MISSING';
    const bankKept = entry.state === 'paid';
    const ok =
      view !== undefined &&
      !view.unresolved &&
      entry.chargedTimes <= 1 &&
      keptByJournal(status) === bankKept &&
      view.refundedFen === entry.refundedFen;
    rows.push({
      merchantOrderId: entry.merchantOrderId,
      journal: view ? `${status}${view.unresolved ? ' (unresolved)' : ''}` : 'MISSING',
      bank: entry.state,
      chargedTimes: entry.chargedTimes,
      journalRefundedFen: view?.refundedFen ?? 0,
      bankRefundedFen: entry.refundedFen,
      ok,
    });
    orders.delete(entry.merchantOrderId);
  }
  // Journal orders the bank never saw: must be resolved as not kept.
  for (const view of orders.values()) {
    rows.push({
      merchantOrderId: view.merchantOrderId,
      journal: `${view.status}${view.unresolved ? ' (unresolved)' : ''}`,
      bank: 'never received',
      chargedTimes: 0,
      journalRefundedFen: view.refundedFen,
      bankRefundedFen: 0,
      ok: !view.unresolved && !keptByJournal(view.status),
    });
  }
  return rows;
}

/** The pre-auth service on a kit's engine, gateway, settings, operators and events. */
export function kitPreauth(kit: Kit, dataDir: string) {
  return createPreauthService({
    engine: kit.engine,
    gateway: kit.gateway,
    settings: kit.settings,
    operators: kit.operators,
    events: kit.hub,
    dataDir,
  });
}

/** The Yima refund service on a kit, with the crash tests' timings: 400 ms a call, one retry after 30 ms. */
export function kitYima(kit: Kit, crashPoint?: YimaServiceOptions['crashPoint']) {
  return createYimaService({
    settings: kit.settings,
    operators: kit.operators,
    book: kit.engine.book,
    timeoutMs: 400,
    retryDelaysMs: [30],
    ...(crashPoint ? { crashPoint } : {}),
  });
}
