/**
 * ECR link: `npx tsx bench/ecr.ts [requests]`.
 *
 * 1. API overhead on loopback: the real app services with the ECR API on (Fastify, bearer token, zod,
 *    the journal-derived state), a host asking the status of a finished payment and replaying its
 *    original POST (the idempotent answer), one request at a time over a kept-alive connection.
 *    Measured two ways: in the server (request received → response finished, Node's http diagnostics
 *    channels: the time the API adds), and in the host (request sent → answer parsed, which also counts
 *    the HTTP client and the scheduling of a shared machine). Target p99 ≤ 1 ms.
 * 2. Display capture: captured customer-display streams written to a real socat pty the app reads;
 *    measured from just after the last byte is written to the `ecr.proposal` event, minus the quiet
 *    period where the rule waits for one (text displays; LED-8 proposes on the 总计 lamp's digits).
 *    Target ≤ 50 ms after the quiet period.
 * Bounded: 2 000 requests per kind by default (max 20 000) after 200 warm-ups; 10 rounds per stream.
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { STREAMS, splitWrites } from '../main/ecr/display/fixtures.js';
import { ecrFetch, startEcrApp, TEST_TOKEN, until } from '../main/ecr/testing/app.js';
import type { EcrProposal } from '../main/ipc/channels/ecr.js';
import { setLogSink } from '../main/log/logger.js';
import { createPtyPair } from '../main/scanners/testing/pty.js';
import { startSimulator } from '../main/simulator/server.js';

setLogSink(() => {}, 'error');
const N = Math.min(Number(process.argv[2] ?? 2000) || 2000, 20_000);
const WARMUP = 200;
const QUIET_MS = 150;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
function line(label: string, samples: number[], target: number): void {
  const s = [...samples].sort((a, b) => a - b);
  const p99 = percentile(s, 99);
  console.log(
    `${label.padEnd(62)} n=${String(s.length).padStart(5)}  p50 ${percentile(s, 50).toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  max ${(s.at(-1) ?? 0).toFixed(3)} ms  ${p99 <= target ? '✓' : '✗'} target ≤ ${target} ms`,
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(url: URL, method: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString());
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sim = await startSimulator();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-ecr-'));
const pty = await createPtyPair();
const app = await startEcrApp({
  dataDir,
  gatewayUrl: sim.url,
  ecr: { display: { enabled: true, path: pty.app, quietMs: QUIET_MS } },
});
try {
  // ── 1. API overhead ─────────────────────────────────────────────────────────────────────
  const pay = { ecrId: 'BENCH-1', amountFen: 1234, payCode: '134567890123451234' };
  await ecrFetch(app.url, 'POST', '/v1/payments', pay);
  await until('paid', async () =>
    (await ecrFetch(app.url, 'GET', '/v1/payments/BENCH-1')).body.state === 'paid' ? true : undefined,
  );
  await app.call('sale.reset');
  const statusUrl = new URL(`${app.url}/v1/payments/BENCH-1`);
  const postUrl = new URL(`${app.url}/v1/payments`);
  const body = JSON.stringify(pay);
  // Server-side time of each request: Node's http.server diagnostics channels.
  const started = new WeakMap<object, number>();
  let serverSamples: number[] = [];
  diagnostics.subscribe('http.server.request.start', (m) => {
    started.set((m as { request: object }).request, performance.now());
  });
  diagnostics.subscribe('http.server.response.finish', (m) => {
    const t0 = started.get((m as { request: object }).request);
    if (t0 !== undefined) serverSamples.push(performance.now() - t0);
  });
  for (const [label, run] of [
    ['GET /v1/payments/{ecrId} (final)', () => request(statusUrl, 'GET')],
    ['POST /v1/payments replay (same ecrId + body)', () => request(postUrl, 'POST', body)],
  ] as const) {
    const samples: number[] = [];
    for (let i = 0; i < N + WARMUP; i += 1) {
      if (i === WARMUP) serverSamples = [];
      const t0 = performance.now();
      const status = await run();
      const t1 = performance.now();
      if (status !== 200) throw new Error(`${label}: HTTP ${status}`);
      if (i >= WARMUP) samples.push(t1 - t0);
    }
    line(`${label}, in the server`, serverSamples, 1);
    line(`${label}, host round trip`, samples, 1);
  }
  if (sim.ledger().length !== 1) throw new Error('a replay reached the bank');

  // ── 2. last display byte → proposal ─────────────────────────────────────────────────────
  for (const stream of STREAMS) {
    const samples: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      let at = Number.NaN;
      let got: EcrProposal | undefined;
      const off = app.app.events.subscribe((name, payload) => {
        if (name === 'ecr.proposal' && (payload as EcrProposal).state === 'open' && !got) {
          at = performance.now();
          got = payload as EcrProposal;
        }
      });
      const chunks = splitWrites(stream.sale, round + 1);
      for (const chunk of chunks.slice(0, -1)) pty.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 20));
      pty.write(chunks.at(-1) as Buffer);
      const t0 = performance.now();
      const proposal = await until('proposal', () => got, 5000);
      off();
      if (proposal.amountFen !== stream.totalFen) throw new Error('wrong amount');
      samples.push(at - t0 - (stream.protocol === 'led8' ? 0 : QUIET_MS));
      await app.call('ecr.dismissProposal', { id: proposal.id });
      pty.write(Buffer.from('\x0c'));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    line(
      `display → proposal: ${stream.protocol}${stream.protocol === 'led8' ? '' : ` (− ${QUIET_MS} ms quiet)`}`,
      samples,
      50,
    );
  }
} finally {
  agent.destroy();
  await app.stop();
  await pty.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
}
