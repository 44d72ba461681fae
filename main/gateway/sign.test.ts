import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { createPosLinkClient } from './client.js';
import { classifyErrCode, interpretPreauthQuery, interpretQuery, meaningOf } from './codes.js';
import * as S from './schemas.js';
import { bodySigHeader, bodySignature, chinaTimestamp, parseChinaTimestamp, sha256Hex } from './sign.js';
import type { CallResult, PreauthQueryResponse, QueryResponse } from './types.js';
import { gatewayUrlProblem, resolveGatewayUrl } from './url.js';

describe('OPEN-BODY-SIG', () => {
  it('reproduces the official example exactly', () => {
    const appId = '12345678901234567890123456789012';
    const appKey = '67890123456789012345678901234567';
    expect(sha256Hex('A')).toBe('559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd');
    expect(bodySignature(appId, appKey, '20170101120000', '09876543210987654321098765432109', 'A')).toBe(
      'GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08=',
    );
    expect(bodySigHeader(appId, appKey, '20170101120000', '09876543210987654321098765432109', 'A')).toBe(
      'OPEN-BODY-SIG AppId="12345678901234567890123456789012", Timestamp="20170101120000", Nonce="09876543210987654321098765432109", Signature="GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08="',
    );
  });

  it('signs the exact bytes sent by the client (captured from the wire)', async () => {
    let seen: { auth: string; body: string } | undefined;
    const client = createPosLinkClient({
      baseUrl: 'http://gateway.invalid',
      appId: () => '12345678901234567890123456789012',
      appKey: () => '67890123456789012345678901234567',
      merchantCode: () => '898310000000001',
      terminalCode: () => 'T0000001',
      now: () => new Date('2017-01-01T04:00:00Z'),
      nonce: () => '09876543210987654321098765432109',
      fetch: (async (_url: string, init: RequestInit) => {
        seen = {
          auth: String((init.headers as Record<string, string>).authorization),
          body: new TextDecoder().decode(init.body as Uint8Array),
        };
        return new Response('{"errCode":"00","errInfo":"ok"}');
      }) as typeof fetch,
    });
    await client.query({ merchantOrderId: '商户单号-1' });
    expect(seen).toBeDefined();
    const body = seen?.body ?? '';
    expect(JSON.parse(body)).toEqual({
      merchantCode: '898310000000001',
      terminalCode: 'T0000001',
      merchantOrderId: '商户单号-1',
    });
    const sig = bodySignature(
      '12345678901234567890123456789012',
      '67890123456789012345678901234567',
      '20170101120000',
      '09876543210987654321098765432109',
      Buffer.from(body, 'utf8'),
    );
    expect(seen?.auth).toContain('Timestamp="20170101120000"');
    expect(seen?.auth).toContain(`Signature="${sig}"`);
  });

  it('formats China time across the UTC day boundary', () => {
    expect(chinaTimestamp(new Date('2024-12-31T16:00:00Z'))).toBe('20250101000000');
    expect(chinaTimestamp(new Date('2024-12-31T15:59:59Z'))).toBe('20241231235959');
    expect(parseChinaTimestamp('20250101000000')?.toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(parseChinaTimestamp('20250230000000')).toBeUndefined();
  });
});

describe('request validation', () => {
  const client = createPosLinkClient({
    baseUrl: 'http://127.0.0.1:9',
    appId: () => 'id',
    appKey: () => 'key',
    merchantCode: () => 'M1',
    terminalCode: () => 'T1',
    fetch: (async () => {
      throw new Error('must not be sent');
    }) as unknown as typeof fetch,
  });

  it('refuses a float amount, a long order id, and names the fields', async () => {
    const error = await client
      .pay({ transactionAmount: 12.5, merchantOrderId: 'x'.repeat(51), payCode: '134567890123456789' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const app = error as AppError;
    expect(app.code).toBe('BAD_INPUT');
    expect(app.fields?.map((f) => f.path).sort()).toEqual(['merchantOrderId', 'transactionAmount']);
    expect(app.bilingual.zh).toContain('请求未发送');
  });

  it('requires one of merchantOrderId / originalOrderId', async () => {
    const error = (await client.voidPayment({}).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('BAD_INPUT');
    expect(error.fields?.[0]?.message).toContain('至少存在一个');
  });

  it('requires 6-digit trace numbers and refuses unknown fields', async () => {
    const bad = (await client.preauth
      .activate({ systemTraceNum: '12345' })
      .catch((e: unknown) => e)) as AppError;
    expect(bad.fields?.[0]?.path).toBe('systemTraceNum');
    const extra = S.QueryRequest.safeParse({
      merchantCode: 'M',
      terminalCode: 'T',
      merchantOrderId: 'a',
      x: 1,
    });
    expect(extra.success).toBe(false);
  });

  it('refuses goods with a zero quantity and accepts a full goods list', () => {
    const base = {
      merchantCode: 'M',
      terminalCode: 'T',
      transactionAmount: 100,
      transactionCurrencyCode: '156',
      merchantOrderId: 'o1',
      merchantRemark: 'r',
      payMode: 'CODE_SCAN',
      payCode: '134567890123456789',
    };
    expect(
      S.PayRequest.safeParse({ ...base, goods: [{ goodsId: 'g', goodsName: 'n', quantity: 0, price: 1 }] })
        .success,
    ).toBe(false);
    expect(
      S.PayRequest.safeParse({ ...base, goods: [{ goodsId: 'g', goodsName: 'n', quantity: 2, price: 50 }] })
        .success,
    ).toBe(true);
    expect(S.PayRequest.safeParse({ ...base, transactionCurrencyCode: '840' }).success).toBe(false);
    expect(S.PayRequest.safeParse({ ...base, payMode: 'CASH' }).success).toBe(false);
  });

  it('refuses to send without credentials', async () => {
    const bare = createPosLinkClient({
      baseUrl: 'http://127.0.0.1:9',
      appId: () => 'id',
      appKey: () => undefined,
      merchantCode: () => 'M1',
      terminalCode: () => 'T1',
    });
    const error = (await bare.query({ merchantOrderId: 'a' }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('UNAVAILABLE');
  });
});

describe('lenient responses', () => {
  it('turns numeric strings into integers, keeps unknown fields, drops garbage numbers', () => {
    const parsed = S.PayResponse.parse({
      errCode: '00',
      errInfo: 'ok',
      amount: '1234',
      transactionAmount: 1234,
      totalDiscountAmount: '12.5',
      somethingNew: { a: 1 },
      retrievalRefNum: 123456789012,
    });
    expect(parsed.amount).toBe(1234);
    expect(parsed.totalDiscountAmount).toBeUndefined();
    expect(parsed.retrievalRefNum).toBe('123456789012');
    expect((parsed as Record<string, unknown>).somethingNew).toEqual({ a: 1 });
  });
});

describe('classification (NOTES.md §3)', () => {
  it('pays: 00 ok, known declines declined, the rest unknown', () => {
    expect(classifyErrCode('00', 'money').outcome).toBe('ok');
    // NOTES.md §3: the definite declines, and everything else unknown.
    const declines =
      '01 03 04 05 12 13 14 15 30 33 41 43 51 54 55 57 58 59 61 62 64 65 75 97 A7 1000 1001 9001';
    for (const code of declines.split(' ')) {
      expect(classifyErrCode(code, 'money').outcome).toBe('declined');
      // Every decline has its own meaning in both languages, never the generic "code N".
      expect(meaningOf(code).zh).not.toMatch(/返回码/);
      expect(meaningOf(code).en).not.toMatch(/^Code /);
    }
    for (const code of [
      '9999',
      '68',
      '90',
      '91',
      '92',
      '94',
      '96',
      '98',
      'ER',
      '0000',
      '22',
      '25',
      'ZZ',
      '00 1',
    ]) {
      expect(classifyErrCode(code, 'money').outcome).toBe('unknown');
    }
    expect(classifyErrCode(undefined, 'money')).toMatchObject({
      outcome: 'unknown',
      cause: 'missing-errcode',
    });
  });

  it('follow-ups treat 22/25 as definite; info calls accept 0000', () => {
    expect(classifyErrCode('25', 'follow-up').outcome).toBe('declined');
    expect(classifyErrCode('0000', 'info').outcome).toBe('ok');
    expect(classifyErrCode('0000', 'follow-up').outcome).toBe('unknown');
  });

  const q = (body: Partial<QueryResponse>): CallResult<QueryResponse> => ({
    outcome: 'ok',
    errCode: '00',
    errInfo: '',
    body: body as QueryResponse,
    raw: '',
    httpStatus: 200,
  });
  it('interprets queryResCode', () => {
    const cases: Array<[string | undefined, string]> = [
      ['0', 'paid'],
      ['5', 'failed'],
      ['2', 'voided'],
      ['3', 'refunded'],
      ['4', 'reversed'],
      ['1', 'pending'],
      ['FF', 'pending'],
      [undefined, 'pending'],
    ];
    for (const [code, state] of cases) expect(interpretQuery(q({ queryResCode: code })).state).toBe(state);
    expect(interpretQuery(q({ queryResCode: '0', amount: 500 })).amountFen).toBe(500);
    // Paid for more than was asked is not believed.
    expect(interpretQuery(q({ queryResCode: '0', amount: 501 }), { requestedFen: 500 }).state).toBe(
      'unknown',
    );
    expect(interpretQuery(q({ queryResCode: '0', amount: 480 }), { requestedFen: 500 }).state).toBe('paid');
    expect(
      interpretQuery({ outcome: 'unknown', cause: 'timeout', detail: '' } as CallResult<QueryResponse>).state,
    ).toBe('unknown');
  });

  it('interprets pre-auth queries by secureStatus, then status', () => {
    const p = (body: Partial<PreauthQueryResponse>) =>
      interpretPreauthQuery({
        outcome: 'ok',
        errCode: '00',
        errInfo: '',
        body: body as PreauthQueryResponse,
        raw: '',
        httpStatus: 200,
      }).state;
    expect(p({ secureStatus: 0 })).toBe('authorized');
    expect(p({ secureStatus: 1 })).toBe('voided');
    expect(p({ secureStatus: 2 })).toBe('completed');
    expect(p({ secureStatus: 3 })).toBe('completing');
    expect(p({ secureStatus: 6 })).toBe('failed');
    expect(p({ autoQueryFlag: 'Y', status: 'WAIT_BUYER_PAY' })).toBe('pending');
    expect(p({ status: 'TRADE_CLOSED' })).toBe('failed');
  });
});

describe('gateway URL', () => {
  it("live gateways over https only; http for loopback and the spec's test environment", () => {
    const custom = (url: string) =>
      resolveGatewayUrl({ environment: 'custom', customGatewayUrl: url }, undefined, {});
    expect(custom('https://pay.example.com:8443/')).toBe('https://pay.example.com:8443');
    expect(custom('http://pay.example.com')).toBe('');
    expect(custom('http://192.168.1.5:8080')).toBe('');
    expect(custom('ftp://pay.example.com')).toBe('');
    expect(custom('https://pay.example.com/?x=1')).toBe('');
    expect(custom('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(custom('http://localhost:9000')).toBe('http://localhost:9000');
    expect(custom('http://[::1]:9000')).toBe('http://[::1]:9000');
    expect(resolveGatewayUrl({ environment: 'test', customGatewayUrl: '' }, undefined, {})).toBe(
      'http://58.247.0.18:29015',
    );
    // The override obeys the same rule.
    const production = { environment: 'production' as const, customGatewayUrl: '' };
    expect(resolveGatewayUrl(production, undefined, { CASHIER_GATEWAY_URL: 'http://evil.example' })).toBe('');
    expect(gatewayUrlProblem('http://evil.example')?.zh).toContain('https');
    expect(gatewayUrlProblem('not a url')?.en).toMatch(/valid URL/);
  });

  it('uses CASHIER_GATEWAY_URL, else the environment', () => {
    const s = { environment: 'production' as const, customGatewayUrl: '' };
    expect(resolveGatewayUrl(s, undefined, {})).toBe('https://api-mop.chinaums.com');
    expect(resolveGatewayUrl(s, undefined, { CASHIER_GATEWAY_URL: 'http://127.0.0.1:5/' })).toBe(
      'http://127.0.0.1:5',
    );
    expect(resolveGatewayUrl({ environment: 'demo', customGatewayUrl: '' }, 'http://127.0.0.1:7', {})).toBe(
      'http://127.0.0.1:7',
    );
    expect(
      resolveGatewayUrl({ environment: 'custom', customGatewayUrl: 'https://x.example/ ' }, undefined, {}),
    ).toBe('https://x.example');
  });
});
