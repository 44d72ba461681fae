import { describe, expect, it } from 'vitest';
import { OrderBook } from '../engine/core/book.js';
import { EventHub } from '../ipc/router.js';
import { Journal } from '../journal/journal.js';
import { DEMO_YIMA_KEY, defaultSettings } from '../settings/defaults.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import { startSimulator } from '../simulator/server.js';
import { startYimaDemo, type YimaDemo } from './demo.js';
import { createYimaService } from './service.js';
import { yimaFixtures } from './test-fixtures.js';

const { cleanups, tempDir } = yimaFixtures();

async function refundThrough(demo: YimaDemo, format: 'json' | 'xml') {
  const journal = Journal.open({ dataDir: tempDir('yima-demo-') });
  cleanups.push(() => journal.close());
  const book = new OrderBook({
    journal,
    events: new EventHub(),
    now: Date.now,
    operatorId: () => 'cashier',
    recoveryEveryMs: 3_600_000,
  });
  const service = createYimaService({
    settings: createMemorySettings(
      { yima: { ...defaultSettings().yima, format } },
      { yimaKey: DEMO_YIMA_KEY },
    ),
    operators: createMemoryOperators(),
    book,
    url: () => demo.url,
    retryDelaysMs: [20],
  });
  cleanups.push(() => service.stop());
  return service.refund({
    orgPosSeq: 'AP2026112200000009',
    amountFen: 1_298,
    memo: '演示退款',
    pin: '123456',
  });
}

describe('Yima demo simulator', () => {
  it('on its own loopback server (demo defaults: settings url empty, demo key)', async () => {
    const demo = await startYimaDemo(DEMO_YIMA_KEY);
    cleanups.push(() => demo.stop());
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/yima\/account_refund$/);
    const view = await refundThrough(demo, 'json');
    expect(view.status).toBe('refunded');
    expect(demo.sim.requests.map((r) => r.resultId)).toEqual(['9998', '0000']);
  });

  it('mounted on the gateway simulator (issue 3) — XML through the same server', async () => {
    const gateway = await startSimulator();
    cleanups.push(() => gateway.close());
    const demo = await startYimaDemo(DEMO_YIMA_KEY, gateway);
    cleanups.push(() => demo.stop());
    expect(demo.url.startsWith(gateway.url.replace(/\/$/, ''))).toBe(true);
    const view = await refundThrough(demo, 'xml');
    expect(view.status).toBe('refunded');
    expect(gateway.requests().filter((r) => r.endpoint === 'mounted')).toHaveLength(2);
  });
});
