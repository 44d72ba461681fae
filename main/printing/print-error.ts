/** What can go wrong with a print job, in both languages: every transport throws a PrintError. */
import type { Bilingual } from '../shared/errors.js';

export type PrintFailure =
  | 'offline'
  | 'paper-out'
  | 'timeout'
  | 'io'
  | 'unavailable'
  /** The OS has no installed printer by that name. */
  | 'not-found'
  /** The OS print queue is paused / stopped: someone has to resume it there. */
  | 'paused'
  /** The driver cannot take RAW bytes (XPS-only drivers, RDP Easy Print). */
  | 'unsupported';

const MESSAGES: Record<PrintFailure, Bilingual> = {
  offline: { zh: '打印机离线或上盖打开', en: 'Printer offline or cover open' },
  'paper-out': { zh: '打印机缺纸，请装纸后重打', en: 'Printer out of paper: load paper, then reprint' },
  timeout: { zh: '打印机无响应（超时）', en: 'Printer not responding (timeout)' },
  io: { zh: '打印机连接失败', en: 'Could not reach the printer' },
  unavailable: { zh: '未配置打印机', en: 'No printer configured' },
  'not-found': { zh: '系统中找不到这台打印机', en: 'No installed printer by that name' },
  paused: {
    zh: '打印队列已暂停，请在系统的打印机设置中恢复',
    en: 'The print queue is paused: resume it in the system printer settings',
  },
  unsupported: {
    zh: '此打印机驱动不支持原始（RAW）打印，请改用厂商驱动或网络/串口连接',
    en: "This printer's driver does not accept raw (RAW) printing: use the vendor driver, or a network/serial connection",
  },
};

export class PrintError extends Error {
  readonly reason: PrintFailure;
  readonly bilingual: Bilingual;
  constructor(reason: PrintFailure, detail?: string) {
    const message = MESSAGES[reason];
    super(detail ? `${message.en}: ${detail}` : message.en);
    this.name = 'PrintError';
    this.reason = reason;
    this.bilingual = detail ? { zh: `${message.zh}（${detail}）`, en: `${message.en} (${detail})` } : message;
  }
}
