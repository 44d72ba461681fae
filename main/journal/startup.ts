/**
 * What the cashier is told about the journal at start and while it runs: damage or tampering the
 * start-up check found, torn lines set aside, and writing that stopped. The composition root puts these
 * on the notice board (shown at start, in the status bar and on the settings screen) and clears
 * 'journal-unwritable' when writing works again.
 */
import type { Bilingual } from '../shared/errors.js';
import type { JournalHealth, OpenReport, ProblemKind } from './store.js';

export type JournalNoticeCode = 'journal-damaged' | 'journal-unwritable' | 'journal-torn';

export interface JournalNotice {
  code: JournalNoticeCode;
  level: 'info' | 'warning' | 'error';
  message: Bilingual;
}

const KIND: Record<ProblemKind, { zh: string; en: string }> = {
  altered: { zh: '记录被改动', en: 'altered' },
  deleted: { zh: '记录被删除', en: 'deleted' },
  reordered: { zh: '顺序被调换', en: 'reordered' },
  gap: { zh: '序号缺失', en: 'sequence gap' },
  unchained: { zh: '缺少哈希', en: 'without hash' },
  damaged: { zh: '行已损坏', en: 'damaged line' },
  torn: { zh: '不完整的行', en: 'torn line' },
};

/** The notices an open leaves behind (none for a clean journal that can be written). */
export function journalStartNotices(report: OpenReport, health: JournalHealth, dir: string): JournalNotice[] {
  const out: JournalNotice[] = [];
  const problems = report.problems;
  if (problems.length > 0) {
    const kinds = [...new Set(problems.map((p) => p.kind))];
    const first = problems[0] as (typeof problems)[number];
    out.push({
      code: 'journal-damaged',
      level: 'error',
      message: {
        zh: `账本检查发现 ${problems.length} 处问题：${kinds.map((k) => KIND[k].zh).join('、')}（${first.file} 第 ${first.line} 行）。请经理在“设置 → 检查账本完整性”查看全部，并告知总部。`,
        en: `Journal check found ${problems.length} problem(s): ${kinds.map((k) => KIND[k].en).join(', ')} (${first.file} line ${first.line}: ${first.problem}). A manager can list them all under Settings → Verify the journal; tell head office.`,
      },
    });
  }
  if (report.tornSetAside.length > 0) {
    const bytes = report.tornSetAside.reduce((n, t) => n + t.bytes, 0);
    out.push({
      code: 'journal-torn',
      level: 'warning',
      message: {
        zh: `上次写入被中断：${report.tornSetAside.length} 处不完整的行（${bytes} 字节）已移到 ${dir}/torn，它们不是完整的记录。`,
        en: `The last write was cut off: ${report.tornSetAside.length} incomplete line(s) (${bytes} bytes) moved to ${dir}/torn; they never were whole records.`,
      },
    });
  }
  const unwritable = healthNotice(health);
  if (unwritable) out.push(unwritable);
  return out;
}

/** The notice for a journal that cannot be written; undefined while it can. */
export function healthNotice(health: JournalHealth): JournalNotice | undefined {
  if (health.writable) return undefined;
  return {
    code: 'journal-unwritable',
    level: 'error',
    message: health.problem ?? {
      zh: '收银记录无法写入，已暂停收款。',
      en: 'The receipt journal cannot be written: taking payments is paused.',
    },
  };
}
