/**
 * 对账: an acquirer statement (CSV, WeChat Pay bill preset; a saved ChinaUMS mapping) against the records
 * replicated from a counter's real journal: matched, ours only, theirs only, amount and status mismatches.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD } from '../main/journal/records.js';
import { fenToYuanText } from '../main/shared/money.js';
import { addCounter } from './src/counters.js';
import {
  PRESETS,
  parseCsv,
  parseStatement,
  type Reconciliation,
  type StatementMapping,
  statementYuanToFen,
} from './src/reconcile.js';
import type { HqService } from './src/service.js';
import {
  type Backend,
  type Counter,
  makeCounter,
  pgliteBackend,
  postgresBackend,
  startPgCluster,
  today,
} from './test/kit.js';
import type { PgCluster } from './test/pg-cluster.js';

let cluster: PgCluster | undefined;
beforeAll(async () => {
  cluster = await startPgCluster({ fsync: false });
}, 60_000);
afterAll(() => cluster?.stop());

const WECHAT_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

function wechatLine(o: {
  time: string;
  order: string;
  status: string;
  yuan: string;
  refundId?: string;
  refundYuan?: string;
}) {
  const cells = [
    o.time,
    'wx0000000000000001',
    '1900000001',
    '',
    'STORE-R',
    `42000${o.order.slice(-8)}`,
    o.order,
    'oUser',
    'MICROPAY',
    o.status,
    'CFT',
    'CNY',
    o.yuan,
    '0.00',
    o.refundId ? `50000${o.refundId.slice(-6)}` : '',
    o.refundId ?? '',
    o.refundYuan ?? '0.00',
    '0.00',
    o.refundId ? 'ORIGINAL' : '',
    o.refundId ? 'SUCCESS' : '',
    '商品',
    '',
    '0.01',
    '0.60%',
    o.yuan,
    o.refundYuan ?? '0.00',
    '',
  ];
  return cells.map((c) => `\`${c}`).join(',');
}

const yuan = fenToYuanText;

describe('statement parsing', () => {
  it('reads quoted CSV and yuan exactly, to the fen', () => {
    expect(parseCsv('a,"b,c","d""e"\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['1', '2', '3'],
    ]);
  });

  it('reads a statement amount as the WeChat bill writes it, through the money module', () => {
    for (const [text, fen] of [
      ['¥12.34', 1234],
      ['12.34', 1234],
      [' ¥12.34 ', 1234],
      ['12.3', 1230],
      ['12', 1200],
      ['0.07', 7],
      ['¥1,234.05', 123405],
      ['1,234,567.89', 123456789],
      ['-¥3.00', -300],
      ['¥-3.00', -300],
      ['-0.01', -1],
    ] as const) {
      expect(statementYuanToFen(text), text).toBe(fen);
    }
    for (const text of ['', '¥', '1.234', '12.3.4', 'abc', '1,5', '12,34.00', '1e3', '¥¥1.00', '--1']) {
      expect(statementYuanToFen(text), text).toBeUndefined();
    }
  });
  it('reads a WeChat bill line, `12.34 and `¥12.34 alike, the same as before', () => {
    const time = '2026-03-02 10:00:00';
    const csv = [
      WECHAT_HEADER,
      wechatLine({ time, order: 'A1', status: 'SUCCESS', yuan: '12.34' }),
      wechatLine({ time, order: 'A2', status: 'SUCCESS', yuan: '¥12.34' }),
      wechatLine({ time, order: 'A3', status: 'REFUND', yuan: '20.00', refundId: 'R3', refundYuan: '¥5.06' }),
      wechatLine({ time, order: 'A4', status: 'SUCCESS', yuan: '1.234' }),
      '总交易单数,应结订单总金额',
    ].join('\r\n');
    const { lines, skipped } = parseStatement(csv, PRESETS.wechat as StatementMapping);
    expect(lines.map((l) => [l.merchantOrder, l.kind, l.amountFen, l.day])).toEqual([
      ['A1', 'sale', 1234, '2026-03-02'],
      ['A2', 'sale', 1234, '2026-03-02'],
      ['R3', 'refund', 506, '2026-03-02'],
    ]);
    expect(skipped).toEqual([{ row: 5, why: 'amount "1.234" unreadable' }]);
  });
});

describe.each([['PostgreSQL'], ['PGlite']] as const)('对账 on %s', (backendName) => {
  let backend: Backend;
  let hq: HqService;
  let counter: Counter;

  beforeAll(async () => {
    backend =
      backendName === 'PostgreSQL' ? await postgresBackend(cluster as PgCluster) : await pgliteBackend();
    hq = await backend.start();
    const token = await addCounter(hq.db, { storeId: 'STORE-R', terminalId: 'RECON1' });
    counter = makeCounter('RECON1');
    counter.sell(
      6,
      (i) => 1_000 + i * 250,
      () => 'wechat',
    );
    counter.sell(
      1,
      () => 4_200,
      () => 'alipay',
    ); // not on a WeChat Pay bill, and not missing from it
    // A refund of the first sale, succeeded today.
    const first = counter.store.recordsWrittenOn(counter.store.today())[0];
    counter.store.append({
      t: RECORD.refundIntent,
      k: first?.k as string,
      op: 'manager',
      st: 'paid',
      un: true,
      d: { refundRequestId: 'RRECON1000001', amountFen: 300 },
    });
    counter.store.append({
      t: RECORD.refundReply,
      k: first?.k as string,
      op: 'manager',
      st: 'partially-refunded',
      un: false,
      d: { refundRequestId: 'RRECON1000001', amountFen: 300, outcome: 'ok' },
    });
    const uploader = counter.upload({ target: () => ({ url: hq.url, token }), idleCheckMs: 100 });
    expect(await uploader.drained(15_000)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await counter?.close();
    await hq?.stop();
    await backend?.dispose();
  });

  it('WeChat Pay bill: matched, ours only, theirs only, amount and status mismatches, per store', async () => {
    const day = today();
    const time = `${day} 10:00:00`;
    const key = (i: number) => `RECON1${String(i).padStart(10, '0')}`;
    const fen = (i: number) => 1_000 + i * 250;
    const lines = [
      wechatLine({ time, order: key(0), status: 'SUCCESS', yuan: yuan(fen(0)) }),
      wechatLine({ time, order: key(1), status: 'SUCCESS', yuan: yuan(fen(1)) }),
      wechatLine({ time, order: key(2), status: 'SUCCESS', yuan: yuan(fen(2) + 1) }), // one fen off
      wechatLine({ time, order: key(3), status: 'REVOKED', yuan: yuan(fen(3)) }), // they took it back
      // key(4) missing on their side; key(5) matched
      wechatLine({ time, order: key(5), status: 'SUCCESS', yuan: yuan(fen(5)) }),
      wechatLine({ time, order: 'NOT-OURS-1', status: 'SUCCESS', yuan: '8.88' }),
      wechatLine({
        time,
        order: key(0),
        status: 'REFUND',
        yuan: yuan(fen(0)),
        refundId: 'RRECON1000001',
        refundYuan: '3.00',
      }),
      wechatLine({ time, order: key(0), status: 'NOTPAY', yuan: '1.00' }), // ignored by the preset
    ];
    const csv = `\uFEFF${WECHAT_HEADER}\r\n${lines.join('\r\n')}\r\n总交易单数,应结订单总金额,退款总金额\r\n\`8,\`100.00,\`3.00\r\n`;
    const imported = await fetch(`${hq.url}/api/statements/wechat?file=bill.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ lines: 7, skipped: [], days: [day] });
    const result = (await (
      await fetch(`${hq.url}/api/reconciliation?acquirer=wechat&day=${day}`)
    ).json()) as Reconciliation;
    expect(result.counts).toEqual({
      matched: 4, // sales 0, 1, 5 and the refund
      'ours-only': 1,
      'theirs-only': 1,
      'amount-mismatch': 1,
      'status-mismatch': 1,
    } as never);
    const by = (c: string) =>
      result.rows.filter((r) => r.class === c).map((r) => `${r.kind}:${r.merchantOrder}`);
    expect(by('amount-mismatch')).toEqual([`sale:${key(2)}`]);
    expect(by('status-mismatch')).toEqual([`sale:${key(3)}`]);
    expect(by('ours-only')).toEqual([`sale:${key(4)}`]);
    expect(by('theirs-only')).toEqual(['sale:NOT-OURS-1']);
    expect(by('matched').sort()).toEqual(
      [`refund:RRECON1000001`, `sale:${key(0)}`, `sale:${key(1)}`, `sale:${key(5)}`].sort(),
    );
    const amount = result.rows.find((r) => r.class === 'amount-mismatch');
    expect(amount).toMatchObject({
      oursFen: fen(2),
      theirsFen: fen(2) + 1,
      storeId: 'STORE-R',
      terminalId: 'RECON1',
    });
    expect(result.byStore.map((s) => s.storeId)).toEqual(['STORE-R']);
    // Importing the same file again changes nothing.
    await fetch(`${hq.url}/api/statements/wechat`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    const again = (await (
      await fetch(`${hq.url}/api/reconciliation?acquirer=wechat&day=${day}`)
    ).json()) as Reconciliation;
    expect(again.counts).toEqual(result.counts);
  });

  it('a ChinaUMS mapping saved by head office reads a GBK statement; a wrong mapping is refused in both languages', async () => {
    const day = today();
    const mapping = {
      label: '银联商务 (合同格式)',
      encoding: 'gbk',
      valuePrefix: '',
      columns: {
        time: '清算日期',
        merchantOrder: '商户订单号',
        amount: '交易金额(分)',
        status: '交易类型',
        store: '门店',
      },
      amountUnit: 'fen',
      statuses: { 消费: 'paid', 撤销: 'revoked' },
    };
    const saved = await fetch(`${hq.url}/api/acquirers/chinaums/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mapping),
    });
    expect(saved.status).toBe(200);
    const text = `清算日期,商户订单号,交易金额(分),交易类型,门店\r\n${day.replace(/-/g, '')},RECON10000000001,1250,消费,STORE-R\r\n`;
    const file = iconv.encode(text, 'gbk');
    const imported = await fetch(`${hq.url}/api/statements/chinaums`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(file),
    });
    expect(await imported.json()).toMatchObject({ lines: 1, skipped: [] });
    const result = (await (
      await fetch(`${hq.url}/api/reconciliation?acquirer=chinaums&day=${day}&store=STORE-R`)
    ).json()) as Reconciliation;
    expect(result.counts.matched).toBe(1);
    expect(result.counts['ours-only']).toBe(7); // the other six sales and the refund are not in this file

    const wrong = await fetch(`${hq.url}/api/statements/wechat`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a,b,c\r\n1,2,3\r\n',
    });
    expect(wrong.status).toBe(400);
    const body = (await wrong.json()) as { error: { message: { zh: string; en: string } } };
    expect(body.error.message.zh).toContain('商户订单号');
    expect(body.error.message.en).toContain('header');
    const badMapping = await fetch(`${hq.url}/api/acquirers/chinaums/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'x' }),
    });
    expect(badMapping.status).toBe(400);
  });
});
