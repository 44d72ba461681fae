/**
 * Yima (翼码) account_refund_request / account_refund_response on the wire: every field of the
 * document's tables as a zod schema, the JSON (signed) and GBK XML encodings, and tolerant reply parsing.
 *
 * Used by the client (encode request, parse reply) and by the simulator (parse request, encode reply).
 * Field lengths: String(n) is counted in GBK bytes (a Chinese character is 2), which is never more
 * lenient than counting characters.
 */

import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { attachSign, type SignCheck, verifyJsonSign, type YimaSignMode } from './sign.js';

export type YimaFormat = 'json' | 'xml';

/** yyyyMMddHHmmss in China time (UTC+8, no daylight saving). */
export function chinaStamp(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

export function gbkLength(text: string): number {
  return iconv.encode(text, 'gbk').length;
}

/** String(n): at most n GBK bytes, and only characters GBK can carry (no silent '?'). */
export const wireString = (max: number) =>
  z
    .string()
    .refine((s) => iconv.decode(iconv.encode(s, 'gbk'), 'gbk') === s, {
      message: 'contains characters that GBK cannot carry',
    })
    .refine((s) => gbkLength(s) <= max, { message: `at most ${max} bytes (GBK)` });

const required = (max: number) => wireString(max).refine((s) => s.trim() !== '', { message: 'required' });

/** Request serials (pos_seq, org_pos_seq): more than 12 and at most 32 printable ASCII characters. */
const Serial = z
  .string()
  .min(13, 'more than 12 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');

/** A fen amount as the document carries it: a decimal digit string, integer fen, > 0. */
const fenText = (maxDigits: number) =>
  z
    .string()
    .regex(/^[1-9]\d*$/, 'integer fen greater than 0, digits only')
    .refine((s) => s.length <= maxDigits, { message: `at most ${maxDigits} digits` });

export const WireSplit = z
  .object({
    merchant_id: z.string().min(1).max(32).regex(/^\S+$/).optional(),
    seller_account: z.string().min(1).max(32).regex(/^\S+$/).optional(),
    div_amt: fenText(12),
  })
  .strict()
  .refine((s) => (s.merchant_id === undefined) !== (s.seller_account === undefined), {
    message: 'exactly one of merchant_id / seller_account',
  });
export type WireSplit = z.infer<typeof WireSplit>;

export const WireExtendParams = z
  .object({
    split_info: z
      .object({ split_list: z.array(WireSplit).min(1).max(50).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type WireExtendParams = z.infer<typeof WireExtendParams>;

export const WireRefundRequest = z
  .object({
    request_type: z.literal('account_refund_request'),
    isspid: required(8),
    pos_id: required(20),
    store_id: required(20),
    pos_seq: Serial,
    user_id: wireString(20).optional(),
    system_id: required(4),
    memo: wireString(128).optional(),
    account_refund_request: z
      .object({
        org_pos_seq: Serial,
        /** Number(9), 单位为分. */
        tx_amt: fenText(9),
        extend_params: WireExtendParams.optional(),
      })
      .strict(),
  })
  .strict();
export type WireRefundRequest = z.infer<typeof WireRefundRequest>;

/**
 * The reply, read tolerantly: the document insists new nodes may appear at any time, so unknown nodes
 * are ignored (zod strips them; the raw text is journaled whole). Only result.id is needed to act.
 */
export const WireRefundReply = z.object({
  response_type: z.string().optional(),
  isspid: z.string().optional(),
  pos_id: z.string().optional(),
  pos_seq: z.string().optional(),
  sys_seq: z.string().optional(),
  trans_time: z.string().optional(),
  result: z.object({
    id: z.string().min(1),
    comment: z.string().optional(),
  }),
  sign: z.string().optional(),
});
export type WireRefundReply = z.infer<typeof WireRefundReply>;

/** The bytes to send (identical on every resend) and how to label them. */
export interface EncodedMessage {
  format: YimaFormat;
  /** The message as text (JSON text with sign; XML text before GBK encoding). */
  text: string;
  contentType: string;
  body: Buffer;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'text/xml; charset=GBK';

/** Member order as in the document's example; `sign` last. */
function requestJsonText(request: WireRefundRequest): string {
  const inner: Record<string, unknown> = {
    org_pos_seq: request.account_refund_request.org_pos_seq,
    tx_amt: request.account_refund_request.tx_amt,
  };
  if (request.account_refund_request.extend_params) {
    inner.extend_params = request.account_refund_request.extend_params;
  }
  const outer: Record<string, unknown> = {
    request_type: request.request_type,
    isspid: request.isspid,
    pos_id: request.pos_id,
    store_id: request.store_id,
    pos_seq: request.pos_seq,
  };
  if (request.user_id !== undefined) outer.user_id = request.user_id;
  outer.system_id = request.system_id;
  if (request.memo !== undefined) outer.memo = request.memo;
  outer.account_refund_request = inner;
  return JSON.stringify(outer);
}

export function escapeXml(text: string): string {
  const named: Record<string, string> = {
    '<': '&lt;',
    '>': '&gt;',
    '&': '&amp;',
    "'": '&apos;',
    '"': '&quot;',
  };
  return text.replace(/[<>&'"]/g, (c) => named[c]!);
}

/** CDATA cannot contain `]]>`; split it across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function xmlDocument(elements: string): string {
  return `<?xml version="1.0" encoding="GBK"?>\n<business_trans>\n${elements}</business_trans>\n`;
}

export function xmlElement(name: string, value: string | undefined, indent = '  '): string {
  return value === undefined ? '' : `${indent}<${name}>${escapeXml(value)}</${name}>\n`;
}

function requestXmlText(request: WireRefundRequest): string {
  const inner = request.account_refund_request;
  const extend = inner.extend_params
    ? `    <extend_params>${cdata(JSON.stringify(inner.extend_params))}</extend_params>\n`
    : '';
  return xmlDocument(
    xmlElement('request_type', request.request_type) +
      xmlElement('isspid', request.isspid) +
      xmlElement('pos_id', request.pos_id) +
      xmlElement('store_id', request.store_id) +
      xmlElement('pos_seq', request.pos_seq) +
      xmlElement('user_id', request.user_id) +
      xmlElement('system_id', request.system_id) +
      xmlElement('memo', request.memo) +
      '  <account_refund_request>\n' +
      xmlElement('org_pos_seq', inner.org_pos_seq, '    ') +
      xmlElement('tx_amt', inner.tx_amt, '    ') +
      extend +
      '  </account_refund_request>\n',
  );
}

/**
 * Validate and encode a request once. JSON is signed (unless the mode is 'none'); XML carries no sign
 * and goes out as GBK bytes.
 */
export function encodeRequest(
  request: WireRefundRequest,
  options: { format: YimaFormat; signMode: YimaSignMode; key: string },
): EncodedMessage {
  const checked = WireRefundRequest.parse(request);
  if (options.format === 'json') {
    const text = attachSign(requestJsonText(checked), options.signMode, options.key);
    return { format: 'json', text, contentType: JSON_TYPE, body: Buffer.from(text, 'utf8') };
  }
  const text = requestXmlText(checked);
  return { format: 'xml', text, contentType: XML_TYPE, body: iconv.encode(text, 'gbk') };
}

/** Rebuild the exact bytes of a journaled message (resend after a restart). */
export function messageBytes(format: YimaFormat, text: string): EncodedMessage {
  return format === 'json'
    ? { format, text, contentType: JSON_TYPE, body: Buffer.from(text, 'utf8') }
    : { format, text, contentType: XML_TYPE, body: iconv.encode(text, 'gbk') };
}

/** Which charset the bytes are in: the Content-Type's charset, else the XML declaration, else the default. */
export function detectCharset(body: Buffer, contentType: string | undefined, fallback: string): string {
  const fromHeader = /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader && iconv.encodingExists(fromHeader)) return fromHeader.toLowerCase();
  const head = body.subarray(0, 200).toString('latin1');
  const fromDecl = /<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1];
  if (fromDecl && iconv.encodingExists(fromDecl)) return fromDecl.toLowerCase();
  return fallback;
}

export function decodeText(body: Buffer, format: YimaFormat, contentType?: string): string {
  const charset = detectCharset(body, contentType, format === 'xml' ? 'gbk' : 'utf-8');
  return iconv.decode(body, charset);
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** XML text → plain object under <business_trans>; every value a string (never numbers: "0000" stays). */
export function parseXmlObject(text: string): Record<string, unknown> {
  const parsed = xmlParser.parse(text) as Record<string, unknown>;
  const root = parsed.business_trans;
  if (!root || typeof root !== 'object') throw new Error('no <business_trans> root');
  return root as Record<string, unknown>;
}

export type ParsedReply =
  | { ok: true; reply: WireRefundReply; text: string; sign: SignCheck | null }
  | { ok: false; problem: string; text: string };

/**
 * Parse a reply tolerantly. JSON replies have their `sign` verified (sign: the check's result); XML
 * replies carry none (sign: null). Never throws.
 */
export function parseReply(
  body: Buffer,
  options: { format: YimaFormat; contentType?: string; signMode: YimaSignMode; key: string },
): ParsedReply {
  let text = '';
  try {
    text = decodeText(body, options.format, options.contentType);
    // A server may answer in the other format (or the charset header may lie): look at the text itself.
    const looksXml = text.trimStart().startsWith('<');
    const raw: unknown = looksXml ? parseXmlObject(text) : JSON.parse(text);
    const reply = WireRefundReply.safeParse(raw);
    if (!reply.success) {
      const first = reply.error.issues[0];
      return { ok: false, problem: `reply fields: ${first?.path.join('.')} ${first?.message}`, text };
    }
    const sign = looksXml ? null : verifyJsonSign(text, options.signMode, options.key);
    return { ok: true, reply: reply.data, text, sign };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error), text };
  }
}

/** The simulator's side: a request body in either format → the raw object (not yet validated). */
export function parseRequestObject(
  body: Buffer,
  contentType: string | undefined,
): { format: YimaFormat; text: string; raw: Record<string, unknown> } {
  const sniff = body.subarray(0, 64).toString('latin1').trimStart();
  const format: YimaFormat = sniff.startsWith('<') ? 'xml' : 'json';
  const text = decodeText(body, format, contentType);
  if (format === 'json') return { format, text, raw: JSON.parse(text) as Record<string, unknown> };
  const raw = parseXmlObject(text);
  const inner = raw.account_refund_request;
  if (inner && typeof inner === 'object') {
    const extend = (inner as Record<string, unknown>).extend_params;
    if (typeof extend === 'string') {
      (inner as Record<string, unknown>).extend_params =
        extend.trim() === '' ? undefined : JSON.parse(extend);
    }
  }
  return { format, text, raw };
}

/** Encode a reply (the simulator's side). */
export function encodeReply(
  reply: Record<string, unknown> & { result: Record<string, unknown> & { id: string } },
  options: { format: YimaFormat; signMode: YimaSignMode; key: string },
): EncodedMessage {
  if (options.format === 'json') {
    const text = attachSign(JSON.stringify(reply), options.signMode, options.key);
    return messageBytes('json', text);
  }
  const render = (value: Record<string, unknown>, indent: string): string =>
    Object.entries(value)
      .map(([name, item]) =>
        item && typeof item === 'object'
          ? `${indent}<${name}>\n${render(item as Record<string, unknown>, `${indent}  `)}${indent}</${name}>\n`
          : xmlElement(name, item === undefined ? undefined : String(item), indent),
      )
      .join('');
  return messageBytes('xml', xmlDocument(render(reply, '  ')));
}

export type { SignCheck, YimaSignMode };
export { verifyJsonSign };
