/** Notices about the settings themselves, shown on the settings screen (PublicSettings.notices). */

import type { Bilingual } from '../shared/errors.js';
import type { SettingsNotice } from './public.js';

export interface NoticeBoard {
  add(code: SettingsNotice['code'], level: SettingsNotice['level'], message: Bilingual): SettingsNotice;
  /** Drop a notice once its cause is dealt with (e.g. the unreadable secret was entered again). */
  clear(code: SettingsNotice['code']): void;
  list(): SettingsNotice[];
  /** Called for every notice added: the composition root forwards these as 'app.notice'. */
  onAdd(listener: (notice: SettingsNotice) => void): () => void;
}

export function createNoticeBoard(now: () => Date = () => new Date()): NoticeBoard {
  const notices: SettingsNotice[] = [];
  const listeners = new Set<(notice: SettingsNotice) => void>();
  return {
    add(code, level, message) {
      const notice = { code, level, message, at: now().toISOString() };
      const index = notices.findIndex((n) => n.code === code);
      if (index >= 0) notices[index] = notice;
      else notices.push(notice);
      for (const listener of listeners) listener(notice);
      return notice;
    },
    clear(code) {
      const index = notices.findIndex((n) => n.code === code);
      if (index >= 0) notices.splice(index, 1);
    },
    list: () => notices.map((n) => ({ ...n })),
    onAdd(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
