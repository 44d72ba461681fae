/**
 * The Yima refund service end to end over real loopback HTTP against the Yima simulator, with a real
 * file journal in a temporary folder.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../engine/core/book.js';
import { EventHub, Router } from '../ipc/router.js';
import { Journal } from '../journal/journal.js';
import { defaultSettings } from '../settings/defaults.js';
import { createMemoryOperators, createMemorySettings } from '../settings/memory.js';
import { createYimaService, type YimaService } from './service.js';
import { attachSign } from './sign.js';
import { createYimaSimulator, type YimaSimulatorOptions } from './simulator.js';
import { yimaFixtures } from './test-fixtures.js';
import type { YimaRefundView } from './types.js';
import { encodeReply, encodeRequest } from './wire.js';

const KEY = 'test-yima-key-0001';
const PIN = '123456';
const ORG = 'AP2026112200000001';

const { cleanups, listen, tempDir, startSim: startYimaSim } = yimaFixtures();

const startSim = (options: Partial<YimaSimulatorOptions> = {}) =>
  startYimaSim({ key: KEY, holdMs: 5_000, ...options });

/** A real receipt journal in a temporary folder; `file` reads back its Yima records. */
function tempJournal(): { journal: Journal; file: Journal } {
  const journal = Journal.open({ dataDir: tempDir('yima-test-') });
  cleanups.push(() => journal.close());
  return { journal, file: journal };
}

function yimaRecords(journal: Journal) {
  return journal.store
    .days()
    .flatMap((day) => journal.store.recordsWrittenOn(day))
    .filter((r) => r.t.startsWith('yima.'))
    .map((r) => ({ type: r.t, data: r.d as { outcome?: string; problem?: string } }));
}

function makeService(
  url: string,
  journal: Journal,
  extra: Partial<Parameters<typeof createYimaService>[0]> & {
    format?: 'json' | 'xml';
    key?: string;
    now?: () => number;
  } = {},
): YimaService {
  const { format = 'json', key = KEY, now = Date.now, ...rest } = extra;
  const settings = createMemorySettings(
    { yima: { ...defaultSettings().yima, url, format } },
    { yimaKey: key },
  );
  const service = createYimaService({
    settings,
    operators: createMemoryOperators(),
    book: new OrderBook({
      journal,
      events: new EventHub(),
      now,
      operatorId: () => 'cashier',
      recoveryEveryMs: 3_600_000,
    }),
    timeoutMs: 400,
    retryDelaysMs: [30],
    inlineWaitMs: 5_000,
    ...rest,
  });
  cleanups.push(() => service.stop());
  return service;
}

function journalTypes(journal: Journal): string[] {
  return yimaRecords(journal).map((r) => r.type);
}

describe('Yima refund over loopback HTTP', () => {
  it('JSON: signed request accepted by the simulator, 0000 → refunded, journaled intent → reply → final', async () => {
    const { sim, url } = await startSim();
    const { journal, file } = tempJournal();
    const service = makeService(url, journal);
    const view = await service.refund({ orgPosSeq: ORG, amountFen: 150, memo: '退货', pin: PIN });
    expect(view.status).toBe('refunded');
    expect(view.resultId).toBe('0000');
    expect(view.amountFen).toBe(150);
    expect(view.operatorId).toBe('manager');
    expect(view.posSeq.length).toBeGreaterThan(12);
    expect(view.posSeq.length).toBeLessThanOrEqual(32);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]!.format).toBe('json');
    expect(sim.requests[0]!.resultId).toBe('0000');
    const sent = JSON.parse(sim.requests[0]!.text);
    expect(sent.pos_seq).toBe(view.posSeq);
    expect(sent.user_id).toBe('manager');
    expect(sent.account_refund_request).toEqual({ org_pos_seq: ORG, tx_amt: '150' });
    expect(sent.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(journalTypes(file)).toEqual(['yima.intent', 'yima.reply', 'yima.final']);
    expect(service.list().map((v) => v.posSeq)).toEqual([view.posSeq]);
  });

  it('XML: the bytes on the wire are GBK (Chinese memo), the reply is decoded from GBK, refunded', async () => {
    const { sim, url } = await startSim();
    const { journal } = tempJournal();
    const service = makeService(url, journal, { format: 'xml' });
    const memo = '顾客退货：质量问题';
    const view = await service.refund({
      orgPosSeq: ORG,
      amountFen: 2_500,
      memo,
      split: [
        { merchantId: '10000000000001', divAmtFen: 1_000 },
        { sellerAccount: '6666000116230109', divAmtFen: 1_500 },
      ],
      pin: PIN,
    });
    expect(view.status).toBe('refunded');
    expect(view.message?.zh).toContain('交易成功'); // the reply's comment, decoded from GBK
    const wire = sim.requests[0]!;
    expect(wire.format).toBe('xml');
    expect(wire.contentType).toMatch(/charset=GBK/i);
    expect(wire.body.includes(iconv.encode(memo, 'gbk'))).toBe(true);
    expect(wire.body.includes(Buffer.from(memo, 'utf8'))).toBe(false);
    expect(wire.text).toContain(`<memo>${memo}</memo>`);
    expect(wire.text).toContain('<extend_params><![CDATA[{"split_info":{"split_list":[{"merchant_id"');
    expect(wire.text).not.toContain('<sign>');
  });

  it('9998 → the identical message is resent with the same pos_seq → 0000 (JSON and XML)', async () => {
    for (const format of ['json', 'xml'] as const) {
      const { sim, url } = await startSim({ processingReplies: 2 });
      const { journal, file } = tempJournal();
      const service = makeService(url, journal, { format });
      const view = await service.refund({ orgPosSeq: ORG, amountFen: 1_998, pin: PIN });
      expect(view.status).toBe('refunded');
      expect(sim.requests.map((r) => r.resultId)).toEqual(['9998', '9998', '0000']);
      expect(new Set(sim.requests.map((r) => r.posSeq))).toEqual(new Set([view.posSeq]));
      // Byte-identical resends.
      expect(sim.requests[1]!.body.equals(sim.requests[0]!.body)).toBe(true);
      expect(sim.requests[2]!.body.equals(sim.requests[0]!.body)).toBe(true);
      expect(journalTypes(file)).toEqual([
        'yima.intent',
        'yima.reply',
        'yima.reply',
        'yima.reply',
        'yima.final',
      ]);
      expect(sim.refunded()).toEqual([{ posSeq: view.posSeq, txAmt: 1_998 }]);
    }
  });

  it('a timeout → resent with the same pos_seq → 0000', async () => {
    const { sim, url } = await startSim();
    const { journal } = tempJournal();
    const service = makeService(url, journal, { timeoutMs: 300 });
    const view = await service.refund({ orgPosSeq: ORG, amountFen: 397, pin: PIN });
    expect(view.status).toBe('refunded');
    expect(sim.requests.map((r) => r.resultId)).toEqual(['hold', '0000']);
    expect(sim.requests[0]!.posSeq).toBe(view.posSeq);
    expect(sim.requests[1]!.posSeq).toBe(view.posSeq);
  });

  it('any other result.id → failed with result.comment shown; never resent', async () => {
    const { sim, url } = await startSim();
    const { journal, file } = tempJournal();
    const service = makeService(url, journal);
    const view = await service.refund({ orgPosSeq: ORG, amountFen: 1_044, pin: PIN });
    expect(view.status).toBe('failed');
    expect(view.resultId).toBe('4004');
    expect(view.message?.zh).toContain('原交易不存在');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.requests).toHaveLength(1);
    expect(journalTypes(file)).toEqual(['yima.intent', 'yima.reply', 'yima.final']);
  });

  it('replies with unknown extra nodes are accepted (JSON and XML)', async () => {
    for (const format of ['json', 'xml'] as const) {
      const { url } = await startSim({ extraNodes: true });
      const { journal } = tempJournal();
      const service = makeService(url, journal, { format });
      const view = await service.refund({ orgPosSeq: ORG, amountFen: 100, pin: PIN });
      expect(view.status).toBe('refunded');
    }
  });

  it('the simulator rejects a request with a bad sign (0003) and accepts the correctly signed one', async () => {
    const { sim, url } = await startSim();
    const request = {
      request_type: 'account_refund_request' as const,
      isspid: '39493002',
      pos_id: 'POS1',
      store_id: 'S1',
      pos_seq: 'YR20261122000000000001',
      system_id: '8888',
      account_refund_request: { org_pos_seq: ORG, tx_amt: '100' },
    };
    const good = encodeRequest(request, { format: 'json', signMode: 'md5-body-key', key: KEY });
    const post = async (body: string) => {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      return JSON.parse(await response.text()) as { result: { id: string }; pos_seq: string };
    };
    const tampered = good.text.replace('"tx_amt":"100"', '"tx_amt":"900"');
    expect((await post(tampered)).result.id).toBe('0003');
    const wrongKey = encodeRequest(request, { format: 'json', signMode: 'md5-body-key', key: 'other' });
    expect((await post(wrongKey.text)).result.id).toBe('0003');
    const unsigned = JSON.stringify(request);
    expect((await post(unsigned)).result.id).toBe('0003');
    expect((await post(good.text)).result.id).toBe('0000');
    // Reusing the pos_seq for a different refund is refused; resending the same message is not.
    const other = attachSign(
      JSON.stringify({ ...request, account_refund_request: { org_pos_seq: ORG, tx_amt: '200' } }),
      'md5-body-key',
      KEY,
    );
    expect((await post(other)).result.id).toBe('0005');
    expect((await post(good.text)).result.id).toBe('0000');
    expect(sim.refunded()).toEqual([{ posSeq: request.pos_seq, txAmt: 100 }]);
  });

  it('the client rejects a reply with a bad sign: not refunded, resent with the same pos_seq', async () => {
    const seen: Array<{ posSeq: string; body: Buffer }> = [];
    const url = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const posSeq = JSON.parse(body.toString('utf8')).pos_seq as string;
        seen.push({ posSeq, body });
        const reply = encodeReply(
          {
            response_type: 'account_refund_response',
            isspid: '39493002',
            pos_id: 'DEMO-POS-01',
            pos_seq: posSeq,
            trans_time: '20261122120000',
            sys_seq: '0123456789abcdef',
            result: { id: '0000', comment: '交易成功' },
          },
          // First reply signed with the wrong key, then a good one.
          { format: 'json', signMode: 'md5-body-key', key: seen.length === 1 ? 'forged' : KEY },
        );
        res.writeHead(200, { 'content-type': reply.contentType }).end(reply.body);
      });
    });
    const { journal, file } = tempJournal();
    const service = makeService(url, journal);
    const view = await service.refund({ orgPosSeq: ORG, amountFen: 100, pin: PIN });
    expect(view.status).toBe('refunded');
    expect(seen).toHaveLength(2);
    expect(seen[1]!.posSeq).toBe(seen[0]!.posSeq);
    expect(seen[1]!.body.equals(seen[0]!.body)).toBe(true);
    const replies = yimaRecords(file).filter((r) => r.type === 'yima.reply');
    expect(replies[0]!.data.outcome).toBe('no-answer');
    expect(replies[0]!.data.problem).toContain('sign mismatch');
    expect(replies[1]!.data.outcome).toBe('refunded');
  });

  it('a reply that only ever carries a bad sign never becomes refunded', async () => {
    const { url } = await startSim({ key: KEY });
    const { journal } = tempJournal();
    // Client and simulator disagree on the key: the simulator refuses the request (0003) with a reply the
    // client cannot trust either, so the refund stays processing (resent), never refunded or failed.
    const service = makeService(url, journal, { key: 'wrong-key', inlineWaitMs: 300 });
    const view = await service.refund({ orgPosSeq: ORG, amountFen: 100, pin: PIN });
    expect(view.status).toBe('processing');
    expect(view.message?.en).toContain('sign mismatch');
  });

  it('field validation errors are refused before anything is journaled or sent', async () => {
    const { sim, url } = await startSim();
    const { journal, file } = tempJournal();
    const service = makeService(url, journal);
    await expect(
      service.refund({ orgPosSeq: ORG, amountFen: 100, memo: '备'.repeat(65), pin: PIN }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      service.refund({ orgPosSeq: ORG, amountFen: 100, split: [{ divAmtFen: 5 }], pin: PIN }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(service.refund({ orgPosSeq: 'AP20261122', amountFen: 100, pin: PIN })).rejects.toMatchObject(
      {
        code: 'BAD_INPUT',
      },
    );
    await expect(
      service.refund({ orgPosSeq: ORG, amountFen: 1_000_000_000, pin: PIN }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(service.refund({ orgPosSeq: ORG, amountFen: 100, pin: '0000' })).rejects.toMatchObject({
      code: 'PIN_INVALID',
    });
    expect(sim.requests).toHaveLength(0);
    expect(yimaRecords(file)).toEqual([]);
  });

  it('IPC: yima.refund and yima.list through the router, with the contract checking input', async () => {
    const { url } = await startSim();
    const { journal } = tempJournal();
    const service = makeService(url, journal);
    const router = new Router({ error() {} }).mount(service.handlers());
    const bad = await router.dispatch('yima.refund', { orgPosSeq: 'short', amountFen: 100, pin: PIN });
    expect(bad.ok).toBe(false);
    const ok = await router.dispatch('yima.refund', { orgPosSeq: ORG, amountFen: 120, pin: PIN, memo: '退' });
    expect(ok.ok && (ok.data as YimaRefundView).status).toBe('refunded');
    const wrongPin = await router.dispatch('yima.refund', { orgPosSeq: ORG, amountFen: 120, pin: '9999' });
    expect(!wrongPin.ok && wrongPin.error.code).toBe('PIN_INVALID');
    const list = await router.dispatch('yima.list', {});
    expect(list.ok && (list.data as YimaRefundView[]).map((v) => v.amountFen)).toEqual([120]);
  });

  it('pos_seq is unique and the sequence survives a restart, even within the same second', async () => {
    const { sim, url } = await startSim();
    const { journal } = tempJournal();
    const fixed = Date.parse('2026-11-22T04:00:00Z');
    const first = makeService(url, journal, { now: () => fixed });
    await first.start();
    const a = await first.refund({ orgPosSeq: ORG, amountFen: 100, pin: PIN });
    // The same original again: refused unless a manager confirms it.
    await expect(first.refund({ orgPosSeq: ORG, amountFen: 101, pin: PIN })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('a manager must confirm'),
    });
    const b = await first.refund({ orgPosSeq: ORG, amountFen: 101, pin: PIN, confirmDuplicate: true });
    await first.stop();
    const second = makeService(url, journal, { now: () => fixed });
    await second.start();
    const c = await second.refund({ orgPosSeq: ORG, amountFen: 102, pin: PIN, confirmDuplicate: true });
    const seqs = [a.posSeq, b.posSeq, c.posSeq];
    expect(new Set(seqs).size).toBe(3);
    expect(seqs.every((s) => s.length > 12 && s.length <= 32 && /^[A-Za-z0-9]+$/.test(s))).toBe(true);
    expect(sim.refunded()).toHaveLength(3);
    expect(second.list().map((v) => v.amountFen)).toEqual(expect.arrayContaining([100, 101, 102]));
  });

  it('recovery: a refund left pending by a crash is resent on start with the same pos_seq', async () => {
    const { journal } = tempJournal();
    // First run: the Yima endpoint is down, so the refund stays unresolved; then the app "stops".
    const deadUrl = await (async () => {
      const server = http.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return `http://127.0.0.1:${port}/yima/account_refund`;
    })();
    const first = makeService(deadUrl, journal, { inlineWaitMs: 100, retryDelaysMs: [10_000] });
    const pending = await first.refund({ orgPosSeq: ORG, amountFen: 1_998, pin: PIN });
    expect(pending.status).toBe('processing');
    // The raw network error stays in the journal, never in what the cashier reads.
    expect(pending.message?.en).toContain('network problem');
    expect(`${pending.message?.zh} ${pending.message?.en}`).not.toMatch(
      /fetch failed|ECONNREFUSED|TypeError/,
    );
    expect(yimaRecords(journal).find((r) => r.type === 'yima.reply')?.data.problem).toMatch(
      /ECONNREFUSED|fetch failed/,
    );
    await first.stop();

    const { sim, url } = await startSim();
    const second = makeService(url, journal);
    // The journal is the state: the refund is listed, still unresolved, before anything is resent.
    expect(second.list()).toMatchObject([{ posSeq: pending.posSeq, status: 'processing' }]);
    expect(sim.requests).toHaveLength(0);
    await second.start();
    expect(second.get(pending.posSeq)?.status).not.toBe('refunded');
    await expect.poll(() => second.get(pending.posSeq)?.status, { timeout: 5_000 }).toBe('refunded');
    expect(sim.requests.map((r) => r.posSeq)).toEqual([pending.posSeq, pending.posSeq]);
    expect(sim.requests.map((r) => r.resultId)).toEqual(['9998', '0000']);
    // A third start finds it final and sends nothing.
    await second.stop();
    const third = makeService(url, journal);
    await third.start();
    expect(third.get(pending.posSeq)?.status).toBe('refunded');
    expect(third.get(pending.posSeq)?.resultId).toBe('0000');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.requests).toHaveLength(2);
  });

  it('stopping aborts an attempt in flight (nothing recorded for it); the next start resends it', async () => {
    const { sim, url } = await startSim({ holdMs: 20_000 });
    const { journal, file } = tempJournal();
    const first = makeService(url, journal, { timeoutMs: 20_000, inlineWaitMs: 0 });
    const pending = await first.refund({ orgPosSeq: ORG, amountFen: 1_097, pin: PIN });
    await expect.poll(() => sim.requests.length).toBe(1);
    await first.stop();
    expect(journalTypes(file)).toEqual(['yima.intent']);
    const second = makeService(url, journal);
    await second.start();
    await expect.poll(() => second.get(pending.posSeq)?.status).toBe('refunded');
    expect(sim.requests.map((r) => [r.posSeq, r.resultId])).toEqual([
      [pending.posSeq, 'hold'],
      [pending.posSeq, '0000'],
    ]);
  });

  it('a second refund of a payment whose refund is still processing is refused', async () => {
    const { url } = await startSim({ processingReplies: 1_000 });
    const { journal } = tempJournal();
    const service = makeService(url, journal, { inlineWaitMs: 100 });
    const first = await service.refund({ orgPosSeq: ORG, amountFen: 1_998, pin: PIN });
    expect(first.status).toBe('processing');
    await expect(service.refund({ orgPosSeq: ORG, amountFen: 1_998, pin: PIN })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a print failure never changes the refund; a refunded slip is printed once', async () => {
    const { url } = await startSim();
    const { journal } = tempJournal();
    const printed: YimaRefundView[] = [];
    const failing = makeService(url, journal, {
      printer: {
        printYimaRefund: () => {
          throw new Error('paper out');
        },
      },
    });
    expect((await failing.refund({ orgPosSeq: ORG, amountFen: 100, pin: PIN })).status).toBe('refunded');
    // A second counter with its own journal and simulator (pos_seq sequences are per journal).
    const printing = makeService((await startSim()).url, tempJournal().journal, {
      printer: { printYimaRefund: (view) => void printed.push(view) },
    });
    const view = await printing.refund({ orgPosSeq: ORG, amountFen: 1_998, pin: PIN });
    expect(printed.map((v) => [v.posSeq, v.status])).toEqual([[view.posSeq, 'refunded']]);
  });
});

describe('Yima simulator as a mountable handler', () => {
  it('leaves other paths to the host server', async () => {
    const sim = createYimaSimulator({ key: KEY });
    const base = await listen((req, res) => {
      if (!sim.handle(req, res)) res.writeHead(418).end('host');
    });
    expect((await fetch(`${base}/other`)).status).toBe(418);
    expect((await fetch(`${base}${sim.path}`)).status).toBe(405);
  });
});
