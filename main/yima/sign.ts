/**
 * The Yima `sign`: one small, replaceable function (NOTES.md §5).
 *
 * The refund document points to its section 2.1 for how `sign` is computed; that section is missing.
 * Our default ('md5-body-key'): sign = uppercase hex MD5 of (the JSON message text without the `sign`
 * node, exactly as sent) + the merchant key, over UTF-8 bytes. A merchant whose onboarding pack says
 * otherwise changes `settings.yima.signMode`, not the client. XML messages carry no sign.
 *
 * Requests: we serialize the message WITHOUT `sign` once (text T), sign T, then append the `sign` node
 * as the last member, so "the text without the sign node" is exactly T, byte for byte.
 * Replies: the `sign` member is cut out of the received text (whitespace and order untouched) and the
 * remainder is signed the same way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type YimaSignMode = 'md5-body-key' | 'none';

/** (message text without sign, key) → sign. Undefined for a mode that does not sign. */
export type YimaSigner = (textWithoutSign: string, key: string) => string | undefined;

export const signers: Record<YimaSignMode, YimaSigner> = {
  'md5-body-key': (text, key) =>
    createHash('md5')
      .update(text + key, 'utf8')
      .digest('hex')
      .toUpperCase(),
  none: () => undefined,
};

export function signerFor(mode: YimaSignMode): YimaSigner {
  const signer = signers[mode];
  if (!signer) throw new Error(`unknown Yima sign mode: ${String(mode)}`);
  return signer;
}

/**
 * Append `"sign":"…"` as the last member of a JSON object text (the text must end with `}`).
 * Returns the text unchanged when the signer gives no sign.
 */
export function attachSign(textWithoutSign: string, mode: YimaSignMode, key: string): string {
  const sign = signerFor(mode)(textWithoutSign, key);
  if (sign === undefined) return textWithoutSign;
  const trimmed = textWithoutSign.trimEnd();
  if (!trimmed.endsWith('}')) throw new Error('not a JSON object text');
  const body = trimmed.slice(0, -1);
  const empty = body.trim() === '{';
  return `${body}${empty ? '' : ','}"sign":${JSON.stringify(sign)}}`;
}

export type SignCheck =
  | { ok: true; signed: boolean }
  | { ok: false; reason: 'missing' | 'mismatch' | 'not-json' };

/**
 * Verify the `sign` of a received JSON message text (request or reply). Mode 'none' accepts any text
 * (and reports signed: false).
 */
export function verifyJsonSign(text: string, mode: YimaSignMode, key: string): SignCheck {
  const signer = signerFor(mode);
  const cut = cutTopLevelMember(text, 'sign');
  if (cut === 'not-json') return { ok: false, reason: 'not-json' };
  const expected = signer(cut?.rest ?? text, key);
  if (expected === undefined) return { ok: true, signed: false };
  if (!cut) return { ok: false, reason: 'missing' };
  let given: unknown;
  try {
    given = JSON.parse(cut.valueText);
  } catch {
    return { ok: false, reason: 'mismatch' };
  }
  if (typeof given !== 'string') return { ok: false, reason: 'mismatch' };
  // Hex case is not meaningful; compare in constant time.
  const a = Buffer.from(given.toUpperCase(), 'utf8');
  const b = Buffer.from(expected.toUpperCase(), 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'mismatch' };
  return { ok: true, signed: true };
}

/**
 * Find the top-level member `name` of a JSON object text and return the text with that member (and one
 * adjacent comma) removed, plus the member's value text. Nested members of the same name are left alone.
 * null: no such member. 'not-json': the text is not an object we can walk.
 */
export function cutTopLevelMember(
  text: string,
  name: string,
): { rest: string; valueText: string } | null | 'not-json' {
  let i = skipWs(text, 0);
  if (text[i] !== '{') return 'not-json';
  i++;
  // Positions of each top-level member: [memberStart, valueEnd).
  const members: Array<{ start: number; key: string; valueStart: number; end: number }> = [];
  i = skipWs(text, i);
  if (text[i] === '}') return null;
  for (;;) {
    i = skipWs(text, i);
    const start = i;
    if (text[i] !== '"') return 'not-json';
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return 'not-json';
    let key: string;
    try {
      key = JSON.parse(text.slice(i, keyEnd)) as string;
    } catch {
      return 'not-json';
    }
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') return 'not-json';
    i = skipWs(text, i + 1);
    const valueStart = i;
    const valueEnd = skipValue(text, i);
    if (valueEnd < 0) return 'not-json';
    members.push({ start, key, valueStart, end: valueEnd });
    i = skipWs(text, valueEnd);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') break;
    return 'not-json';
  }
  const index = members.findIndex((m) => m.key === name);
  if (index < 0) return null;
  const member = members[index]!;
  const valueText = text.slice(member.valueStart, member.end);
  if (members.length === 1) {
    // {"sign":"…"} → {}
    const open = text.indexOf('{');
    const close = skipWs(text, member.end);
    return { rest: text.slice(0, open + 1) + text.slice(close), valueText };
  }
  if (index === members.length - 1) {
    // Remove from the end of the previous member's value (its comma included) to the end of this one.
    const previous = members[index - 1]!;
    return { rest: text.slice(0, previous.end) + text.slice(member.end), valueText };
  }
  // Remove this member and everything up to the start of the next one (its comma included).
  const next = members[index + 1]!;
  return { rest: text.slice(0, member.start) + text.slice(next.start), valueText };
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  return i;
}

/** i at an opening quote → index after the closing quote, or -1. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return -1;
}

/** i at the start of a value → index after it, or -1. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < text.length) {
      const d = text[i];
      if (d === '"') {
        i = skipString(text, i);
        if (i < 0) return -1;
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
  return m ? i + m[0].length : -1;
}
