/**
 * The status bar: environment, gateway (from the last real exchange) and head-office sync where main
 * reports them, scanner and printer, unresolved orders, operator, notices, language; above it, while a
 * receipt did not print, a strip saying so with a Reprint button (printing never fails silently; the
 * sale itself is untouched). It wraps rather than run off a narrow screen.
 */
import { useState } from 'react';
import type { DeviceStatus } from '../../../main/ipc/channels/devices';
import { cashier } from '../cashier';
import { type Lang, type MessageKey, type TFn, useT } from '../i18n';
import { switchLanguage } from '../language';
import { chinaTime, useCashier } from '../store';
import { Bi } from './common';

/** A device's own label, in the UI language: main names some as "中文 English". */
export function deviceLabel(status: DeviceStatus | undefined, t: TFn, lang: Lang): string {
  if (!status) return '';
  if (status.kind === 'scanner' && status.id === 'wedge') return t('device.wedge');
  if (status.state === 'disabled') return t('device.none');
  const label = status.label ?? '';
  const m = /^([^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*?)\s*[/·]?\s+([A-Za-z].*)$/.exec(label);
  if (m?.[1] && m[2]) return lang === 'en' ? m[2] : m[1];
  return label;
}

function DeviceLight({
  label,
  status,
  testId,
}: {
  label: string;
  status: DeviceStatus | undefined;
  testId: string;
}) {
  const { t, bi, lang } = useT();
  const state = status?.state;
  const good = state === 'connected' || state === 'reconnected';
  const text = state ? t(`device.${state}` as MessageKey) : t('status.unknown');
  const name = deviceLabel(status, t, lang);
  return (
    <span
      className={`sb-item ${good ? 'sb-good' : state === 'disabled' || !state ? 'sb-muted' : 'sb-bad'}`}
      title={[name, status?.detail ? bi(status.detail) : ''].filter(Boolean).join(' · ')}
      data-testid={testId}
      data-state={state ?? 'unknown'}
    >
      <span className="dot" aria-hidden="true" />
      {label}: {text}
    </span>
  );
}

/** The gateway as the last real exchange with it left it (CONTRACTS §6), where main reports it. */
function GatewayLight() {
  const { t, bi } = useT();
  const status = useCashier((s) => s.gateway);
  if (!status) return null;
  const good = status.state === 'ok';
  const bad = status.state === 'unreachable' || status.state === 'auth-failed';
  const detail = [
    status.latencyMs !== undefined ? `${status.latencyMs} ms` : '',
    status.at ? chinaTime(status.at) : '',
    bi(status.message),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span
      className={`sb-item ${good ? 'sb-good' : bad ? 'sb-bad' : status.state === 'slow' ? 'sb-warn' : 'sb-muted'}`}
      title={detail}
      data-testid="sb-gateway"
      data-state={status.state}
    >
      <span className="dot" aria-hidden="true" />
      {t('status.gateway')}: {t(`gateway.${status.state}` as MessageKey)}
    </span>
  );
}

/** Head-office upload (CONTRACTS §7), where main has it and it is on. */
function SyncLight() {
  const { t } = useT();
  const status = useCashier((s) => s.sync);
  if (!status || status.state === 'off') return null;
  const good = status.state === 'synced';
  return (
    <span
      className={`sb-item ${good ? 'sb-good' : status.state === 'offline' ? 'sb-bad' : 'sb-warn'}`}
      title={status.since ? chinaTime(status.since, true) : ''}
      data-testid="sb-sync"
      data-state={status.state}
    >
      <span className="dot" aria-hidden="true" />
      {t('status.sync')}:{' '}
      {status.state === 'behind'
        ? t('sync.behind', { n: status.behind ?? 0 })
        : t(`sync.${status.state}` as MessageKey)}
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
  const reason = bi(newest.message) || t('print.unknownReason');
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
    <div role="alert" aria-label={t('print.problem')} className="print-alert" data-testid="print-alert">
      <span className="print-alert-text">
        {text}
        {problems.length > 1 ? ` ${t('print.more', { n: problems.length - 1 })}` : ''}
        {error ? ` · ${error}` : ''}
      </span>
      <button
        type="button"
        className="sb-button primary"
        data-testid="print-reprint"
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
  const noticeText = notice ? bi(notice.message) : '';

  return (
    <footer className="footer">
      <PrintAlert />
      <section className="statusbar" aria-label={t('status.bar')} data-testid="statusbar">
        <span className={`sb-item env env-${environment ?? 'unknown'}`} data-testid="sb-env">
          {t('status.environment')}: {environment ? t(`status.env.${environment}` as MessageKey) : '…'}
        </span>
        <GatewayLight />
        <SyncLight />
        <DeviceLight label={t('status.scanner')} status={scanner} testId="sb-scanner" />
        <DeviceLight label={t('status.printer')} status={printer} testId="sb-printer" />
        <button
          type="button"
          className={`sb-item sb-button ${unresolved > 0 ? 'sb-bad' : ''}`}
          onClick={() => setScreen('orders')}
          aria-label={`${t('status.unresolved')}: ${unresolved}`}
          data-testid="sb-unresolved"
        >
          {t('status.unresolved')}: <strong>{unresolved}</strong>
        </button>
        <button
          type="button"
          className="sb-item sb-button"
          data-testid="sb-operator"
          title={t('status.switchOperator')}
          onClick={() => useCashier.setState({ signInOpen: true, signInRequired: !operator })}
        >
          {t('status.operator')}: <span data-user-text="">{operator ? operator.name : '—'}</span>
        </button>
        <p
          role="status"
          aria-label={t('status.notice')}
          data-testid="sb-notice"
          title={noticeText}
          className={`sb-notice notice-${notice?.level ?? 'info'}`}
        >
          <Bi m={notice?.message} />
        </p>
        <button
          type="button"
          className="sb-item sb-button sb-lang"
          aria-label={t('status.language')}
          data-testid="sb-language"
          onClick={() => void switchLanguage(lang === 'en' ? 'zh-CN' : 'en')}
        >
          {t('status.languageShort')}
        </button>
      </section>
    </footer>
  );
}
