import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, redact, redactText, registerSecret } from './redact.js';

const WECHAT = '134567890123456789'; // 18 digits, WeChat Pay shape
const ALIPAY = '28763443825664394'; // 17 digits, Alipay shape
const APP_KEY = 'f3a9c1d27e5b48a6b0c4d8e2f1a7b3c9';

afterEach(() => clearRegisteredSecrets());

describe('redactText', () => {
  it('leaves our own ids readable: digits glued to letters are not payment codes', () => {
    const ids =
      'order DEMO000120261122143000123000001 refund RDEMO000120261122143000123000002 pos YR20261122143000000001POS01';
    expect(redactText(ids)).toBe(ids);
    expect(redactText('merchant 898310000000001 ref 506012345678')).toBe(
      'merchant 898310000000001 ref 506012345678',
    );
  });

  it('keeps only the last 4 digits of a payment code, wherever it is', () => {
    const out = redactText(`pay payCode=${WECHAT} then ${ALIPAY}.`);
    expect(out).not.toContain(WECHAT);
    expect(out).not.toContain(ALIPAY);
    expect(out).toContain('••••6789');
    expect(out).toContain('••••4394');
  });

  it('blanks the signature in an Authorization header', () => {
    const header =
      'OPEN-BODY-SIG AppId="12345678901234567890123456789012", Timestamp="20170101120000", Nonce="09876543210987654321098765432109", Signature="GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08="';
    const out = redactText(header);
    expect(out).not.toContain('GINsCTyNKTpEI9KXO16KqZJ64fOyAytEKl8aaR/Dy08=');
    expect(out).toContain('Signature="[redacted]"');
  });

  it('blanks secret-named fields in JSON text, query strings and XML', () => {
    const json = redactText('{"sign":"0A1B2C3D4E5F60718293A4B5C6D7E8F9","appKey":"abc\\"def","amount":100}');
    expect(json).toBe('{"sign":"[redacted]","appKey":"[redacted]","amount":100}');
    expect(redactText('GET /x?sign=ABCDEF0123&amount=1')).toBe('GET /x?sign=[redacted]&amount=1');
    expect(redactText('<root><sign>XYZ</sign><amt>1</amt></root>')).toBe(
      '<root><sign>[redacted]</sign><amt>1</amt></root>',
    );
  });

  it('blanks user:password in a URL', () => {
    expect(redactText('gateway https://shop:Pa55w0rd@api.example.com/v2')).toBe(
      'gateway https://[redacted]@api.example.com/v2',
    );
    expect(redactText('https://api.example.com/v2?x=1')).toBe('https://api.example.com/v2?x=1');
  });

  it('masks long hex (MD5/SHA signatures, hex keys) keeping the last 4', () => {
    expect(redactText(`key is ${APP_KEY}`)).toBe('key is [hex…b3c9]');
  });

  it('blanks a registered secret anywhere, whatever its shape', () => {
    registerSecret('my-Yima_key!');
    expect(redactText('signing with my-Yima_key! now')).toBe('signing with [redacted] now');
    registerSecret('1234'); // too short to register: would blank noise
    expect(redactText('order 1234')).toBe('order 1234');
  });
});

describe('redact (structured)', () => {
  it('blanks values under secret key names at any depth, and masks codes in strings', () => {
    const out = redact({
      appKey: APP_KEY,
      request: { payCode: WECHAT, merchantCode: '898310000000001', pin: '123456', nested: [{ sign: 'x' }] },
      headers: { Authorization: 'OPEN-ACCESS-TOKEN AccessToken=abc' },
      body: Buffer.from(`{"payCode":"${WECHAT}"}`),
    });
    const text = JSON.stringify(out);
    expect(text).not.toContain(APP_KEY);
    expect(text).not.toContain(WECHAT);
    expect(text).not.toContain('123456');
    expect(out).toMatchObject({
      appKey: '[redacted]',
      request: { pin: '[redacted]', nested: [{ sign: '[redacted]' }] },
      headers: { Authorization: '[redacted]' },
      body: expect.stringMatching(/bytes/),
    });
  });

  it('keeps an Error readable, with its message redacted', () => {
    expect(redact(new Error(`declined ${WECHAT}`))).toEqual({ name: 'Error', message: 'declined ••••6789' });
  });
});
