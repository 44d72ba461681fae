/**
 * Settings in sections (店铺与商户 / 设备 / 操作员 / 小票 / 翼码 / 关于). One manager-PIN prompt opens a
 * session of changes (renderer/src/manager.ts); every form then saves without asking again until it
 * ends. Fields are checked in the formats the gateway expects before anything is sent, and 测试连接
 * proves route and credentials with a harmless signed call where main offers it. Unsaved edits
 * survive a language switch and moving between sections (every section stays mounted).
 */
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type { GatewayEnvironment } from '../../../main/ipc/channels/app';
import type { PublicSettings, SecretName, SettingsPatch } from '../../../main/ipc/channels/settings';
import type { Envelope } from '../../../main/ipc/errors';
import { fenToYuanText } from '../../../main/shared/money';
import { cashier } from '../cashier';
import {
  Bi,
  checkAmount,
  DoneText,
  ErrorText,
  SelectField,
  TextField,
  useAction,
} from '../components/common';
import { PinField } from '../components/PinField';
import { type MessageKey, type TFn, useT } from '../i18n';
import { switchLanguage } from '../language';
import { lock, managerPin, unlock, useManager } from '../manager';
import { optional } from '../optional';
import { useCashier } from '../store';
import { AuditTrail } from './SettingsAudit';
import { Devices } from './SettingsDevices';
import { EcrSettingsCard } from './SettingsEcr';
import { Operators } from './SettingsOperators';
import { StationCard } from './SettingsStation';

const ENVIRONMENTS: GatewayEnvironment[] = ['demo', 'test', 'production', 'custom'];
const AUTH_MODES: PublicSettings['authMode'][] = ['body-signature', 'access-token'];
export const SETTINGS_SECTIONS = ['shop', 'devices', 'operators', 'receipt', 'yima', 'hq', 'about'] as const;
type Section = (typeof SETTINGS_SECTIONS)[number];

export function Settings() {
  const { t, bi } = useT();
  const settings = useCashier((s) => s.settings);
  const [loadError, setLoadError] = useState<string | undefined>();
  const [section, setSection] = useState<Section>('shop');

  useEffect(() => {
    if (settings) return;
    void cashier.settings.get({}).then((r) => {
      if (r.ok) useCashier.getState().setSettings(r.data);
      else setLoadError(bi(r.error.message));
    });
  }, [settings, bi]);
  // Leaving Settings ends the manager's session of changes.
  useEffect(() => () => lock(), []);

  const panel = (id: Section, children: ReactNode) => (
    <div
      role="tabpanel"
      id={`settings-panel-${id}`}
      aria-labelledby={`settings-tab-${id}`}
      data-testid={`settings-panel-${id}`}
      className="settings-panel"
      hidden={section !== id}
    >
      {children}
    </div>
  );

  return (
    <section className="settings" aria-label={t('settings.title')} data-testid="settings">
      <div className="settings-tabs" role="tablist" aria-label={t('settings.sections')}>
        {SETTINGS_SECTIONS.map((id) => (
          <button
            key={id}
            id={`settings-tab-${id}`}
            type="button"
            role="tab"
            aria-selected={section === id}
            aria-controls={`settings-panel-${id}`}
            data-testid={`settings-tab-${id}`}
            className={section === id ? 'stab stab-active' : 'stab'}
            onClick={() => setSection(id)}
          >
            {t(`settings.section.${id}` as MessageKey)}
          </button>
        ))}
      </div>
      <ManagerBar />
      {!settings && <p className="msg msg-muted">{loadError}</p>}
      {settings && (
        <div className="settings-body">
          {panel(
            'shop',
            <>
              <SettingsNotices settings={settings} />
              <MerchantForm settings={settings} />
              <SecretRow settings={settings} name="chinaumsAppKey" label={t('settings.appKey')} />
              <GatewayTestCard />
            </>,
          )}
          {panel(
            'devices',
            <>
              <Devices />
              <EcrSettingsCard />
            </>,
          )}
          {panel(
            'operators',
            <>
              <Operators />
              <AuditTrail />
            </>,
          )}
          {panel('receipt', <ReceiptForm settings={settings} />)}
          {panel(
            'yima',
            <>
              <YimaForm settings={settings} />
            </>,
          )}
          {panel('hq', <HqForm settings={settings} />)}
          {panel(
            'about',
            <>
              <About />
              <StationCard />
              <Diagnostics />
            </>,
          )}
        </div>
      )}
    </section>
  );
}

/** One PIN prompt for the whole session of changes; then a countdown and 锁定. */
function ManagerBar() {
  const { t, bi } = useT();
  const manager = useManager();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (manager) {
    const left = Math.max(0, Math.ceil((manager.until - Date.now()) / 1000));
    const mm = Math.floor(left / 60);
    const ss = String(left % 60).padStart(2, '0');
    return (
      <div className="manager-bar manager-open" role="status" data-testid="manager-session">
        <span>{t('manager.open', { left: `${mm}:${ss}` })}</span>
        <button type="button" data-testid="manager-lock" onClick={() => lock()}>
          {t('manager.lock')}
        </button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pin.length < 4) return setError(t('manager.pinShort'));
    setBusy(true);
    const r = await unlock(pin);
    setBusy(false);
    // The field never keeps the PIN: not after a success, not after a failure.
    setPin('');
    setError(r.ok ? undefined : bi(r.message));
  };
  return (
    <form className="manager-bar" onSubmit={submit} aria-label={t('manager.title')} data-testid="manager-bar">
      <span className="manager-hint">{t('manager.hint')}</span>
      <PinField id="manager-pin" value={pin} onChange={setPin} />
      <button type="submit" className="primary" disabled={busy} data-testid="manager-unlock">
        {t('manager.unlock')}
      </button>
      {error && (
        <p role="alert" className="msg msg-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** What main says about the settings themselves: damaged files, no keyring, demo PINs still open. */
function SettingsNotices({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
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
          <Bi m={n.message} />
        </p>
      ))}
    </section>
  );
}

/**
 * One settings call at a time, with the manager's session: on success the store takes the new
 * settings and "Saved" shows; PIN_REQUIRED / PIN_INVALID end the session and say so.
 */
function useSettingsCall() {
  const { t } = useT();
  const action = useAction();
  const save = async (
    call: (managerPin: string | undefined) => Promise<Envelope<PublicSettings>>,
    after?: () => void,
  ) => {
    const r = await action.run(
      () => call(managerPin()),
      (s) => {
        useCashier.getState().setSettings(s);
        after?.();
        return t('common.saved');
      },
    );
    if (!r && useCashier.getState().manager?.via === 'pin') {
      // A wrong PIN must not stay on as if it had been accepted.
      const code = action.lastCode();
      if (code === 'PIN_INVALID' || code === 'PIN_REQUIRED') lock();
    }
    return r;
  };
  return { action, save };
}

/** The end of a settings form: the buttons (by default Save), then the outcome. */
function SaveRow({ call, children }: { call: ReturnType<typeof useSettingsCall>; children?: ReactNode }) {
  const { t } = useT();
  const manager = useManager();
  return (
    <>
      <div className="field-row">
        {children ?? (
          <button type="submit" className="primary" disabled={call.action.busy}>
            {t('common.save')}
          </button>
        )}
        {!manager && <span className="msg msg-muted">{t('manager.needed')}</span>}
      </div>
      <ErrorText error={call.action.error} />
      <DoneText text={call.action.done} />
    </>
  );
}

/**
 * A form draft that follows the saved settings field by field: a field the cashier has not touched
 * takes the new saved value (a language switch, another window's change); an edited one keeps the edit.
 */
function useFollowingDraft<D extends object>(saved: D): [D, (patch: Partial<D>) => void, () => void] {
  const [draft, setDraft] = useState(saved);
  const base = useRef(saved);
  const key = JSON.stringify(saved);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `saved` (compared by value)
  useEffect(() => {
    const before = base.current as Record<string, unknown>;
    base.current = saved;
    setDraft((d) => {
      const next = { ...d } as Record<string, unknown>;
      for (const [k, v] of Object.entries(saved)) {
        if (JSON.stringify(next[k]) === JSON.stringify(before[k])) next[k] = v;
      }
      return next as D;
    });
  }, [key]);
  const set = (patch: Partial<D>) => setDraft((d) => ({ ...d, ...patch }));
  const reset = () => setDraft(base.current);
  return [draft, set, reset];
}

/** The formats ChinaUMS gives out: 商户号 15 digits, 终端号 8 letters or digits, AppId letters/digits. */
export function checkMerchant(
  d: {
    merchantCode: string;
    terminalCode: string;
    appId: string;
    environment: string;
    customGatewayUrl: string;
  },
  t: TFn,
): string[] {
  const problems: string[] = [];
  if (!/^\d{15}$/.test(d.merchantCode.trim())) problems.push(t('settings.bad.merchantCode'));
  if (!/^[A-Za-z0-9]{8}$/.test(d.terminalCode.trim())) problems.push(t('settings.bad.terminalCode'));
  if (!/^[A-Za-z0-9]{1,64}$/.test(d.appId.trim())) problems.push(t('settings.bad.appId'));
  if (d.environment === 'custom' && !/^https?:\/\/[^\s/]+/.test(d.customGatewayUrl.trim()))
    problems.push(t('settings.bad.url'));
  return problems;
}

function MerchantForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const call = useSettingsCall();
  const [draft, set] = useFollowingDraft(toDraft(settings));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const problems = checkMerchant(draft, t);
    const max = checkAmount(draft.maxAmount, undefined, t);
    if (!max.ok) problems.push(`${t('settings.maxAmount')}: ${max.message}`);
    const deadline = Number(draft.queryDeadlineSeconds);
    if (!Number.isInteger(deadline) || deadline < 10 || deadline > 600)
      problems.push(t('settings.bad.deadline'));
    if (problems.length > 0 || !max.ok) return call.action.fail(problems.join(t('common.listSep')));
    const patch: SettingsPatch = {
      shopName: draft.shopName,
      merchantCode: draft.merchantCode.trim(),
      terminalCode: draft.terminalCode.trim(),
      appId: draft.appId.trim(),
      environment: draft.environment,
      customGatewayUrl: draft.customGatewayUrl.trim(),
      authMode: draft.authMode,
      maxAmountFen: max.fen,
      queryDeadlineSeconds: deadline,
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
    <form className="card" onSubmit={save} aria-label={t('settings.merchant')} data-testid="merchant-form">
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
      <SaveRow call={call} />
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
        <SaveRow call={call}>
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
  const [y, patchY] = useFollowingDraft(settings.yima);
  const setY = (next: PublicSettings['yima']) => patchY(next);
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
              { value: 'md5-body-key', label: t('settings.yimaSignMd5') },
              { value: 'none', label: t('settings.yimaSignNone') },
            ]}
          />
        </div>
        <SaveRow call={call} />
      </form>
      <SecretRow settings={settings} name="yimaKey" label={t('settings.yimaKey')} />
    </>
  );
}

/** 总部同步: where this counter's journal uploads (head office issues the token: npm run hq -- add-counter). */
function HqForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const call = useSettingsCall();
  const [hq, patchHq] = useFollowingDraft(settings.hq);
  return (
    <>
      <form
        className="card"
        aria-label={t('settings.hq')}
        onSubmit={(e) => {
          e.preventDefault();
          void call.save((managerPin) =>
            cashier.settings.update({
              hq: { url: hq.url.trim(), storeId: hq.storeId.trim() },
              ...(managerPin ? { managerPin } : {}),
            }),
          );
        }}
      >
        <h2>{t('settings.hq')}</h2>
        <p className="msg msg-muted">{t('settings.hqHelp')}</p>
        <div className="field-row">
          <TextField
            id="hq-url"
            label={t('settings.hqUrl')}
            maxLength={512}
            value={hq.url}
            onChange={(url) => patchHq({ url })}
          />
          <TextField
            id="hq-store"
            label={t('settings.hqStoreId')}
            maxLength={40}
            value={hq.storeId}
            onChange={(storeId) => patchHq({ storeId })}
          />
        </div>
        <SaveRow call={call} />
      </form>
      <SecretRow settings={settings} name="hqToken" label={t('settings.hqToken')} />
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
        <dt>{t('about.version')}</dt>
        <dd>
          {t('app.title')} {info.version} ({t(`about.transport.${info.transport}` as MessageKey)})
        </dd>
        <dt>{t('about.gateway')}</dt>
        {info.gatewayUrl === 'embedded simulator' ? (
          <dd>{t('about.simulator')}</dd>
        ) : (
          <dd className="wrap" data-raw="">
            {info.gatewayUrl}
          </dd>
        )}
        <dt>{t('about.data')}</dt>
        <dd className="wrap" data-raw="">
          {info.dataDir}
        </dd>
      </dl>
      <LanguageRow />
    </div>
  );
}

/** The language: no PIN needed (main lets the cashier switch freely). */
function LanguageRow() {
  const { t, lang } = useT();
  return (
    <div className="field-row">
      <span>{t('settings.language')}</span>
      <button
        type="button"
        data-testid="about-lang-zh"
        aria-pressed={lang === 'zh-CN'}
        onClick={() => void switchLanguage('zh-CN')}
      >
        中文
      </button>
      <button
        type="button"
        data-testid="about-lang-en"
        aria-pressed={lang === 'en'}
        onClick={() => void switchLanguage('en')}
      >
        English
      </button>
    </div>
  );
}

/** 小票: which copies print after a sale, the line under the shop name, and the spoken result. */
function ReceiptForm({ settings }: { settings: PublicSettings }) {
  const { t } = useT();
  const call = useSettingsCall();
  const [d, set] = useFollowingDraft({
    receiptCopies: settings.receiptCopies,
    receiptLogoLine: settings.receiptLogoLine,
    voice: settings.voice,
  });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    await call.save((pin) =>
      cashier.settings.update({
        receiptCopies: d.receiptCopies,
        receiptLogoLine: d.receiptLogoLine.trim(),
        voice: d.voice,
        ...(pin ? { managerPin: pin } : {}),
      }),
    );
  };
  return (
    <form className="card" onSubmit={save} aria-label={t('settings.receipt')} data-testid="receipt-form">
      <h2>{t('settings.receipt')}</h2>
      <div className="field-row">
        <SelectField
          id="set-receiptCopies"
          label={t('settings.receiptCopies')}
          value={d.receiptCopies}
          onChange={(receiptCopies) => set({ receiptCopies })}
          options={(['both', 'customer', 'merchant', 'none'] as const).map((v) => ({
            value: v,
            label: t(`settings.copies.${v}` as MessageKey),
          }))}
        />
        <TextField
          id="set-receiptLogoLine"
          label={t('settings.receiptLogoLine')}
          maxLength={40}
          value={d.receiptLogoLine}
          onChange={(receiptLogoLine) => set({ receiptLogoLine })}
        />
      </div>
      <label className="check" htmlFor="set-voice">
        <input
          id="set-voice"
          type="checkbox"
          checked={d.voice}
          onChange={(e) => set({ voice: e.target.checked })}
        />
        {t('settings.voice')}
      </label>
      <SaveRow call={call} />
    </form>
  );
}

/** 测试连接: a harmless signed call to the real gateway (CONTRACTS §6), where main offers it. */
function GatewayTestCard() {
  const { t, bi } = useT();
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const test = optional.gatewayTest();
  const run = async () => {
    if (!test) return;
    setBusy(true);
    setResult(undefined);
    const r = await test({});
    setBusy(false);
    setResult(r.ok ? { ok: r.data.ok, text: bi(r.data.message) } : { ok: false, text: bi(r.error.message) });
  };
  return (
    <div className="card" data-testid="gateway-test">
      <h2>{t('settings.gatewayTest')}</h2>
      <p className="msg msg-muted">{t('settings.gatewayTestHint')}</p>
      <div className="field-row">
        <button
          type="button"
          disabled={!test || busy}
          onClick={() => void run()}
          data-testid="gateway-test-run"
        >
          {busy ? t('common.working') : t('settings.gatewayTestRun')}
        </button>
        {!test && <span className="msg msg-muted">{t('common.unavailable')}</span>}
      </div>
      {result && (
        <p
          role="status"
          className={result.ok ? 'msg msg-ok' : 'msg msg-error'}
          data-testid="gateway-test-result"
        >
          {result.text}
        </p>
      )}
    </div>
  );
}
