/**
 * The ECR link on checkout: an amount read off the host POS's customer display, offered as a proposal
 * the cashier takes with one key (Enter with the amount field empty, or the button) — or simply by
 * scanning the customer's code. Nothing is charged from a captured amount alone. While a host POS's
 * own sale waits for the code, its reference is shown.
 */
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import type { EcrProposal as Proposal } from '../../../main/ipc/channels/ecr';
import { formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { useT } from '../i18n';
import { useCashier } from '../store';

// Inline styles: this component ships with the ECR link; the shared stylesheet stays the UI's.
const card = {
  display: 'grid',
  gridTemplateColumns: '1fr auto',
  alignItems: 'center',
  gap: '4px 16px',
  padding: '10px 16px',
  marginBottom: 8,
  border: '2px solid #0b5cd5',
  borderRadius: 8,
  background: '#eef4ff',
} as const;
const amount = { fontSize: 32, fontWeight: 700, lineHeight: 1.1 } as const;
const muted = { color: '#555', fontSize: 14 } as const;
const actions = { gridColumn: 2, gridRow: '1 / span 3', display: 'flex', gap: 8 } as const;
const hostTag = { ...muted, display: 'block', marginBottom: 4 } as const;

export function EcrProposal() {
  const { bi } = useT();
  const sale = useCashier((s) => s.sale);
  const setSale = useCashier((s) => s.setSale);
  const [proposal, setProposal] = useState<Proposal | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const phase = sale?.phase ?? 'idle';
  const showing = proposal?.state === 'open' && phase !== 'awaiting-code' && phase !== 'in-flight';

  useEffect(
    () =>
      cashier.on('ecr.proposal', (p) => {
        setProposal(p);
        setProblem(undefined);
      }),
    [],
  );

  const confirm = useCallback(async () => {
    if (!proposal) return;
    const r = await cashier.ecr.confirmProposal({ id: proposal.id });
    if (r.ok) {
      setSale(r.data);
      setProposal(undefined);
    } else setProblem(bi(r.error.message));
  }, [proposal, setSale, bi]);

  const dismiss = useCallback(async () => {
    if (!proposal) return;
    await cashier.ecr.dismissProposal({ id: proposal.id });
    setProposal(undefined);
  }, [proposal]);

  // A layout effect: the key is live from the moment the proposal is painted.
  useLayoutEffect(() => {
    if (!showing) return;
    // Capture phase: ahead of checkout's own Enter (which would charge a typed amount).
    const onKey = (e: KeyboardEvent) => {
      const input = document.getElementById('amount-input') as HTMLInputElement | null;
      if (e.key !== 'Enter' || (input && input.value !== '') || e.target instanceof HTMLButtonElement) return;
      e.preventDefault();
      e.stopPropagation();
      void confirm();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [showing, confirm]);

  if (sale?.ecr && (phase === 'awaiting-code' || phase === 'in-flight')) {
    return (
      <output className="ecr-host" aria-label="ECR" style={hostTag}>
        {bi({ zh: '收银机发起', en: 'From the host POS' })}: {sale.ecr.ref ?? sale.ecr.ecrId}
      </output>
    );
  }
  if (!showing || !proposal) return null;
  return (
    <div
      className="ecr-proposal"
      role="alert"
      aria-label={bi({ zh: '客显金额', en: 'Display amount' })}
      style={card}
    >
      <div className="ecr-proposal-title" style={muted}>
        {bi({ zh: '客显金额（请核对）', en: 'Amount from the customer display (check it)' })}
      </div>
      <div className="ecr-proposal-amount" style={amount}>
        {formatFen(proposal.amountFen)}
      </div>
      <div className="ecr-proposal-text" style={muted}>
        {proposal.text}
      </div>
      <div className="ecr-proposal-actions" style={actions}>
        <button type="button" className="primary" onClick={() => void confirm()}>
          {bi({ zh: '确认收款（Enter 或直接扫码）', en: 'Take it (Enter, or just scan)' })}
        </button>
        <button type="button" onClick={() => void dismiss()}>
          {bi({ zh: '忽略', en: 'Dismiss' })}
        </button>
      </div>
      {problem && <div className="error-text">{problem}</div>}
    </div>
  );
}
