/**
 * The order book on its own: sleeps that end on stop, one holder per order, writes whose status is
 * derived and that are refused (nothing written) when they would break an invariant.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../ipc/router.js';
import { Journal } from '../../journal/journal.js';
import { OrderBook, RecordRefused } from './book.js';

let dir: string;
let journal: Journal;
let book: OrderBook;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'book-test-'));
  journal = Journal.open({ dataDir: dir });
  book = new OrderBook({
    journal,
    events: new EventHub(),
    now: Date.now,
    operatorId: () => 'cashier',
    recoveryEveryMs: 3_600_000,
  });
});
afterEach(async () => {
  await book.stop();
  journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const KEY = 'T00012026120112000000000001';
const intent = {
  t: 'pay.intent' as const,
  d: {
    amountFen: 1000,
    channel: 'wechat' as const,
    codeLast4: '1234',
    payMode: 'CODE_SCAN',
    merchantCode: 'M',
    terminalCode: 'T',
  },
};

describe('the order book', () => {
  it('a sleep ends at once when the book stops; flows are awaited', async () => {
    let woke = false;
    book.spawn('k', async () => {
      await book.sleep(3_600_000);
      woke = true;
    });
    expect(book.isBusy('k')).toBe(true);
    await book.stop();
    expect(woke).toBe(true);
    expect(book.isBusy('k')).toBe(false);
  });

  it('one holder per order: a second operation on a busy order is refused', async () => {
    let release: () => void = () => {};
    const first = book.hold('k', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(book.hold('k', async () => {})).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    await first;
    await expect(book.hold('k', async () => 'again')).resolves.toBe('again');
  });

  it('the status written is derived from the records; a record that breaks an invariant is not written', () => {
    const od = journal.today();
    book.write(KEY, od, intent);
    book.write(KEY, od, { t: 'pay.reply', d: { outcome: 'ok', paidFen: 1000 } });
    const seq = journal.nextSeq;
    expect(() =>
      book.write(KEY, od, { t: 'refund.intent', d: { refundRequestId: 'R1', amountFen: 1001 } }),
    ).toThrow(RecordRefused);
    expect(() => book.write(KEY, od, { t: 'void.intent', d: { auto: true } })).toThrow(RecordRefused);
    expect(journal.nextSeq).toBe(seq); // nothing was written
    book.write(KEY, od, { t: 'refund.intent', d: { refundRequestId: 'R1', amountFen: 400 } });
    book.write(KEY, od, {
      t: 'refundquery.reply',
      d: { refundRequestId: 'R1', outcome: 'declined', notFound: true },
    });
    const records = journal.store.recordsOfKey(KEY, od);
    expect(records.map((r) => [r.t, r.st, r.un])).toEqual([
      ['pay.intent', 'pending', true],
      ['pay.reply', 'paid', false],
      ['refund.intent', 'paid', true],
      ['refundquery.reply', 'paid', false],
    ]);
  });

  it('a recovery pass with nothing to do does not stop later passes', async () => {
    await book.recover();
    const od = journal.today();
    let recovered = 0;
    book.register({
      name: 'sale',
      intent: 'pay.intent',
      async recover() {
        recovered += 1;
      },
    });
    book.write(KEY, od, intent);
    await book.recover();
    await book.recover();
    expect(recovered).toBe(2);
  });
});
