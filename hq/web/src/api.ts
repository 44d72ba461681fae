/** The head-office API as the page uses it (same origin). Types come from the service's own modules. */
import type { OrderView } from '../../../main/journal/views.js';
import type { Report, Totals } from '../../../main/reports/types.js';
import type { Reconciliation } from '../../src/reconcile.js';
import type { CounterSync, Settlement, UnresolvedOrder } from '../../src/reports.js';

export type { CounterSync, OrderView, Reconciliation, Report, Settlement, Totals, UnresolvedOrder };

export interface Alert {
  id: number;
  kind: string;
  terminalId: string | null;
  storeId: string | null;
  zh: string;
  en: string;
  at: string;
}

export class ApiError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as
    | (T & { error?: { message?: { zh: string; en: string } } })
    | undefined;
  if (!response.ok || !body) {
    const m = body?.error?.message;
    throw new ApiError(
      m?.zh ?? `请求失败 (${response.status})`,
      m?.en ?? `Request failed (${response.status})`,
    );
  }
  return body;
}

export const api = {
  settlement: (day: string) => fetch(`api/settlement?day=${day}`).then((r) => json<Settlement>(r)),
  counters: () => fetch('api/counters').then((r) => json<{ counters: CounterSync[]; now: string }>(r)),
  orders: (day: string, terminal: string) =>
    fetch(`api/orders?day=${day}&terminal=${encodeURIComponent(terminal)}`).then((r) =>
      json<{ orders: OrderView[] }>(r),
    ),
  unresolved: () => fetch('api/unresolved').then((r) => json<{ orders: UnresolvedOrder[] }>(r)),
  alerts: () => fetch('api/alerts').then((r) => json<{ alerts: Alert[] }>(r)),
  acquirers: () => fetch('api/acquirers').then((r) => json<{ acquirers: string[] }>(r)),
  importStatement: (acquirer: string, file: File) =>
    fetch(`api/statements/${acquirer}?file=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
    }).then((r) => json<{ lines: number; skipped: Array<{ row: number; why: string }>; days: string[] }>(r)),
  reconciliation: (acquirer: string, day: string, store?: string) =>
    fetch(
      `api/reconciliation?acquirer=${acquirer}&day=${day}${store ? `&store=${encodeURIComponent(store)}` : ''}`,
    ).then((r) => json<Reconciliation>(r)),
};
