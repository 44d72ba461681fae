/**
 * The ECR link on checkout: an amount read off the host POS's customer display, offered as a proposal
 * the cashier takes with one key (Enter with the amount field empty, or the button) — or simply by
 * scanning the customer's code. Nothing is charged from a captured amount alone. While a host POS's
 * own sale waits for the code, its reference is shown.
 */
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import type { EcrResult } from '../../../main/ecr/types';
import type { EcrProposal as Proposal } from '../../../main/ipc/channels/ecr';
import { formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { useT } from '../i18n';
import { useCashier } from '../store';
import { PinField } from './PinField';

// Inline styles: this component ships with the ECR link; the shared stylesheet stays the UI's.
const card = {
  display: 'grid',
  gridTemplateColumns: '1fr auto',
  alignItems: 'center',
  gap: '4px 16px',
  padding: '4px 12px',
  marginBottom: 4,
  border: '2px solid #0b5cd5',
  borderRadius: 8,
  background: '#eef4ff',
} as const;
const amount = { fontSize: 26, fontWeight: 700, lineHeight: 1.1 } as const;
const muted = { color: '#555', fontSize: 13 } as const;
const actions = { gridColumn: 2, gridRow: '1 / span 3', display: 'flex', gap: 8 } as const;
const hostTag = { ...muted, display: 'block', marginBottom: 4 } as const;

/** Host refunds and voids waiting for a manager: approve (PIN) or reject, right on checkout. */
function EcrApprovals() {
  const { bi } = useT();
  const [pending, setPending] = useState<EcrResult[]>([]);
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    void cashier.ecr.status({}).then((r) => r.ok && setPending(r.data.pending));
    return cashier.on('ecr.status', (s) => setPending(s.pending));
  }, []);
  const first = pending[0];
  if (!first) return null;
  const act = async (what: 'approve' | 'reject') => {
    const input = { ecrId: first.ecrId, ...(pin ? { pin } : {}) };
    const r = what === 'approve' ? await cashier.ecr.approve(input) : await cashier.ecr.reject(input);
    setPin('');
    setProblem(r.ok ? undefined : bi(r.error.message));
  };
  const what =
    first.kind === 'refund'
      ? bi({
          zh: `收银机请求退款 ${formatFen(first.amountFen)}`,
          en: `The host POS asks to refund ${formatFen(first.amountFen)}`,
        })
      : bi({
          zh: `收银机请求撤销 ${formatFen(first.amountFen)}`,
          en: `The host POS asks to void ${formatFen(first.amountFen)}`,
        });
  return (
    <div
      className="ecr-approval"
      role="alert"
      aria-label={bi({ zh: '收银机请求', en: 'Host request' })}
      style={card}
    >
      <div>
        <div style={amount}>{what}</div>
        <div style={muted}>
          {bi({ zh: '原交易', en: 'Original' })} {first.originalEcrId} · {first.ecrId}
          {pending.length > 1 ? ` · +${pending.length - 1}` : ''}
        </div>
        <PinField id="ecr-approval-pin" value={pin} onChange={setPin} />
        {problem && <div className="error-text">{problem}</div>}
      </div>
      <div style={actions}>
        <button type="button" className="primary" onClick={() => void act('approve')}>
          {bi({ zh: '批准', en: 'Approve' })}
        </button>
        <button type="button" onClick={() => void act('reject')}>
          {bi({ zh: '拒绝', en: 'Reject' })}
        </button>
      </div>
    </div>
  );
}

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
  if (!showing || !proposal) return <EcrApprovals />;
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
