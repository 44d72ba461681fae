import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { signers } from './sign.js';
import {
  encodeReply,
  encodeRequest,
  parseReply,
  parseRequestObject,
  type WireRefundRequest,
  WireRefundRequest as WireRefundRequestSchema,
} from './wire.js';

const base = (): WireRefundRequest => ({
  request_type: 'account_refund_request',
  isspid: '39493002',
  pos_id: '6666666666',
  store_id: '6666666666',
  pos_seq: 'AR2018121400000004',
  user_id: 'user01',
  system_id: '8888',
  memo: '订单备注',
  account_refund_request: {
    org_pos_seq: 'AP2018121400000004',
    tx_amt: '150',
    extend_params: {
      split_info: {
        split_list: [
          { merchant_id: '10000000000001', div_amt: '50' },
          { seller_account: '6666000116230109', div_amt: '150' },
        ],
      },
    },
  },
});

function inner(r: WireRefundRequest, patch: Record<string, unknown>): WireRefundRequest {
  Object.assign(r.account_refund_request, patch);
  return r;
}

function issuePaths(request: unknown): string[] {
  const result = WireRefundRequestSchema.safeParse(request);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('Yima request validation (every field of the table)', () => {
  it('accepts the document example', () => {
    expect(issuePaths(base())).toEqual([]);
  });

  it.each([
    [
      'pos_seq of 12 characters',
      (r: WireRefundRequest) => Object.assign(r, { pos_seq: 'AR2018121400' }),
      'pos_seq',
    ],
    [
      'pos_seq of 33 characters',
      (r: WireRefundRequest) => Object.assign(r, { pos_seq: 'A'.repeat(33) }),
      'pos_seq',
    ],
    [
      'pos_seq with a space',
      (r: WireRefundRequest) => Object.assign(r, { pos_seq: 'AR20181214 0004' }),
      'pos_seq',
    ],
    [
      'org_pos_seq of 12 characters',
      (r: WireRefundRequest) => inner(r, { org_pos_seq: 'AP2018121400' }),
      'account_refund_request.org_pos_seq',
    ],
    ['isspid of 9', (r: WireRefundRequest) => Object.assign(r, { isspid: '394930021' }), 'isspid'],
    ['empty isspid', (r: WireRefundRequest) => Object.assign(r, { isspid: '' }), 'isspid'],
    ['pos_id of 21', (r: WireRefundRequest) => Object.assign(r, { pos_id: '1'.repeat(21) }), 'pos_id'],
    ['store_id of 21', (r: WireRefundRequest) => Object.assign(r, { store_id: '1'.repeat(21) }), 'store_id'],
    ['user_id of 21', (r: WireRefundRequest) => Object.assign(r, { user_id: 'u'.repeat(21) }), 'user_id'],
    ['system_id of 5', (r: WireRefundRequest) => Object.assign(r, { system_id: '88888' }), 'system_id'],
    // 65 Chinese characters are 130 GBK bytes: more than String(128).
    ['memo of 130 GBK bytes', (r: WireRefundRequest) => Object.assign(r, { memo: '备'.repeat(65) }), 'memo'],
    ['memo GBK cannot carry', (r: WireRefundRequest) => Object.assign(r, { memo: 'refund 😀' }), 'memo'],
    ['tx_amt 0', (r: WireRefundRequest) => inner(r, { tx_amt: '0' }), 'account_refund_request.tx_amt'],
    [
      'tx_amt in yuan with decimals',
      (r: WireRefundRequest) => inner(r, { tx_amt: '1.50' }),
      'account_refund_request.tx_amt',
    ],
    [
      'tx_amt of 10 digits (Number(9))',
      (r: WireRefundRequest) => inner(r, { tx_amt: '1000000000' }),
      'account_refund_request.tx_amt',
    ],
    [
      'tx_amt as a JSON number',
      (r: WireRefundRequest) => inner(r, { tx_amt: 150 }),
      'account_refund_request.tx_amt',
    ],
    [
      'split with both merchant_id and seller_account',
      (r: WireRefundRequest) => {
        r.account_refund_request.extend_params!.split_info!.split_list![0] = {
          merchant_id: '1',
          seller_account: '2',
          div_amt: '5',
        };
        return r;
      },
      'account_refund_request.extend_params.split_info.split_list.0',
    ],
    [
      'split with neither',
      (r: WireRefundRequest) => {
        r.account_refund_request.extend_params!.split_info!.split_list![0] = { div_amt: '5' };
        return r;
      },
      'account_refund_request.extend_params.split_info.split_list.0',
    ],
    [
      'split div_amt 0',
      (r: WireRefundRequest) => {
        r.account_refund_request.extend_params!.split_info!.split_list![1]!.div_amt = '0';
        return r;
      },
      'account_refund_request.extend_params.split_info.split_list.1.div_amt',
    ],
    ['an unknown field', (r: WireRefundRequest) => Object.assign(r, { extra: 'x' }), ''],
    [
      'another request_type',
      (r: WireRefundRequest) => Object.assign(r, { request_type: 'x' }),
      'request_type',
    ],
  ])('rejects %s', (_name, mutate, path) => {
    const issues = issuePaths(mutate(base()));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((i) => i.startsWith(`${path}:`))).toBe(true);
  });

  it('accepts a memo of exactly 64 Chinese characters (128 GBK bytes)', () => {
    expect(issuePaths(Object.assign(base(), { memo: '备'.repeat(64) }))).toEqual([]);
  });
});

describe('Yima encoding', () => {
  it('JSON: document member order, amounts as digit strings, sign last over the text before it', () => {
    const message = encodeRequest(base(), { format: 'json', signMode: 'md5-body-key', key: 'K' });
    expect(message.contentType).toMatch(/application\/json/);
    const cut = message.text.lastIndexOf(',"sign":');
    const unsigned = `${message.text.slice(0, cut)}}`;
    expect(JSON.parse(message.text).sign).toBe(signers['md5-body-key'](unsigned, 'K'));
    expect(Object.keys(JSON.parse(message.text))).toEqual([
      'request_type',
      'isspid',
      'pos_id',
      'store_id',
      'pos_seq',
      'user_id',
      'system_id',
      'memo',
      'account_refund_request',
      'sign',
    ]);
    expect(JSON.parse(message.text).account_refund_request.tx_amt).toBe('150');
    expect(message.body.equals(Buffer.from(message.text, 'utf8'))).toBe(true);
  });

  it('XML: GBK bytes on the wire, no sign, extend_params in CDATA, and it reads back', () => {
    const message = encodeRequest(base(), { format: 'xml', signMode: 'md5-body-key', key: 'K' });
    expect(message.text.startsWith('<?xml version="1.0" encoding="GBK"?>\n<business_trans>')).toBe(true);
    expect(message.text).not.toContain('sign');
    expect(message.text).toMatch(/<extend_params><!\[CDATA\[\{"split_info".*\]\]><\/extend_params>/);
    // 订单备注 in GBK is B6A9 B5A5 B1B8 D7A2; in UTF-8 it would start E8 AE A2.
    expect(message.body.includes(Buffer.from('b6a9b5a5b1b8d7a2', 'hex'))).toBe(true);
    expect(message.body.includes(Buffer.from('订单备注', 'utf8'))).toBe(false);
    const back = parseRequestObject(message.body, message.contentType);
    expect(back.format).toBe('xml');
    expect(WireRefundRequestSchema.parse(back.raw)).toEqual(base());
  });

  it('XML escapes markup in text and a "]]>" inside CDATA', () => {
    const request = base();
    request.memo = 'a<b>&"c"';
    request.account_refund_request.extend_params!.split_info!.split_list![0]!.merchant_id = 'x]]>y';
    const message = encodeRequest(request, { format: 'xml', signMode: 'none', key: '' });
    const back = parseRequestObject(message.body, message.contentType);
    expect(WireRefundRequestSchema.parse(back.raw)).toEqual(request);
  });

  it('refuses to encode an invalid request', () => {
    expect(() =>
      encodeRequest(Object.assign(base(), { pos_seq: 'short' }), {
        format: 'json',
        signMode: 'none',
        key: '',
      }),
    ).toThrow();
  });
});

describe('Yima reply parsing is tolerant', () => {
  const head = {
    response_type: 'account_refund_response',
    isspid: '39493002',
    pos_id: '6666666666',
    pos_seq: 'AR2018121400000004',
    trans_time: '20181214152755',
    sys_seq: 'f135e20440ea261b',
  };

  it('JSON with unknown nodes (top level and inside result) is accepted and its sign verified', () => {
    const message = encodeReply(
      { ...head, result: { id: '0000', comment: '交易成功', extra: { deep: [1, 2] } }, new_node: { a: 'b' } },
      { format: 'json', signMode: 'md5-body-key', key: 'K' },
    );
    const parsed = parseReply(message.body, { format: 'json', signMode: 'md5-body-key', key: 'K' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.reply.result).toEqual({ id: '0000', comment: '交易成功' });
    expect(parsed.sign).toEqual({ ok: true, signed: true });
    const wrongKey = parseReply(message.body, { format: 'json', signMode: 'md5-body-key', key: 'X' });
    expect(wrongKey.ok && wrongKey.sign).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('XML from GBK with unknown nodes, keeping "0000" a string', () => {
    const text =
      '<?xml version="1.0" encoding="GBK"?>\n<business_trans><response_type>account_refund_response</response_type>' +
      '<pos_seq>AR2018121400000004</pos_seq><new_node><x>1</x></new_node>' +
      '<result><id>0000</id><comment>成功</comment><sub>新</sub></result><another attr="1"/></business_trans>';
    const body = iconv.encode(text, 'gbk');
    const parsed = parseReply(body, { format: 'xml', signMode: 'md5-body-key', key: 'K' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.reply.result).toEqual({ id: '0000', comment: '成功' });
    expect(parsed.reply.pos_seq).toBe('AR2018121400000004');
    expect(parsed.sign).toBeNull();
  });

  it('an XML reply whose Content-Type says UTF-8 is decoded as UTF-8', () => {
    const text = '<business_trans><result><id>1001</id><comment>余额不足</comment></result></business_trans>';
    const parsed = parseReply(Buffer.from(text, 'utf8'), {
      format: 'xml',
      contentType: 'text/xml; charset=UTF-8',
      signMode: 'none',
      key: '',
    });
    expect(parsed.ok && parsed.reply.result.comment).toBe('余额不足');
  });

  it('a reply without result.id, or garbage, is not ok (and does not throw)', () => {
    expect(parseReply(Buffer.from('{"result":{}}'), { format: 'json', signMode: 'none', key: '' }).ok).toBe(
      false,
    );
    expect(parseReply(Buffer.from('<html>502'), { format: 'xml', signMode: 'none', key: '' }).ok).toBe(false);
    expect(parseReply(Buffer.from(''), { format: 'json', signMode: 'none', key: '' }).ok).toBe(false);
  });
});
