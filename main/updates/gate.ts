/**
 * When may a downloaded update be installed? Only where it cannot touch money: at the start of the day
 * before the first sale, or right after the day is closed (日结), and only when nothing is open — no
 * sale under way, no order whose outcome is unknown, no receipt waiting to print, and every journal
 * record uploaded to head office (when a head office is configured). A pure function of the facts.
 */
import type { Bilingual } from '../shared/errors.js';

export type GateMoment =
  /** The app has just started and no sale has begun since. */
  | 'startup'
  /** The daily settlement (日结) has just been done. */
  | 'after-day-close'
  /** Any other time. */
  | 'trading';

export interface GateFacts {
  moment: GateMoment;
  /** A verified update is downloaded and waiting. */
  updateReady: boolean;
  /** Sales begun since the app started (the start-up window closes with the first). */
  salesSinceStart: number;
  /** A sale past idle and not finished (awaiting a code, in flight, needing attention). */
  saleInProgress: boolean;
  /** Orders whose outcome is still unknown (recovery has not finished with them). */
  unresolvedOrders: number;
  /** Print jobs queued, printing or waiting to retry. */
  printJobsPending: number;
  /** Every journal record uploaded to head office; true when no head office is configured. */
  journalSynced: boolean;
}

export type GateReason =
  | 'install'
  | 'no-update'
  | 'not-now'
  | 'sale-in-progress'
  | 'unresolved-orders'
  | 'printing'
  | 'journal-not-synced'
  /** The release was halted on the feed after it was downloaded (checked again just before installing). */
  | 'halted';

export interface GateDecision {
  install: boolean;
  reason: GateReason;
  message: Bilingual;
}

const MESSAGES: Record<GateReason, Bilingual> = {
  install: { zh: '正在安装更新，收银台将自动重启', en: 'Installing the update: the till restarts by itself' },
  'no-update': { zh: '没有待安装的更新', en: 'No update waiting' },
  'not-now': {
    zh: '更新将在下次开机（首笔交易前）或日结后安装',
    en: 'The update installs at the next start (before the first sale) or after the day is closed',
  },
  'sale-in-progress': { zh: '有交易正在进行，暂不安装更新', en: 'A sale is under way: the update waits' },
  'unresolved-orders': {
    zh: '有结果未知的订单尚未处理，暂不安装更新',
    en: 'An order with an unknown outcome is still open: the update waits',
  },
  printing: { zh: '小票仍在打印，暂不安装更新', en: 'Receipts are still printing: the update waits' },
  halted: {
    zh: '此版本的发布已被暂停，不会安装',
    en: 'The release of this version was halted: it will not be installed',
  },
  'journal-not-synced': {
    zh: '交易记录尚未全部上传总部，暂不安装更新',
    en: 'Not every journal record has reached head office yet: the update waits',
  },
};

export const decision = (reason: GateReason): GateDecision => ({
  install: reason === 'install',
  reason,
  message: MESSAGES[reason],
});

export function gate(f: GateFacts): GateDecision {
  const decide = decision;
  if (!f.updateReady) return decide('no-update');
  if (f.moment === 'trading') return decide('not-now');
  if (f.moment === 'startup' && f.salesSinceStart > 0) return decide('not-now');
  if (f.saleInProgress) return decide('sale-in-progress');
  if (f.unresolvedOrders > 0) return decide('unresolved-orders');
  if (f.printJobsPending > 0) return decide('printing');
  if (!f.journalSynced) return decide('journal-not-synced');
  return decide('install');
}
