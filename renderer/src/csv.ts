/**
 * The orders CSV as the shop reads it: headers, statuses and channels in the UI language, times in
 * China time (YYYY-MM-DD HH:mm:ss), operators by name, amounts in yuan from money.ts. Built from the
 * journal's JSON export (orders.export { format: 'json' }), so main keeps one machine-readable
 * export and the screen owns the words.
 */
import type { OrderView } from '../../main/ipc/channels/orders';
import { fenToYuanText } from '../../main/shared/money';

type Words = Record<string, string>;

const COLUMNS = [
  'csv.merchantOrderId',
  'csv.orderId',
  'csv.time',
  'csv.operator',
  'csv.channel',
  'csv.code',
  'csv.status',
  'csv.amount',
  'csv.paid',
  'csv.refunded',
  'csv.rrn',
] as const;

/** An ISO instant as China time, "2026-12-01 17:35:43". */
export function chinaDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}:${get('second')}`;
}

function cell(value: string): string {
  // Neutralise spreadsheet formulas and quote anything with separators.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * `words` is the UI catalogue (zh or en); `operatorName` turns an id into the name the shop gave.
 * Starts with a BOM so spreadsheet programs open the UTF-8 text correctly.
 */
export function ordersCsv(
  orders: OrderView[],
  words: Words,
  operatorName: (id: string) => string = (id) => id,
): string {
  const w = (key: string) => words[key] ?? key;
  const header = COLUMNS.map((c) => cell(w(c))).join(',');
  const rows = orders.map((o) =>
    [
      o.merchantOrderId,
      o.orderId ?? '',
      chinaDateTime(o.createdAt),
      operatorName(o.operatorId),
      w(`channel.${o.channel}`),
      o.codeLast4 ? `•••• ${o.codeLast4}` : '',
      w(`status.order.${o.status}`),
      fenToYuanText(o.amountFen),
      o.paidFen === undefined ? '' : fenToYuanText(o.paidFen),
      fenToYuanText(o.refundedFen),
      o.retrievalRefNum ?? '',
    ]
      .map(cell)
      .join(','),
  );
  return `\uFEFF${[header, ...rows].join('\r\n')}\r\n`;
}
