/**
 * POS通 client figures: `npx tsx bench/gateway.ts`.
 *
 * 1. The client's own overhead per request (validate, serialize, sign, parse the reply, classify),
 *    measured with an in-memory transport: no network, no server.
 * 2. Requests per second against the embedded simulator over loopback HTTP (keep-alive), a bounded
 *    number of pays and queries at a fixed concurrency.
 * 3. How fast a dead network is certain: a refused connection (closed port) and a connection that never
 *    comes up (name lookup never answers, default 3 s connect timeout) → "not sent".
 */
import net from 'node:net';
import { createPosLinkClient } from '../main/gateway/client.js';
import { nodeTransport } from '../main/gateway/transport.js';
import { setLogSink } from '../main/log/logger.js';
import { DEMO_CREDENTIALS } from '../main/settings/defaults.js';
import { startSimulator } from '../main/simulator/server.js';

setLogSink(() => {}, 'error');

const OVERHEAD_CALLS = 5_000;
const HTTP_CALLS = 2_000;
const CONCURRENCY = 16;

const PAY_REPLY = JSON.stringify({
  errCode: '00',
  errInfo: '交易成功',
  transactionTime: '120000',
  transactionDateWithYear: '20250101',
  settlementDateWithYear: '20250101',
  retrievalRefNum: '250101000001',
  transactionAmount: 1234,
  amount: '1234',
  orderId: '31942025010112000000000001',
  thirdPartyName: '微信支付',
  cardAttr: '91',
});

function options(baseUrl: string) {
  return {
    baseUrl,
    appId: () => DEMO_CREDENTIALS.appId,
    appKey: () => DEMO_CREDENTIALS.appKey,
    merchantCode: () => DEMO_CREDENTIALS.merchantCode,
    terminalCode: () => DEMO_CREDENTIALS.terminalCode,
  };
}

async function overhead(): Promise<void> {
  const client = createPosLinkClient({
    ...options('http://in-memory.invalid'),
    fetch: (async () => new Response(PAY_REPLY)) as unknown as typeof fetch,
  });
  const pay = (i: number) =>
    client.pay({ transactionAmount: 1234, merchantOrderId: `BENCH${i}`, payCode: '134567890123451234' });
  for (let i = 0; i < 500; i++) await pay(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < OVERHEAD_CALLS; i++) {
    const r = await pay(i);
    if (r.outcome !== 'ok') throw new Error(`unexpected outcome ${r.outcome}`);
  }
  const ms = performance.now() - started;
  console.log(
    `client overhead per pay (validate+serialize+sign+parse+classify, no network): ${((ms * 1000) / OVERHEAD_CALLS).toFixed(1)} µs  (${OVERHEAD_CALLS} calls)`,
  );
}

async function overLoopback(): Promise<void> {
  const sim = await startSimulator({ scripts: false });
  try {
    const client = createPosLinkClient({ ...options(sim.url), timeoutMs: 10_000 });
    const run = async (label: string, call: (i: number) => Promise<{ outcome: string }>) => {
      let next = 0;
      let failures = 0;
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < HTTP_CALLS) {
            const i = next++;
            const t = performance.now();
            const r = await call(i);
            latencies.push(performance.now() - t);
            if (r.outcome !== 'ok') failures += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const p = (q: number) =>
        (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2);
      console.log(
        `${label} via simulator: ${(HTTP_CALLS / seconds).toFixed(0)} requests/s  (${HTTP_CALLS} requests, concurrency ${CONCURRENCY}, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, not ok: ${failures})`,
      );
    };
    const stamp = Date.now();
    await run('pay  ', (i) =>
      client.pay({
        transactionAmount: 1200 + (i % 50),
        merchantOrderId: `B${stamp}-${i}`,
        payCode: '134567890123451234',
      }),
    );
    await run('query', (i) => client.query({ merchantOrderId: `B${stamp}-${i}` }));
    const charged = sim.ledger().reduce((n, o) => n + o.chargedTimes, 0);
    console.log(
      `simulator ledger: ${sim.ledger().length} orders, ${charged} charges (expected ${HTTP_CALLS} each)`,
    );
  } finally {
    await sim.close();
  }
}

async function deadNetwork(): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const refused = createPosLinkClient(options(`http://127.0.0.1:${port}`));
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const r = await refused.pay({
      transactionAmount: 100,
      merchantOrderId: `DEAD${i}`,
      payCode: '134567890123451234',
    });
    times.push(performance.now() - t);
    if (r.outcome !== 'declined' || !r.notSent) throw new Error(`refused: unexpected ${r.outcome}`);
  }
  times.sort((a, b) => a - b);
  console.log(
    `refused connection → not sent: p50 ${(times[10] ?? 0).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms  (20 pays)`,
  );
  await refused.close();
  const stuck = createPosLinkClient({
    ...options('http://gateway.example'),
    transport: nodeTransport({ lookup: () => {} }),
  });
  const t = performance.now();
  const r = await stuck.pay({
    transactionAmount: 100,
    merchantOrderId: 'STUCK',
    payCode: '134567890123451234',
  });
  if (r.outcome !== 'declined' || !r.notSent) throw new Error(`stuck: unexpected ${r.outcome}`);
  console.log(
    `connection never established → not sent: ${(performance.now() - t).toFixed(0)} ms  (connect timeout)`,
  );
  await stuck.close();
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await overhead();
await overLoopback();
await deadNetwork();
