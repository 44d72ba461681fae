/** Operators and PINs: who is at the counter, sign in, add or change an operator, remove one. */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { OperatorView } from '../../../main/ipc/channels/settings';
import { cashier } from '../cashier';
import { DoneText, ErrorText, TextField, useAction } from '../components/common';
import { PinField } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { lock, managerPin, useManager } from '../manager';
import { loadOperators, useCashier } from '../store';

export function Operators() {
  const { t } = useT();
  const current = useCashier((s) => s.operator);
  const [list, setList] = useState<OperatorView[]>([]);
  const [signInId, setSignInId] = useState('');
  const [signInPin, setSignInPin] = useState('');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'cashier' | 'manager'>('cashier');
  const [pin, setPin] = useState('');
  const manager = useManager();
  const action = useAction();

  const load = useCallback(async () => {
    const r = await cashier.operators.list({});
    if (r.ok) {
      setList(r.data);
      setSignInId((x) => x || r.data[0]?.id || '');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    const who = await action.run(
      () => cashier.operators.signIn({ id: signInId, pin: signInPin }),
      (o) => t('settings.signedIn', { name: o.name }),
    );
    setSignInPin('');
    if (who) useCashier.getState().setOperator(who);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(
      () =>
        cashier.operators.save({
          id: id.trim(),
          name: name.trim(),
          role,
          pin: pin || undefined,
          managerPin: managerPin(),
        }),
      () => t('common.saved'),
    );
    // The new PIN never stays in its field, saved or not.
    setPin('');
    if (r) {
      setList(r);
      void loadOperators();
    } else if (action.lastCode() === 'PIN_INVALID') lock();
  };

  const remove = async (o: OperatorView) => {
    const r = await action.run(
      () => cashier.operators.remove({ id: o.id, managerPin: managerPin() }),
      () => t('common.saved'),
    );
    if (r) {
      setList(r);
      void loadOperators();
    }
  };

  return (
    <div className="card">
      <h2>{t('settings.operators')}</h2>
      {current && (
        <p className="msg">
          {t('status.operator')}:{' '}
          <span data-user-text="">
            {current.name} ({current.id})
          </span>
        </p>
      )}
      {list.some((o) => o.id === 'manager') && (
        <p className="msg msg-warn">{t('settings.demoManagerWarn')}</p>
      )}
      <form className="field-row" onSubmit={signIn} aria-label={t('settings.signIn')}>
        <label className="field" htmlFor="signin-id">
          {t('status.operator')}
          <select id="signin-id" value={signInId} onChange={(e) => setSignInId(e.target.value)}>
            {list.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.id})
              </option>
            ))}
          </select>
        </label>
        <PinField id="signin-pin" value={signInPin} onChange={setSignInPin} label={t('settings.pin')} />
        <button type="submit" disabled={signInPin.length < 4 || action.busy}>
          {t('settings.signIn')}
        </button>
      </form>
      <table>
        <tbody>
          {list.map((o) => (
            <tr key={o.id}>
              <td data-raw="">{o.id}</td>
              <td data-user-text="">{o.name}</td>
              <td>{t(`settings.role.${o.role}` as MessageKey)}</td>
              <td>
                <button
                  type="button"
                  className="row-button"
                  onClick={() => {
                    setId(o.id);
                    setName(o.name);
                    setRole(o.role);
                  }}
                >
                  ✎ <span data-user-text="">{o.name}</span>
                </button>{' '}
                <button
                  type="button"
                  className="row-button"
                  disabled={!manager || o.id === current?.id}
                  data-testid={`operator-remove-${o.id}`}
                  aria-label={t('settings.opRemove', { name: o.name })}
                  onClick={() => void remove(o)}
                >
                  {t('settings.opRemoveShort')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={save} aria-label={t('settings.opSave')}>
        <div className="field-row">
          <TextField id="op-id" label={t('settings.opId')} maxLength={20} value={id} onChange={setId} />
          <TextField
            id="op-name"
            label={t('settings.opName')}
            maxLength={20}
            value={name}
            onChange={setName}
          />
          <label className="field" htmlFor="op-role">
            {t('settings.opRole')}
            <select
              id="op-role"
              value={role}
              onChange={(e) => setRole(e.target.value as 'cashier' | 'manager')}
            >
              <option value="cashier">{t('settings.role.cashier')}</option>
              <option value="manager">{t('settings.role.manager')}</option>
            </select>
          </label>
        </div>
        <div className="field-row">
          <PinField id="op-pin" value={pin} onChange={setPin} label={t('settings.opNewPin')} />
          <button type="submit" disabled={!id || !name || action.busy}>
            {t('settings.opSave')}
          </button>
        </div>
      </form>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
    </div>
  );
}
