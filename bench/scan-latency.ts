/**
 * Scan-to-request latency: `npx tsx bench/scan-latency.ts [scans]`.
 *
 * A real pseudo-terminal (socat) plays a serial scanner. Each round writes one payment code + CR to the
 * scanner end; the app end is read by the real serial driver (main/scanners/serial-driver.ts), the scan
 * goes through the real ScanRouter to a sale sink that sends the pay through the real POS通 client
 * (main/gateway) to the embedded simulator over loopback HTTP. Measured: from just after the last byte
 * was written on the pty to the moment the simulator's HTTP server receives the pay request (Node's
 * `http.server.request.start` diagnostics channel, in the same process). Also: to the pay's answer.
 * Bounded: 200 scans by default, one at a time (a sale takes one code), after 10 warm-up scans.
 */
import diagnostics from 'node:diagnostics_channel';
import { createPosLinkClient } from '../main/gateway/client.js';
import { setLogSink } from '../main/log/logger.js';
import { ScanRouter } from '../main/scanners/router.js';
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

async function main(): Promise<void> {
  const sim = await startSimulator({ scripts: false });
  const pty = await createPtyPair();
  const client = createPosLinkClient({
    baseUrl: sim.url,
    appId: () => DEMO_CREDENTIALS.appId,
    appKey: () => DEMO_CREDENTIALS.appKey,
    merchantCode: () => DEMO_CREDENTIALS.merchantCode,
    terminalCode: () => DEMO_CREDENTIALS.terminalCode,
    timeoutMs: 10_000,
  });

  /** When the simulator received the pay request, and when its answer came back (NaN: not yet). */
  const at = { received: Number.NaN, answered: Number.NaN };
  const onRequest = (message: unknown) => {
    const req = (message as { request?: { url?: string } }).request;
    if (req?.url?.includes('/pay')) at.received = performance.now();
  };
  diagnostics.subscribe('http.server.request.start', onRequest);

  let sequence = 0;
  const router = new ScanRouter({
    emit: () => {},
    sale: {
      awaitingCode: () => true,
      acceptCode: async (code) => {
        sequence += 1;
        const result = await client.pay({
          transactionAmount: 1,
          merchantOrderId: `BENCHSCAN${Date.now()}${sequence}`,
          payCode: code,
        });
        at.answered = performance.now();
        if (result.outcome !== 'ok') throw new Error(`pay outcome ${result.outcome}`);
      },
    },
  });

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
      at.received = Number.NaN;
      at.answered = Number.NaN;
      const code = `1345678901234${String(i % 100_000).padStart(5, '0')}`; // 18 digits, WeChat-shaped
      pty.write(`${code}\r`);
      const written = performance.now();
      await waitFor(() => !Number.isNaN(at.received) && !Number.isNaN(at.answered), `pay ${i}`, 10_000);
      await router.idle();
      if (i >= WARMUP) {
        toRequest.push(at.received - written);
        toAnswer.push(at.answered - written);
      }
    }
  } finally {
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    await driver.stop();
    await pty.close();
    await sim.close();
  }

  const report = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      `${label}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(2)} ms  (${values.length} scans)`,
    );
  };
  report('last pty byte → pay request received by the simulator', toRequest);
  report('last pty byte → pay answered (round trip incl. signing)', toAnswer);
  console.log(
    'note: the wait between rounds polls every 10 ms; the figures are timestamps taken where the events happen, not the poll.',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
