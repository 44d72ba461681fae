/**
 * Settings → ECR (收银机对接): a manager turns the host-POS link on and sets it up — the local API
 * (127.0.0.1, or the LAN with TLS), its bearer token (write-only), API approval of refunds and voids,
 * customer-display capture and the exchange folder. main checks every change (a manager's session,
 * devices not files); this card only shows what main answers. docs/ecr.md says what each field does.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { EcrSettings } from '../../../main/ecr/types';
import type { EcrStatus } from '../../../main/ipc/channels/ecr';
import { cashier } from '../cashier';
import { ErrorText, SelectField, TextField, useAction } from '../components/common';
import { useT } from '../i18n';

const L = {
  title: { zh: '收银机对接 ECR', en: 'Host POS link (ECR)' },
  intro: {
    zh: '让商店自己的收银机（主机 POS）把金额交给本机收款并取回结果。',
    en: "Let the shop's own POS hand the amount to this counter and get the result back.",
  },
  enabled: { zh: '开启本地接口（HTTP API）', en: 'Turn on the local API (HTTP)' },
  listen: { zh: '访问范围', en: 'Who may connect' },
  loopback: { zh: '仅本机（127.0.0.1）', en: 'This PC only (127.0.0.1)' },
  lan: { zh: '局域网（需 TLS）', en: 'The LAN (TLS required)' },
  port: { zh: '端口', en: 'Port' },
  cert: { zh: 'TLS 证书文件（PEM）', en: 'TLS certificate file (PEM)' },
  key: { zh: 'TLS 私钥文件（PEM）', en: 'TLS key file (PEM)' },
  approval: {
    zh: '允许主机直接退款 / 撤销（不需店长在收银台确认）',
    en: 'Allow host refunds and voids without a manager at the counter',
  },
  display: {
    zh: '客显采集（读取主机的客显串口）',
    en: 'Customer-display capture (read the host’s pole display port)',
  },
  displayOn: { zh: '开启客显采集', en: 'Turn on display capture' },
  displayPath: { zh: '客显串口', en: 'Display port' },
  relay: { zh: '转发到真实客显（可选）', en: 'Relay to the real display (optional)' },
  baud: { zh: '波特率', en: 'Baud rate' },
  autoLine: { zh: '自动识别串口参数', en: 'Detect the line settings' },
  protocol: { zh: '客显协议', en: 'Display protocol' },
  folder: { zh: '交换文件夹', en: 'Exchange folder' },
  folderOn: { zh: '开启文件夹接口', en: 'Turn on the folder interface' },
  mode: { zh: '文件格式', en: 'File format' },
  save: { zh: '保存', en: 'Save' },
  saved: { zh: '已保存', en: 'Saved' },
  token: {
    zh: '访问令牌（主机使用同一值，16 位以上）',
    en: 'Bearer token (the host uses the same, 16+ characters)',
  },
  setToken: { zh: '设置令牌', en: 'Set the token' },
  tokenSet: { zh: '令牌已设置', en: 'Token set' },
  tokenEnv: { zh: '令牌由 CASHIER_ECR_TOKEN 设定', en: 'Token set by CASHIER_ECR_TOKEN' },
  tokenNone: { zh: '尚未设置令牌', en: 'No token yet' },
  api: { zh: '接口', en: 'API' },
  off: { zh: '关闭', en: 'off' },
  on: { zh: '运行中', en: 'on' },
  waiting: { zh: '等待中', en: 'waiting' },
  error: { zh: '出错', en: 'error' },
};

type Draft = EcrSettings;

export function EcrSettingsCard() {
  const { bi } = useT();
  const [status, setStatus] = useState<EcrStatus | undefined>();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [token, setToken] = useState('');
  const action = useAction();
  const tokenAction = useAction();

  useEffect(() => {
    void cashier.ecr.status({}).then((r) => {
      if (!r.ok) return;
      setStatus(r.data);
      setDraft(r.data.settings);
    });
    return cashier.on('ecr.status', (s) => setStatus(s));
  }, []);

  if (!status || !draft) return null;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setDisplay = (patch: Partial<Draft['display']>) => set({ display: { ...draft.display, ...patch } });
  const setFolder = (patch: Partial<Draft['folder']>) => set({ folder: { ...draft.folder, ...patch } });
  const state = (s: EcrStatus['api']) =>
    `${bi(L[s.state])}${s.where ? ` · ${s.where}` : ''}${s.message ? ` · ${bi(s.message)}` : ''}`;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const next = await action.run(
      () => cashier.ecr.configure({ ecr: draft }),
      () => bi(L.saved),
    );
    if (next) {
      setStatus(next);
      setDraft(next.settings);
    }
  };
  const saveToken = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await tokenAction.run(
      () => cashier.ecr.setToken({ token }),
      () => bi(L.tokenSet),
    );
    // The field never keeps the token.
    setToken('');
    if (ok) void cashier.ecr.status({}).then((r) => r.ok && setStatus(r.data));
  };
  const check = (id: string, label: string, checked: boolean, onChange: (v: boolean) => void) => (
    <label className="check" htmlFor={id}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );

  return (
    <section className="card" aria-label={bi(L.title)} data-testid="ecr-settings">
      <h2>{bi(L.title)}</h2>
      <p className="msg msg-muted">{bi(L.intro)}</p>
      <p className="msg" data-testid="ecr-api-state">
        {bi(L.api)}: {state(status.api)} ·{' '}
        {bi(status.tokenSource === 'env' ? L.tokenEnv : status.tokenSet ? L.tokenSet : L.tokenNone)}
      </p>
      <form onSubmit={save}>
        {check('ecr-enabled', bi(L.enabled), draft.enabled, (enabled) => set({ enabled }))}
        <div className="field-row">
          <SelectField
            id="ecr-listen"
            label={bi(L.listen)}
            value={draft.listen}
            onChange={(listen) => set({ listen })}
            options={[
              { value: 'loopback', label: bi(L.loopback) },
              { value: 'lan', label: bi(L.lan) },
            ]}
          />
          <TextField
            id="ecr-port"
            label={bi(L.port)}
            inputMode="numeric"
            value={String(draft.port)}
            onChange={(v) => set({ port: Number(v.replace(/\D/g, '').slice(0, 5)) || 0 })}
          />
        </div>
        {draft.listen === 'lan' && (
          <div className="field-row">
            <TextField
              id="ecr-cert"
              label={bi(L.cert)}
              value={draft.tlsCertPath}
              onChange={(tlsCertPath) => set({ tlsCertPath })}
            />
            <TextField
              id="ecr-key"
              label={bi(L.key)}
              value={draft.tlsKeyPath}
              onChange={(tlsKeyPath) => set({ tlsKeyPath })}
            />
          </div>
        )}
        {check('ecr-approval', bi(L.approval), draft.allowApiApproval, (allowApiApproval) =>
          set({ allowApiApproval }),
        )}

        <h3>{bi(L.display)}</h3>
        <p className="msg msg-muted">{state(status.display)}</p>
        {check('ecr-display', bi(L.displayOn), draft.display.enabled, (enabled) => setDisplay({ enabled }))}
        <div className="field-row">
          <TextField
            id="ecr-display-path"
            label={bi(L.displayPath)}
            value={draft.display.path}
            onChange={(path) => setDisplay({ path })}
          />
          <TextField
            id="ecr-relay-path"
            label={bi(L.relay)}
            value={draft.display.relayPath}
            onChange={(relayPath) => setDisplay({ relayPath })}
          />
        </div>
        <div className="field-row">
          <SelectField
            id="ecr-baud"
            label={bi(L.baud)}
            value={String(draft.display.baudRate)}
            onChange={(v) => setDisplay({ baudRate: Number(v) })}
            options={['2400', '4800', '9600', '19200', '38400', '115200'].map((v) => ({
              value: v,
              label: v,
            }))}
          />
          <SelectField
            id="ecr-protocol"
            label={bi(L.protocol)}
            value={draft.display.protocol}
            onChange={(protocol) => setDisplay({ protocol })}
            options={[
              { value: 'auto', label: bi({ zh: '自动识别', en: 'Detect' }) },
              { value: 'led8', label: 'LED-8' },
              { value: 'cd5220', label: 'CD5220 / EPSON 2×20' },
              { value: 'escpos', label: 'ESC/POS' },
              { value: 'text', label: bi({ zh: '纯文本', en: 'Plain text' }) },
            ]}
          />
        </div>
        {check('ecr-autoline', bi(L.autoLine), draft.display.autoLine === true, (autoLine) =>
          setDisplay({ autoLine }),
        )}

        <h3>{bi(L.folder)}</h3>
        <p className="msg msg-muted">{state(status.folder)}</p>
        {check('ecr-folder', bi(L.folderOn), draft.folder.enabled, (enabled) => setFolder({ enabled }))}
        <div className="field-row">
          <TextField
            id="ecr-folder-path"
            label={bi(L.folder)}
            value={draft.folder.path}
            onChange={(path) => setFolder({ path })}
          />
          <SelectField
            id="ecr-folder-mode"
            label={bi(L.mode)}
            value={draft.folder.mode}
            onChange={(mode) => setFolder({ mode })}
            options={[
              { value: 'json', label: 'req-<id>.json → res-<id>.json' },
              { value: 'fixed', label: 'request.txt → result.txt (GBK)' },
            ]}
          />
        </div>
        <button type="submit" className="primary" disabled={action.busy}>
          {bi(L.save)}
        </button>
        {action.done && <span className="msg msg-ok"> {action.done}</span>}
        <ErrorText error={action.error} />
      </form>

      {status.tokenSource === 'file' && (
        <form className="field-row" onSubmit={saveToken}>
          <TextField
            id="ecr-token"
            label={bi(L.token)}
            type="password"
            minLength={16}
            maxLength={128}
            value={token}
            onChange={setToken}
          />
          <button type="submit" disabled={tokenAction.busy || token.length < 16}>
            {bi(L.setToken)}
          </button>
          {tokenAction.done && <span className="msg msg-ok"> {tokenAction.done}</span>}
          <ErrorText error={tokenAction.error} />
        </form>
      )}
    </section>
  );
}
