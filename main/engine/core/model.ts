/**
 * The model-based proof of the operations core (used by model.test.ts and `npm run soak`).
 *
 * Each sequence: a fresh data folder, its own POS通 simulator and Yima simulator on loopback HTTP, the
 * real client, journal, engine, pre-auth and Yima services. Random operations (sales with double
 * submits, manager voids, partial and repeated refunds, 立即查询, pre-auths completed or voided, Yima
 * refunds of one original, repeated) run while every gateway call may get a random fault (hang, drop
 * before or after commit, an error code, HTTP 5xx, malformed, a refused connection) and the process may
 * be "killed" at any crash point or between operations: from that instant nothing more is written or
 * sent, and the app restarts on the same data folder (a new journal and engine). At the end the gateway
 * is healed, the app restarts once more and recovers; then:
 *   journal = simulator ledger (sales, pre-auths, Yima), at most one pay per sale, no automatic void of
 *   an order that had a refund, refunds ≤ paid, zero unresolved, `verify` clean.
 *
 * Time runs fast for the engine (deadlines, the China day) so a sequence takes a fraction of a second.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { createPosLinkClient } from '../../gateway/client.js';
import { PATHS } from '../../gateway/paths.js';
import type { PosLinkClient } from '../../gateway/types.js';
import { EventHub } from '../../ipc/router.js';
import { Journal } from '../../journal/journal.js';
import { RECORD } from '../../journal/records.js';
import type { JournalFs } from '../../journal/store.js';
import { defaultSettings } from '../../settings/defaults.js';
import { createMemoryOperators, createMemorySettings } from '../../settings/memory.js';
import { AppError } from '../../shared/errors.js';
import type { Fault } from '../../simulator/server.js';
import { type Simulator, startSimulator } from '../../simulator/server.js';
import { createYimaService, type YimaService } from '../../yima/service.js';
import { createYimaSimulator, type YimaSimulator } from '../../yima/simulator.js';
import { CRASH_POINTS, type CrashPoint, Engine } from '../engine.js';
import { createPreauthService, type PreauthService } from '../preauth.js';
import { compare } from '../testkit.js';
import { RecordRefused } from './book.js';

export type Op =
  | { op: 'sale'; amount: number; last4: string; double: boolean }
  | { op: 'void'; pick: number }
  | { op: 'refund'; pick: number; part: number }
  | { op: 'resolve'; pick: number }
  | { op: 'preauth'; amount: number }
  | { op: 'complete'; pick: number; part: number; quick: boolean }
  | { op: 'pvoid'; pick: number; quick: boolean }
  | { op: 'yima'; org: number; cents: number; confirm: boolean }
  | { op: 'kill'; at: CrashPoint | 'now' }
  | { op: 'wait' };

export interface Sequence {
  ops: Op[];
  /** Seeds the per-call fault choices. */
  faultSeed: number;
  /** Chance (0..1) that a gateway call gets a fault. */
  faultRate: number;
}

const fen = (lo: number, hi: number) =>
  // Amount endings 93..99 are the simulator's scripted behaviours: the faults come from the model.
  fc.integer({ min: lo, max: hi }).map((n) => (n % 100 >= 93 ? n - 10 : n));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('sale' as const),
      amount: fen(100, 5000),
      // ok, a definite decline, an unknown code that failed, charged then 9999.
      last4: fc.constantFrom('1234', '1234', '1234', '0057', '0051', '0099'),
      double: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('void' as const), pick: fc.nat(20) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('refund' as const),
      pick: fc.nat(20),
      part: fc.constantFrom(0.25, 0.5, 1, 1.2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resolve' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('preauth' as const), amount: fen(1000, 9000) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('complete' as const),
      pick: fc.nat(10),
      part: fc.constantFrom(0.5, 1),
      quick: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('pvoid' as const), pick: fc.nat(10), quick: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('yima' as const),
      org: fc.nat(2),
      cents: fc.constantFrom(0, 10, 44, 97, 98),
      confirm: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('kill' as const),
      at: fc.constantFrom('now' as const, ...CRASH_POINTS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wait' as const) }) },
);

export const sequenceArb: fc.Arbitrary<Sequence> = fc.record({
  ops: fc.array(opArb, { minLength: 3, maxLength: 12 }),
  faultSeed: fc.nat(),
  faultRate: fc.constantFrom(0, 0.2, 0.4),
});

/** A small seeded PRNG for the per-call fault choices (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type FaultChoice = { name: string; fault?: Fault; refuse?: boolean };
const FAULTS: FaultChoice[] = [
  { name: 'hang, committed', fault: { kind: 'timeout', commit: true } },
  { name: 'hang, not received', fault: { kind: 'timeout', commit: false } },
  { name: 'drop after commit', fault: { kind: 'drop', commit: true } },
  { name: 'drop before commit', fault: { kind: 'drop', commit: false } },
  { name: 'HTTP 500 after commit', fault: { kind: 'http-500', commit: true } },
  { name: 'HTTP 500, not received', fault: { kind: 'http-500', commit: false } },
  { name: 'malformed after commit', fault: { kind: 'malformed', commit: true } },
  { name: 'errCode 96, not received', fault: { kind: 'errcode', code: '96', commit: false } },
  { name: 'errCode 9999 after commit', fault: { kind: 'errcode', code: '9999', commit: true } },
  { name: 'errCode 57, not received', fault: { kind: 'errcode', code: '57', commit: false } },
  { name: 'connection refused', refuse: true },
];

const PATH_TO_ENDPOINT = new Map(Object.entries(PATHS).map(([k, v]) => [v as string, k]));

export interface Counts {
  sequences: number;
  ops: Record<string, number>;
  faults: Record<string, number>;
  /** Operations refused (by code): the app said no, as it should have. */
  refusals: Record<string, number>;
  kills: number;
  restarts: number;
  requests: Record<string, number>;
  orders: number;
  paid: number;
  refunded: number;
  voided: number;
  preauths: number;
  yima: number;
}

export function emptyCounts(): Counts {
  return {
    sequences: 0,
    ops: {},
    faults: {},
    refusals: {},
    kills: 0,
    restarts: 0,
    requests: {},
    orders: 0,
    paid: 0,
    refunded: 0,
    voided: 0,
    preauths: 0,
    yima: 0,
  };
}

/** Mostly the candidates an operation makes sense for; sometimes any (the refusals are tested too). */
function prefer<T>(all: T[], fits: (x: T) => boolean): T[] {
  const good = all.filter(fits);
  return good.length > 0 && all.length % 4 !== 0 ? good : all;
}

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

class Killed extends Error {
  constructor() {
    super('killed');
  }
}

const SPEED = 50;
const HANG_MS = 20_000;
const PIN = '123456';
const YIMA_KEY = 'model-yima-key';
/** Refused on purpose: nothing listens on port 1. */
const REFUSED_URL = 'http://127.0.0.1:1';

interface App {
  engine: Engine;
  journal: Journal;
  gateway: PosLinkClient;
  preauth: PreauthService;
  yima: YimaService;
}

/**
 * Where the sequences' data folders go: MODEL_DIR, else a memory file system when there is one (the
 * journal still fsyncs every record; on tmpfs that costs nothing, so the run measures the logic).
 */
function modelRoot(): string {
  if (process.env.MODEL_DIR) return process.env.MODEL_DIR;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** Run one sequence; returns the problems found (empty = every property held). */
export async function runSequence(seq: Sequence, counts: Counts): Promise<string[]> {
  const problems: string[] = [];
  const dir = fs.mkdtempSync(path.join(modelRoot(), 'model-'));
  const sim: Simulator = await startSimulator({ passwordDelayMs: 20, slowMs: 10 });
  const yimaSim: YimaSimulator = createYimaSimulator({ key: YIMA_KEY, processingReplies: 1, holdMs: 30 });
  const yimaServer = http.createServer((req, res) => {
    if (!yimaSim.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => yimaServer.listen(0, '127.0.0.1', resolve));
  const yimaUrl = `http://127.0.0.1:${(yimaServer.address() as AddressInfo).port}${yimaSim.path}`;
  const t0 = Date.now();
  const now = () => t0 + (Date.now() - t0) * SPEED;
  const random = prng(seq.faultSeed);
  const settings = createMemorySettings(
    {
      queryDeadlineSeconds: 2,
      yima: { ...defaultSettings().yima, url: yimaUrl },
    },
    { chinaumsAppKey: sim.credentials.appKey, yimaKey: YIMA_KEY },
  );
  const operators = createMemoryOperators();
  const pays = new Map<string, number>();
  let healthy = seq.faultRate === 0;
  let killed = false;
  let armed: CrashPoint | undefined;
  const kill = () => {
    if (!killed) counts.kills += 1;
    killed = true;
    throw new Killed();
  };

  const realFetch = globalThis.fetch;
  const faultyFetch: typeof fetch = async (input, init) => {
    if (killed) throw new TypeError('fetch failed: the process is gone');
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const endpoint = PATH_TO_ENDPOINT.get(url.pathname) ?? url.pathname;
    bump(counts.requests, endpoint);
    if (endpoint === 'pay' && typeof init?.body === 'string') {
      const id = String((JSON.parse(init.body) as { merchantOrderId?: string }).merchantOrderId);
      pays.set(id, (pays.get(id) ?? 0) + 1);
    }
    if (!healthy && endpoint !== 'token' && random() < seq.faultRate) {
      const choice = FAULTS[Math.floor(random() * FAULTS.length)] as FaultChoice;
      bump(counts.faults, choice.name);
      if (choice.refuse) return realFetch(`${REFUSED_URL}${url.pathname}`, init);
      if (choice.fault) sim.inject(url.pathname, choice.fault, 1);
    }
    return realFetch(input, init);
  };

  /** The journal's file calls: all fail once the process is "killed" (nothing after it is durable). */
  const frozenFs: JournalFs = {
    openSync: (p, flags, mode) => {
      if (killed) throw Object.assign(new Error('killed'), { code: 'EIO' });
      return fs.openSync(p, flags, mode);
    },
    writeSync: (fd, buf, off, len, pos) => {
      if (killed) throw Object.assign(new Error('killed'), { code: 'EIO' });
      return fs.writeSync(fd, buf, off, len, pos);
    },
    fdatasyncSync: (fd) => {
      if (killed) throw Object.assign(new Error('killed'), { code: 'EIO' });
      fs.fdatasyncSync(fd);
    },
    ftruncateSync: (fd, len) => {
      if (killed) throw Object.assign(new Error('killed'), { code: 'EIO' });
      fs.ftruncateSync(fd, len);
    },
    closeSync: (fd) => fs.closeSync(fd),
    fstatSync: (fd) => fs.fstatSync(fd),
  };

  const open = (): App => {
    const events = new EventHub();
    const journal = Journal.open({
      dataDir: dir,
      now,
      operatorId: () => operators.current().id,
      store: { fs: frozenFs, probeMs: 0 },
    });
    const gateway = createPosLinkClient({
      baseUrl: sim.url,
      appId: () => sim.credentials.appId,
      appKey: () => settings.secret('chinaumsAppKey'),
      merchantCode: () => settings.get().merchantCode,
      terminalCode: () => settings.get().terminalCode,
      timeoutMs: 80,
      fetch: faultyFetch,
    });
    const engine = new Engine({
      journal,
      gateway,
      settings,
      operators,
      events,
      now,
      schedule: { firstQueryMs: 3, queryEveryMs: 6, earlyQueryMs: 40, recoveryEveryMs: 25 },
      crashPoint: (name) => {
        if (killed || name === armed) kill();
      },
    });
    const preauth = createPreauthService({
      engine,
      gateway,
      settings,
      operators,
      events,
      dataDir: dir,
      firstQueryMs: 3,
      queryEveryMs: 6,
    });
    const yima = createYimaService({
      settings,
      operators,
      book: engine.book,
      timeoutMs: 80,
      retryDelaysMs: [5, 10],
      inlineWaitMs: 150,
      url: () => (killed ? REFUSED_URL : yimaUrl),
      crashPoint: (name) => {
        if (killed || name === armed) kill();
      },
    });
    void engine.start();
    return { engine, journal, gateway, preauth, yima };
  };

  const close = async (app: App) => {
    await app.yima.stop();
    await app.engine.stop();
    await app.gateway.close();
    app.journal.close();
  };

  let app = open();
  const restart = async () => {
    await close(app);
    killed = false;
    armed = undefined;
    counts.restarts += 1;
    app = open();
  };

  const expected = (error: unknown): boolean => {
    if (error instanceof Killed || killed) return true;
    if (error instanceof RecordRefused) return false;
    if (error instanceof AppError) {
      return [
        'CONFLICT',
        'BAD_INPUT',
        'FORBIDDEN',
        'NOT_FOUND',
        'JOURNAL_UNAVAILABLE',
        'GATEWAY',
        'UNAVAILABLE',
      ].includes(error.code);
    }
    return false;
  };
  const attempt = async (label: string, fn: () => Promise<unknown> | unknown) => {
    try {
      await fn();
    } catch (error) {
      bump(
        counts.refusals,
        `${label}: ${error instanceof AppError ? error.code : error instanceof Killed ? 'killed' : 'other'}`,
      );
      if (!expected(error)) {
        problems.push(
          `${label}: unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      }
    }
  };
  /**
   * Wait for the running flows, bounded: a "killed" app's flows never settle anything (a Yima refund
   * resends forever on a dead process until it is stopped), so stop waiting at the kill.
   */
  const settle = async () => {
    for (let i = 0; i < 200 && !killed; i += 1) {
      const done = await Promise.race([
        app.engine.idle().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10)),
      ]);
      if (done) return;
    }
  };
  const sales = () => app.journal.ordersOfDay(app.journal.today());
  const preauths = () => app.journal.preauths();
  let yimaOrgs = 0;

  try {
    for (const op of seq.ops) {
      bump(counts.ops, op.op);
      if (killed) await restart();
      // A manager acts on an order once its screen has settled (a pay in flight is refused anyway).
      if (['void', 'refund', 'complete', 'pvoid'].includes(op.op)) await settle();
      switch (op.op) {
        case 'sale': {
          await attempt('sale', async () => {
            const phase = app.engine.sale.current().phase;
            if (phase === 'in-flight') await settle();
            if (app.engine.sale.current().phase !== 'idle') app.engine.sale.park();
            app.engine.sale.begin({ amountFen: op.amount });
            const first = app.engine.sale.acceptCode(`13456789012345${op.last4}`, 'manual', 'model');
            if (op.double) {
              await attempt('double submit', async () => {
                try {
                  await app.engine.sale.acceptCode(`13456789012345${op.last4}`, 'hid', 'model');
                  problems.push('a second scan while the first was accepted was not refused');
                } catch (error) {
                  if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
                }
              });
            }
            await first;
          });
          break;
        }
        case 'void': {
          const list = prefer(sales(), (o) => o.view.status === 'paid');
          const order = list[op.pick % Math.max(1, list.length)];
          if (order) {
            await attempt('void', () =>
              app.engine.voidOrder({ merchantOrderId: order.view.merchantOrderId, pin: PIN }),
            );
          }
          break;
        }
        case 'refund': {
          const list = prefer(sales(), (o) => o.view.refundableFen > 0);
          const order = list[op.pick % Math.max(1, list.length)];
          if (order) {
            const refundable = app.journal.order(order.view.merchantOrderId)?.view.refundableFen ?? 0;
            const amountFen = Math.max(1, Math.floor(refundable * op.part));
            await attempt('refund', () =>
              app.engine.refundOrder({ merchantOrderId: order.view.merchantOrderId, amountFen, pin: PIN }),
            );
          }
          break;
        }
        case 'resolve': {
          const list = sales();
          const order = list[op.pick % Math.max(1, list.length)];
          if (order) await attempt('resolve', () => app.engine.resolveNow(order.view.merchantOrderId));
          break;
        }
        case 'preauth':
          await attempt('preauth', () =>
            app.preauth.start({ amountFen: op.amount, code: '134567890123451234' }),
          );
          break;
        case 'complete': {
          const list = prefer(preauths(), (p) => p.status === 'authorized');
          const p = list[op.pick % Math.max(1, list.length)];
          if (p) {
            await attempt('complete', () =>
              app.preauth.complete({
                id: p.id,
                amountFen: Math.max(1, Math.floor(p.amountFen * op.part)),
                quick: op.quick,
              }),
            );
          }
          break;
        }
        case 'pvoid': {
          const list = prefer(preauths(), (p) => p.status === 'authorized');
          const p = list[op.pick % Math.max(1, list.length)];
          if (p)
            await attempt('pre-auth void', () => app.preauth.void({ id: p.id, pin: PIN, quick: op.quick }));
          break;
        }
        case 'yima': {
          yimaOrgs = Math.max(yimaOrgs, op.org + 1);
          const amountFen = 100 * (op.org + 1) + op.cents;
          await attempt('yima', () =>
            app.yima.refund({
              orgPosSeq: `AP20261201000000${String(op.org).padStart(2, '0')}`,
              amountFen,
              pin: PIN,
              confirmDuplicate: op.confirm,
            }),
          );
          break;
        }
        case 'kill':
          if (op.at === 'now') {
            killed = true;
            counts.kills += 1;
          } else armed = op.at;
          break;
        case 'wait':
          await settle();
          break;
      }
    }

    // Heal the gateway, restart on the same folder, recover until nothing is open (bounded).
    healthy = true;
    sim.clearFaults();
    await restart();
    for (let pass = 0; pass < 60 && app.journal.store.openSet().length > 0; pass += 1) {
      await app.engine.recover();
      await settle();
      if (app.journal.store.openSet().length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await settle();
    problems.push(...check(app, sim, yimaSim, pays));
    const orders = sales();
    counts.orders += orders.length;
    counts.paid += orders.filter((o) =>
      ['paid', 'partially-refunded', 'refunded'].includes(o.view.status),
    ).length;
    counts.refunded += orders.filter((o) => o.view.refundedFen > 0).length;
    counts.voided += orders.filter((o) => o.view.status === 'voided').length;
    counts.preauths += preauths().length;
    counts.yima += app.yima.list().length;
    counts.sequences += 1;
  } finally {
    await close(app).catch(() => {});
    await sim.close();
    yimaServer.closeAllConnections();
    await new Promise<void>((resolve) => yimaServer.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}

function check(app: App, sim: Simulator, yimaSim: YimaSimulator, pays: Map<string, number>): string[] {
  const problems: string[] = [];
  const journal = app.journal;
  // Journal = simulator ledger for sales (and refunded amounts), never charged twice.
  for (const row of compare(journal, sim.ledger())) {
    if (!row.ok) problems.push(`sale disagrees: ${JSON.stringify(row)}`);
  }
  for (const [id, n] of pays) if (n > 1) problems.push(`pay sent ${n} times: ${id}`);
  for (const order of journal.ordersOfDay(journal.today())) {
    const v = order.view;
    if (v.refundedFen > (v.paidFen ?? v.amountFen)) problems.push(`refunds above paid: ${v.merchantOrderId}`);
    const firstRefund = order.records.find((r) => r.t === RECORD.refundIntent);
    if (
      firstRefund &&
      order.records.some((r) => r.t === RECORD.voidIntent && r.d.auto === true && r.s > firstRefund.s)
    ) {
      problems.push(`automatic void after a refund: ${v.merchantOrderId}`);
    }
    if (firstRefund && v.status === 'voided')
      problems.push(`an order with a refund ended voided: ${v.merchantOrderId}`);
  }
  // Pre-auths: the journal's state is the simulator's.
  const bank = new Map(sim.preauthLedger().map((p) => [p.merchantOrderId ?? '', p]));
  for (const p of journal.preauths()) {
    const truth = bank.get(p.id);
    const state = truth?.state ?? 'never received';
    const agree =
      (p.status === 'authorized' && state === 'authorized') ||
      (p.status === 'completed' && state === 'completed' && p.completedFen === truth?.completedFen) ||
      (p.status === 'voided' && state === 'voided') ||
      (p.status === 'declined' && (state === 'failed' || state === 'never received'));
    if (!agree || p.unresolved) {
      problems.push(
        `pre-auth disagrees: ${p.id} journal ${p.status}${p.unresolved ? ' (open)' : ''}, bank ${state}`,
      );
    }
  }
  // Yima: refunded in the journal ⇔ refunded by the Yima simulator, same amount.
  const refunded = new Map(yimaSim.refunded().map((r) => [r.posSeq, r.txAmt]));
  for (const y of app.yima.list()) {
    const truth = refunded.get(y.posSeq);
    if (
      (y.status === 'refunded') !== (truth !== undefined) ||
      (truth !== undefined && truth !== y.amountFen)
    ) {
      problems.push(`Yima disagrees: ${y.posSeq} journal ${y.status}, simulator ${truth ?? 'not refunded'}`);
    }
    refunded.delete(y.posSeq);
  }
  for (const posSeq of refunded.keys()) problems.push(`Yima refund missing from the journal: ${posSeq}`);
  const open = journal.store.openSet();
  if (open.length > 0) problems.push(`unresolved after recovery: ${JSON.stringify(open)}`);
  const verify = journal.verify();
  if (!verify.ok) problems.push(`verify: ${JSON.stringify(verify.damaged.slice(0, 3))}`);
  return problems;
}

export interface ModelResult {
  seed: number;
  runs: number;
  counts: Counts;
  failures: Array<{ index: number; problems: string[]; sequence: Sequence }>;
  ms: number;
}

/** `runs` sequences from `seed`, `concurrency` at a time. */
export async function runModel(options: {
  seed: number;
  runs: number;
  concurrency?: number;
}): Promise<ModelResult> {
  const started = Date.now();
  const sequences = fc.sample(sequenceArb, { seed: options.seed, numRuns: options.runs });
  const counts = emptyCounts();
  const failures: ModelResult['failures'] = [];
  let next = 0;
  const worker = async () => {
    while (next < sequences.length) {
      const index = next;
      next += 1;
      const sequence = sequences[index] as Sequence;
      let problems: string[];
      let timer: NodeJS.Timeout | undefined;
      try {
        // Every loop is bounded: a sequence that does not finish is a failure, not a hang.
        const hung = new Promise<string[]>((resolve) => {
          timer = setTimeout(() => resolve([`did not finish within ${HANG_MS} ms`]), HANG_MS);
        });
        problems = await Promise.race([runSequence(sequence, counts), hung]);
      } catch (error) {
        problems = [`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
      } finally {
        clearTimeout(timer);
      }
      if (problems.length > 0) failures.push({ index, problems, sequence });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { seed: options.seed, runs: options.runs, counts, failures, ms: Date.now() - started };
}

export function describeResult(r: ModelResult): string {
  const c = r.counts;
  const lines = [
    `model: seed ${r.seed}, ${r.runs} sequences in ${r.ms} ms, ${r.failures.length} failed`,
    `  ops ${JSON.stringify(c.ops)}`,
    `  faults ${JSON.stringify(c.faults)}`,
    `  refused ${JSON.stringify(c.refusals)}`,
    `  requests ${JSON.stringify(c.requests)}`,
    `  kills ${c.kills}, restarts ${c.restarts}; orders ${c.orders} (paid ${c.paid}, with refunds ${c.refunded}, voided ${c.voided}), pre-auths ${c.preauths}, Yima refunds ${c.yima}`,
  ];
  for (const f of r.failures.slice(0, 3)) {
    lines.push(`  FAILED #${f.index}: ${f.problems.slice(0, 5).join(' | ')}`);
    lines.push(`    sequence ${JSON.stringify(f.sequence)}`);
  }
  return lines.join('\n');
}
