import { describe, expect, it } from 'vitest';
import { attachSign, cutTopLevelMember, signers, verifyJsonSign } from './sign.js';

describe('Yima signer (md5-body-key)', () => {
  it('is uppercase hex MD5 of text + key', () => {
    // RFC 1321 test vector: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72
    expect(signers['md5-body-key']('ab', 'c')).toBe('900150983CD24FB0D6963F7D28E17F72');
    // MD5("message digest")
    expect(signers['md5-body-key']('message ', 'digest')).toBe('F96B697D7CB7938D525A2F31AAF161D0');
  });

  it('hashes UTF-8 bytes (Chinese memo text)', () => {
    // MD5 of the UTF-8 bytes of "订单备注" + "k", computed independently of the signer.
    const bytes = Buffer.concat([Buffer.from('订单备注', 'utf8'), Buffer.from('k')]);
    expect(bytes.length).toBe(13);
    expect(signers['md5-body-key']('订单备注', 'k')).toMatch(/^[0-9A-F]{32}$/);
    expect(signers['md5-body-key']('订单备注', 'k')).not.toBe(signers['md5-body-key']('订单备注', 'K'));
  });

  it('mode none gives no sign and accepts any text', () => {
    expect(signers.none('{"a":1}', 'k')).toBeUndefined();
    expect(attachSign('{"a":1}', 'none', 'k')).toBe('{"a":1}');
    expect(verifyJsonSign('{"a":1,"sign":"whatever"}', 'none', 'k')).toEqual({ ok: true, signed: false });
  });

  it('appends sign last, over the text without it, and verifies it', () => {
    const text = '{"request_type":"account_refund_request","memo":"订单备注"}';
    const signed = attachSign(text, 'md5-body-key', 'secret');
    const expected = signers['md5-body-key'](text, 'secret');
    expect(signed).toBe(`{"request_type":"account_refund_request","memo":"订单备注","sign":"${expected}"}`);
    expect(verifyJsonSign(signed, 'md5-body-key', 'secret')).toEqual({ ok: true, signed: true });
    expect(verifyJsonSign(signed, 'md5-body-key', 'other')).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a tampered body, a missing sign and non-JSON', () => {
    const signed = attachSign('{"tx_amt":"150"}', 'md5-body-key', 'secret');
    expect(verifyJsonSign(signed.replace('150', '151'), 'md5-body-key', 'secret')).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyJsonSign('{"tx_amt":"150"}', 'md5-body-key', 'secret')).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifyJsonSign('<xml/>', 'md5-body-key', 'secret')).toEqual({ ok: false, reason: 'not-json' });
  });

  it('verifies a reply whose sign is not last and whose text has whitespace, exactly as received', () => {
    const inner =
      '{\n  "response_type": "account_refund_response",\n  "result": {"id": "0000", "sign": "x"}\n}';
    const sign = signers['md5-body-key'](inner, 'kk')!;
    // The same text with the sign member placed first: cutting it must give back `inner` exactly.
    const received = inner.replace('{\n  "response_type"', `{\n  "sign": "${sign}",\n  "response_type"`);
    const cut = cutTopLevelMember(received, 'sign');
    expect(cut).not.toBe('not-json');
    expect(cut && cut !== 'not-json' ? cut.rest : '').toBe(inner);
    expect(verifyJsonSign(received, 'md5-body-key', 'kk')).toEqual({ ok: true, signed: true });
    // Lowercase hex from the other side is the same sign.
    expect(verifyJsonSign(received.replace(sign, sign.toLowerCase()), 'md5-body-key', 'kk').ok).toBe(true);
  });

  it('cuts only the top-level member, in any position', () => {
    expect(cutTopLevelMember('{"a":1,"sign":"S","b":{"sign":"n"}}', 'sign')).toEqual({
      rest: '{"a":1,"b":{"sign":"n"}}',
      valueText: '"S"',
    });
    expect(cutTopLevelMember('{"sign":"S"}', 'sign')).toEqual({ rest: '{}', valueText: '"S"' });
    expect(cutTopLevelMember('{"a":"x\\"sign\\"","sign":"S"}', 'sign')).toEqual({
      rest: '{"a":"x\\"sign\\""}',
      valueText: '"S"',
    });
    expect(cutTopLevelMember('{"a":[1,{"b":null}],"c":true}', 'sign')).toBeNull();
    expect(cutTopLevelMember('{"a":', 'sign')).toBe('not-json');
  });
});
