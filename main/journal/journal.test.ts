import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settlementReport } from '../reports/journal-source.js';
import { decodeLine, encodeRecord } from './format.js';
import { Journal, type JournalOptions } from './journal.js';
import { RECORD } from './records.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A settable clock: 2026-03-10 10:00 China time. */
function clock(start = Date.parse('2026-03-10T02:00:00.000Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

/**
 * A fresh journal folder on a settable clock: `open()` opens (or reopens) the journal there; `dayFile`
 * is the file of the first day, 2026-03-10.
 */
function fresh(options: Omit<JournalOptions, 'dataDir' | 'now'> = {}) {
  const dir = tempDir();
  const c = clock();
  const open = () => Journal.open({ dataDir: dir, now: c.now, ...options });
  return { dir, c, open, dayFile: path.join(dir, 'journal', '2026-03-10.jsonl') };
}

function sale(
  journal: Journal,
  key: string,
  amountFen: number,
  opts: { paid?: boolean; last4?: string } = {},
) {
  journal.write({
    t: RECORD.payIntent,
    k: key,
    op: 'cashier',
    st: 'pending',
    un: true,
    d: {
      amountFen,
      channel: 'wechat',
      codeLast4: opts.last4 ?? '1234',
      payMode: 'CODE_SCAN',
      merchantCode: 'm',
      terminalCode: 't',
    },
  });
  if (opts.paid !== false) {
    journal.write({
      t: RECORD.payReply,
      k: key,
      od: journal.order(key)?.view.day,
      op: 'cashier',
      st: 'paid',
      un: false,
      d: { outcome: 'ok', orderId: `UMS${key}`, paidFen: amountFen },
    });
  }
}

describe('journal storage', () => {
  it('encodes each line with a checksum that catches a changed byte', () => {
    const line = encodeRecord({
      s: 1,
      at: 'x',
      t: 'a',
      k: 'k',
      od: '2026-01-01',
      op: 'o',
      d: { amountFen: 100 },
    });
    expect(decodeLine(line.trimEnd()).ok).toBe(true);
    expect(decodeLine(line.trimEnd().replace('100', '900'))).toEqual({
      ok: false,
      problem: 'checksum mismatch',
    });
  });

  it('appends durably, survives reopen, and keeps the sequence increasing', () => {
    const { open } = fresh();
    let journal = open();
    sale(journal, 'T20260310100000000000000001', 1000);
    sale(journal, 'T20260310100000000000000003', 250, { paid: false });
    expect(journal.nextSeq).toBe(4);
    journal.close();
    journal = open();
    expect(journal.nextSeq).toBe(4);
    const orders = journal.ordersOfDay('2026-03-10');
    expect(orders.map((o) => [o.view.merchantOrderId, o.view.status, o.view.unresolved])).toEqual([
      ['T20260310100000000000000001', 'paid', false],
      ['T20260310100000000000000003', 'pending', true],
    ]);
    expect(journal.unresolved().map((o) => o.view.merchantOrderId)).toEqual(['T20260310100000000000000003']);
    expect(journal.verify()).toMatchObject({ files: 1, records: 3, damaged: [], ok: true });
    journal.close();
  });

  it('sets a torn last line aside on open and keeps every whole record', () => {
    const { dir, open, dayFile } = fresh();
    const journal = open();
    sale(journal, 'T20260310100000000000000001', 1000);
    journal.close();
    fs.appendFileSync(dayFile, '{"s":3,"at":"2026-03-10T02:00:00.000Z","t":"pay.intent","k":"T2026031010');
    const reopened = open();
    expect(reopened.store.openReport?.tornSetAside).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'journal', 'torn'))).toHaveLength(1);
    expect(reopened.verify().damaged).toEqual([]);
    expect(reopened.nextSeq).toBe(3);
    sale(reopened, 'T20260310100000000000000003', 500);
    expect(reopened.ordersOfDay('2026-03-10')).toHaveLength(2);
    reopened.close();
  });

  it('verify reports a damaged line in the middle and readers skip it', () => {
    const { open, dayFile } = fresh();
    const journal = open();
    sale(journal, 'T20260310100000000000000001', 1000);
    sale(journal, 'T20260310100000000000000003', 2000);
    journal.close();
    const lines = fs.readFileSync(dayFile, 'utf8').split('\n');
    lines[1] = (lines[1] as string).replace('"paidFen":1000', '"paidFen":9000');
    fs.writeFileSync(dayFile, lines.join('\n'));
    const reopened = open();
    expect(reopened.verify().damaged).toEqual([
      expect.objectContaining({ file: '2026-03-10.jsonl', line: 2, problem: 'checksum mismatch' }),
    ]);
    reopened.close();
  });

  it('follows an order across days: a refund written a week later shows on the order and in that day report', () => {
    const { c, open } = fresh();
    let journal = open();
    sale(journal, 'T20260310100000000000000001', 1000);
    c.advance(7 * 86_400_000);
    journal.write({
      t: RECORD.refundIntent,
      k: 'T20260310100000000000000001',
      od: '2026-03-10',
      op: 'manager',
      un: true,
      st: 'paid',
      d: { refundRequestId: 'RT20260317100000000000000003', amountFen: 300, reason: '顾客退货' },
    });
    journal.write({
      t: RECORD.refundReply,
      k: 'T20260310100000000000000001',
      od: '2026-03-10',
      op: 'manager',
      un: false,
      st: 'partially-refunded',
      d: {
        refundRequestId: 'RT20260317100000000000000003',
        amountFen: 300,
        outcome: 'ok',
        channel: 'wechat',
      },
    });
    journal.close();
    // Reopen on a later day: the old day files are summarised by metas, not replayed.
    c.advance(86_400_000);
    journal = open();
    expect(journal.store.openReport?.filesRead).toBe(0);
    const order = journal.findOrder('RT20260317100000000000000003');
    expect(order?.view).toMatchObject({ status: 'partially-refunded', refundedFen: 300, refundableFen: 700 });
    // The reason typed at the counter is kept on the refund, across the reopen.
    expect(order?.refunds).toEqual([expect.objectContaining({ status: 'refunded', reason: '顾客退货' })]);
    expect(journal.findOrder('UMST20260310100000000000000001')?.view.merchantOrderId).toBe(
      'T20260310100000000000000001',
    );
    const day1 = settlementReport(journal.store, '2026-03-10');
    expect(day1.totals).toMatchObject({ salesCount: 1, salesFen: 1000, refundsCount: 0, netFen: 1000 });
    const day8 = settlementReport(journal.store, '2026-03-17');
    expect(day8.totals).toMatchObject({ salesCount: 0, refundsCount: 1, refundsFen: 300, netFen: -300 });
    expect(day8.byChannel).toEqual([
      { channel: 'wechat', totals: expect.objectContaining({ refundsFen: 300 }) },
    ]);
    journal.close();
  });

  it('lists by last 4, amount and id; exports CSV and JSON; counts Yima refunds', () => {
    const { c, open } = fresh({ operatorId: () => 'cashier' });
    const journal = open();
    sale(journal, 'T20260310100000000000000001', 1250, { last4: '4321' });
    c.advance(3600_000);
    sale(journal, 'T20260310110000000000000003', 800, { last4: '9999' });
    journal.append('yima.final', 'AR2026031000000001', { status: 'refunded', amountFen: 150 }, { un: false });
    expect(journal.list({ day: '2026-03-10', query: '4321' }).map((o) => o.amountFen)).toEqual([1250]);
    expect(journal.list({ day: '2026-03-10', query: '8.00' }).map((o) => o.codeLast4)).toEqual(['9999']);
    expect(journal.list({ day: '2026-03-10' }).map((o) => o.amountFen)).toEqual([800, 1250]);
    const csv = journal.export('2026-03-10', 'csv');
    expect(csv.content.split('\r\n')).toHaveLength(4);
    expect(csv.content).toContain(',12.50,12.50,0.00,');
    const json = JSON.parse(journal.export('2026-03-10', 'json').content) as unknown[];
    expect(json).toHaveLength(2);
    const report = settlementReport(journal.store, '2026-03-10');
    expect(report.totals).toMatchObject({
      salesCount: 2,
      salesFen: 2050,
      refundsCount: 1,
      refundsFen: 150,
      netFen: 1900,
    });
    expect(report.byHour[10]).toEqual({ hour: 10, count: 1, fen: 1250 });
    expect(report.byHour[11]).toEqual({ hour: 11, count: 1, fen: 800 });
    journal.close();
  });
});
