/**
 * Scan-to-request latency: `npx tsx bench/scan-latency.ts [scans]`.
 *
 * A real pseudo-terminal (socat) plays a serial scanner. Each round writes one payment code + CR to the
 * scanner end; the app end is read by the real serial driver (main/scanners/serial-driver.ts), the scan
 * goes through the real ScanRouter to the sale, in two set-ups:
 *   1. a bare sink that sends the pay straight through the POS通 client (main/gateway);
 *   2. the real transaction engine (main/engine: sale.begin, journal intent fsynced before sending, pay).
 * Both send to the embedded simulator over loopback HTTP. Measured: from just after the last byte was
 * written on the pty to the moment the simulator's HTTP server receives the pay request (Node's
 * `http.server.request.start` diagnostics channel, in the same process); also to the pay's answer.
 * Bounded: 200 scans by default per set-up, one at a time (a sale takes one code), after 10 warm-ups.
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeKit } from '../main/engine/testkit.js';
import { createPosLinkClient } from '../main/gateway/client.js';
import { setLogSink } from '../main/log/logger.js';
import { type SaleSink, ScanRouter } from '../main/scanners/router.js';
import { nativeSerialBackend, SerialScannerDriver } from '../main/scanners/serial-driver.js';
import { createPtyPair, waitFor } from '../main/scanners/testing/pty.js';
import { DEMO_CREDENTIALS } from '../main/settings/defaults.js';
import { startSimulator } from '../main/simulator/server.js';

setLogSink(() => {}, 'error');

const SCANS = Math.min(Number(process.argv[2] ?? 200) || 200, 2000);
const WARMUP = 10;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

interface Marks {
  received: number;
  answered: number;
}

/** One set-up: `sink(marks)` builds the sale; `before(i)` readies round i (e.g. begins a sale). */
async function measure(
  label: string,
  sink: (marks: Marks) => SaleSink,
  before: (i: number) => void,
  paid: (marks: Marks) => boolean,
  showAnswer = true,
): Promise<void> {
  const pty = await createPtyPair();
  const marks: Marks = { received: Number.NaN, answered: Number.NaN };
  const onRequest = (message: unknown) => {
    const req = (message as { request?: { url?: string } }).request;
    if (req?.url?.includes('/pay')) marks.received = performance.now();
  };
  diagnostics.subscribe('http.server.request.start', onRequest);
  const router = new ScanRouter({ emit: () => {}, sale: sink(marks) });
  const driver = new SerialScannerDriver({
    config: {
      kind: 'serial',
      path: pty.app,
      baudRate: 115_200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      terminator: 'CR',
      interByteTimeoutMs: 50,
    },
    backend: nativeSerialBackend(),
  });
  driver.onScan((scan) => void router.route(scan));
  await driver.start();
  if (driver.status().state !== 'connected') throw new Error(`pty not open: ${driver.status().state}`);

  const toRequest: number[] = [];
  const toAnswer: number[] = [];
  try {
    for (let i = 0; i < WARMUP + SCANS; i++) {
      before(i);
      marks.received = Number.NaN;
      marks.answered = Number.NaN;
      const code = `1345678901234${String(i % 100_000).padStart(5, '0')}`; // 18 digits, WeChat-shaped
      pty.write(`${code}\r`);
      const written = performance.now();
      await waitFor(() => !Number.isNaN(marks.received) && paid(marks), `pay ${i}`, 10_000);
      await router.idle();
      if (i >= WARMUP) {
        toRequest.push(marks.received - written);
        toAnswer.push(marks.answered - written);
      }
    }
  } finally {
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    await driver.stop();
    await pty.close();
  }
  console.log(`\n${label}`);
  report('  last pty byte → pay request received by the simulator', toRequest);
  if (showAnswer) report('  last pty byte → pay answered', toAnswer);
}

function report(label: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${label}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(2)} ms  (${values.length} scans)`,
  );
}

async function main(): Promise<void> {
  const sim = await startSimulator({ scripts: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-scan-'));
  try {
    // 1. Bare sink: the router hands the code to a pay sent straight through the POS通 client.
    const client = createPosLinkClient({
      baseUrl: sim.url,
      appId: () => DEMO_CREDENTIALS.appId,
      appKey: () => DEMO_CREDENTIALS.appKey,
      merchantCode: () => DEMO_CREDENTIALS.merchantCode,
      terminalCode: () => DEMO_CREDENTIALS.terminalCode,
      timeoutMs: 10_000,
    });
    let sequence = 0;
    await measure(
      'serial driver → router → POS通 client → simulator',
      (marks) => ({
        awaitingCode: () => true,
        acceptCode: async (code) => {
          sequence += 1;
          const result = await client.pay({
            transactionAmount: 1,
            merchantOrderId: `BENCHSCAN${Date.now()}${sequence}`,
            payCode: code,
          });
          marks.answered = performance.now();
          if (result.outcome !== 'ok') throw new Error(`pay outcome ${result.outcome}`);
        },
      }),
      () => {},
      (marks) => !Number.isNaN(marks.answered),
    );
    await client.close();

    // 2. The real engine: a sale begun each round; the intent is journaled (fsync) before the pay leaves.
    const kit = makeKit({ dataDir, gatewayUrl: sim.url, timeoutMs: 10_000 });
    await measure(
      'serial driver → router → engine (journal + pay) → simulator',
      () => kit.engine.sale,
      (i) => {
        if (i > 0) kit.engine.sale.reset();
        kit.engine.sale.begin({ amountFen: 1 });
      },
      (marks) => {
        if (Number.isNaN(marks.answered) && kit.engine.sale.current().phase === 'paid') {
          marks.answered = performance.now();
        }
        return !Number.isNaN(marks.answered);
      },
      false, // "paid" is only seen by the 10 ms poll here: not a figure worth printing
    );
    await kit.close();
  } finally {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    '\nnote: rounds are awaited by polling every 10 ms; the figures are timestamps taken where the events happen, not the poll.',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
