/**
 * Action hotkeys (not only screens): F6 reprints the last sale's slip, F7 opens the last sale's refund,
 * F8 parks an unresolved sale, F9 starts the next sale. They work from every screen; the checkout shows
 * them in a strip so no one has to remember.
 */
import { useEffect } from 'react';
import { cashier } from '../cashier';
import { type MessageKey, useT } from '../i18n';
import { findLastPaid, useCashier, watchPrintJobs } from '../store';

export const ACTION_KEYS: ReadonlyArray<{ key: string; label: MessageKey; id: string }> = [
  { key: 'F6', label: 'hotkey.reprintLast', id: 'reprint-last' },
  { key: 'F7', label: 'hotkey.refundLast', id: 'refund-last' },
  { key: 'F8', label: 'hotkey.park', id: 'park' },
  { key: 'F9', label: 'hotkey.next', id: 'next' },
];

function note(level: 'info' | 'warning' | 'error', zh: string, en: string): void {
  useCashier.setState({
    notice: { level, message: { zh, en }, at: new Date().toISOString(), transient: true },
  });
}

export async function runAction(id: string, t: (k: MessageKey) => string): Promise<void> {
  const store = useCashier.getState();
  if (id === 'reprint-last' || id === 'refund-last') {
    const last = await findLastPaid();
    if (!last) {
      note('warning', '今天还没有已支付的订单', 'No paid sale yet today');
      return;
    }
    if (id === 'refund-last') {
      store.openOrder(last, 'refund');
      return;
    }
    const r = await cashier.orders.reprint({ id: last });
    if (!r.ok) {
      useCashier.setState({
        notice: { level: 'error', message: r.error.message, at: new Date().toISOString() },
      });
      return;
    }
    note('info', '正在补打上一单…', 'Reprinting the last sale…');
    const outcome = await watchPrintJobs(r.data.jobIds);
    useCashier.setState({ notice: { ...outcome, at: new Date().toISOString(), transient: true } });
    return;
  }
  if (id === 'park') {
    const phase = store.sale?.phase;
    if (phase !== 'needs-attention') {
      note('info', '只有“需要处理”的订单可以暂放', 'Only a sale that needs attention can be parked');
      return;
    }
    const r = await cashier.sale.park({});
    if (r.ok) store.setSale(r.data);
    return;
  }
  if (id === 'next') {
    store.setScreen('checkout');
    const phase = store.sale?.phase;
    if (phase === 'paid' || phase === 'declined' || phase === 'voided') {
      const r = await cashier.sale.reset({});
      if (r.ok) store.setSale(r.data);
    } else if (phase === 'needs-attention') {
      note('warning', t('checkout.attentionFirst'), 'Park this sale (F8) or resolve it first');
    }
  }
}

/** Listens for the action keys anywhere in the app. */
export function useActionHotkeys(): void {
  const { t } = useT();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const action = ACTION_KEYS.find((a) => a.key === e.key);
      if (!action) return;
      e.preventDefault();
      void runAction(action.id, t);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [t]);
}

/** The action keys, on screen. Clicking one does the same as pressing it. */
export function HotkeyBar() {
  const { t } = useT();
  return (
    <nav className="hotkeys" aria-label={t('hotkey.label')} data-testid="hotkeys">
      {ACTION_KEYS.map((a) => (
        <button
          key={a.id}
          type="button"
          className="hotkey"
          data-testid={`hotkey-${a.id}`}
          aria-keyshortcuts={a.key}
          tabIndex={-1}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => void runAction(a.id, t)}
        >
          <kbd>{a.key}</kbd> {t(a.label)}
        </button>
      ))}
    </nav>
  );
}
