/** Yima (翼码) account refund: by the original payment's pos_seq, manager PIN required. */
import { type FormEvent, useEffect, useState } from 'react';
import type { YimaRefundView } from '../../../main/ipc/channels/yima';
import { formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import {
  AmountField,
  checkAmount,
  DoneText,
  ErrorText,
  Money,
  TextField,
  useAction,
} from '../components/common';
import { Badge, PinField } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { chinaTime } from '../store';

export function YimaRefund() {
  const { t, bi } = useT();
  const [posSeq, setPosSeq] = useState('');
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [pin, setPin] = useState('');
  const [recent, setRecent] = useState<YimaRefundView[]>([]);
  const action = useAction();

  const reload = async () => {
    const r = await cashier.yima.list({});
    if (r.ok) setRecent(r.data);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once on open
  useEffect(() => {
    void reload();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (posSeq.trim().length < 13) return action.fail(t('yima.posSeqShort'));
    const check = checkAmount(amount, undefined, t);
    if (!check.ok) return action.fail(check.message);
    const r = await action.run(
      () =>
        cashier.yima.refund({
          orgPosSeq: posSeq.trim(),
          amountFen: check.fen,
          memo: memo || undefined,
          pin,
        }),
      (v) =>
        `${t(`yima.status.${v.status}` as MessageKey)} ${formatFen(v.amountFen)} ${v.message ? bi(v.message) : ''}`,
    );
    if (r) {
      setPin('');
      void reload();
    }
  };

  return (
    <section className="card" aria-label={t('yima.title')}>
      <h2>{t('yima.title')}</h2>
      <form onSubmit={submit}>
        <div className="field-row">
          <TextField
            id="yima-posseq"
            label={t('yima.orgPosSeq')}
            maxLength={32}
            value={posSeq}
            onChange={(v) => setPosSeq(v.trim())}
          />
          <AmountField id="yima-amount" label={t('common.amountYuan')} value={amount} onChange={setAmount} />
        </div>
        <div className="field-row">
          <TextField id="yima-memo" label={t('yima.memo')} maxLength={64} value={memo} onChange={setMemo} />
          <PinField id="yima-pin" value={pin} onChange={setPin} />
          <button type="submit" className="danger" disabled={action.busy || pin.length < 4}>
            {t('yima.submit')}
          </button>
        </div>
      </form>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
      <h3>{t('yima.recent')}</h3>
      <table>
        <tbody>
          {recent.map((r) => (
            <tr key={r.posSeq}>
              <td>{chinaTime(r.createdAt)}</td>
              <td>{r.orgPosSeq}</td>
              <td className="num">
                <Money fen={r.amountFen} />
              </td>
              <td>
                <Badge state={r.status} label={t(`yima.status.${r.status}` as MessageKey)} />
              </td>
              <td>{r.message ? bi(r.message) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
