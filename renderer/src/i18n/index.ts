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

/** System error codes that reach messages from main (a printer's socket, a file), in words. */
const SYSTEM_CODES: Record<string, { zh: string; en: string }> = {
  ECONNREFUSED: { zh: '对方拒绝连接', en: 'connection refused' },
  ECONNRESET: { zh: '连接被断开', en: 'connection reset' },
  ETIMEDOUT: { zh: '连接超时', en: 'timed out' },
  EHOSTUNREACH: { zh: '主机不可达', en: 'host unreachable' },
  ENETUNREACH: { zh: '网络不可达', en: 'network unreachable' },
  ENOTFOUND: { zh: '找不到主机', en: 'host not found' },
  EAI_AGAIN: { zh: '域名解析失败', en: 'name lookup failed' },
  ENOENT: { zh: '设备或文件不存在', en: 'no such device or file' },
  EACCES: { zh: '没有权限', en: 'permission denied' },
  EPERM: { zh: '没有权限', en: 'permission denied' },
  EBUSY: { zh: '设备正被占用', en: 'device busy' },
  EPIPE: { zh: '连接已关闭', en: 'connection closed' },
};

/** A message from main in the UI language, with system error codes put into words. */
export function pick(m: Bilingual | undefined, lang: Lang): string {
  if (!m) return '';
  const text = lang === 'en' ? m.en : m.zh;
  return text.replace(/\b(E[A-Z_]{3,})\b/g, (code) => {
    const words = SYSTEM_CODES[code];
    return words ? (lang === 'en' ? words.en : words.zh) : code;
  });
}

/** `t` with checked keys, plus `bi` to pick the current language of a { zh, en } message. */
export function useT(): { t: TFn; bi: (m: Bilingual | undefined) => string; lang: Lang } {
  const { t, i18n: inst } = useTranslation();
  const lang: Lang = inst.language === 'en' ? 'en' : 'zh-CN';
  return {
    t: t as unknown as TFn,
    bi: (m) => pick(m, lang),
    lang,
  };
}

export type { MessageKey };
