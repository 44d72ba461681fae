/**
 * Yima (翼码) account refunds: manager PIN, validation of every wire field, a journaled intent before the
 * request leaves, the identical message resent with the same pos_seq while the answer is 9998 or missing,
 * the outcome journaled, printed and shown. Unresolved refunds are resumed on start.
 */

import type { EventHub, PartialHandlers } from '../ipc/router.js';
import { createLogger } from '../log/logger.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual, badInput } from '../shared/errors.js';
import { type AttemptOutcome, sendOnce } from './client.js';
import type { YimaJournal, YimaJournalRecord, YimaStatus } from './journal.js';
import type { YimaRefundView } from './types.js';
import { chinaStamp, encodeRequest, messageBytes, WireRefundRequest, type YimaFormat } from './wire.js';

const log = createLogger('yima');

export interface YimaRefundInput {
  orgPosSeq: string;
  amountFen: number;
  memo?: string | undefined;
  split?: Array<{ merchantId?: string | undefined; sellerAccount?: string | undefined; divAmtFen: number }>;
  pin: string;
}

export interface YimaPrinter {
  printYimaRefund(view: YimaRefundView): Promise<unknown> | unknown;
}

export interface YimaServiceOptions {
  settings: SettingsService;
  operators: Pick<OperatorService, 'requireManager'>;
  journal: YimaJournal;
  events?: Pick<EventHub, 'emit'>;
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
  now?: () => number;
}

export interface YimaService {
  /** Rebuild state from the journal and resume every unresolved refund (same pos_seq, same message). */
  start(): Promise<void>;
  refund(input: YimaRefundInput): Promise<YimaRefundView>;
  list(): YimaRefundView[];
  get(posSeq: string): YimaRefundView | undefined;
  /** The IPC handlers: yima.refund, yima.list. */
  handlers(): PartialHandlers;
  stop(): Promise<void>;
}

export const DEFAULT_RETRY_DELAYS_MS = [3_000, 5_000, 5_000, 10_000, 10_000, 30_000, 60_000];

interface Entry {
  view: YimaRefundView;
  isspid: string;
  format: YimaFormat;
  text: string;
  seqNo: number;
  attempts: number;
  firstAt: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  waiters: Set<() => void>;
}

const FINAL: ReadonlySet<string> = new Set(['refunded', 'failed']);

export function createYimaService(options: YimaServiceOptions): YimaService {
  const { settings, operators, journal } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const delays = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
  const attentionAfterMs = options.attentionAfterMs ?? 10 * 60_000;
  const inlineWaitMs = options.inlineWaitMs ?? 12_000;
  const urlOf = options.url ?? (() => settings.get().yima.url);
  const entries = new Map<string, Entry>();
  let lastSeqNo = 0;
  let stopped = false;
  const stopping = new AbortController();

  const iso = () => new Date(now()).toISOString();

  function emitChanged(entry: Entry, step?: 'journaled' | 'sending' | 'querying' | 'resolved') {
    if (!options.events) return;
    try {
      const status =
        entry.view.status === 'refunded'
          ? 'refunded'
          : entry.view.status === 'failed'
            ? 'declined'
            : entry.view.status === 'needs-attention'
              ? 'needs-attention'
              : entry.view.status === 'pending'
                ? 'pending'
                : 'unknown';
      if (step) {
        options.events.emit('txn.progress', {
          merchantOrderId: entry.view.posSeq,
          operation: 'yima-refund',
          step,
          attempt: entry.attempts,
          message: entry.view.message ?? progressMessage(step),
          at: iso(),
        });
      }
      options.events.emit('orders.changed', { merchantOrderId: entry.view.posSeq, status });
    } catch (error) {
      log.warn('event not sent', { error });
    }
  }

  async function record(
    entry: Entry,
    type: 'yima.intent' | 'yima.reply' | 'yima.final',
    data: Record<string, unknown>,
  ) {
    await journal.append(type, entry.view.posSeq, data, {
      operatorId: entry.view.operatorId,
      status: entry.view.status,
      unresolved: !FINAL.has(entry.view.status),
    });
  }

  function settle(entry: Entry) {
    const waiters = [...entry.waiters];
    entry.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  function schedule(entry: Entry) {
    if (stopped || FINAL.has(entry.view.status)) return;
    const delay = delays[Math.min(Math.max(entry.attempts - 1, 0), delays.length - 1)]!;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void run(entry);
    }, delay);
  }

  function run(entry: Entry): Promise<void> {
    if (entry.running) return entry.running;
    entry.running = attempt(entry).finally(() => {
      entry.running = undefined;
      settle(entry);
      schedule(entry);
    });
    return entry.running;
  }

  async function attempt(entry: Entry) {
    if (stopped || FINAL.has(entry.view.status)) return;
    const current = settings.get().yima;
    const key = settings.secret('yimaKey') ?? '';
    entry.attempts++;
    emitChanged(entry, entry.attempts === 1 ? 'sending' : 'querying');
    let outcome: AttemptOutcome;
    try {
      outcome = await sendOnce(messageBytes(entry.format, entry.text), {
        url: urlOf(),
        format: entry.format,
        signMode: current.signMode,
        key,
        timeoutMs,
        posSeq: entry.view.posSeq,
        isspid: entry.isspid,
        signal: stopping.signal,
      });
    } catch (error) {
      outcome = { kind: 'no-answer', problem: error instanceof Error ? error.message : String(error) };
    }
    if (stopped && outcome.kind === 'no-answer') return;
    apply(entry, outcome);
    const replyData: Record<string, unknown> = { attempt: entry.attempts, outcome: outcome.kind };
    if (outcome.kind === 'no-answer') replyData.problem = outcome.problem;
    else {
      replyData.resultId = outcome.resultId;
      replyData.comment = outcome.comment;
    }
    if (outcome.raw !== undefined) replyData.raw = outcome.raw;
    try {
      await record(entry, 'yima.reply', replyData);
      if (FINAL.has(entry.view.status)) {
        await record(entry, 'yima.final', {
          status: entry.view.status,
          resultId: entry.view.resultId,
          message: entry.view.message,
          amountFen: entry.view.amountFen,
          orgPosSeq: entry.view.orgPosSeq,
        });
      }
    } catch (error) {
      // The outcome stands; a refund is never re-sent under a new pos_seq because of a journal error.
      log.error('journal write failed after a Yima reply', { posSeq: entry.view.posSeq, error });
    }
    log.info('yima attempt', {
      posSeq: entry.view.posSeq,
      attempt: entry.attempts,
      outcome: outcome.kind,
      ...(outcome.kind === 'no-answer' ? { problem: outcome.problem } : { resultId: outcome.resultId }),
    });
    emitChanged(entry, FINAL.has(entry.view.status) ? 'resolved' : 'querying');
    if (entry.view.status === 'refunded' && options.printer) {
      const view = { ...entry.view };
      try {
        await Promise.resolve(options.printer.printYimaRefund(view));
      } catch (error) {
        // A print failure never changes the refund.
        log.warn('Yima refund slip not printed', { posSeq: view.posSeq, error });
      }
    }
  }

  function apply(entry: Entry, outcome: AttemptOutcome) {
    const view = entry.view;
    view.updatedAt = iso();
    switch (outcome.kind) {
      case 'refunded':
        view.status = 'refunded';
        view.resultId = outcome.resultId;
        view.message = { zh: `退款成功：${outcome.comment || '成功'}`, en: 'Refunded' };
        return;
      case 'failed':
        view.status = 'failed';
        view.resultId = outcome.resultId;
        view.message = failedMessage(outcome.resultId, outcome.comment);
        return;
      case 'processing':
        view.resultId = outcome.resultId;
        view.status = now() - entry.firstAt > attentionAfterMs ? 'needs-attention' : 'processing';
        view.message = {
          zh: `翼码处理中（${outcome.comment || '9998'}），正在以同一流水号重发（第 ${entry.attempts} 次）`,
          en: `Yima is processing; resending the same pos_seq (attempt ${entry.attempts})`,
        };
        return;
      case 'no-answer':
        view.status = now() - entry.firstAt > attentionAfterMs ? 'needs-attention' : 'processing';
        view.message = {
          zh: `未收到有效应答，正在以同一流水号重发（第 ${entry.attempts} 次）`,
          en: `No valid answer (${outcome.problem}); resending the same pos_seq (attempt ${entry.attempts})`,
        };
        return;
    }
  }

  function waitFinal(entry: Entry, ms: number): Promise<void> {
    if (FINAL.has(entry.view.status) || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const deadline = now() + ms;
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        entry.waiters.delete(check);
        resolve();
      }
      function check() {
        if (FINAL.has(entry.view.status) || now() >= deadline || stopped) done();
        else entry.waiters.add(check);
      }
      entry.waiters.add(check);
    });
  }

  function nextPosSeq(posId: string): { posSeq: string; seqNo: number } {
    lastSeqNo++;
    const tail = posId.replace(/[^A-Za-z0-9]/g, '').slice(-10);
    const posSeq = `YR${chinaStamp(now())}${String(lastSeqNo % 1_000_000).padStart(6, '0')}${tail}`;
    return { posSeq, seqNo: lastSeqNo };
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
    for (const other of entries.values()) {
      if (other.view.orgPosSeq === input.orgPosSeq && !FINAL.has(other.view.status)) {
        throw new AppError('CONFLICT', {
          zh: `该笔支付已有一笔退款正在处理（${other.view.posSeq}），请等待结果`,
          en: `A refund of this payment is still being processed (${other.view.posSeq}); wait for its result`,
        });
      }
    }
    const { posSeq, seqNo } = nextPosSeq(current.posId);
    if (entries.has(posSeq)) throw new Error(`pos_seq already used: ${posSeq}`);
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
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
      throw new AppError('BAD_INPUT', { zh: '退款金额无效', en: 'Invalid refund amount' });
    }
    const checked = WireRefundRequest.safeParse(request);
    if (!checked.success) throw badInput(checked.error, 'Yima refund');
    const message = encodeRequest(checked.data, { format: current.format, signMode: current.signMode, key });
    const at = iso();
    const entry: Entry = {
      view: {
        posSeq,
        orgPosSeq: input.orgPosSeq,
        amountFen: input.amountFen,
        status: 'pending',
        operatorId: manager.id,
        createdAt: at,
        updatedAt: at,
      },
      isspid: current.isspid,
      format: message.format,
      text: message.text,
      seqNo,
      attempts: 0,
      firstAt: now(),
      timer: undefined,
      running: undefined,
      waiters: new Set(),
    };
    // The intent is durable before anything leaves; if this throws, nothing was sent.
    await record(entry, 'yima.intent', {
      posSeq,
      seqNo,
      isspid: current.isspid,
      orgPosSeq: input.orgPosSeq,
      amountFen: input.amountFen,
      ...(memo !== undefined ? { memo } : {}),
      ...(input.split?.length ? { split: input.split } : {}),
      format: message.format,
      message: message.text,
    });
    entries.set(posSeq, entry);
    emitChanged(entry, 'journaled');
    const settled = waitFinal(entry, inlineWaitMs);
    void run(entry);
    await settled;
    return { ...entry.view };
  }

  async function start() {
    const records = await journal.records();
    rebuild(records);
    for (const entry of entries.values()) {
      if (!FINAL.has(entry.view.status)) {
        log.info('resuming an unresolved Yima refund', { posSeq: entry.view.posSeq });
        void run(entry);
      }
    }
  }

  function rebuild(records: YimaJournalRecord[]) {
    for (const r of records) {
      if (!r.type.startsWith('yima.')) continue;
      const d = r.data;
      if (r.type === 'yima.intent') {
        const seqNo = typeof d.seqNo === 'number' ? d.seqNo : 0;
        lastSeqNo = Math.max(lastSeqNo, seqNo);
        if (entries.has(r.key)) continue;
        entries.set(r.key, {
          view: {
            posSeq: r.key,
            orgPosSeq: String(d.orgPosSeq ?? ''),
            amountFen: Number(d.amountFen),
            status: 'pending',
            operatorId: r.operatorId,
            createdAt: r.at,
            updatedAt: r.at,
          },
          isspid: String(d.isspid ?? ''),
          format: d.format === 'xml' ? 'xml' : 'json',
          text: String(d.message ?? ''),
          seqNo,
          attempts: 0,
          firstAt: Date.parse(r.at) || now(),
          timer: undefined,
          running: undefined,
          waiters: new Set(),
        });
        continue;
      }
      const entry = entries.get(r.key);
      if (!entry || FINAL.has(entry.view.status)) continue;
      entry.view.updatedAt = r.at;
      if (r.type === 'yima.reply') {
        entry.attempts = Math.max(entry.attempts, typeof d.attempt === 'number' ? d.attempt : 0);
        if (typeof d.resultId === 'string') entry.view.resultId = d.resultId;
      }
      if (isStatus(r.status)) entry.view.status = r.status;
      if (r.type === 'yima.final' || FINAL.has(entry.view.status)) {
        const message = d.message as Bilingual | undefined;
        if (message && typeof message.zh === 'string') entry.view.message = message;
        else if (entry.view.status === 'failed') {
          entry.view.message = failedMessage(String(d.resultId ?? ''), String(d.comment ?? ''));
        }
      }
    }
  }

  /** Newest first. */
  const list = () =>
    [...entries.values()]
      .map((e) => ({ ...e.view }))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));

  return {
    start,
    refund,
    list,
    get: (posSeq) => {
      const entry = entries.get(posSeq);
      return entry ? { ...entry.view } : undefined;
    },
    handlers: () => ({
      'yima.refund': (input) => refund(input),
      'yima.list': () => list(),
    }),
    async stop() {
      stopped = true;
      stopping.abort();
      for (const entry of entries.values()) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = undefined;
        settle(entry);
      }
      await Promise.allSettled([...entries.values()].map((e) => e.running));
    },
  };
}

function isStatus(value: unknown): value is YimaStatus {
  return (
    value === 'pending' ||
    value === 'processing' ||
    value === 'refunded' ||
    value === 'failed' ||
    value === 'needs-attention'
  );
}

function failedMessage(resultId: string, comment: string): Bilingual {
  return {
    zh: `翼码退款失败：${comment || '未说明原因'}（${resultId}）`,
    en: `Yima refund failed: ${comment || 'no reason given'} (${resultId})`,
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
