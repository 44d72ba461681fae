/**
 * Engine figures: `npx tsx bench/engine.ts` (part of `npm run bench`). With the production schedule and
 * the client's default timeout, against the simulator over loopback HTTP:
 *
 * 1. A refused connection (nothing listens): code accepted → the declined screen "网络不通，未扣款".
 *    Target ≤ 1 s.
 * 2. A pay that hangs but was charged: code accepted → paid, confirmed by the early read-only queries
 *    while the pay still waits for its reply (the pay's own timeout is 15 s). Target ≤ 6 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../main/engine/engine.js';
import { createPosLinkClient } from '../main/gateway/client.js';
import { EventHub } from '../main/ipc/router.js';
import { Journal } from '../main/journal/journal.js';
import { setLogSink } from '../main/log/logger.js';
import { createMemoryOperators, createMemorySettings } from '../main/settings/memory.js';
import { startSimulator } from '../main/simulator/server.js';

setLogSink(() => {}, 'error');

async function timeToScreen(
  gatewayUrl: string,
  wanted: string,
  before: () => void = () => {},
): Promise<{ ms: number; phase: string; message: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  const settings = createMemorySettings();
  const operators = createMemoryOperators();
  const journal = Journal.open({ dataDir: dir, operatorId: () => operators.current().id });
  const gateway = createPosLinkClient({
    baseUrl: gatewayUrl,
    appId: () => settings.get().appId,
    appKey: () => settings.secret('chinaumsAppKey'),
    merchantCode: () => settings.get().merchantCode,
    terminalCode: () => settings.get().terminalCode,
  });
  const engine = new Engine({ journal, gateway, settings, operators, events: new EventHub() });
  try {
    before();
    engine.sale.begin({ amountFen: 2000 });
    const started = performance.now();
    await engine.sale.acceptCode('134567890123451234', 'manual', 'bench');
    // Bounded: give up after 20 s.
    while (engine.sale.current().phase === 'in-flight' && performance.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const state = engine.sale.current();
    const ms = performance.now() - started;
    if (state.phase !== wanted) throw new Error(`expected ${wanted}, got ${state.phase}`);
    return { ms, phase: state.phase, message: state.message?.zh ?? '' };
  } finally {
    await engine.stop();
    await gateway.close();
    journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const refused = await timeToScreen('http://127.0.0.1:1', 'declined');
console.log(
  `refused connection → declined screen: ${refused.ms.toFixed(0)} ms  (target ≤ 1000 ms; "${refused.message}")`,
);

const sim = await startSimulator();
try {
  const hung = await timeToScreen(sim.url, 'paid', () =>
    sim.inject('pay', { kind: 'timeout', commit: true }),
  );
  console.log(
    `hung-but-charged pay → paid screen: ${hung.ms.toFixed(0)} ms  (target ≤ 6000 ms; the pay's own timeout is 15 s)`,
  );
} finally {
  await sim.close();
}
