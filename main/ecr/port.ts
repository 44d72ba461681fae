/**
 * Everything the ECR link needs from the money side, behind one port: the counter's sale, the journal's
 * orders, manager-approved voids and refunds. The ECR service codes against this interface only, so
 * adapting to another engine is this one file.
 */
import type { Engine } from '../engine/engine.js';
import type { SaleState } from '../engine/sale-state.js';
import type { EventHub } from '../ipc/router.js';
import type { JournalRecord } from '../journal/format.js';
import type { Journal } from '../journal/journal.js';
import type { EcrOrigin, OrderState } from '../journal/records.js';

export type { EcrOrigin };

export interface EcrMoneyPort {
  /** The sale on the counter screen now. */
  sale(): SaleState;
  /** Someone is signed in at the counter (every record names an operator; someone must scan). */
  staffed(): boolean;
  /** Show the amount on the counter, waiting for a code; throws AppError CONFLICT when it cannot. */
  begin(input: { amountFen: number; remark?: string; ecr?: EcrOrigin }): SaleState;
  /** Back out of a sale still waiting for its code. */
  cancel(): SaleState;
  /** Hand over a code for the sale waiting for one: the intent is journaled before this returns. */
  acceptCode(code: string): Promise<void>;
  findByEcrId(ecrId: string): OrderState | undefined;
  order(merchantOrderId: string): OrderState | undefined;
  voidOrder(input: {
    merchantOrderId: string;
    pin: string;
    approvedBy?: string;
    reason: string;
  }): Promise<unknown>;
  refundOrder(input: {
    merchantOrderId: string;
    amountFen: number;
    pin: string;
    approvedBy?: string;
    reason: string;
  }): Promise<unknown>;
  /** A durable record of the link's own (requests, aborts), in the receipt journal. */
  append(type: string, key: string, data: Record<string, unknown>): void;
  /** The link's own records of the last `days` days, oldest first. */
  records(prefix: string, days: number): JournalRecord[];
  /** Something changed: a journal record or the counter's sale. */
  onChange(listener: () => void): () => void;
}

export function enginePort(
  engine: Engine,
  journal: Journal,
  events: EventHub,
  staffed: () => boolean = () => true,
): EcrMoneyPort {
  return {
    sale: () => engine.sale.current(),
    staffed,
    begin: (input) => engine.sale.begin(input),
    cancel: () => engine.sale.cancel(),
    acceptCode: (code) => engine.sale.acceptCode(code, 'manual', 'ecr'),
    findByEcrId: (ecrId) => journal.findByEcrId(ecrId),
    order: (id) => journal.order(id),
    voidOrder: (input) => engine.voidOrder(input),
    refundOrder: (input) => engine.refundOrder(input),
    append: (type, key, data) => void journal.append(type, key, data),
    records(prefix, days) {
      const out: JournalRecord[] = [];
      for (const day of journal.store.days().slice(-days)) {
        for (const r of journal.store.recordsWrittenOn(day)) if (r.t.startsWith(prefix)) out.push(r);
      }
      return out;
    },
    onChange(listener) {
      const offJournal = journal.onAppend(() => listener());
      const offEvents = events.subscribe((name) => {
        if (name === 'sale.state') listener();
      });
      return () => {
        offJournal();
        offEvents();
      };
    },
  };
}
