/**
 * Checkout: amount → "scan the payment code" → live progress → a large result → next sale.
 * Works from the keyboard alone: digits, '.', Backspace, Esc clears (or cancels the waiting sale),
 * Enter charges (and, on a result, starts the next sale). A scan with a typed amount confirms it and
 * charges at once (main's scan router; the screen keeps main told of the typed amount). Main owns the
 * sale's state: this screen shows `sale.state` and `txn.progress` as they arrive.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { SaleState } from '../../../main/ipc/channels/sale';
import type { ErrorBody } from '../../../main/ipc/errors';
import { fenToYuanText, formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { acceptAmountTyping, Bi, checkAmount, ErrorText, normalizeAmountText } from '../components/common';
import { EcrProposal } from '../components/EcrProposal';
import { HotkeyBar } from '../components/Hotkeys';
import { Keypad, type PadKey } from '../components/Keypad';
import { type MessageKey, type TFn, useT } from '../i18n';
import { useCashier } from '../store';

const RESULT = new Set(['paid', 'declined', 'voided', 'needs-attention']);
const CAN_RETRY = new Set(['declined', 'voided']);

function isTextField(el: EventTarget | null): boolean {
  return (
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
  );
}

/** Seconds left of the wait for the customer, ticking once a second while `until` is set. */
function useCountdown(until: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === undefined ? undefined : Math.max(0, Math.ceil((until - now) / 1000));
}

function progressText(t: TFn, step: string | undefined, attempt?: number, of?: number): string {
  if (!step) return t('checkout.inFlight');
  if (step === 'querying') return t('checkout.step.querying', { n: attempt ?? 1, of: of ?? 1 });
  return t(`checkout.step.${step}` as MessageKey);
}

export function Checkout() {
  const { t, bi } = useT();
  const sale = useCashier((s) => s.sale);
  const progress = useCashier((s) => s.progress);
  const passwordAt = useCashier((s) => s.passwordAt);
  const payStartedAt = useCashier((s) => s.payStartedAt);
  const deadlineSeconds = useCashier((s) => s.settings?.queryDeadlineSeconds ?? 60);
  const maxAmountFen = useCashier((s) => s.settings?.maxAmountFen);
  const unresolved = useCashier((s) => s.unresolvedCount);
  const setSale = useCashier((s) => s.setSale);
  const setScreen = useCashier((s) => s.setScreen);
  const text = useCashier((s) => s.checkoutText);
  const setText = useCashier((s) => s.setCheckoutText);
  const setDraft = useCashier((s) => s.setDraft);
  const lastScan = useCashier((s) => s.lastScan);
  const phase = sale?.phase ?? 'idle';

  const [hint, setHint] = useState<string | undefined>();
  const [error, setError] = useState<ErrorBody | undefined>();
  const [manual, setManual] = useState('');
  const busy = useRef(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  // Main learns the typed amount as it is typed: a scan then confirms it and charges.
  useEffect(() => {
    const check = phase === 'idle' ? checkAmount(text, maxAmountFen, t) : undefined;
    setDraft('checkout', check?.ok ? check.fen : undefined);
  }, [phase, text, maxAmountFen, setDraft, t]);

  // Once a sale has begun (by Enter or by a scan that confirmed the amount), the typed text is spent.
  const prevPhase = useRef(phase);
  useEffect(() => {
    if (prevPhase.current === 'idle' && phase !== 'idle') {
      setText('');
      setHint(undefined);
    }
    if (phase !== prevPhase.current) setError(undefined);
    prevPhase.current = phase;
  }, [phase, setText]);

  const apply = useCallback(
    (r: { ok: true; data: SaleState } | { ok: false; error: ErrorBody }) => {
      if (r.ok) {
        setSale(r.data);
        setError(undefined);
      } else setError(r.error);
      return r.ok;
    },
    [setSale],
  );

  const once = useCallback(async (fn: () => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    try {
      await fn();
    } finally {
      busy.current = false;
    }
  }, []);

  const type = useCallback(
    (raw: string) => {
      const next = normalizeAmountText(raw);
      const verdict = acceptAmountTyping(next);
      if (verdict === 'ok') {
        setText(next);
        setHint(undefined);
        setError(undefined);
      } else if (verdict === 'decimals') setHint(t('amount.decimals'));
      else if (verdict === 'comma') setHint(t('amount.comma'));
    },
    [t, setText],
  );

  const charge = useCallback(
    () =>
      once(async () => {
        const check = checkAmount(text, maxAmountFen, t);
        if (!check.ok) {
          setHint(check.message);
          return;
        }
        setHint(undefined);
        if (apply(await cashier.sale.begin({ amountFen: check.fen }))) setText('');
      }),
    [apply, maxAmountFen, once, t, text, setText],
  );
  const cancel = useCallback(
    () => once(async () => void apply(await cashier.sale.cancel({}))),
    [apply, once],
  );
  const next = useCallback(
    (firstKey?: string) =>
      once(async () => {
        if (apply(await cashier.sale.reset({}))) setText(firstKey ?? '');
      }),
    [apply, once, setText],
  );
  const retry = useCallback(
    () =>
      once(async () => {
        const amountFen = sale?.amountFen;
        if (amountFen === undefined || !apply(await cashier.sale.reset({}))) return;
        apply(await cashier.sale.begin({ amountFen }));
      }),
    [apply, once, sale?.amountFen],
  );

  const onPad = (key: PadKey) => {
    if (key === 'enter') void charge();
    else if (key === 'clear') type('');
    else if (key === 'back') type(text.slice(0, -1));
    else type(text + key);
  };

  // Focus follows the phase: the amount when idle, the big panel otherwise (so scanner keystrokes
  // never land in a field).
  useEffect(() => {
    if (phase === 'idle') amountRef.current?.focus();
    else panelRef.current?.focus();
  }, [phase]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const target = e.target;
      const inAmount = target === amountRef.current;
      const inOtherField = isTextField(target) && !inAmount;
      const onButton = target instanceof HTMLButtonElement;
      const amountKey = /^[0-9.,]$/.test(e.key);
      if (phase === 'idle') {
        if (inOtherField) return;
        if (e.key === 'Enter' && !onButton) {
          e.preventDefault();
          void charge();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          type('');
        } else if (!inAmount && amountKey) {
          e.preventDefault();
          amountRef.current?.focus();
          type(text + e.key);
        } else if (!inAmount && e.key === 'Backspace') {
          e.preventDefault();
          type(text.slice(0, -1));
        }
      } else if (phase === 'awaiting-code') {
        if (e.key === 'Escape') {
          e.preventDefault();
          void cancel();
        }
      } else if (phase === 'in-flight') {
        if (e.key === 'Escape') {
          e.preventDefault();
          setHint(t('checkout.escInFlight'));
        }
      } else if (RESULT.has(phase)) {
        if (inOtherField || onButton) return;
        if (phase === 'needs-attention') {
          if (e.key === 'Enter' || amountKey) {
            e.preventDefault();
            setHint(t('checkout.attentionFirst'));
          }
          return;
        }
        if (e.key === 'Enter') {
          e.preventDefault();
          void next();
        } else if (/^[0-9.]$/.test(e.key)) {
          // Typing the next amount on a result starts the next sale with that key.
          e.preventDefault();
          void next(normalizeAmountText(e.key));
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phase, text, charge, cancel, next, type, t]);

  const submitManual = async (e: FormEvent) => {
    e.preventDefault();
    const code = manual.trim();
    if (!code) return;
    setManual('');
    const r = await cashier.scan.submit({ code, source: 'manual' });
    if (!r.ok) setError(r.error);
    else if (r.data.routedTo !== 'sale' && r.data.reason)
      setHint(t('checkout.scanDropped', { reason: bi(r.data.reason) }));
    else setHint(undefined);
  };

  const typed = phase === 'idle' ? checkAmount(text, maxAmountFen, t) : undefined;
  const amountShown =
    phase === 'idle' ? text : sale?.amountFen !== undefined ? fenToYuanText(sale.amountFen) : '';
  const channel = sale?.channel ? t(`channel.${sale.channel}` as MessageKey) : '';
  const waitingPassword =
    phase === 'in-flight' &&
    passwordAt !== undefined &&
    (progress?.step === 'querying' || progress?.step === 'waiting-password');
  const countdown = useCountdown(
    waitingPassword ? (payStartedAt ?? passwordAt) + deadlineSeconds * 1000 : undefined,
  );
  const idleHint = typed?.ok ? t('checkout.hintReady', { amount: formatFen(typed.fen) }) : t('checkout.hint');

  return (
    <section className="checkout" aria-label={t('checkout.title')} data-testid="checkout">
      <div className="co-main">
        <EcrProposal />
        <label className="amount-box" htmlFor="amount-input">
          <span className="amount-label">{t('checkout.amount')}</span>
          <span className="amount-line">
            <span className="amount-yen" aria-hidden="true">
              ¥
            </span>
            <input
              id="amount-input"
              data-testid="amount"
              ref={amountRef}
              className="amount-input"
              inputMode="decimal"
              autoComplete="off"
              spellCheck={false}
              placeholder="0.00"
              value={amountShown}
              readOnly={phase !== 'idle'}
              aria-describedby="amount-hint"
              onChange={(e) => phase === 'idle' && type(e.target.value)}
            />
          </span>
        </label>
        <p
          id="amount-hint"
          data-testid="amount-hint"
          className={hint ? 'msg msg-error amount-hint' : 'msg msg-muted amount-hint'}
          role={hint ? 'alert' : undefined}
        >
          {hint ?? (phase === 'idle' ? idleHint : '')}
        </p>
        <ErrorText error={error} />
        {phase === 'idle' && unresolved > 0 && (
          <p className="msg msg-warn">{t('checkout.unresolvedWarn', { n: unresolved })}</p>
        )}

        <div
          ref={panelRef}
          tabIndex={-1}
          className={`co-panel phase-${phase}`}
          role="status"
          aria-live="assertive"
          aria-label={t('checkout.result')}
          data-testid="sale-panel"
          data-phase={phase}
        >
          {phase === 'idle' && <div className="co-idle" />}
          {phase === 'awaiting-code' && (
            <div className="co-scan">
              <p className="big-prompt">{t('checkout.scanPrompt')}</p>
              <p className="sub-prompt">{t('checkout.scanPromptSub')}</p>
              {lastScan && lastScan.routedTo === 'dropped' && lastScan.reason && (
                <p className="msg msg-warn">{t('checkout.scanDropped', { reason: bi(lastScan.reason) })}</p>
              )}
            </div>
          )}
          {phase === 'in-flight' && waitingPassword && (
            <div className="co-progress co-password" data-testid="password-wait">
              <p className="big-prompt">{t('checkout.passwordPrompt')}</p>
              <p className="countdown" data-testid="countdown" title={t('checkout.countdown')}>
                {t('checkout.secondsLeft', { n: countdown ?? deadlineSeconds })}
              </p>
              <p className="sub-prompt">
                {progressText(t, progress?.step, progress?.attempt, progress?.of)} · {channel}{' '}
                {sale?.codeMasked}
              </p>
            </div>
          )}
          {phase === 'in-flight' && !waitingPassword && (
            <div className="co-progress">
              <span className="spinner" aria-hidden="true" />
              <p className="big-prompt">{progressText(t, progress?.step, progress?.attempt, progress?.of)}</p>
              <p className="sub-prompt">
                {channel} {sale?.codeMasked}
              </p>
            </div>
          )}
          {phase === 'paid' && (
            <div className="result result-paid">
              <p className="result-mark" aria-hidden="true">
                ✓
              </p>
              <p className="result-title">{t('checkout.paid')}</p>
              <p className="result-amount">{formatFen(sale?.paidFen ?? sale?.amountFen ?? 0)}</p>
              <p className="result-detail">
                {channel} {sale?.codeMasked}
              </p>
            </div>
          )}
          {phase === 'declined' && (
            <div className="result result-declined">
              <p className="result-mark" aria-hidden="true">
                ✗
              </p>
              <p className="result-title">{t('checkout.declined')}</p>
              <p className="result-reason">
                <Bi m={sale?.message} />
              </p>
              <p className="result-detail">
                {sale?.declineCode ? t('checkout.declineCode', { code: sale.declineCode }) : ''} {channel}{' '}
                {sale?.codeMasked}
              </p>
            </div>
          )}
          {phase === 'voided' && (
            <div className="result result-voided">
              <p className="result-mark" aria-hidden="true">
                ↺
              </p>
              <p className="result-title">{t('checkout.voided')}</p>
              <p className="result-reason">{t('checkout.voidedHelp')}</p>
              <p className="result-detail">
                {sale?.amountFen !== undefined ? formatFen(sale.amountFen) : ''} · {channel}{' '}
                {sale?.codeMasked}
              </p>
            </div>
          )}
          {phase === 'needs-attention' && (
            <div className="result result-attention">
              <p className="result-mark" aria-hidden="true">
                ⚠
              </p>
              <p className="result-title">{t('checkout.needsAttention')}</p>
              <p className="result-reason">{t('checkout.needsAttentionHelp')}</p>
              <dl className="kv attention-facts" data-testid="attention-facts">
                <dt>{t('orders.col.id')}</dt>
                <dd data-testid="attention-order-id" data-raw="">
                  {sale?.merchantOrderId}
                </dd>
                <dt>{t('orders.col.amount')}</dt>
                <dd>{sale?.amountFen !== undefined ? formatFen(sale.amountFen) : ''}</dd>
                <dt>{t('orders.col.code')}</dt>
                <dd>
                  {channel} {sale?.codeMasked}
                </dd>
              </dl>
              <p className="result-detail">{t('checkout.callUms')}</p>
            </div>
          )}
        </div>

        <div className="co-actions">
          {phase === 'awaiting-code' && (
            <>
              <form className="manual-code" onSubmit={submitManual}>
                <label htmlFor="manual-code">{t('checkout.manualCode')}</label>
                <input
                  id="manual-code"
                  data-testid="manual-code"
                  inputMode="numeric"
                  autoComplete="off"
                  value={manual}
                  maxLength={64}
                  onChange={(e) => setManual(e.target.value.replace(/\s/g, ''))}
                />
                <button type="submit">{t('checkout.manualSubmit')}</button>
              </form>
              <button type="button" data-testid="cancel-sale" onClick={() => void cancel()}>
                {t('checkout.cancelSale')}
              </button>
            </>
          )}
          {(phase === 'paid' || phase === 'declined' || phase === 'voided') && (
            <button type="button" className="primary" data-testid="next-sale" onClick={() => void next()}>
              {t('checkout.next')}
            </button>
          )}
          {CAN_RETRY.has(phase) && sale?.amountFen !== undefined && (
            <button type="button" data-testid="retry-sale" onClick={() => void retry()}>
              {t('checkout.retry', { amount: formatFen(sale.amountFen) })}
            </button>
          )}
          {phase === 'needs-attention' && (
            <>
              <button type="button" className="primary" data-testid="park" onClick={() => void park()}>
                {t('checkout.park')}
              </button>
              <button type="button" data-testid="to-orders" onClick={() => setScreen('orders')}>
                {t('checkout.toOrders')}
              </button>
            </>
          )}
        </div>
        <HotkeyBar />
      </div>
      <Keypad onKey={onPad} disabled={phase !== 'idle'} />
    </section>
  );

  async function park() {
    await once(async () => void apply(await cashier.sale.park({})));
  }
}
