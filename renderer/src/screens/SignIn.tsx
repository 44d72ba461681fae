/**
 * The sign-in screen: at start and after 交班 where main has sign-in (auth.signIn), and as the quick
 * switch from the status bar. Operators are listed as large buttons (tap your name, type the PIN,
 * Enter); the PIN field never keeps its digits, whatever the answer.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { OperatorView } from '../../../main/ipc/channels/settings';
import { cashier } from '../cashier';
import { TextField } from '../components/common';
import { PinField } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { optional } from '../optional';
import { loadOperators, useCashier } from '../store';

export function SignIn() {
  const setup = useCashier((s) => s.authSetup);
  const [recoveryCode, setRecoveryCode] = useState<string | undefined>();
  if (recoveryCode) return <RecoveryCode code={recoveryCode} onDone={() => setRecoveryCode(undefined)} />;
  if (setup && optional.authSetup()) return <FirstManager onCode={setRecoveryCode} />;
  return <PickAndPin />;
}

/** A fresh install: no manager yet. The first one is created here and signed in at once. */
function FirstManager({ onCode }: { onCode: (code: string) => void }) {
  const { t, bi } = useT();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const create = optional.authSetup();
    if (!create) return;
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(id)) return setError(t('signin.badId'));
    if (!name.trim()) return setError(t('signin.badName'));
    if (pin.length < 4) return setError(t('signin.pinShort'));
    const typed = pin;
    setPin('');
    const r = await create({ operatorId: id, name: name.trim(), pin: typed });
    if (!r.ok) return setError(bi(r.error.message));
    if (r.data.state.operator) useCashier.getState().signedIn(r.data.state.operator);
    useCashier.setState({ authSetup: false, signInOpen: true, signInRequired: true });
    onCode(r.data.recoveryCode);
  };
  return (
    <section className="signin" aria-label={t('signin.setupTitle')} data-testid="signin-setup">
      <form className="card signin-card" onSubmit={submit}>
        <h2>{t('signin.setupTitle')}</h2>
        <p className="msg msg-muted">{t('signin.setupHint')}</p>
        <div className="field-row">
          <TextField id="setup-id" label={t('settings.opId')} maxLength={20} value={id} onChange={setId} />
          <TextField
            id="setup-name"
            label={t('settings.opName')}
            maxLength={20}
            value={name}
            onChange={setName}
          />
          <PinField id="setup-pin" value={pin} onChange={setPin} label={t('settings.opNewPin')} />
        </div>
        <button type="submit" className="primary">
          {t('signin.setupSubmit')}
        </button>
        {error && (
          <p role="alert" className="msg msg-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

/** The one-time recovery code: shown once, to be written down. */
function RecoveryCode({ code, onDone }: { code: string; onDone: () => void }) {
  const { t } = useT();
  return (
    <section className="signin" aria-label={t('signin.recoveryTitle')} data-testid="signin-recovery">
      <div className="card signin-card">
        <h2>{t('signin.recoveryTitle')}</h2>
        <p className="msg msg-warn">{t('signin.recoveryHint')}</p>
        <p className="big-figure" data-raw="">
          {code}
        </p>
        <button
          type="button"
          className="primary"
          onClick={() => {
            useCashier.setState({ signInOpen: false, signInRequired: false });
            onDone();
          }}
        >
          {t('signin.recoveryDone')}
        </button>
      </div>
    </section>
  );
}

function PickAndPin() {
  const { t, bi } = useT();
  const operators = useCashier((s) => s.operators);
  const current = useCashier((s) => s.operator);
  const required = useCashier((s) => s.signInRequired);
  const [selected, setSelected] = useState<string | undefined>();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void loadOperators();
  }, []);
  useEffect(() => {
    if (!selected && operators.length > 0) {
      setSelected(operators.find((o) => o.id !== current?.id)?.id ?? operators[0]?.id);
    }
  }, [operators, selected, current]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: picking a name moves the focus to the PIN
  useEffect(() => {
    pinRef.current?.querySelector('input')?.focus();
  }, [selected]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!selected) return;
    if (pin.length < 4) return setError(t('signin.pinShort'));
    setBusy(true);
    const typed = pin;
    setPin('');
    const signIn = optional.authSignIn();
    if (signIn) {
      const r = await signIn({ operatorId: selected, pin: typed });
      setBusy(false);
      if (!r.ok) return setError(bi(r.error.message));
      const op = r.data.operator ?? operators.find((o) => o.id === selected);
      if (op) useCashier.getState().signedIn(op);
      return;
    }
    const r = await cashier.operators.signIn({ id: selected, pin: typed });
    setBusy(false);
    if (!r.ok) return setError(bi(r.error.message));
    useCashier.getState().signedIn(r.data);
  };

  return (
    <section className="signin" aria-label={t('signin.title')} data-testid="signin">
      <form className="card signin-card" onSubmit={submit}>
        <h2>{t('signin.title')}</h2>
        <p className="msg msg-muted">{t('signin.hint')}</p>
        <fieldset className="signin-ops" aria-label={t('signin.who')}>
          {operators.map((o: OperatorView) => (
            <button
              key={o.id}
              type="button"
              aria-pressed={o.id === selected}
              data-testid={`signin-op-${o.id}`}
              className={o.id === selected ? 'signin-op signin-op-active' : 'signin-op'}
              onClick={() => {
                setSelected(o.id);
                setError(undefined);
              }}
            >
              <span className="signin-name" data-user-text="">
                {o.name}
              </span>
              {o.name !== t(`settings.role.${o.role}` as MessageKey) && (
                <span className="signin-role">{t(`settings.role.${o.role}` as MessageKey)}</span>
              )}
            </button>
          ))}
        </fieldset>
        <div className="field-row" ref={pinRef}>
          <PinField id="signin-pin" value={pin} onChange={setPin} label={t('settings.pin')} />
          <button type="submit" className="primary" disabled={busy || !selected} data-testid="signin-submit">
            {t('settings.signIn')}
          </button>
          {!required && (
            <button
              type="button"
              data-testid="signin-cancel"
              onClick={() => useCashier.setState({ signInOpen: false })}
            >
              {t('common.cancel')}
            </button>
          )}
        </div>
        {error && (
          <p role="alert" className="msg msg-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
