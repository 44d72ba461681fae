/**
 * IPC handlers of the sale, orders and journal channels, mounted by services.ts. Reports are
 * main/reports/handlers.ts; printing (orders.reprint, reports.print) is main/printing/service.ts.
 */

import type { PartialHandlers } from '../ipc/router.js';
import { AppError } from '../shared/errors.js';
import type { Engine } from './engine.js';
import type { PreauthService } from './preauth.js';

export function engineHandlers(engine: Engine, options: { preauth?: PreauthService } = {}): PartialHandlers {
  const journal = engine.journal;
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
    // A year's check takes tens of seconds: the async walk yields between files so sales go on meanwhile.
    'journal.verify': () => journal.store.verifyAsync(),
  };
  if (options.preauth) Object.assign(handlers, options.preauth.handlers());
  return handlers;
}
