/** IPC handlers of the sale, orders, journal and reports channels, mounted by services.ts. */
import { AppError } from '../ipc/errors.js';
import type { PartialHandlers } from '../ipc/router.js';
import type { Engine, PrintPort } from './engine.js';
import type { PreauthService } from './preauth.js';

export function engineHandlers(
  engine: Engine,
  options: { printer?: () => PrintPort | undefined; preauth?: PreauthService } = {},
): PartialHandlers {
  const journal = engine.journal;
  const printer = () => {
    const p = options.printer?.();
    if (!p) throw new AppError('UNAVAILABLE', { zh: '未配置打印机', en: 'No printer configured' });
    return p;
  };
  const handlers: PartialHandlers = {
    'sale.begin': (input) => engine.sale.begin(input),
    'sale.cancel': () => engine.sale.cancel(),
    'sale.reset': () => engine.sale.reset(),
    'sale.park': () => engine.sale.park(),
    'sale.current': () => engine.sale.current(),

    'orders.list': (input) => journal.list(input),
    'orders.get': ({ id }) => {
      const order = journal.findOrder(id);
      if (!order) throw new AppError('NOT_FOUND', { zh: `找不到订单 ${id}`, en: `No such order: ${id}` });
      return journal.detail(order);
    },
    'orders.unresolved': () => journal.unresolved().map((o) => o.view),
    'orders.resolve': ({ merchantOrderId }) => engine.resolveNow(merchantOrderId),
    'orders.void': async (input) => journal.detail(await engine.voidOrder(input)),
    'orders.refund': async (input) => journal.detail(await engine.refundOrder(input)),
    'orders.export': ({ day, format }) => journal.export(day, format),
    'journal.verify': () => journal.verify(),

    'reports.settlement': ({ day }) => journal.settlement(day),
    'reports.shift': (input) => journal.shift(input),
  };
  // Printing (issue 6) mounts orders.reprint / reports.print itself; these are for a build without it.
  if (options.printer) {
    Object.assign(handlers, {
      'orders.reprint': async ({ id, copy }: { id: string; copy?: 'customer' | 'merchant' | 'both' }) => {
        const order = journal.findOrder(id);
        if (!order) throw new AppError('NOT_FOUND', { zh: `找不到订单 ${id}`, en: `No such order: ${id}` });
        const jobIds = await printer().printOrder(order.view.merchantOrderId, {
          reprint: true,
          ...(copy ? { copy } : {}),
        });
        return { jobIds };
      },
      'reports.print': async ({
        kind,
        day,
        operatorId,
      }: {
        kind: 'settlement' | 'shift';
        day: string;
        operatorId?: string;
      }) => {
        const report =
          kind === 'settlement'
            ? journal.settlement(day)
            : journal.shift({ ...(operatorId ? { operatorId } : {}) });
        return { jobIds: await printer().printReport(report) };
      },
    } satisfies PartialHandlers);
  }
  if (options.preauth) Object.assign(handlers, options.preauth.handlers());
  return handlers;
}
