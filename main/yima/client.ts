/**
 * The Yima transport and the outcome of one attempt. The message is encoded once (wire.ts) and the very
 * same bytes are sent on every attempt: 9998 or no usable reply → resend the identical message with the
 * same pos_seq, never a new one.
 */
import type { YimaSignMode } from './sign.js';
import { type EncodedMessage, parseReply, type YimaFormat } from './wire.js';

export type AttemptOutcome =
  /** result.id 0000. */
  | { kind: 'refunded'; resultId: string; comment: string; sysSeq?: string; raw: string }
  /** result.id 9998: processing; resend the identical message. */
  | { kind: 'processing'; resultId: string; comment: string; raw: string }
  /** Any other result.id: nothing refunded; comment is shown to the cashier. */
  | { kind: 'failed'; resultId: string; comment: string; raw: string }
  /** Timeout, network error, unreadable or untrusted reply (bad sign, another pos_seq): resend. */
  | { kind: 'no-answer'; problem: string; raw?: string };

export interface YimaTransportOptions {
  url: string;
  format: YimaFormat;
  signMode: YimaSignMode;
  key: string;
  timeoutMs: number;
  /** Expected in the reply when present. */
  posSeq: string;
  isspid: string;
  /** Aborts the attempt (the service stopping): the outcome is then 'no-answer'. */
  signal?: AbortSignal;
}

/** Most of a reply that is worth keeping in the journal. */
const RAW_LIMIT = 8192;

export async function sendOnce(
  message: EncodedMessage,
  options: YimaTransportOptions,
): Promise<AttemptOutcome> {
  let response: Response;
  let body: Buffer;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': message.contentType, accept: 'application/json, text/xml' },
      body: new Uint8Array(message.body),
      signal: options.signal
        ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
        : AbortSignal.timeout(options.timeoutMs),
    });
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const problem =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no reply within ${options.timeoutMs} ms`
        : `network: ${describe(error)}`;
    return { kind: 'no-answer', problem };
  }
  return classifyReply(body, response.headers.get('content-type') ?? undefined, response.status, options);
}

export function classifyReply(
  body: Buffer,
  contentType: string | undefined,
  httpStatus: number,
  options: Pick<YimaTransportOptions, 'format' | 'signMode' | 'key' | 'posSeq' | 'isspid'>,
): AttemptOutcome {
  const parsed = parseReply(body, {
    format: options.format,
    signMode: options.signMode,
    key: options.key,
    ...(contentType ? { contentType } : {}),
  });
  const raw = parsed.text.slice(0, RAW_LIMIT);
  if (!parsed.ok) {
    return { kind: 'no-answer', problem: `HTTP ${httpStatus}, unreadable reply: ${parsed.problem}`, raw };
  }
  if (parsed.sign && !parsed.sign.ok) {
    return { kind: 'no-answer', problem: `reply rejected: sign ${parsed.sign.reason}`, raw };
  }
  const reply = parsed.reply;
  if (reply.pos_seq !== undefined && reply.pos_seq !== options.posSeq) {
    return { kind: 'no-answer', problem: `reply for another pos_seq (${reply.pos_seq})`, raw };
  }
  if (reply.isspid !== undefined && reply.isspid !== options.isspid) {
    return { kind: 'no-answer', problem: `reply for another isspid (${reply.isspid})`, raw };
  }
  const resultId = reply.result.id.trim();
  const comment = reply.result.comment ?? '';
  if (resultId === '0000') {
    return {
      kind: 'refunded',
      resultId,
      comment,
      raw,
      ...(reply.sys_seq ? { sysSeq: reply.sys_seq } : {}),
    };
  }
  if (resultId === '9998') return { kind: 'processing', resultId, comment, raw };
  return { kind: 'failed', resultId, comment, raw };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : '';
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
