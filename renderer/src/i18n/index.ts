/**
 * i18next set-up: Chinese by default, English switchable. Keys are flat ('checkout.amount'), so the
 * key separator is off; `useT()` gives a `t` whose keys the type checker knows.
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Bilingual } from '../../../main/ipc/errors';
import { en } from './en';
import { type MessageKey, zh } from './zh';

export type Lang = 'zh-CN' | 'en';

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export const i18n = i18next;

export function setLanguage(lang: Lang): void {
  if (i18next.language !== lang) void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export type TFn = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** `t` with checked keys, plus `bi` to pick the current language of a { zh, en } message. */
export function useT(): { t: TFn; bi: (m: Bilingual | undefined) => string; lang: Lang } {
  const { t, i18n: inst } = useTranslation();
  const lang: Lang = inst.language === 'en' ? 'en' : 'zh-CN';
  return {
    t: t as unknown as TFn,
    bi: (m) => (m ? (lang === 'en' ? m.en : m.zh) : ''),
    lang,
  };
}

export type { MessageKey };
