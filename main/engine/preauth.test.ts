import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../ipc/router.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { createPreauthService, type PreauthService } from './preauth.js';
import { type Kit, makeKit } from './testkit.js';

let sim: Simulator;
let dir: string;
let kit: Kit;
let preauth: PreauthService;

function build() {
  kit = makeKit({ dataDir: dir, gatewayUrl: sim.url });
  preauth = createPreauthService({
    engine: kit.engine,
    gateway: kit.gateway,
    settings: createMemorySettings({ queryDeadlineSeconds: 2 }),
    operators: createMemoryOperators(),
    events: new EventHub(),
    dataDir: dir,
    firstQueryMs: 30,
    queryEveryMs: 60,
  });
}

beforeEach(async () => {
  sim = await startSimulator({ passwordDelayMs: 200 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preauth-test-'));
  build();
});
afterEach(async () => {
  await kit.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const code = '134567890123451234';

describe('pre-authorization', () => {
  it('activates once, authorizes, completes; every systemTraceNum is fresh', async () => {
    const a = await preauth.start({ amountFen: 5000, code });
    expect(a).toMatchObject({ status: 'authorized', amountFen: 5000, codeLast4: '1234' });
    expect(a.authorizationCode).toBeTruthy();
    const b = await preauth.start({ amountFen: 3000, code });
    const activations = sim.requests().filter((r) => r.endpoint.toLowerCase().includes('activate'));
    expect(activations).toHaveLength(1);
    const done = await preauth.complete({ id: a.id, amountFen: 4500 });
    expect(done).toMatchObject({ status: 'completed', completedFen: 4500 });
    await expect(preauth.void({ id: b.id, pin: '0000' })).rejects.toMatchObject({ code: 'PIN_INVALID' });
    const voided = await preauth.void({ id: b.id, pin: '123456', quick: true });
    expect(voided.status).toBe('voided');
    const traces = sim
      .requests()
      .map((r) => r.ids.systemTraceNum)
      .filter(Boolean);
    expect(new Set(traces).size).toBe(traces.length);
    const ledger = sim.preauthLedger();
    expect(ledger.map((p) => p.state).sort()).toEqual(['completed', 'voided']);
  });

  it('a reserved systemTraceNum is never reused, even after a restart', async () => {
    const first = preauth.reserveTrace('test', 'x');
    await kit.close();
    build();
    const second = preauth.reserveTrace('test', 'x');
    expect(Number(second)).toBe(Number(first) + 1);
  });

  it('autoQueryFlag Y (customer confirming) → queried until authorized', async () => {
    const a = await preauth.start({ amountFen: 5099, code });
    expect(a.status).toBe('authorized');
    expect(sim.requests().some((r) => r.endpoint === 'preauthQuery')).toBe(true);
  });
});
