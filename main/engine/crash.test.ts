/**
 * Crash tests: a child process runs one sale and SIGKILLs itself at a step boundary; the simulator (in
 * this process) holds the truth. Then the engine is restarted here on the same data folder, recovers,
 * and the journal must agree with the simulator's ledger: zero lost, zero doubled.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_YIMA_KEY, defaultSettings } from '../settings/defaults.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { createYimaSimulator } from '../yima/simulator.js';
import { compare, kitPreauth, kitYima, makeKit } from './testkit.js';

const runner = path.join(import.meta.dirname, 'crash-runner.ts');

interface Case {
  scenario: string;
  amount: number;
  last4: string;
  point: string;
  void?: boolean;
  refund?: boolean;
}

const SCENARIOS = [
  {
    scenario: 'approved',
    amount: 1000,
    last4: '1234',
    points: ['after-intent', 'after-send', 'after-reply', 'after-outcome'],
  },
  {
    scenario: 'charged, reply lost',
    amount: 1098,
    last4: '1234',
    points: ['after-send', 'after-reply', 'after-outcome', 'after-query-reply'],
  },
  {
    scenario: 'never charged, voided',
    amount: 1097,
    last4: '1234',
    points: ['after-query-reply', 'after-void-intent', 'after-void-reply'],
  },
  { scenario: 'declined', amount: 1000, last4: '0057', points: ['after-reply', 'after-outcome'] },
  // A manager's void of a paid sale: never sent (→ still paid) or done at the bank with the answer
  // lost (→ voided). Recovery must find out by query, never by a second void.
  {
    scenario: 'paid, manager void',
    amount: 1000,
    last4: '1234',
    void: true,
    points: ['after-void-intent', 'after-void-reply'],
  },
  // A manager's partial refund of a paid sale, killed between its intent and its answer: recovery asks
  // query-refund with the same refundRequestId. Not there → failed, the sale stays paid; there →
  // exactly that part refunded. Never a void of the sale.
  {
    scenario: 'paid, partial refund',
    amount: 1000,
    last4: '1234',
    refund: true,
    points: ['after-refund-intent', 'after-refund-reply'],
  },
];
const CASES: Case[] = SCENARIOS.flatMap((s) => s.points.map((point) => ({ ...s, point })));

let sim: Simulator;
const table: Array<Record<string, string | number | boolean>> = [];

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  console.log('\nCrash points × outcomes (journal after restart vs simulator ledger)');
  console.table(table);
  await sim.close();
});

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], {
      env: { ...process.env, ...env, CASHIER_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && code !== 0) reject(new Error(`runner failed (${code}): ${stderr.slice(-2000)}`));
      else resolve({ code, signal });
    });
  });
}

describe('crash at every step boundary, restart, recover', () => {
  it.each(CASES)('$scenario, killed $point', async (c) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-test-'));
    try {
      const exit = await runChild({
        CASHIER_DATA_DIR: dir,
        CASHIER_GATEWAY_URL: sim.url,
        CASHIER_CRASH_AT: c.point,
        CRASH_AMOUNT: String(c.amount),
        CRASH_LAST4: c.last4,
        CRASH_VOID: c.void ? '1' : '0',
        CRASH_REFUND: c.refund ? '1' : '0',
      });
      const killed = exit.signal === 'SIGKILL';
      // Restart here: open the same journal, recover.
      const kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
      const before = kit.journal.unresolved().length;
      await kit.engine.start();
      await kit.engine.idle();
      const orders = kit.journal.ordersOfDay(kit.journal.today());
      expect(orders).toHaveLength(1);
      const id = orders[0]?.view.merchantOrderId as string;
      const ledger = sim.ledger().filter((e) => e.merchantOrderId === id);
      const rows = compare(kit.journal, ledger);
      const payRequests = sim.requests().filter((r) => r.endpoint === 'pay' && r.ids.merchantOrderId === id);
      const voidRequests = sim
        .requests()
        .filter((r) => r.endpoint === 'voidPayment' && r.ids.merchantOrderId === id);
      table.push({
        scenario: c.scenario,
        crash: c.point,
        killed,
        unresolvedAtRestart: before,
        journal: rows[0]?.journal ?? '-',
        bank: rows[0]?.bank ?? '-',
        charged: rows[0]?.chargedTimes ?? 0,
        paySent: payRequests.length,
        voidSent: voidRequests.length,
        agree: rows.every((r) => r.ok),
      });
      expect(killed).toBe(true);
      expect(rows.filter((r) => !r.ok)).toEqual([]);
      expect(payRequests.length).toBeLessThanOrEqual(1);
      expect(voidRequests.length).toBeLessThanOrEqual(1);
      if (c.void) {
        // The truth, from the bank: voided if the void reached it, else still paid.
        const bankVoided = ledger[0]?.state !== 'paid';
        expect(orders[0]?.view.status).toBe(bankVoided ? 'voided' : 'paid');
        expect(bankVoided).toBe(c.point === 'after-void-reply');
      }
      if (c.refund) {
        const refunded = c.point === 'after-refund-reply' ? 400 : 0;
        expect(orders[0]?.view).toMatchObject({
          status: refunded ? 'partially-refunded' : 'paid',
          refundedFen: refunded,
          refundableFen: 1000 - refunded,
          unresolved: false,
        });
        expect(ledger[0]?.refundedFen).toBe(refunded);
        expect(voidRequests).toHaveLength(0);
      }
      expect(kit.journal.verify().damaged).toEqual([]);
      await kit.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kill -9 around a pre-auth completion and a Yima refund, restart, recover', () => {
  it.each(['after-preauth-intent', 'after-preauth-reply'])(
    'pre-auth completion, killed %s',
    async (point) => {
      const terminal = point === 'after-preauth-intent' ? 'CRASHPA1' : 'CRASHPA2';
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-preauth-'));
      try {
        const exit = await runChild({
          CASHIER_DATA_DIR: dir,
          CASHIER_GATEWAY_URL: sim.url,
          CASHIER_CRASH_AT: point,
          CRASH_PREAUTH: '1',
          // Its own terminal: systemTraceNums are unique per terminal and day at the (shared) simulator.
          CRASH_TERMINAL: terminal,
        });
        expect(exit.signal).toBe('SIGKILL');
        const kit = makeKit({ dataDir: dir, gatewayUrl: sim.url, settings: { terminalCode: terminal } });
        kitPreauth(kit, dir);
        await kit.engine.start();
        await kit.engine.idle();
        const [view] = kit.journal.preauths();
        const truth = sim.preauthLedger().find((p) => p.merchantOrderId === view?.id);
        // The completion reached the bank only when the kill came after its answer.
        const completed = point === 'after-preauth-reply';
        expect(truth?.state).toBe(completed ? 'completed' : 'authorized');
        expect(view).toMatchObject({
          status: completed ? 'completed' : 'authorized',
          unresolved: false,
          ...(completed ? { completedFen: 4000 } : {}),
        });
        // Found by query, never by a second completion.
        expect(sim.requests().filter((r) => r.endpoint === 'preauthComplete')).toHaveLength(
          completed ? 1 : 0,
        );
        expect(kit.journal.verify().ok).toBe(true);
        await kit.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.each(['after-yima-intent', 'after-yima-reply'])('Yima refund, killed %s', async (point) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-yima-'));
    const yimaSim = createYimaSimulator({ key: DEMO_YIMA_KEY });
    const server = http.createServer((req, res) => {
      if (!yimaSim.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const yimaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${yimaSim.path}`;
    try {
      const exit = await runChild({
        CASHIER_DATA_DIR: dir,
        CASHIER_GATEWAY_URL: sim.url,
        CASHIER_CRASH_AT: point,
        CRASH_YIMA_URL: yimaUrl,
      });
      expect(exit.signal).toBe('SIGKILL');
      const kit = makeKit({
        dataDir: dir,
        gatewayUrl: sim.url,
        settings: { yima: { ...defaultSettings().yima, url: yimaUrl } },
      });
      const yima = kitYima(kit);
      await kit.engine.start();
      await expect.poll(() => yima.list()[0]?.status, { timeout: 10_000 }).toBe('refunded');
      const posSeq = yima.list()[0]?.posSeq;
      // Refunded once, and every request carried the same pos_seq (a resend, never a new refund).
      expect(yimaSim.refunded()).toEqual([{ posSeq, txAmt: 1234 }]);
      expect(new Set(yimaSim.requests.map((r) => r.posSeq))).toEqual(new Set([posSeq]));
      expect(yimaSim.requests.length).toBe(point === 'after-yima-intent' ? 1 : 2);
      expect(kit.journal.store.openSet()).toEqual([]);
      await yima.stop();
      await kit.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
