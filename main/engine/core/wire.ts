/**
 * What every operation kind needs from a gateway answer: ids, the reply fields worth journaling (payment
 * codes masked), whether a request provably never left the machine.
 */
import type { CallResult, QueryInterpretation } from '../../gateway/types.js';
import { chinaStamp } from '../../journal/format.js';
import type { QueryState, ReplyFields } from '../../journal/records.js';
import type { Bilingual } from '../../shared/errors.js';
import { maskCode } from '../../shared/paycode.js';

/**
 * `<prefix><terminal ≤ 20 chars><yyyyMMddHHmmss China><ms 3 digits><journal seq 8 digits>`: ≤ 46 chars
 * (the gateway allows 50). The journal sequence is durable and never reused; the time part keeps ids
 * unique even if a journal were ever lost and the sequence started again.
 */
export function makeId(prefix: string, terminalCode: string, ms: number, seq: number): string {
  const terminal = terminalCode.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
  const millis = String(ms % 1000).padStart(3, '0');
  return `${prefix}${terminal}${chinaStamp(ms)}${millis}${String(seq % 100_000_000).padStart(8, '0')}`;
}

/**
 * The connection was never established (refused, DNS failure, connect timeout): the request provably
 * did not leave the machine. The only network failure that is certain (NOTES.md §3).
 */
export function isNotSent(result: CallResult<unknown>): boolean {
  const r = result as { outcome: string; cause?: string; notSent?: boolean };
  return (
    (r.outcome === 'declined' && r.notSent === true) || (r.outcome === 'unknown' && r.cause === 'connect')
  );
}

export function replyFields<T>(
  result: CallResult<T>,
  pick: (body: T) => Partial<Record<keyof ReplyFields, unknown>>,
): ReplyFields {
  const outcome = result.outcome === 'ok' || result.outcome === 'declined' ? result.outcome : 'unknown';
  const out: ReplyFields = { outcome };
  if (result.errCode !== undefined) out.errCode = result.errCode;
  if (result.errInfo !== undefined) out.errInfo = result.errInfo;
  if (outcome === 'unknown') out.errInfo = out.errInfo ?? (result as { detail?: string }).detail;
  const body = result.body;
  if (body !== undefined && outcome !== 'unknown') {
    for (const [key, value] of Object.entries(pick(body))) {
      if (value !== undefined && value !== null && value !== '')
        (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (result.raw !== undefined) out.raw = maskRaw(result.raw);
  if (out.errInfo === undefined) delete out.errInfo;
  // The cashier's words: the gateway's meaning of a decline, or the client's bilingual text.
  const words = result as { meaning?: Bilingual; message?: Bilingual };
  const message = result.outcome === 'declined' ? (words.meaning ?? words.message) : words.message;
  if (result.outcome !== 'ok' && message) out.message = message;
  return out;
}

export function queryFields(q: QueryInterpretation): {
  queryState: QueryState;
  queryResCode?: string;
  orderId?: string;
  paidFen?: number;
  errInfo?: string;
} {
  return {
    queryState: q.state,
    ...(q.queryResCode ? { queryResCode: q.queryResCode } : {}),
    ...(q.orderId ? { orderId: q.orderId } : {}),
    ...(q.amountFen !== undefined && q.state === 'paid' ? { paidFen: q.amountFen } : {}),
    ...(q.description ? { errInfo: q.description } : {}),
  };
}

/** Raw reply for the journal: payment-code fields cut to their last 4, size bounded. */
export function maskRaw(raw: string): unknown {
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const out: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
      for (const key of ['payCode', 'originalPayCode']) {
        if (typeof out[key] === 'string') out[key] = maskCode(out[key] as string);
      }
      return out;
    }
  } catch {
    // not JSON: keep as text below
  }
  return raw.replace(/\d{16,}/g, (digits) => `•••• ${digits.slice(-4)}`).slice(0, 4000);
}

/** The gateway's way of saying "the customer is entering a password" (USERPAYING / 等待 / 密码). */
export function looksLikeWaitingPassword(text: string): boolean {
  return /USERPAYING|WAIT_BUYER_PAY|输入密码|等待用户|用户支付中/i.test(text);
}
