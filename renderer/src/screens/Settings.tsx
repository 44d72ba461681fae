/**
 * Settings: merchant and gateway, write-only secrets, scanner and printer (with tests), operators and
 * PINs, language, Yima, diagnostics and an About panel.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { GatewayEnvironment } from '../../../main/ipc/channels/app';
import type { PublicSettings, SecretName, SettingsPatch } from '../../../main/ipc/channels/settings';
import { fenToYuanText } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { checkAmount, DoneText, ErrorText, useAction } from '../components/common';
import { type MessageKey, useT } from '../i18n';
import { useCashier } from '../store';
import { Devices } from './SettingsDevices';
import { Operators } from './SettingsOperators';

const ENVIRONMENTS: GatewayEnvironment[] = ['demo', 'test', 'production', 'custom'];

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
        {settings ? <MerchantForm settings={settings} /> : <p className="msg msg-muted">{loadError}</p>}
        {settings && <SecretRow settings={settings} name="chinaumsAppKey" label={t('settings.appKey')} />}
        <Operators />
        <Diagnostics />
      </div>
      <div>
        <Devices />
        {settings && <YimaForm settings={settings} />}
        <About />
      </div>
    </section>
  );
}

function MerchantForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const action = useAction();
  const [draft, setDraft] = useState(() => toDraft(settings));
  useEffect(() => setDraft(toDraft(settings)), [settings]);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const max = checkAmount(draft.maxAmount, undefined, t);
    if (!max.ok) return action.fail(`${t('settings.maxAmount')}: ${max.message}`);
    const deadline = Number(draft.queryDeadlineSeconds);
    const patch: SettingsPatch = {
      shopName: draft.shopName,
      merchantCode: draft.merchantCode.trim(),
      terminalCode: draft.terminalCode.trim(),
      appId: draft.appId.trim(),
      environment: draft.environment,
      customGatewayUrl: draft.customGatewayUrl.trim(),
      maxAmountFen: max.fen,
      queryDeadlineSeconds: Number.isInteger(deadline) ? deadline : -1,
      language: draft.language,
    };
    await action.run(
      () => cashier.settings.update(patch),
      (s) => {
        useCashier.getState().setSettings(s);
        return t('common.saved');
      },
    );
  };

  const text = (
    key: keyof Draft,
    label: MessageKey,
    extra: { maxLength?: number; inputMode?: 'numeric' | 'decimal' | 'url' } = {},
  ) => (
    <label className="field" htmlFor={`set-${key}`}>
      {t(label)}
      <input
        id={`set-${key}`}
        autoComplete="off"
        value={draft[key]}
        onChange={(e) => set({ [key]: e.target.value } as Partial<Draft>)}
        {...extra}
      />
    </label>
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
        <label className="field" htmlFor="set-environment">
          {t('settings.environment')}
          <select
            id="set-environment"
            value={draft.environment}
            onChange={(e) => set({ environment: e.target.value as GatewayEnvironment })}
          >
            {ENVIRONMENTS.map((env) => (
              <option key={env} value={env}>
                {t(`settings.env.${env}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {draft.environment === 'custom' &&
          text('customGatewayUrl', 'settings.customUrl', { maxLength: 512, inputMode: 'url' })}
      </div>
      <div className="field-row">
        {text('maxAmount', 'settings.maxAmount', { inputMode: 'decimal' })}
        {text('queryDeadlineSeconds', 'settings.queryDeadline', { inputMode: 'numeric' })}
        <label className="field" htmlFor="set-language">
          {t('settings.language')}
          <select
            id="set-language"
            value={draft.language}
            onChange={(e) => set({ language: e.target.value as Draft['language'] })}
          >
            <option value="zh-CN">中文</option>
            <option value="en">English</option>
          </select>
        </label>
      </div>
      <button type="submit" className="primary" disabled={action.busy}>
        {t('common.save')}
      </button>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
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
    maxAmount: fenToYuanText(s.maxAmountFen),
    queryDeadlineSeconds: String(s.queryDeadlineSeconds),
    language: s.language,
  };
}

/** A write-only secret: shows set / not set, takes a new value, never reads one back. */
function SecretRow({ settings, name, label }: { settings: PublicSettings; name: SecretName; label: string }) {
  const { t } = useT();
  const [value, setValue] = useState('');
  const action = useAction();
  const isSet = settings.secrets[name]?.set ?? false;
  const apply = (s: PublicSettings) => {
    useCashier.getState().setSettings(s);
    setValue('');
    return t('common.saved');
  };
  return (
    <div className="card">
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
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (value) void action.run(() => cashier.settings.setSecret({ name, value }), apply);
        }}
      >
        <label className="field" htmlFor={`secret-${name}`}>
          {t('settings.secretNew', { name: label })}
          <input
            id={`secret-${name}`}
            type="password"
            autoComplete="new-password"
            maxLength={256}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </label>
        <button type="submit" disabled={!value || action.busy}>
          {t('settings.secretSave', { name: label })}
        </button>
        <button
          type="button"
          disabled={!isSet || action.busy}
          onClick={() => void action.run(() => cashier.settings.clearSecret({ name }), apply)}
        >
          {t('settings.secretClear', { name: label })}
        </button>
      </form>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
    </div>
  );
}

function YimaForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const action = useAction();
  const [y, setY] = useState(settings.yima);
  useEffect(() => setY(settings.yima), [settings.yima]);
  const field = (
    key: 'url' | 'isspid' | 'systemId' | 'storeId' | 'posId',
    label: MessageKey,
    maxLength: number,
  ) => (
    <label className="field" htmlFor={`yima-${key}`}>
      {t(label)}
      <input
        id={`yima-${key}`}
        autoComplete="off"
        maxLength={maxLength}
        value={y[key]}
        onChange={(e) => setY({ ...y, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <>
      <form
        className="card"
        aria-label={t('settings.yima')}
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(
            () => cashier.settings.update({ yima: y }),
            (s) => {
              useCashier.getState().setSettings(s);
              return t('common.saved');
            },
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
          <label className="field" htmlFor="yima-format">
            {t('settings.yimaFormat')}
            <select
              id="yima-format"
              value={y.format}
              onChange={(e) => setY({ ...y, format: e.target.value as 'json' | 'xml' })}
            >
              <option value="json">JSON</option>
              <option value="xml">XML (GBK)</option>
            </select>
          </label>
          <label className="field" htmlFor="yima-sign">
            {t('settings.yimaSignMode')}
            <select
              id="yima-sign"
              value={y.signMode}
              onChange={(e) => setY({ ...y, signMode: e.target.value as 'md5-body-key' | 'none' })}
            >
              <option value="md5-body-key">MD5 (body + key)</option>
              <option value="none">—</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            {t('common.save')}
          </button>
        </div>
        <ErrorText error={action.error} />
        <DoneText text={action.done} />
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
