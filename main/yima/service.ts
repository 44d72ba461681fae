/**
 * Yima (翼码) account refunds, a kind on the engine's order book: manager PIN, validation of every wire
 * field, a journaled intent before the request leaves, the identical message resent with the same
 * pos_seq while the answer is 9998 or missing, the outcome journaled, printed and shown. The state of a
 * refund is the fold of its journal records (main/journal/records.ts); unresolved refunds are resumed by
 * the book's one recovery loop. Refunding an original that already has a refund needs a manager's
 * explicit confirmation (`confirmDuplicate`).
 */

import type { OperationKind, OrderBook } from '../engine/core/book.js';
import type { PartialHandlers } from '../ipc/router.js';
import {
  foldYima,
  RECORD,
  YIMA_CHANNEL,
  type YimaCore,
  type YimaReplyData,
  yimaView,
} from '../journal/records.js';
import { createLogger } from '../log/logger.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual, badInput } from '../shared/errors.js';
import { formatFen } from '../shared/money.js';
import { type AttemptOutcome, sendOnce } from './client.js';
import type { YimaRefundView } from './types.js';
import { chinaStamp, encodeRequest, messageBytes, WireRefundRequest } from './wire.js';

const log = createLogger('yima');

export interface YimaRefundInput {
  orgPosSeq: string;
  amountFen: number;
  memo?: string | undefined;
  split?: Array<{ merchantId?: string | undefined; sellerAccount?: string | undefined; divAmtFen: number }>;
  pin: string;
  /** The manager confirms refunding an original that already has a refund. */
  confirmDuplicate?: boolean | undefined;
}

export interface YimaPrinter {
  printYimaRefund(view: YimaRefundView): Promise<unknown> | unknown;
}

export interface YimaServiceOptions {
  settings: SettingsService;
  operators: Pick<OperatorService, 'requireManager'>;
  /** The engine's order book: journal, busy set, sleeps, events, the recovery loop. */
  book: OrderBook;
  printer?: YimaPrinter | undefined;
  /** Where requests go; default settings.yima.url (demo mode: the embedded simulator). */
  url?: () => string;
  /** HTTP timeout of one attempt. */
  timeoutMs?: number;
  /** Delays before each resend; the last one repeats until the refund is final. */
  retryDelaysMs?: number[];
  /** After this long without a final answer the refund is shown as needs-attention (and still resent). */
  attentionAfterMs?: number;
  /** How long `refund` waits for a final answer before returning 'processing' (resends go on). */
  inlineWaitMs?: number;
  /** Test hook at the step boundaries (crash tests kill the process here). */
  crashPoint?: (name: 'after-yima-intent' | 'after-yima-reply') => void;
}

export interface YimaService {
  /** Resume every unresolved refund now (same pos_seq, same message); the book's loop goes on after. */
  start(): Promise<void>;
  refund(input: YimaRefundInput): Promise<YimaRefundView>;
  list(): YimaRefundView[];
  get(posSeq: string): YimaRefundView | undefined;
  /** The IPC handlers: yima.refund, yima.list. */
  handlers(): PartialHandlers;
  stop(): Promise<void>;
}

export const DEFAULT_RETRY_DELAYS_MS = [3_000, 5_000, 5_000, 10_000, 10_000, 30_000, 60_000];

/** How many of the most recent journal days the list reads (plus every still-open refund). */
const RECENT_DAYS = 40;

/** YR + yyyyMMddHHmmss… → yyyy-MM-dd (the China day the pos_seq was made). */
export function dayOfPosSeq(posSeq: string): string | undefined {
  const m = /^YR(\d{4})(\d{2})(\d{2})\d{6}/.exec(posSeq);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export function createYimaService(options: YimaServiceOptions): YimaService {
  const { settings, operators, book } = options;
  const journal = book.journal;
  const now = () => book.now();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const delays = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
  const attentionAfterMs = options.attentionAfterMs ?? 10 * 60_000;
  const inlineWaitMs = options.inlineWaitMs ?? 12_000;
  const urlOf = options.url ?? (() => settings.get().yima.url);
  const waiters = new Map<string, Set<() => void>>();
  let stopped = false;
  const stopping = new AbortController();
  const halted = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve()));
  const drives = new Set<Promise<void>>();

  const od = (posSeq: string) => dayOfPosSeq(posSeq) ?? journal.today();
  const state = (posSeq: string): YimaCore | undefined => foldYima(book.records(posSeq, od(posSeq)));
  const final = (s: YimaCore | undefined) => s?.status === 'refunded' || s?.status === 'failed';

  function wake(posSeq: string) {
    const set = waiters.get(posSeq);
    if (!set) return;
    waiters.delete(posSeq);
    for (const w of set) w();
  }

  function progress(s: YimaCore, step: 'journaled' | 'sending' | 'querying' | 'resolved') {
    book.progress(s.posSeq, 'yima-refund', step, s.message ?? progressMessage(step), { attempt: s.attempts });
  }

  /** One attempt: the identical message, the same pos_seq. Journals its answer (none when stopped). */
  async function attempt(posSeq: string): Promise<YimaCore | undefined> {
    const s = state(posSeq);
    if (!s || final(s) || stopped) return s;
    const current = settings.get().yima;
    const key = settings.secret('yimaKey') ?? '';
    const n = s.attempts + 1;
    progress({ ...s, attempts: n }, n === 1 ? 'sending' : 'querying');
    let outcome: AttemptOutcome;
    try {
      outcome = await sendOnce(messageBytes(s.format, s.text), {
        url: urlOf(),
        format: s.format,
        signMode: current.signMode,
        key,
        timeoutMs,
        posSeq,
        isspid: s.isspid,
        signal: stopping.signal,
      });
    } catch (error) {
      outcome = { kind: 'no-answer', problem: error instanceof Error ? error.message : String(error) };
    }
    if (stopped && outcome.kind === 'no-answer') return s;
    options.crashPoint?.('after-yima-reply');
    const d: YimaReplyData = { attempt: n, outcome: outcome.kind };
    if (outcome.kind === 'no-answer') d.problem = outcome.problem;
    else {
      d.resultId = outcome.resultId;
      d.comment = outcome.comment;
    }
    if (outcome.raw !== undefined) d.raw = outcome.raw;
    if (now() - Date.parse(s.createdAt) > attentionAfterMs) d.attention = true;
    let after: YimaCore;
    try {
      after = book.write(posSeq, s.day, { t: 'yima.reply', d }, s.operatorId) as YimaCore;
      if (final(after)) {
        after = book.write(
          posSeq,
          s.day,
          {
            t: 'yima.final',
            d: {
              status: after.status as 'refunded' | 'failed',
              ...(after.resultId !== undefined ? { resultId: after.resultId } : {}),
              ...(after.message ? { message: after.message } : {}),
              amountFen: after.amountFen,
              orgPosSeq: after.orgPosSeq,
              channel: YIMA_CHANNEL,
              payMode: 'YIMA',
            },
          },
          s.operatorId,
        ) as YimaCore;
      }
    } catch (error) {
      // Not durable: the refund stays open in the journal and the same pos_seq is sent again later.
      log.error('journal write failed after a Yima reply', { posSeq, error });
      return s;
    }
    log.info('yima attempt', {
      posSeq,
      attempt: n,
      outcome: outcome.kind,
      ...(outcome.kind === 'no-answer' ? { problem: outcome.problem } : { resultId: outcome.resultId }),
    });
    progress(after, final(after) ? 'resolved' : 'querying');
    if (after.status === 'refunded' && options.printer) {
      const view = yimaView(after);
      try {
        await Promise.resolve(options.printer.printYimaRefund(view));
      } catch (error) {
        // A print failure never changes the refund.
        log.warn('Yima refund slip not printed', { posSeq, error });
      }
    }
    return after;
  }

  /** Attempts until final or stopped, waiting the retry delays in between (sleeps end on stop). */
  function drive(posSeq: string, first = 0): Promise<void> {
    const flow = (async () => {
      try {
        for (let i = first; !stopped && !book.stopped; i += 1) {
          if (i > 0)
            await Promise.race([book.sleep(delays[Math.min(i - 1, delays.length - 1)] as number), halted]);
          if (stopped || book.stopped) return;
          const after = await attempt(posSeq);
          wake(posSeq);
          if (!after || final(after)) return;
        }
      } finally {
        wake(posSeq);
      }
    })();
    drives.add(flow);
    return flow.finally(() => drives.delete(flow));
  }

  /** The rest of the schedule after one attempt already made. */
  const driveAfter = (posSeq: string) => drive(posSeq, 1);

  function waitFinal(posSeq: string, ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        waiters.get(posSeq)?.delete(check);
        resolve();
      }
      function check() {
        if (final(state(posSeq)) || stopped) done();
        else {
          const set = waiters.get(posSeq) ?? new Set();
          set.add(check);
          waiters.set(posSeq, set);
        }
      }
      check();
    });
  }

  function nextPosSeq(posId: string): { posSeq: string; seqNo: number } {
    // The journal sequence is durable and never reused: a restart in the same second cannot repeat it.
    const seqNo = journal.nextSeq;
    const tail = posId.replace(/[^A-Za-z0-9]/g, '').slice(-10);
    const posSeq = `YR${chinaStamp(now())}${String(seqNo % 1_000_000).padStart(6, '0')}${tail}`;
    return { posSeq, seqNo };
  }

  /** Every Yima refund of the recent days and every open one, oldest first. */
  function all(): YimaCore[] {
    const byKey = new Map<string, { od: string }>();
    for (const day of journal.store.days().slice().sort().slice(-RECENT_DAYS)) {
      for (const r of journal.store.recordsWrittenOn(day)) {
        if (r.t === RECORD.yimaIntent) byKey.set(r.k, { od: r.od });
      }
    }
    for (const e of journal.store.openSet()) if (dayOfPosSeq(e.k)) byKey.set(e.k, { od: e.od });
    const out: YimaCore[] = [];
    for (const [k, v] of byKey) {
      const s = foldYima(book.records(k, v.od));
      if (s) out.push(s);
    }
    return out;
  }

  async function refund(input: YimaRefundInput): Promise<YimaRefundView> {
    if (stopped) throw unavailable('服务已停止', 'Stopped');
    const manager = await operators.requireManager(input.pin);
    const current = settings.get().yima;
    if (!current.enabled) throw unavailable('翼码退款未启用', 'Yima refunds are not enabled');
    if (!urlOf().trim()) throw unavailable('未设置翼码接口地址', 'The Yima URL is not set');
    const key = settings.secret('yimaKey') ?? '';
    if (current.format === 'json' && current.signMode !== 'none' && !key) {
      throw unavailable('未设置翼码密钥', 'The Yima key is not set');
    }
    const health = book.writable();
    if (!health.writable) throw new AppError('JOURNAL_UNAVAILABLE', health.problem as Bilingual);
    const earlier = all().filter((o) => o.orgPosSeq === input.orgPosSeq && o.status !== 'failed');
    const open = earlier.find((o) => !final(o));
    if (open) {
      throw new AppError('CONFLICT', {
        zh: `该笔支付已有一笔退款正在处理（${open.posSeq}），请等待结果`,
        en: `A refund of this payment is still being processed (${open.posSeq}); wait for its result`,
      });
    }
    if (earlier.length > 0 && input.confirmDuplicate !== true) {
      const done = earlier.reduce((sum, o) => sum + o.amountFen, 0);
      throw new AppError(
        'CONFLICT',
        {
          zh: `该笔支付已退款 ${earlier.length} 笔（共 ${formatFen(done)}）：确需再次退款请店长确认`,
          en: `This payment already has ${earlier.length} refund(s) (${formatFen(done)} in all): a manager must confirm another`,
        },
        // Names what the screen must ask for before sending again.
        [{ path: 'confirmDuplicate', message: 'required' }],
      );
    }
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
      throw new AppError('BAD_INPUT', { zh: '退款金额无效', en: 'Invalid refund amount' });
    }
    const { posSeq, seqNo } = nextPosSeq(current.posId);
    const memo = input.memo?.trim() ? input.memo : undefined;
    const request = {
      request_type: 'account_refund_request' as const,
      isspid: current.isspid,
      pos_id: current.posId,
      store_id: current.storeId,
      pos_seq: posSeq,
      user_id: manager.id,
      system_id: current.systemId,
      ...(memo !== undefined ? { memo } : {}),
      account_refund_request: {
        org_pos_seq: input.orgPosSeq,
        tx_amt: String(input.amountFen),
        ...(input.split?.length
          ? {
              extend_params: {
                split_info: {
                  split_list: input.split.map((s) => ({
                    ...(s.merchantId ? { merchant_id: s.merchantId } : {}),
                    ...(s.sellerAccount ? { seller_account: s.sellerAccount } : {}),
                    div_amt: String(s.divAmtFen),
                  })),
                },
              },
            }
          : {}),
      },
    };
    const checked = WireRefundRequest.safeParse(request);
    if (!checked.success) throw badInput(checked.error, 'Yima refund');
    const message = encodeRequest(checked.data, { format: current.format, signMode: current.signMode, key });
    const day = od(posSeq);
    // The intent is durable before anything leaves; if this throws, nothing was sent.
    const s = book.write(
      posSeq,
      day,
      {
        t: 'yima.intent',
        d: {
          posSeq,
          seqNo,
          isspid: current.isspid,
          orgPosSeq: input.orgPosSeq,
          amountFen: input.amountFen,
          ...(memo !== undefined ? { memo } : {}),
          ...(input.split?.length ? { split: input.split } : {}),
          format: message.format,
          message: message.text,
          channel: YIMA_CHANNEL,
          payMode: 'YIMA',
          ...(earlier.length > 0 ? { duplicateConfirmed: true } : {}),
        },
      },
      manager.id,
    ) as YimaCore;
    progress(s, 'journaled');
    options.crashPoint?.('after-yima-intent');
    const settled = waitFinal(posSeq, inlineWaitMs);
    book.spawn(posSeq, () => drive(posSeq));
    await settled;
    return yimaView(state(posSeq) as YimaCore);
  }

  const kind: OperationKind = {
    name: 'yima',
    intent: RECORD.yimaIntent,
    async recover(posSeq) {
      log.info('resuming an unresolved Yima refund', { posSeq });
      const after = await attempt(posSeq);
      wake(posSeq);
      // Not final: keep resending on the retry schedule in the background (the key stays held).
      if (after && !final(after) && !stopped) book.spawn(posSeq, () => driveAfter(posSeq));
    },
  };
  book.register(kind);

  const list = () =>
    all()
      .map(yimaView)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));

  return {
    async start() {
      for (const s of all()) if (!final(s)) await book.recoverOne(s.posSeq, s.day);
    },
    refund,
    list,
    get: (posSeq) => {
      const s = state(posSeq);
      return s ? yimaView(s) : undefined;
    },
    handlers: () => ({
      'yima.refund': (input) => refund(input),
      'yima.list': () => list(),
    }),
    async stop() {
      stopped = true;
      stopping.abort();
      for (const k of [...waiters.keys()]) wake(k);
      await Promise.allSettled([...drives]);
    },
  };
}

function progressMessage(step: string): Bilingual {
  switch (step) {
    case 'journaled':
      return { zh: '已记录退款请求', en: 'Refund request journaled' };
    case 'sending':
      return { zh: '正在发送翼码退款', en: 'Sending the Yima refund' };
    case 'resolved':
      return { zh: '翼码退款已有结果', en: 'Yima refund resolved' };
    default:
      return { zh: '正在确认翼码退款结果', en: 'Confirming the Yima refund' };
  }
}

function unavailable(zh: string, en: string): AppError {
  return new AppError('UNAVAILABLE', { zh, en });
}
