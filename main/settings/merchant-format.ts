/**
 * The credential formats ChinaUMS issues. The POS通 spec types 商户号 and 终端号 only as required strings;
 * the issued values are the ISO 8583 card-acceptor ids: 15 digits and 8 letters or digits. The settings
 * screen checks the same rule; main checks it again so no other caller can store a code the gateway refuses.
 */
import { AppError, type FieldIssue } from '../shared/errors.js';

const FORMATS = {
  merchantCode: {
    pattern: /^\d{15}$/,
    zh: '商户号应为 15 位数字',
    en: 'The merchant code is 15 digits',
  },
  terminalCode: {
    pattern: /^[A-Za-z0-9]{8}$/,
    zh: '终端号应为 8 位字母或数字',
    en: 'The terminal code is 8 letters or digits',
  },
} as const;

/**
 * Throws BAD_INPUT naming each bad field when the patch sets a merchant or terminal code that is not
 * in the issued format. A value equal to the stored one is not new input and passes as it is.
 */
export function checkMerchantCodes(
  patch: { merchantCode?: string; terminalCode?: string },
  current: { merchantCode: string; terminalCode: string },
): void {
  const fields: FieldIssue[] = [];
  const zh: string[] = [];
  const en: string[] = [];
  for (const key of ['merchantCode', 'terminalCode'] as const) {
    const value = patch[key];
    if (value === undefined || value === current[key]) continue;
    const format = FORMATS[key];
    if (format.pattern.test(value)) continue;
    fields.push({ path: key, message: `${format.zh} / ${format.en}` });
    zh.push(format.zh);
    en.push(format.en);
  }
  if (fields.length > 0) throw new AppError('BAD_INPUT', { zh: zh.join('；'), en: en.join('; ') }, fields);
}
