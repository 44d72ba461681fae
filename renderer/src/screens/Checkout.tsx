/**
 * Checkout: amount → "scan the payment code" → live progress → a large result → next sale.
 * Works from the keyboard alone: digits, '.', Backspace, Esc clears (or cancels the waiting sale),
 * Enter charges (and, on a result, starts the next sale). Main owns the sale's state: this screen
 * shows `sale.state` and `txn.progress` as they arrive.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { SaleState } from '../../../main/ipc/channels/sale';
import type { ErrorBody } from '../../../main/ipc/errors';
import { fenToYuanText, formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { acceptAmountTyping, checkAmount, ErrorText } from '../components/common';
import { EcrProposal } from '../components/EcrProposal';
import { Keypad, type PadKey } from '../components/Keypad';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';

const RESULT = new Set(['paid', 'declined', 'voided', 'needs-attention']);

function isTextField(el: EventTarget | null): boolean {
  return (
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
  );
}

export function Checkout() {
  const { t, bi } = useT();
  const sale = useCashier((s) => s.sale);
  const progress = useCashier((s) => s.progress);
  const maxAmountFen = useCashier((s) => s.settings?.maxAmountFen);
  const unresolved = useCashier((s) => s.unresolvedCount);
  const setSale = useCashier((s) => s.setSale);
  const setScreen = useCashier((s) => s.setScreen);
  const lastScan = useCashier((s) => s.lastScan);
  const phase = sale?.phase ?? 'idle';

  const [text, setText] = useState('');
  const [hint, setHint] = useState<string | undefined>();
  const [error, setError] = useState<ErrorBody | undefined>();
  const [manual, setManual] = useState('');
  const busy = useRef(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

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
    (next: string) => {
      const verdict = acceptAmountTyping(next);
      if (verdict === 'ok') {
        setText(next);
        setHint(undefined);
        setError(undefined);
      } else if (verdict === 'decimals') setHint(t('amount.decimals'));
    },
    [t],
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
    [apply, maxAmountFen, once, t, text],
  );
  const cancel = useCallback(
    () => once(async () => void apply(await cashier.sale.cancel({}))),
    [apply, once],
  );
  const next = useCallback(
    () =>
      once(async () => {
        if (apply(await cashier.sale.reset({}))) setText('');
      }),
    [apply, once],
  );
  const park = useCallback(() => once(async () => void apply(await cashier.sale.park({}))), [apply, once]);

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
      if (phase === 'idle') {
        if (inOtherField) return;
        if (e.key === 'Enter' && !onButton) {
          e.preventDefault();
          void charge();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          type('');
        } else if (!inAmount && /^[0-9.]$/.test(e.key)) {
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
      } else if (RESULT.has(phase)) {
        if (inOtherField || onButton) return;
        if (e.key === 'Enter' && phase !== 'needs-attention') {
          e.preventDefault();
          void next();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phase, text, charge, cancel, next, type]);

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

  const amountShown =
    phase === 'idle' ? text : sale?.amountFen !== undefined ? fenToYuanText(sale.amountFen) : '';
  const channel = sale?.channel ? t(`channel.${sale.channel}` as MessageKey) : '';

  return (
    <section className="checkout" aria-label={t('checkout.title')}>
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
          className={hint ? 'msg msg-error amount-hint' : 'msg msg-muted amount-hint'}
          role={hint ? 'alert' : undefined}
        >
          {hint ?? (phase === 'idle' ? t('checkout.hint') : '')}
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
          {phase === 'in-flight' && (
            <div className="co-progress">
              <span className="spinner" aria-hidden="true" />
              <p className="big-prompt">
                {progress
                  ? progress.step === 'querying'
                    ? t('checkout.step.querying', { n: progress.attempt ?? '?', of: progress.of ?? '?' })
                    : t(`checkout.step.${progress.step}` as MessageKey)
                  : t('checkout.inFlight')}
              </p>
              {progress && <p className="sub-prompt">{bi(progress.message)}</p>}
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
              <p className="result-reason">{bi(sale?.message)}</p>
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
              <p className="result-reason">{bi(sale?.message) || t('checkout.voidedHelp')}</p>
              <p className="result-detail">{t('checkout.voidedHelp')}</p>
            </div>
          )}
          {phase === 'needs-attention' && (
            <div className="result result-attention">
              <p className="result-mark" aria-hidden="true">
                ⚠
              </p>
              <p className="result-title">{t('checkout.needsAttention')}</p>
              <p className="result-reason">{bi(sale?.message)}</p>
              <p className="result-detail">{t('checkout.needsAttentionHelp')}</p>
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
                  inputMode="numeric"
                  autoComplete="off"
                  value={manual}
                  maxLength={64}
                  onChange={(e) => setManual(e.target.value.replace(/\s/g, ''))}
                />
                <button type="submit">{t('checkout.manualSubmit')}</button>
              </form>
              <button type="button" onClick={() => void cancel()}>
                {t('checkout.cancelSale')}
              </button>
            </>
          )}
          {(phase === 'paid' || phase === 'declined' || phase === 'voided') && (
            <button type="button" className="primary" onClick={() => void next()}>
              {t('checkout.next')}
            </button>
          )}
          {phase === 'needs-attention' && (
            <>
              <button type="button" className="primary" onClick={() => void park()}>
                {t('checkout.park')}
              </button>
              <button type="button" onClick={() => setScreen('orders')}>
                {t('checkout.toOrders')}
              </button>
            </>
          )}
        </div>
      </div>
      <Keypad onKey={onPad} disabled={phase !== 'idle'} />
    </section>
  );
}
