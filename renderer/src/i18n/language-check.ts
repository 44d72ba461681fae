/**
 * What counts as "the other language" on screen, for the tests that keep each UI in its own language
 * (renderer/src/i18n/catalogue.test.ts on the catalogues, e2e/i18n.spec.ts on every screen).
 *
 * Allowed in the Chinese UI: key names (Enter, Esc, F1…), names a shop sees on its own paperwork or
 * devices (AppId, AppKey, PIN, USB, HID, TCP…), units, and the language switch's "English".
 * Allowed in the English UI: the switch back, "中文", and nothing else in Chinese.
 */
export const LATIN_ALLOWED_IN_ZH = new Set([
  'Enter',
  'Esc',
  'Tab',
  'Backspace',
  'AppId',
  'AppKey',
  'AccessToken',
  'OPEN-BODY-SIG',
  'PIN',
  'USB',
  'HID',
  'TCP',
  // The ECR link to the shop's host POS, as its vendor's paperwork names it.
  'ECR',
  'HTTP',
  'HTTPS',
  'API',
  'TLS',
  'LAN',
  'CSV',
  'JSON',
  'XML',
  'GBK',
  'MD5',
  'ID',
  'URL',
  'http',
  'https',
  'mm',
  'ms',
  'isspid',
  'system_id',
  'pos_seq',
  'POS',
  // The OS, and the modes and command set printed in scanner and printer manuals.
  'Windows',
  'HID-POS',
  'USB-CDC',
  'ESC',
  'English',
  'EN',
  'DEMO',
]);

export const CJK_ALLOWED_IN_EN = new Set(['中文']);

/** Latin words in Chinese text that are not allowed there. */
export function englishIn(text: string): string[] {
  const words = text.match(/[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9]+)*/g) ?? [];
  return words.filter((w) => !LATIN_ALLOWED_IN_ZH.has(w) && !/^F\d{1,2}$/.test(w));
}

/** Runs of Chinese characters in English text that are not allowed there. */
export function chineseIn(text: string): string[] {
  const runs = text.match(/[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+/g) ?? [];
  return runs.filter((r) => !CJK_ALLOWED_IN_EN.has(r));
}
