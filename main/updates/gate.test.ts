import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GateFacts, gate } from './gate.js';

const calm: GateFacts = {
  moment: 'startup',
  updateReady: true,
  salesSinceStart: 0,
  saleInProgress: false,
  unresolvedOrders: 0,
  printJobsPending: 0,
  journalSynced: true,
};

describe('the install gate', () => {
  it.each<[string, Partial<GateFacts>, boolean, string]>([
    ['start of day, nothing open', {}, true, 'install'],
    ['right after 日结', { moment: 'after-day-close', salesSinceStart: 40 }, true, 'install'],
    ['no update downloaded', { updateReady: false }, false, 'no-update'],
    ['in the middle of trading', { moment: 'trading' }, false, 'not-now'],
    ['start-up window closed by the first sale', { salesSinceStart: 1 }, false, 'not-now'],
    ['a sale is under way', { saleInProgress: true }, false, 'sale-in-progress'],
    ['an order with an unknown outcome', { unresolvedOrders: 1 }, false, 'unresolved-orders'],
    ['a receipt still printing', { printJobsPending: 2 }, false, 'printing'],
    ['journal not uploaded to head office', { journalSynced: false }, false, 'journal-not-synced'],
    [
      'after 日结 but a receipt is printing',
      { moment: 'after-day-close', printJobsPending: 1 },
      false,
      'printing',
    ],
  ])('%s → %s', (_name, change, install, reason) => {
    const decision = gate({ ...calm, ...change });
    expect(decision).toMatchObject({ install, reason });
    expect(decision.message.zh.length).toBeGreaterThan(0);
    expect(decision.message.en.length).toBeGreaterThan(0);
  });

  it('installs exactly when every condition holds (any facts)', () => {
    const facts = fc.record({
      moment: fc.constantFrom('startup' as const, 'after-day-close' as const, 'trading' as const),
      updateReady: fc.boolean(),
      salesSinceStart: fc.nat(5),
      saleInProgress: fc.boolean(),
      unresolvedOrders: fc.nat(3),
      printJobsPending: fc.nat(3),
      journalSynced: fc.boolean(),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const safeMoment =
          f.moment === 'after-day-close' || (f.moment === 'startup' && f.salesSinceStart === 0);
        const nothingOpen =
          !f.saleInProgress && f.unresolvedOrders === 0 && f.printJobsPending === 0 && f.journalSynced;
        expect(gate(f).install).toBe(f.updateReady && safeMoment && nothingOpen);
      }),
      { numRuns: 500 },
    );
  });
});
