/**
 * Where a scan goes. Every scan — HID, serial, keyboard wedge, typed by hand — passes through `route`,
 * which decides exactly one destination and emits one masked `scan.received` event:
 *
 *   1. settings armed a scanner test       → 'scanner-test' (shown masked, never sent)
 *   2. the orders screen is in front and
 *      the scan names a known order        → 'order-lookup' (the UI opens that order)
 *   3. the pre-auth screen is in front with
 *      an amount typed and a plausible code → 'preauth' (starts the pre-auth at that amount)
 *   4. a sale is waiting for a payment code,
 *      or the checkout has a typed amount,
 *      and the scan is a plausible code     → 'sale' (the scan confirms the typed amount: the sale
 *                                               begins at it, then the engine sends the pay)
 *   5. anything else                       → 'dropped', with the reason (shown, never sent)
 *
 * Only one payment code is handed to the sale at a time: a second scan that arrives while the first
 * is being accepted (a customer's phone read twice) is dropped, whatever the engine would have said.
 */

import type { Logger } from '../log/logger.js';
import type { Bilingual } from '../shared/errors.js';
import { checkPayCode, maskCode, normalizeScan } from '../shared/paycode.js';
import type { ScanEvent, ScanReceived, ScanScreen } from './types.js';

/** The screen in front (one definition: ScanScreen in types.ts). */
export type Screen = ScanScreen;

/** The part of the transaction engine a scan can reach (issue 4: engine.sale). */
export interface SaleSink {
  awaitingCode(): boolean;
  /** Takes the code for the sale waiting for one; the engine journals and sends the pay. */
  acceptCode(code: string, source: ScanEvent['source'], deviceId: string): Promise<void>;
  /** Takes an amount (the sale then awaits a code). Throws an AppError when a sale cannot begin. */
  begin?(input: { amountFen: number }): unknown;
}

/** Starts a pre-authorization (engine preauth service); its progress reports through txn.progress. */
export interface PreauthSink {
  start(input: { amountFen: number; code: string }): Promise<unknown>;
}

/** What the screen in front has typed but not yet confirmed: a scan confirms it. */
export interface ScanContext {
  screen: Screen;
  /** The amount typed on checkout or pre-auth (valid, in fen), not yet charged. */
  draftAmountFen?: number;
}

/** Finds an order by its merchantOrderId (the receipt QR payload). Truthy when it exists. */
export interface OrderLookup {
  findOrder(id: string): unknown;
}

export interface ScanRouterOptions {
  emit(payload: ScanReceived): void;
  sale?: SaleSink;
  preauth?: PreauthSink;
  orders?: OrderLookup;
  log?: Logger;
  /** Called when the engine refuses or fails a code it was handed (shown to the cashier as a notice). */
  onSaleError?(error: unknown): void;
}

const NOT_BEGUN: Bilingual = { zh: '未能按输入的金额收款', en: 'Could not charge the typed amount' };
const BUSY: Bilingual = {
  zh: '上一个付款码正在处理，重复扫码已忽略',
  en: 'A payment code is already being processed: this scan was ignored',
};

function bilingualOf(error: unknown, fallback: Bilingual): Bilingual {
  const b = (error as { bilingual?: unknown } | null)?.bilingual as Bilingual | undefined;
  return b && typeof b.zh === 'string' && typeof b.en === 'string' ? b : fallback;
}

/** merchantOrderId: at most 50 characters (NOTES §4); letters, digits, '-' and '_'. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,50}$/;

export class ScanRouter {
  private screen: Screen = 'checkout';
  private testArmed = false;
  private accepting = false;
  private pending: Promise<void> = Promise.resolve();
  private draftAmountFen: number | undefined;

  /** The amount typed on checkout and not yet charged (a scan confirms it). */
  get draft(): number | undefined {
    return this.draftAmountFen;
  }
  private sale: SaleSink | undefined;
  private preauth: PreauthSink | undefined;
  private orders: OrderLookup | undefined;

  constructor(private readonly options: ScanRouterOptions) {
    this.sale = options.sale;
    this.preauth = options.preauth;
    this.orders = options.orders;
  }

  /** Wire the engine once it exists (composition order, tests). */
  connect(parts: { sale?: SaleSink; preauth?: PreauthSink; orders?: OrderLookup }): void {
    if (parts.sale) this.sale = parts.sale;
    if (parts.preauth) this.preauth = parts.preauth;
    if (parts.orders) this.orders = parts.orders;
  }

  setScreen(screen: Screen): void {
    this.setContext({ screen });
  }

  /** The screen in front and its typed, unconfirmed amount (cleared by any context without one). */
  setContext(context: ScanContext): void {
    this.screen = context.screen;
    this.draftAmountFen = context.draftAmountFen;
  }

  currentScreen(): Screen {
    return this.screen;
  }

  /** The next scan goes to the settings screen's test panel instead of anywhere else. */
  armTest(): void {
    this.testArmed = true;
  }

  isTestArmed(): boolean {
    return this.testArmed;
  }

  /**
   * Route one scan. Resolves with the decision (also emitted as scan.received); a code for a sale is
   * handed to the engine, whose pay then reports through sale.state / txn.progress.
   */
  async route(scan: ScanEvent): Promise<ScanReceived> {
    const code = normalizeScan(scan.code);
    const base = {
      codeMasked: maskCode(code),
      source: scan.source,
      deviceId: scan.deviceId,
      at: scan.at,
    };

    if (this.testArmed) {
      this.testArmed = false;
      const check = checkPayCode(code);
      return this.emit({
        ...base,
        routedTo: 'scanner-test',
        ...(check.ok ? { channel: check.channel } : { reason: check.message }),
      });
    }

    if (this.screen === 'orders' && this.orders && ORDER_ID.test(code)) {
      const found = await this.lookup(code);
      if (found) return this.emit({ ...base, routedTo: 'order-lookup', orderId: code });
      if (!checkPayCode(code).ok) {
        return this.drop(base, { zh: '没有找到这笔订单', en: 'No order with this number' });
      }
    }

    if (this.screen === 'preauth' && this.preauth) return this.startPreauth(base, code, this.preauth);

    const sale = this.sale;
    if (!this.accepting && sale && !sale.awaitingCode() && this.screen === 'checkout') {
      const draft = this.draftAmountFen;
      if (draft !== undefined && sale.begin && checkPayCode(code).ok) {
        // One typed amount confirms one sale: a second scan needs a new amount.
        this.draftAmountFen = undefined;
        try {
          sale.begin({ amountFen: draft });
        } catch (error) {
          return this.drop(base, bilingualOf(error, NOT_BEGUN));
        }
      }
    }
    if (!sale?.awaitingCode()) {
      return this.drop(base, {
        zh: '当前没有等待付款码的收款，未发送',
        en: 'No sale is waiting for a payment code: not sent',
      });
    }
    if (this.accepting) return this.drop(base, BUSY);
    const check = checkPayCode(code);
    if (!check.ok) return this.drop(base, check.message);

    const received = this.emit({ ...base, routedTo: 'sale', channel: check.channel });
    // Handed over in the background: the engine's pay may take a minute (customer typing a wallet
    // password), and the scan.submit answer must not wait for it. Until the engine has settled this
    // code, any other scan is dropped (see `accepting` above).
    this.handOver(sale.acceptCode(check.code, scan.source, scan.deviceId), 'sale', base.codeMasked);
    return received;
  }

  private startPreauth(
    base: Omit<ScanReceived, 'routedTo'>,
    code: string,
    preauth: PreauthSink,
  ): ScanReceived {
    const amountFen = this.draftAmountFen;
    if (amountFen === undefined) {
      return this.drop(base, {
        zh: '请先输入担保金额，再扫付款码',
        en: 'Enter the pre-auth amount first, then scan the payment code',
      });
    }
    if (this.accepting) return this.drop(base, BUSY);
    const check = checkPayCode(code);
    if (!check.ok) return this.drop(base, check.message);
    this.draftAmountFen = undefined;
    const received = this.emit({ ...base, routedTo: 'preauth', channel: check.channel, amountFen });
    this.handOver(preauth.start({ amountFen, code: check.code }), 'pre-auth', base.codeMasked);
    return received;
  }

  /** Marks a code as being settled until `work` ends; a refusal is logged and reported, never thrown. */
  private handOver(work: Promise<unknown>, to: 'sale' | 'pre-auth', codeMasked: string): void {
    this.accepting = true;
    this.pending = work
      .then(() => undefined)
      .catch((error: unknown) => {
        this.options.log?.warn(`${to} refused a scanned code`, {
          codeMasked,
          error: error instanceof Error ? error.message : String(error),
        });
        this.options.onSaleError?.(error);
      })
      .finally(() => {
        this.accepting = false;
      });
  }

  /** Resolves once the code last handed to the sale has been settled by the engine. */
  async idle(): Promise<void> {
    await this.pending;
  }

  private async lookup(id: string): Promise<boolean> {
    try {
      return Boolean(await this.orders?.findOrder(id));
    } catch (error) {
      this.options.log?.warn('order lookup failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  private drop(base: Omit<ScanReceived, 'routedTo'>, reason: Bilingual): ScanReceived {
    return this.emit({ ...base, routedTo: 'dropped', reason });
  }

  private emit(payload: ScanReceived): ScanReceived {
    this.options.emit(payload);
    return payload;
  }
}
