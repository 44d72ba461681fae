import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_YIMA_KEY, defaultSettings } from '../settings/defaults.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import { startSimulator } from '../simulator/server.js';
import { startYimaDemo, type YimaDemo } from './demo.js';
import { createFileYimaJournal } from './journal.js';
import { createYimaService } from './service.js';
import { yimaFixtures } from './test-fixtures.js';

const { cleanups, tempDir } = yimaFixtures();

async function refundThrough(demo: YimaDemo, format: 'json' | 'xml') {
  const dir = tempDir('yima-demo-');
  const service = createYimaService({
    settings: createMemorySettings(
      { yima: { ...defaultSettings().yima, format } },
      { yimaKey: DEMO_YIMA_KEY },
    ),
    operators: createMemoryOperators(),
    journal: createFileYimaJournal(path.join(dir, 'yima.jsonl')),
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
