/**
 * Pre-authorization (担保, POS通 v1): activate once per terminal, then preauthorize, complete, void, the
 * quick variants (by 银商订单号) and queries. Journaled like sales: `preauth.intent` before every request,
 * `preauth.reply` after, key = our merchantOrderId for the pre-auth (prefix P).
 *
 * systemTraceNum (6 digits, unique per China day per merchant + terminal, spec §2 note 1): every v1 call
 * takes a fresh one. It is reserved durably first (`trace.reserve` record, fsync'd) and only then used, so
 * a crash at any instant can waste a number but never reuse one. The next number is 1 + the highest
 * reserved today, read from today's journal file.
 *
 * Reversal (冲正) is documented as unsupported and not offered. An unknown pre-auth is queried until the
 * deadline, then left "needs attention" and queried again by recovery.
 */
import fs from 'node:fs';
import path from 'node:path';
import { interpretPreauthQuery } from '../gateway/codes.js';
import type { CallResult, PosLinkClient } from '../gateway/types.js';
import type { EventHub, PartialHandlers } from '../ipc/router.js';
import { RECORD } from '../journal/records.js';
import type { PreauthView } from '../journal/views.js';
import { createLogger } from '../log/logger.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { checkPayCode, last4 } from '../shared/paycode.js';
import { type Engine, makeId, orderWriter } from './engine.js';

const log = createLogger('preauth');

export interface PreauthService {
  handlers(): PartialHandlers;
  /** Query every unresolved pre-auth once (start, timer). */
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
  /** Between queries of an unknown pre-auth (ms). Default 5 000; first after 3 000. */
  queryEveryMs?: number;
  firstQueryMs?: number;
}

type Op = 'start' | 'complete' | 'quickComplete' | 'void' | 'quickVoid' | 'query' | 'activate';

export function createPreauthService(deps: PreauthDeps): PreauthService {
  const journal = deps.engine.journal;
  const now = deps.now ?? Date.now;
  const activationFile = path.join(deps.dataDir, 'preauth-activation.json');
  const busy = new Set<string>();
  const op = () => deps.operators.current().id;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

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

  function isActivated(): boolean {
    try {
      const data = JSON.parse(fs.readFileSync(activationFile, 'utf8')) as Record<string, string>;
      return Boolean(data[activationKey()]);
    } catch {
      return false;
    }
  }

  async function ensureActivated(): Promise<void> {
    if (isActivated()) return;
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
    let data: Record<string, string> = {};
    try {
      data = JSON.parse(fs.readFileSync(activationFile, 'utf8')) as Record<string, string>;
    } catch {
      // first activation
    }
    data[activationKey()] = new Date(now()).toISOString();
    const tmp = `${activationFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, activationFile);
  }

  function view(id: string): PreauthView & { unresolved: boolean } {
    const v = journal.preauth(id);
    if (!v) throw new AppError('NOT_FOUND', { zh: `找不到担保 ${id}`, en: `No such pre-auth: ${id}` });
    return v;
  }

  function publicView(v: PreauthView & { unresolved: boolean }): PreauthView {
    const { unresolved: _u, ...rest } = v;
    return rest;
  }

  const write = orderWriter(journal, op, (id, st, un) =>
    deps.events.emit('txn.progress', {
      merchantOrderId: id,
      operation: 'preauth',
      step: un ? 'querying' : 'resolved',
      message: { zh: `担保：${st}`, en: `Pre-auth: ${st}` },
      at: new Date(now()).toISOString(),
    }),
  );

  function replyData<T>(
    result: CallResult<T>,
    o: Op,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const body = (result.body ?? {}) as Record<string, unknown>;
    const pick = (k: string) => (body[k] !== undefined && body[k] !== '' ? { [k]: body[k] } : {});
    return {
      op: o,
      outcome: result.outcome,
      ...(result.errCode ? { errCode: result.errCode } : {}),
      ...(result.errInfo
        ? { errInfo: result.errInfo }
        : result.outcome === 'unknown'
          ? { errInfo: result.detail }
          : {}),
      ...pick('orderId'),
      ...pick('authorizationCode'),
      ...pick('transactionDate'),
      ...pick('retrievalRefNum'),
      ...extra,
    };
  }

  async function start(input: { amountFen: number; code: string }): Promise<PreauthView> {
    const check = checkPayCode(input.code);
    if (!check.ok) throw new AppError('BAD_INPUT', check.message);
    if (input.amountFen > deps.settings.get().maxAmountFen) {
      throw new AppError('BAD_INPUT', { zh: '金额超过上限', en: 'Amount above the limit' });
    }
    await ensureActivated();
    const id = makeId('P', deps.settings.get().terminalCode, now(), journal.nextSeq);
    const systemTraceNum = reserveTrace('preauthorize', id);
    journal.write({
      t: RECORD.preauthIntent,
      k: id,
      op: op(),
      st: 'pending',
      un: true,
      d: {
        op: 'start',
        amountFen: input.amountFen,
        channel: check.channel,
        codeLast4: last4(check.code),
        systemTraceNum,
      },
    });
    const od = journal.today();
    busy.add(id);
    try {
      const result = await deps.gateway.preauth.preauthorize({
        systemTraceNum,
        transactionAmount: input.amountFen,
        merchantOrderId: id,
        payCode: check.code,
      });
      if (result.outcome === 'ok') {
        write(id, od, RECORD.preauthReply, 'authorized', false, replyData(result, 'start'));
      } else if (result.outcome === 'declined') {
        write(id, od, RECORD.preauthReply, 'declined', false, replyData(result, 'start'));
      } else {
        write(id, od, RECORD.preauthReply, 'unknown', true, replyData(result, 'start'));
        const deadline = now() + deps.settings.get().queryDeadlineSeconds * 1000;
        await sleep(deps.firstQueryMs ?? 3000);
        while (now() < deadline) {
          if (await queryOnce(id)) break;
          await sleep(deps.queryEveryMs ?? 5000);
        }
        const after = view(id);
        if (after.unresolved && after.status !== 'needs-attention') {
          write(id, od, RECORD.mark, 'needs-attention', true, {
            message: {
              zh: '担保结果未知，请勿重复操作，稍后将自动查询',
              en: 'Pre-auth outcome unknown: do not repeat it; it will be queried again',
            } satisfies Bilingual,
          });
        }
      }
    } finally {
      busy.delete(id);
    }
    return publicView(view(id));
  }

  /** One query of a pre-auth; true when its state is definite. */
  async function queryOnce(id: string): Promise<boolean> {
    const v = view(id);
    const systemTraceNum = reserveTrace('query', id);
    const result = await deps.gateway.preauth.query({
      systemTraceNum,
      ...(v.orderId ? { originalOrderId: v.orderId } : {}),
      originalSystemTraceNum: v.systemTraceNum,
    });
    const q = interpretPreauthQuery(result);
    const data = replyData(result, 'query', {
      queryState: q.state,
      ...(q.orderId ? { orderId: q.orderId } : {}),
    });
    if (q.authorizationCode) data.authorizationCode = q.authorizationCode;
    const map: Partial<Record<typeof q.state, PreauthView['status']>> = {
      authorized: 'authorized',
      completed: 'completed',
      voided: 'voided',
      failed: 'declined',
    };
    const status = map[q.state];
    if (status) {
      write(id, v.day, RECORD.preauthReply, status, false, { ...data, outcome: 'ok' });
      return true;
    }
    if (q.state === 'not-found' && v.status === 'pending') {
      write(id, v.day, RECORD.preauthReply, 'unknown', true, data);
      return false;
    }
    write(id, v.day, RECORD.preauthReply, v.status === 'pending' ? 'unknown' : v.status, true, data);
    return false;
  }

  async function followUp(
    kind: 'complete' | 'quickComplete' | 'void' | 'quickVoid',
    id: string,
    amountFen: number,
    extra: Record<string, unknown> = {},
  ): Promise<PreauthView> {
    const v = view(id);
    if (busy.has(id))
      throw new AppError('CONFLICT', { zh: '该担保正在处理中', en: 'This pre-auth is being worked on' });
    if (v.status !== 'authorized') {
      throw new AppError('CONFLICT', {
        zh: '只有担保中的订单可以完成或撤销',
        en: 'Only an authorized pre-auth can be completed or voided',
      });
    }
    if (kind.endsWith('omplete') && amountFen > v.amountFen) {
      throw new AppError('BAD_INPUT', {
        zh: '完成金额不能超过担保金额',
        en: 'Completion cannot exceed the authorized amount',
      });
    }
    const quick = kind === 'quickComplete' || kind === 'quickVoid';
    if (quick && !v.orderId)
      throw new AppError('CONFLICT', { zh: '缺少银商订单号', en: 'No 银商订单号 for a quick operation' });
    if (!quick && (!v.authorizationCode || !v.transactionDate)) {
      throw new AppError('CONFLICT', {
        zh: '缺少授权码或交易日期',
        en: 'Authorization code or date missing',
      });
    }
    busy.add(id);
    try {
      const systemTraceNum = reserveTrace(kind, id);
      const pending: PreauthView['status'] = kind.endsWith('omplete') ? 'completing' : 'authorized';
      write(id, v.day, RECORD.preauthIntent, pending, true, {
        op: kind,
        amountFen,
        systemTraceNum,
        ...extra,
      });
      const common = { systemTraceNum, transactionAmount: amountFen };
      const full = {
        ...common,
        authorizationCode: v.authorizationCode as string,
        originalTransactionDate: v.transactionDate as string,
        originalSystemTraceNum: v.systemTraceNum,
      };
      const quickReq = {
        ...common,
        orderId: v.orderId as string,
        ...(v.transactionDate ? { originalTransactionDate: v.transactionDate } : {}),
        originalSystemTraceNum: v.systemTraceNum,
      };
      const result: CallResult<unknown> =
        kind === 'complete'
          ? await deps.gateway.preauth.complete(full)
          : kind === 'void'
            ? await deps.gateway.preauth.void(full)
            : kind === 'quickComplete'
              ? await deps.gateway.preauth.quickComplete(quickReq)
              : await deps.gateway.preauth.quickVoid(quickReq);
      const done: PreauthView['status'] = kind.endsWith('omplete') ? 'completed' : 'voided';
      const data = replyData(result, kind, { amountFen });
      if (result.outcome === 'ok') write(id, v.day, RECORD.preauthReply, done, false, data);
      else if (result.outcome === 'declined')
        write(id, v.day, RECORD.preauthReply, 'authorized', false, data);
      else {
        write(
          id,
          v.day,
          RECORD.preauthReply,
          pending === 'completing' ? 'completing' : 'unknown',
          true,
          data,
        );
        await queryOnce(id).catch((error: unknown) => log.warn('pre-auth query failed', { id, error }));
      }
    } finally {
      busy.delete(id);
    }
    return publicView(view(id));
  }

  async function recover(): Promise<void> {
    for (const entry of journal.store.openSet()) {
      if (!entry.k.startsWith('P') || busy.has(entry.k)) continue;
      if (!journal.preauth(entry.k, entry.od)) continue;
      busy.add(entry.k);
      try {
        await queryOnce(entry.k);
      } catch (error) {
        log.warn('pre-auth recovery failed', { id: entry.k, error });
      } finally {
        busy.delete(entry.k);
      }
    }
  }

  const service: PreauthService = {
    reserveTrace,
    start,
    complete: ({ id, amountFen, quick }) => followUp(quick ? 'quickComplete' : 'complete', id, amountFen),
    async void({ id, pin, quick }) {
      const manager = await deps.operators.requireManager(pin);
      return followUp(quick ? 'quickVoid' : 'void', id, view(id).amountFen, { managerId: manager.id });
    },
    async query(id) {
      if (!busy.has(id)) {
        busy.add(id);
        try {
          await queryOnce(id);
        } finally {
          busy.delete(id);
        }
      }
      return publicView(view(id));
    },
    recover,
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
