/** The renderer's only door to main: `window.cashier`, installed by the preload or the harness bridge. */
import type { CashierApi } from '../../main/ipc/contract';

declare global {
  interface Window {
    readonly cashier: CashierApi;
  }
}

export const cashier: CashierApi = window.cashier;
