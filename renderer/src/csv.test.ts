import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../main/ipc/channels/orders';
import { chinaDateTime, ordersCsv } from './csv';
import { en } from './i18n/en';
import { chineseIn, englishIn } from './i18n/language-check';
import { zh } from './i18n/zh';

const order: OrderView = {
  kind: 'sale',
  merchantOrderId: 'DEMO0001202612010000001',
  orderId: '31942026120100000001',
  day: '2026-12-01',
  createdAt: '2026-11-30T16:30:05.000Z', // 00:30:05 on 1 December, China time
  updatedAt: '2026-11-30T16:30:06.000Z',
  operatorId: 'cashier',
  amountFen: 1234,
  paidFen: 1234,
  refundedFen: 0,
  refundableFen: 1234,
  channel: 'wechat',
  codeLast4: '6789',
  status: 'paid',
  unresolved: false,
};

describe('orders CSV in the UI language, China time', () => {
  it('Chinese: headers, channel, status in Chinese; the UTC instant as China time, past midnight', () => {
    const csv = ordersCsv([order], zh, () => '收银员');
    const [header, row] = csv.replace('\uFEFF', '').split('\r\n');
    expect(header).toBe(
      '商户订单号,银商订单号,时间,操作员,渠道,付款码,状态,金额（元）,实付（元）,已退（元）,参考号',
    );
    expect(row).toContain('2026-12-01 00:30:05');
    expect(row).toContain('微信支付');
    expect(row).toContain('已支付');
    expect(row).toContain('收银员');
    expect(row).toContain(',12.34,12.34,0.00,');
    expect(englishIn(header ?? '')).toEqual([]);
  });

  it('English: no Chinese in the headers or the words', () => {
    const csv = ordersCsv([order], en, () => 'Cashier');
    const [header, row] = csv.replace('\uFEFF', '').split('\r\n');
    expect(header).toBe(
      'Merchant order id,ChinaUMS order id,Time,Operator,Channel,Code,Status,Amount (yuan),Paid (yuan),Refunded (yuan),Reference',
    );
    expect(chineseIn(`${header}\n${row}`)).toEqual([]);
    expect(row).toContain('WeChat Pay');
  });

  it('a cell that a spreadsheet would run as a formula is neutralised', () => {
    const csv = ordersCsv([{ ...order, retrievalRefNum: '=HYPERLINK("x")' }], en);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('China time is UTC+8 whatever the machine says', () => {
    expect(chinaDateTime('2026-12-31T16:00:00.000Z')).toBe('2027-01-01 00:00:00');
  });
});
