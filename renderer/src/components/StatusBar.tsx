/**
 * The status bar: environment, scanner and printer, unresolved orders, operator, health, notices; above
 * it, while a receipt did not print, a strip saying so with a Reprint button (printing never fails
 * silently; the sale itself is untouched).
 */
import { useState } from 'react';
import type { DeviceStatus } from '../../../main/ipc/channels/devices';
import { cashier } from '../cashier';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';

function DeviceLight({ label, status }: { label: string; status: DeviceStatus | undefined }) {
  const { t, bi } = useT();
  const state = status?.state;
  const good = state === 'connected' || state === 'reconnected';
  const text = state ? t(`device.${state}` as MessageKey) : t('status.unknown');
  return (
    <span
      className={`sb-item ${good ? 'sb-good' : state === 'disabled' || !state ? 'sb-muted' : 'sb-bad'}`}
      title={status?.detail ? bi(status.detail) : status?.label}
    >
      <span className="dot" aria-hidden="true" />
      {label}: {status?.label ? `${status.label} · ` : ''}
      {text}
    </span>
  );
}

/** The receipts that did not print (newest first): what went wrong, Reprint, Dismiss. */
function PrintAlert() {
  const { t, bi } = useT();
  const problems = useCashier((s) => s.printProblems);
  const [error, setError] = useState('');
  const newest = problems[0];
  if (!newest) return null;
  const reason = bi(newest.message) || newest.title;
  const text =
    newest.state === 'failed'
      ? t('print.failed', { reason })
      : newest.state === 'retrying'
        ? t('print.retrying', { reason })
        : t('print.again');
  const reprint = async () => {
    setError('');
    // Oldest first, each receipt once: a customer and a merchant copy both come out again.
    for (const job of [...problems].reverse()) {
      if (job.state !== 'failed' && job.state !== 'retrying') continue;
      const r = await cashier.printers.retry({ jobId: job.jobId });
      if (r.ok) useCashier.getState().notePrintJob(r.data);
      else setError(bi(r.error.message));
    }
  };
  return (
    <div role="alert" aria-label={t('print.problem')} className="print-alert" title={newest.title}>
      <span className="print-alert-text">
        {text}
        {problems.length > 1 ? ` ${t('print.more', { n: problems.length - 1 })}` : ''}
        {error ? ` · ${error}` : ''}
      </span>
      <button
        type="button"
        className="sb-button primary"
        disabled={newest.state !== 'failed' && newest.state !== 'retrying'}
        onClick={() => void reprint()}
      >
        {t('print.reprint')}
      </button>
      <button type="button" className="sb-button" onClick={() => useCashier.setState({ printProblems: [] })}>
        {t('print.dismiss')}
      </button>
    </div>
  );
}

export function StatusBar() {
  const { t, bi, lang } = useT();
  const environment = useCashier((s) => s.settings?.environment ?? s.info?.environment);
  const scanner = useCashier((s) => s.scanner);
  const printer = useCashier((s) => s.printer);
  const unresolved = useCashier((s) => s.unresolvedCount);
  const operator = useCashier((s) => s.operator);
  const notice = useCashier((s) => s.notice);
  const setScreen = useCashier((s) => s.setScreen);
  const setLang = useCashier((s) => s.setLang);
  const [reply, setReply] = useState('');

  const switchLanguage = async () => {
    const next = lang === 'en' ? 'zh-CN' : 'en';
    setLang(next);
    await cashier.settings.update({ language: next });
  };

  return (
    <footer className="footer">
      <PrintAlert />
      <section className="statusbar" aria-label={t('status.bar')}>
        <span className={`sb-item env env-${environment ?? 'unknown'}`}>
          {t('status.environment')}: {environment ? t(`status.env.${environment}` as MessageKey) : '…'}
        </span>
        <DeviceLight label={t('status.scanner')} status={scanner} />
        <DeviceLight label={t('status.printer')} status={printer} />
        <button
          type="button"
          className={`sb-item sb-button ${unresolved > 0 ? 'sb-bad' : ''}`}
          onClick={() => setScreen('orders')}
          aria-label={`${t('status.unresolved')}: ${unresolved}`}
        >
          {t('status.unresolved')}: <strong>{unresolved}</strong>
        </button>
        <span className="sb-item">
          {t('status.operator')}: {operator ? `${operator.name} (${operator.id})` : '—'}
        </span>
        <p
          role="status"
          aria-label={t('status.notice')}
          className={`sb-notice notice-${notice?.level ?? 'info'}`}
        >
          {notice ? bi(notice.message) : ''}
        </p>
        <button
          type="button"
          className="sb-item sb-button"
          onClick={async () => {
            const r = await cashier.app.ping({ echo: 'hello' });
            setReply(r.ok ? r.data.echo : bi(r.error.message));
          }}
        >
          {t('status.ping')}
        </button>
        <output aria-label={t('status.pingReply')} className="sb-reply">
          {reply}
        </output>
        <button
          type="button"
          className="sb-item sb-button"
          aria-label={t('status.language')}
          onClick={switchLanguage}
        >
          {t('status.languageShort')}
        </button>
      </section>
    </footer>
  );
}
