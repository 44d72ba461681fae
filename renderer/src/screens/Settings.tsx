/**
 * Settings: merchant and gateway, write-only secrets, scanner and printer (with tests), operators and
 * PINs, language, Yima, diagnostics and an About panel. Every change but the language needs a
 * manager's PIN (main checks it; each form has its PIN field), and the notices about the settings
 * themselves (damaged file, no keyring, demo PINs) stay on top until dealt with.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import type { GatewayEnvironment } from '../../../main/ipc/channels/app';
import type { PublicSettings, SecretName, SettingsPatch } from '../../../main/ipc/channels/settings';
import type { Envelope } from '../../../main/ipc/errors';
import { fenToYuanText } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { checkAmount, DoneText, ErrorText, SelectField, TextField, useAction } from '../components/common';
import { PinField } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';
import { AuditTrail } from './SettingsAudit';
import { Devices } from './SettingsDevices';
import { Operators } from './SettingsOperators';
import { StationCard } from './SettingsStation';

const ENVIRONMENTS: GatewayEnvironment[] = ['demo', 'test', 'production', 'custom'];
const AUTH_MODES: PublicSettings['authMode'][] = ['body-signature', 'access-token'];

export function Settings() {
  const { t } = useT();
  const settings = useCashier((s) => s.settings);
  const [loadError, setLoadError] = useState<string | undefined>();
  const { bi } = useT();

  useEffect(() => {
    if (settings) return;
    void cashier.settings.get({}).then((r) => {
      if (r.ok) useCashier.getState().setSettings(r.data);
      else setLoadError(bi(r.error.message));
    });
  }, [settings, bi]);

  return (
    <section className="settings-grid" aria-label={t('settings.title')}>
      <div>
        {settings && <SettingsNotices settings={settings} />}
        {settings ? <MerchantForm settings={settings} /> : <p className="msg msg-muted">{loadError}</p>}
        {settings && <SecretRow settings={settings} name="chinaumsAppKey" label={t('settings.appKey')} />}
        <Operators />
        <AuditTrail />
        <Diagnostics />
      </div>
      <div>
        <Devices />
        {settings && <YimaForm settings={settings} />}
        <StationCard />
        <About />
      </div>
    </section>
  );
}

/** What main says about the settings themselves: damaged files, no keyring, demo PINs still open. */
function SettingsNotices({ settings }: { settings: PublicSettings }) {
  const { t, bi } = useT();
  const notices = settings.notices ?? [];
  if (notices.length === 0) return null;
  return (
    <section className="card" aria-label={t('settings.notices')}>
      <h2>{t('settings.notices')}</h2>
      {notices.map((n) => (
        <p
          key={n.code}
          className={
            n.level === 'info' ? 'msg msg-muted' : n.level === 'warning' ? 'msg msg-warn' : 'msg msg-error'
          }
        >
          {bi(n.message)}
        </p>
      ))}
    </section>
  );
}

/**
 * One settings call at a time, with the manager PIN it carries: on success the store takes the new
 * settings, the PIN field empties and "Saved" shows.
 */
function useSettingsCall() {
  const { t } = useT();
  const action = useAction();
  const [pin, setPin] = useState('');
  const save = (
    call: (managerPin: string | undefined) => Promise<Envelope<PublicSettings>>,
    after?: () => void,
  ) =>
    action.run(
      () => call(pin || undefined),
      (s) => {
        useCashier.getState().setSettings(s);
        setPin('');
        after?.();
        return t('common.saved');
      },
    );
  return { action, pin, setPin, save };
}

/** The end of a settings form: the manager PIN, the buttons (by default Save), then the outcome. */
function SaveRow({
  id,
  call,
  children,
}: {
  id: string;
  call: ReturnType<typeof useSettingsCall>;
  children?: ReactNode;
}) {
  const { t } = useT();
  return (
    <>
      <div className="field-row">
        <PinField id={id} value={call.pin} onChange={call.setPin} />
        {children ?? (
          <button type="submit" className="primary" disabled={call.action.busy}>
            {t('common.save')}
          </button>
        )}
      </div>
      <ErrorText error={call.action.error} />
      <DoneText text={call.action.done} />
    </>
  );
}

function MerchantForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const call = useSettingsCall();
  const [draft, setDraft] = useState(() => toDraft(settings));
  useEffect(() => setDraft(toDraft(settings)), [settings]);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const max = checkAmount(draft.maxAmount, undefined, t);
    if (!max.ok) return call.action.fail(`${t('settings.maxAmount')}: ${max.message}`);
    const deadline = Number(draft.queryDeadlineSeconds);
    const patch: SettingsPatch = {
      shopName: draft.shopName,
      merchantCode: draft.merchantCode.trim(),
      terminalCode: draft.terminalCode.trim(),
      appId: draft.appId.trim(),
      environment: draft.environment,
      customGatewayUrl: draft.customGatewayUrl.trim(),
      authMode: draft.authMode,
      maxAmountFen: max.fen,
      queryDeadlineSeconds: Number.isInteger(deadline) ? deadline : -1,
      language: draft.language,
    };
    // Unchanged fields need no PIN: main asks for one only when something but the language changes.
    await call.save((managerPin) =>
      cashier.settings.update({ ...patch, ...(managerPin ? { managerPin } : {}) }),
    );
  };

  const text = (
    key: Exclude<keyof Draft, 'environment' | 'authMode' | 'language'>,
    label: MessageKey,
    extra: { maxLength?: number; inputMode?: 'numeric' | 'decimal' | 'url' } = {},
  ) => (
    <TextField
      id={`set-${key}`}
      label={t(label)}
      value={draft[key]}
      onChange={(v) => set({ [key]: v })}
      {...extra}
    />
  );

  return (
    <form className="card" onSubmit={save} aria-label={t('settings.merchant')}>
      <h2>{t('settings.merchant')}</h2>
      <div className="field-row">{text('shopName', 'settings.shopName', { maxLength: 40 })}</div>
      <div className="field-row">
        {text('merchantCode', 'settings.merchantCode', { maxLength: 32 })}
        {text('terminalCode', 'settings.terminalCode', { maxLength: 32 })}
      </div>
      <div className="field-row">{text('appId', 'settings.appId', { maxLength: 64 })}</div>
      <div className="field-row">
        <SelectField
          id="set-environment"
          label={t('settings.environment')}
          value={draft.environment}
          onChange={(environment) => set({ environment })}
          options={ENVIRONMENTS.map((env) => ({ value: env, label: t(`settings.env.${env}` as MessageKey) }))}
        />
        <SelectField
          id="set-authMode"
          label={t('settings.authMode')}
          value={draft.authMode}
          onChange={(authMode) => set({ authMode })}
          options={AUTH_MODES.map((m) => ({ value: m, label: t(`settings.auth.${m}` as MessageKey) }))}
        />
      </div>
      {draft.environment === 'custom' && (
        <div className="field-row">
          {text('customGatewayUrl', 'settings.customUrl', { maxLength: 512, inputMode: 'url' })}
        </div>
      )}
      <div className="field-row">
        {text('maxAmount', 'settings.maxAmount', { inputMode: 'decimal' })}
        {text('queryDeadlineSeconds', 'settings.queryDeadline', { inputMode: 'numeric' })}
        <SelectField
          id="set-language"
          label={t('settings.language')}
          value={draft.language}
          onChange={(language) => set({ language })}
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
        />
      </div>
      <SaveRow id="merchant-pin" call={call} />
    </form>
  );
}

interface Draft {
  shopName: string;
  merchantCode: string;
  terminalCode: string;
  appId: string;
  environment: GatewayEnvironment;
  customGatewayUrl: string;
  authMode: PublicSettings['authMode'];
  maxAmount: string;
  queryDeadlineSeconds: string;
  language: 'zh-CN' | 'en';
}

function toDraft(s: PublicSettings): Draft {
  return {
    shopName: s.shopName,
    merchantCode: s.merchantCode,
    terminalCode: s.terminalCode,
    appId: s.appId,
    environment: s.environment,
    customGatewayUrl: s.customGatewayUrl,
    authMode: s.authMode,
    maxAmount: fenToYuanText(s.maxAmountFen),
    queryDeadlineSeconds: String(s.queryDeadlineSeconds),
    language: s.language,
  };
}

/** A write-only secret: shows set / not set, takes a new value, never reads one back. */
function SecretRow({ settings, name, label }: { settings: PublicSettings; name: SecretName; label: string }) {
  const { t } = useT();
  const [value, setValue] = useState('');
  const call = useSettingsCall();
  const isSet = settings.secrets[name]?.set ?? false;
  const clearValue = () => setValue('');
  return (
    <section className="card" aria-label={label}>
      <h3>
        {label}:{' '}
        <span className={isSet ? 'msg-ok' : 'msg-error'}>
          {isSet ? t('settings.secretSet') : t('settings.secretNotSet')}
        </span>
      </h3>
      <p className={settings.secretsProtection === 'os-keyring' ? 'msg msg-muted' : 'msg msg-warn'}>
        {t(`settings.secretsProtection.${settings.secretsProtection}` as MessageKey)}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value)
            void call.save(
              (managerPin) => cashier.settings.setSecret({ name, value, managerPin }),
              clearValue,
            );
        }}
      >
        <div className="field-row">
          <TextField
            id={`secret-${name}`}
            label={t('settings.secretNew', { name: label })}
            type="password"
            autoComplete="new-password"
            maxLength={256}
            value={value}
            onChange={setValue}
          />
        </div>
        <SaveRow id={`secret-${name}-pin`} call={call}>
          <button type="submit" disabled={!value || call.action.busy}>
            {t('settings.secretSave', { name: label })}
          </button>
          <button
            type="button"
            disabled={!isSet || call.action.busy}
            onClick={() =>
              void call.save((managerPin) => cashier.settings.clearSecret({ name, managerPin }), clearValue)
            }
          >
            {t('settings.secretClear', { name: label })}
          </button>
        </SaveRow>
      </form>
    </section>
  );
}

function YimaForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const call = useSettingsCall();
  const [y, setY] = useState(settings.yima);
  useEffect(() => setY(settings.yima), [settings.yima]);
  const field = (
    key: 'url' | 'isspid' | 'systemId' | 'storeId' | 'posId',
    label: MessageKey,
    maxLength: number,
  ) => (
    <TextField
      id={`yima-${key}`}
      label={t(label)}
      maxLength={maxLength}
      value={y[key]}
      onChange={(v) => setY({ ...y, [key]: v })}
    />
  );
  return (
    <>
      <form
        className="card"
        aria-label={t('settings.yima')}
        onSubmit={(e) => {
          e.preventDefault();
          void call.save((managerPin) =>
            cashier.settings.update({ yima: y, ...(managerPin ? { managerPin } : {}) }),
          );
        }}
      >
        <h2>{t('settings.yima')}</h2>
        <label className="check" htmlFor="yima-enabled">
          <input
            id="yima-enabled"
            type="checkbox"
            checked={y.enabled}
            onChange={(e) => setY({ ...y, enabled: e.target.checked })}
          />
          {t('settings.yimaEnabled')}
        </label>
        <div className="field-row">{field('url', 'settings.yimaUrl', 512)}</div>
        <div className="field-row">
          {field('isspid', 'settings.yimaIsspid', 8)}
          {field('systemId', 'settings.yimaSystemId', 4)}
          {field('storeId', 'settings.yimaStoreId', 20)}
          {field('posId', 'settings.yimaPosId', 20)}
        </div>
        <div className="field-row">
          <SelectField
            id="yima-format"
            label={t('settings.yimaFormat')}
            value={y.format}
            onChange={(format) => setY({ ...y, format })}
            options={[
              { value: 'json', label: 'JSON' },
              { value: 'xml', label: 'XML (GBK)' },
            ]}
          />
          <SelectField
            id="yima-sign"
            label={t('settings.yimaSignMode')}
            value={y.signMode}
            onChange={(signMode) => setY({ ...y, signMode })}
            options={[
              { value: 'md5-body-key', label: 'MD5 (body + key)' },
              { value: 'none', label: '—' },
            ]}
          />
        </div>
        <SaveRow id="yima-settings-pin" call={call} />
      </form>
      <SecretRow settings={settings} name="yimaKey" label={t('settings.yimaKey')} />
    </>
  );
}

function Diagnostics() {
  const { t } = useT();
  const collect = useAction();
  const verify = useAction();
  return (
    <div className="card">
      <h2>{t('settings.diagnostics')}</h2>
      <div className="toolbar">
        <button
          type="button"
          disabled={collect.busy}
          onClick={() =>
            void collect.run(
              () => cashier.diagnostics.collect({}),
              (d) => t('settings.collected', { path: d.path, bytes: d.bytes }),
            )
          }
        >
          {t('settings.collect')}
        </button>
        <button
          type="button"
          disabled={verify.busy}
          onClick={() =>
            void verify.run(
              () => cashier.journal.verify({}),
              (v) =>
                v.damaged.length === 0
                  ? t('settings.journalOk', { files: v.files, records: v.records })
                  : t('settings.journalDamaged', { n: v.damaged.length }),
            )
          }
        >
          {t('settings.verifyJournal')}
        </button>
      </div>
      <ErrorText error={collect.error ?? verify.error} />
      <DoneText text={collect.done} />
      <DoneText text={verify.done} />
    </div>
  );
}

function About() {
  const { t } = useT();
  const info = useCashier((s) => s.info);
  if (!info) return null;
  return (
    <div className="card">
      <h2>{t('settings.about')}</h2>
      <dl className="kv">
        <dt>Version</dt>
        <dd>
          {info.name} {info.version} ({info.transport})
        </dd>
        <dt>Gateway</dt>
        <dd>{info.gatewayUrl}</dd>
        <dt>Data</dt>
        <dd>{info.dataDir}</dd>
      </dl>
    </div>
  );
}
