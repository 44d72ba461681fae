/**
 * Pre-authorization (担保, POS通 v1), a kind on the engine's order book: activate once per terminal, then
 * preauthorize, complete, void, the quick variants (by 银商订单号) and queries. Records:
 * `preauth.intent` before every request, `preauth.reply` after, key = our id for the pre-auth (prefix P);
 * their status is derived by `next` (main/journal/records.ts), recovery runs in the book's one loop.
 *
 * systemTraceNum (6 digits, unique per China day per merchant + terminal, spec §2 note 1): every v1 call
 * takes a fresh one. It is reserved durably first (`trace.reserve` record, fsync'd) and only then used, so
 * a crash at any instant can waste a number but never reuse one. The next number is 1 + the highest
 * reserved today, read from today's journal file.
 *
 * Reversal (冲正) is documented as unsupported and not offered. An unknown pre-auth is queried until the
 * deadline, then shown "needs attention" and queried again by recovery until it is definite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { interpretPreauthQuery } from '../gateway/codes.js';
import type { CallResult, PosLinkClient } from '../gateway/types.js';
import type { EventHub, PartialHandlers } from '../ipc/router.js';
import {
  type PreauthCore,
  type PreauthFolded,
  type PreauthOp,
  type PreauthReplyData,
  preauthUnresolved,
  preauthView,
  RECORD,
} from '../journal/records.js';
import type { PreauthView } from '../journal/views.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { checkPayCode, last4 } from '../shared/paycode.js';
import type { OperationKind } from './core/book.js';
import { isNotSent, makeId } from './core/wire.js';
import type { Engine } from './engine.js';

export interface PreauthService {
  handlers(): PartialHandlers;
  /** Query every unresolved pre-auth once (the engine's recovery loop does this on its own). */
  recover(): Promise<void>;
  start(input: { amountFen: number; code: string }): Promise<PreauthView>;
  complete(input: { id: string; amountFen: number; quick?: boolean }): Promise<PreauthView>;
  void(input: { id: string; pin: string; quick?: boolean }): Promise<PreauthView>;
  query(id: string): Promise<PreauthView>;
  /** The next systemTraceNum, reserved durably (exposed for tests). */
  reserveTrace(purpose: string, key: string): string;
}

export interface PreauthDeps {
  engine: Engine;
  gateway: PosLinkClient;
  settings: SettingsService;
  operators: OperatorService;
  events: EventHub;
  dataDir: string;
  now?: () => number;
  /** Between queries of an unknown pre-auth (ms). Default: the engine's schedule. */
  queryEveryMs?: number;
  firstQueryMs?: number;
}

type FollowUp = 'complete' | 'quickComplete' | 'void' | 'quickVoid';

const ATTENTION: Bilingual = {
  zh: '担保结果未知，请勿重复操作，稍后将自动查询',
  en: 'Pre-auth outcome unknown: do not repeat it; it will be queried again',
};

export function createPreauthService(deps: PreauthDeps): PreauthService {
  const { engine } = deps;
  const book = engine.book;
  const journal = engine.journal;
  const now = deps.now ?? engine.now;
  const firstQueryMs = deps.firstQueryMs ?? engine.schedule.firstQueryMs;
  const queryEveryMs = deps.queryEveryMs ?? engine.schedule.queryEveryMs;
  const activationFile = path.join(deps.dataDir, 'preauth-activation.json');
  const op = () => deps.operators.current().id;

  function reserveTrace(purpose: string, key: string): string {
    const today = journal.today();
    let max = 0;
    for (const r of journal.store.recordsWrittenOn(today)) {
      if (r.t === RECORD.traceReserve && r.d.day === today) max = Math.max(max, Number(r.d.num) || 0);
    }
    const num = max + 1;
    if (num > 999_999) {
      throw new AppError('UNAVAILABLE', {
        zh: '今日系统跟踪号已用完',
        en: 'No systemTraceNum left for today',
      });
    }
    journal.write({ t: RECORD.traceReserve, k: key, op: op(), d: { day: today, num, purpose } });
    return String(num).padStart(6, '0');
  }

  function activationKey(): string {
    const s = deps.settings.get();
    return `${s.merchantCode}|${s.terminalCode}`;
  }

  function readActivations(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(activationFile, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  async function ensureActivated(): Promise<void> {
    if (readActivations()[activationKey()]) return;
    const key = `ACT-${activationKey()}`;
    const systemTraceNum = reserveTrace('activate', key);
    const result = await deps.gateway.preauth.activate({ systemTraceNum });
    journal.write({
      t: RECORD.terminalActivate,
      k: key,
      op: op(),
      d: { outcome: result.outcome, errCode: result.errCode, errInfo: result.errInfo, systemTraceNum },
    });
    if (result.outcome !== 'ok') {
      throw new AppError('GATEWAY', {
        zh: `激活终端失败：${result.errInfo ?? result.outcome}`,
        en: `Terminal activation failed: ${result.errInfo ?? result.outcome}`,
      });
    }
    const data = readActivations();
    data[activationKey()] = new Date(now()).toISOString();
    const tmp = `${activationFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, activationFile);
  }

  function core(id: string, od?: string): PreauthCore {
    const v = journal.preauth(id, od);
    if (!v) throw new AppError('NOT_FOUND', { zh: `找不到担保 ${id}`, en: `No such pre-auth: ${id}` });
    return book.state(id, v.day) as PreauthCore;
  }

  function publicView(v: PreauthFolded): PreauthView {
    const { unresolved: _u, ...rest } = v;
    return rest;
  }

  function write(id: string, od: string, draft: Parameters<typeof book.write>[2], operator?: string) {
    const after = book.write(id, od, draft, operator) as PreauthCore;
    const v = preauthView(after);
    book.progress(id, 'preauth', v.unresolved ? 'querying' : 'resolved', {
      zh: `担保：${v.status}`,
      en: `Pre-auth: ${v.status}`,
    });
    return after;
  }

  function replyData<T>(
    result: CallResult<T>,
    o: PreauthOp,
    extra: Partial<PreauthReplyData> = {},
  ): PreauthReplyData {
    const body = (result.body ?? {}) as Record<string, unknown>;
    const pick = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? { [k]: body[k] } : {});
    const outcome = result.outcome === 'ok' || result.outcome === 'declined' ? result.outcome : 'unknown';
    const detail = (result as { detail?: string }).detail;
    // The cashier's words: a decline's meaning or the client's bilingual text (raw detail stays in errInfo).
    const words = result as { meaning?: Bilingual; message?: Bilingual };
    const message = outcome === 'ok' ? undefined : (words.meaning ?? words.message);
    return {
      ...(message ? { message } : {}),
      op: o,
      outcome,
      ...(result.errCode ? { errCode: result.errCode } : {}),
      ...(result.errInfo ? { errInfo: result.errInfo } : detail ? { errInfo: detail } : {}),
      ...pick('orderId'),
      ...pick('authorizationCode'),
      ...pick('transactionDate'),
      ...pick('retrievalRefNum'),
      ...extra,
    };
  }

  /** One query of a pre-auth; true when its state is definite. */
  async function queryOnce(id: string, od: string): Promise<boolean> {
    const s = book.state(id, od) as PreauthCore;
    const deadline = Date.parse(s.createdAt) + deps.settings.get().queryDeadlineSeconds * 1000;
    const systemTraceNum = reserveTrace('query', id);
    const result = await deps.gateway.preauth.query({
      systemTraceNum,
      ...(s.orderId ? { originalOrderId: s.orderId } : {}),
      originalSystemTraceNum: s.systemTraceNum,
    });
    const q = interpretPreauthQuery(result);
    const data = replyData(result, 'query', {
      queryState: q.state,
      ...(q.orderId ? { orderId: q.orderId } : {}),
      ...(q.authorizationCode ? { authorizationCode: q.authorizationCode } : {}),
      // What a completion found by query completed: the amount its intent asked for.
      ...(q.state === 'completed' && s.open ? { amountFen: s.open.amountFen } : {}),
      ...(q.state === 'not-found' && now() >= deadline ? { afterDeadline: true } : {}),
    });
    const definite = ['authorized', 'completed', 'voided', 'failed'].includes(q.state);
    const after = write(id, od, {
      t: 'preauth.reply',
      d: { ...data, outcome: definite ? 'ok' : data.outcome },
    });
    return !preauthUnresolved(after);
  }

  /** Query until the deadline; still unknown → needs attention (recovery keeps querying). */
  async function settleUnknown(id: string, od: string, deadline: number): Promise<void> {
    await book.sleep(firstQueryMs);
    while (!book.stopped) {
      if (await queryOnce(id, od)) return;
      if (now() + queryEveryMs >= deadline) break;
      await book.sleep(queryEveryMs);
    }
    const s = book.state(id, od) as PreauthCore;
    if (preauthUnresolved(s) && !s.attention) {
      write(id, od, { t: 'order.mark', d: { message: ATTENTION, reason: 'preauth-unknown' } });
    }
  }

  async function start(input: { amountFen: number; code: string }): Promise<PreauthView> {
    const check = checkPayCode(input.code);
    if (!check.ok) throw new AppError('BAD_INPUT', check.message);
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
      throw new AppError('BAD_INPUT', { zh: '金额无效', en: 'Invalid amount' });
    }
    if (input.amountFen > deps.settings.get().maxAmountFen) {
      throw new AppError('BAD_INPUT', { zh: '金额超过上限', en: 'Amount above the limit' });
    }
    await ensureActivated();
    const id = makeId('P', deps.settings.get().terminalCode, now(), journal.nextSeq);
    const od = journal.today();
    const systemTraceNum = reserveTrace('preauthorize', id);
    write(id, od, {
      t: 'preauth.intent',
      d: {
        op: 'start',
        amountFen: input.amountFen,
        channel: check.channel,
        codeLast4: last4(check.code),
        systemTraceNum,
      },
    });
    const startedAt = now();
    await book.hold(id, async () => {
      const result = await deps.gateway.preauth.preauthorize({
        systemTraceNum,
        transactionAmount: input.amountFen,
        merchantOrderId: id,
        payCode: check.code,
      });
      const data = replyData(result, 'start');
      // Never left the machine: nothing was authorized.
      const after = write(id, od, {
        t: 'preauth.reply',
        d: isNotSent(result) ? { ...data, outcome: 'declined', notSent: true } : data,
      });
      if (preauthUnresolved(after)) {
        await settleUnknown(id, od, startedAt + deps.settings.get().queryDeadlineSeconds * 1000);
      }
    });
    return publicView(journal.preauth(id, od) as PreauthFolded);
  }

  async function followUp(
    kind: FollowUp,
    id: string,
    amountFen: number,
    managerId?: string,
  ): Promise<PreauthView> {
    const s = core(id);
    if (book.isBusy(id))
      throw new AppError('CONFLICT', { zh: '该担保正在处理中', en: 'This pre-auth is being worked on' });
    if (s.state !== 'authorized' || s.open) {
      throw new AppError('CONFLICT', {
        zh: '只有担保中的订单可以完成或撤销',
        en: 'Only an authorized pre-auth can be completed or voided',
      });
    }
    const completing = kind === 'complete' || kind === 'quickComplete';
    if (completing && (!Number.isSafeInteger(amountFen) || amountFen < 1 || amountFen > s.amountFen)) {
      throw new AppError('BAD_INPUT', {
        zh: '完成金额不能超过担保金额',
        en: 'Completion cannot exceed the authorized amount',
      });
    }
    const quick = kind === 'quickComplete' || kind === 'quickVoid';
    if (quick && !s.orderId)
      throw new AppError('CONFLICT', { zh: '缺少银商订单号', en: 'No 银商订单号 for a quick operation' });
    if (!quick && (!s.authorizationCode || !s.transactionDate)) {
      throw new AppError('CONFLICT', {
        zh: '缺少授权码或交易日期',
        en: 'Authorization code or date missing',
      });
    }
    const od = s.day;
    await book.hold(id, async () => {
      const systemTraceNum = reserveTrace(kind, id);
      write(id, od, {
        t: 'preauth.intent',
        d: { op: kind, amountFen, systemTraceNum, ...(managerId ? { managerId } : {}) },
      });
      engine.crash('after-preauth-intent');
      const common = { systemTraceNum, transactionAmount: amountFen };
      const full = {
        ...common,
        authorizationCode: s.authorizationCode as string,
        originalTransactionDate: s.transactionDate as string,
        originalSystemTraceNum: s.systemTraceNum,
      };
      const quickReq = {
        ...common,
        orderId: s.orderId as string,
        ...(s.transactionDate ? { originalTransactionDate: s.transactionDate } : {}),
        originalSystemTraceNum: s.systemTraceNum,
      };
      const result: CallResult<unknown> =
        kind === 'complete'
          ? await deps.gateway.preauth.complete(full)
          : kind === 'void'
            ? await deps.gateway.preauth.void(full)
            : kind === 'quickComplete'
              ? await deps.gateway.preauth.quickComplete(quickReq)
              : await deps.gateway.preauth.quickVoid(quickReq);
      engine.crash('after-preauth-reply');
      const data = replyData(result, kind, { amountFen });
      const after = write(id, od, {
        t: 'preauth.reply',
        d: isNotSent(result) ? { ...data, outcome: 'declined', notSent: true } : data,
      });
      if (preauthUnresolved(after)) await queryOnce(id, od);
    });
    return publicView(journal.preauth(id, od) as PreauthFolded);
  }

  const kind: OperationKind = {
    name: 'preauth',
    intent: RECORD.preauthIntent,
    async recover(id, od) {
      if (await queryOnce(id, od)) return;
      const s = book.state(id, od) as PreauthCore;
      const deadline = Date.parse(s.createdAt) + deps.settings.get().queryDeadlineSeconds * 1000;
      if (preauthUnresolved(s) && !s.attention && now() >= deadline) {
        write(id, od, { t: 'order.mark', d: { message: ATTENTION, reason: 'preauth-unknown' } });
      }
    },
  };
  book.register(kind);

  const service: PreauthService = {
    reserveTrace,
    start,
    complete: ({ id, amountFen, quick }) => followUp(quick ? 'quickComplete' : 'complete', id, amountFen),
    async void({ id, pin, quick }) {
      const manager = await deps.operators.requireManager(pin);
      return followUp(quick ? 'quickVoid' : 'void', id, core(id).amountFen, manager.id);
    },
    async query(id) {
      const s = core(id);
      if (!book.isBusy(id)) await book.hold(id, () => queryOnce(id, s.day));
      return publicView(journal.preauth(id, s.day) as PreauthFolded);
    },
    async recover() {
      for (const entry of journal.store.openSet()) {
        if (journal.preauth(entry.k, entry.od)) await book.recoverOne(entry.k, entry.od);
      }
    },
    handlers: () => ({
      'preauth.list': ({ openOnly }) =>
        journal.preauths(openOnly === undefined ? {} : { openOnly }).map((v) => publicView(v)),
      'preauth.start': (input) => start(input),
      'preauth.complete': ({ id, amountFen }) => service.complete({ id, amountFen }),
      'preauth.quickComplete': ({ id, amountFen }) => service.complete({ id, amountFen, quick: true }),
      'preauth.void': ({ id, pin }) => service.void({ id, pin }),
      'preauth.quickVoid': ({ id, pin }) => service.void({ id, pin, quick: true }),
      'preauth.query': ({ id }) => service.query(id),
    }),
  };
  return service;
}
