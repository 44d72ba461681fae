/** The status bar: environment, scanner and printer, unresolved orders, operator, health, notices. */
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
  );
}
