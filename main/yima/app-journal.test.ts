/**
 * The Yima kind on the app's real receipt journal and the engine's order book: records durable and
 * checksummed with their derived status, the facts the settlement needs (channel yima, pay mode YIMA),
 * recovery on reopen through the book's one loop.
 */
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../engine/core/book.js';
import { EventHub } from '../ipc/router.js';
import { Journal } from '../journal/journal.js';
import { YIMA_CHANNEL } from '../journal/records.js';
import { settlementReport } from '../reports/journal-source.js';
import { defaultSettings } from '../settings/defaults.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import { createYimaService, dayOfPosSeq } from './service.js';
import { yimaFixtures } from './test-fixtures.js';

const KEY = 'app-journal-key';
const { cleanups, tempDir, startSim } = yimaFixtures();

function service(
  url: string,
  journal: Journal,
  extra: { inlineWaitMs?: number; retryDelaysMs?: number[] } = {},
) {
  const book = new OrderBook({
    journal,
    events: new EventHub(),
    now: Date.now,
    operatorId: () => 'cashier',
    recoveryEveryMs: 3_600_000,
  });
  const s = createYimaService({
    settings: createMemorySettings({ yima: { ...defaultSettings().yima, url } }, { yimaKey: KEY }),
    operators: createMemoryOperators(),
    book,
    timeoutMs: 400,
    retryDelaysMs: extra.retryDelaysMs ?? [30],
    inlineWaitMs: extra.inlineWaitMs ?? 5_000,
  });
  cleanups.push(async () => {
    await s.stop();
    await book.stop();
  });
  return s;
}

describe('Yima on the app journal', () => {
  it('journals intent → replies → final under the pos_seq, with the facts the settlement counts', async () => {
    const dataDir = tempDir('yima-app-journal-');
    const journal = Journal.open({ dataDir });
    cleanups.push(() => journal.store.close());
    const { url } = await startSim({ key: KEY });
    const yima = service(url, journal);
    const view = await yima.refund({ orgPosSeq: 'AP2026112200000001', amountFen: 2_598, pin: '123456' });
    expect(view.status).toBe('refunded');
    const day = journal.today();
    const records = journal.store.recordsWrittenOn(day).filter((r) => r.k === view.posSeq);
    expect(records.map((r) => r.t)).toEqual(['yima.intent', 'yima.reply', 'yima.reply', 'yima.final']);
    expect(records.every((r) => r.od === dayOfPosSeq(view.posSeq) && r.op === 'manager')).toBe(true);
    expect(records.map((r) => r.st)).toEqual(['pending', 'processing', 'refunded', 'refunded']);
    expect(records.at(-1)?.un).toBe(false);
    expect(records[0]?.un).toBe(true);
    expect(records.at(-1)?.d).toMatchObject({ amountFen: 2_598, channel: YIMA_CHANNEL, payMode: 'YIMA' });
    expect(journal.store.openSet().map((e) => e.k)).not.toContain(view.posSeq);

    const report = settlementReport(journal.store, day);
    expect(report.totals.refundsCount).toBe(1);
    expect(report.totals.refundsFen).toBe(2_598);
    expect(report.byPayMode.find((p) => p.payMode === 'YIMA')?.totals.refundsFen).toBe(2_598);
    expect(report.byChannel).toEqual([
      { channel: 'yima', totals: expect.objectContaining({ refundsFen: 2_598 }) },
    ]);

    // A fresh service on the same journal sees the refund, final, and sends nothing.
    const again = service(url, journal);
    await again.start();
    expect(again.list()).toMatchObject([{ posSeq: view.posSeq, status: 'refunded', amountFen: 2_598 }]);
  });

  it('an unresolved refund is in the open set and is resumed with the same pos_seq after a reopen', async () => {
    const dataDir = tempDir('yima-app-journal-');
    const first = Journal.open({ dataDir });
    const { sim, url } = await startSim({ key: KEY, processingReplies: 1 });
    const a = service(url, first, { inlineWaitMs: 0, retryDelaysMs: [60_000] });
    const pending = await a.refund({ orgPosSeq: 'AP2026112200000002', amountFen: 198, pin: '123456' });
    await expect.poll(() => sim.requests.length).toBe(1);
    await a.stop();
    expect(first.store.openSet().map((e) => e.k)).toContain(pending.posSeq);
    first.store.close();

    const reopened = Journal.open({ dataDir });
    cleanups.push(() => reopened.store.close());
    const b = service(url, reopened);
    await b.start();
    await expect.poll(() => b.get(pending.posSeq)?.status).toBe('refunded');
    expect(sim.requests.map((r) => [r.posSeq, r.resultId])).toEqual([
      [pending.posSeq, '9998'],
      [pending.posSeq, '0000'],
    ]);
    expect(reopened.store.openSet().map((e) => e.k)).not.toContain(pending.posSeq);
  });
});
