/** Yima (翼码) account refund: by the original payment's pos_seq, manager PIN required. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { YimaRefundView } from '../../../main/ipc/channels/yima';
import type { ErrorBody } from '../../../main/ipc/errors';
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

  /** A refund main refused as a second one of the same payment, waiting for the manager's yes. */
  const [duplicate, setDuplicate] = useState<
    | { orgPosSeq: string; amountFen: number; memo: string | undefined; message: ErrorBody['message'] }
    | undefined
  >();
  // A change to the form is a different refund: the pending question no longer applies.
  const edit =
    (set: (v: string) => void) =>
    (v: string): void => {
      setDuplicate(undefined);
      set(v);
    };

  const send = async (
    request: { orgPosSeq: string; amountFen: number; memo: string | undefined },
    again: boolean,
  ) => {
    const r = await action.run(
      () => cashier.yima.refund({ ...request, pin, ...(again ? { confirmDuplicate: true } : {}) }),
      (v) =>
        `${t(`yima.status.${v.status}` as MessageKey)} ${formatFen(v.amountFen)} ${v.message ? bi(v.message) : ''}`,
    );
    if (r) {
      setPin('');
      setDuplicate(undefined);
      void reload();
      return;
    }
    const refusal = action.lastError();
    if (
      !again &&
      refusal?.code === 'CONFLICT' &&
      refusal.fields?.some((f) => f.path === 'confirmDuplicate')
    ) {
      // Not an error to dismiss: a question for the manager, answered below.
      action.clear();
      setDuplicate({ ...request, message: refusal.message });
      void reload();
    } else {
      setDuplicate(undefined);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (posSeq.trim().length < 13) return action.fail(t('yima.posSeqShort'));
    const check = checkAmount(amount, undefined, t);
    if (!check.ok) return action.fail(check.message);
    await send({ orgPosSeq: posSeq.trim(), amountFen: check.fen, memo: memo || undefined }, false);
  };

  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (duplicate) cancelRef.current?.focus();
  }, [duplicate]);

  const cancelDuplicate = () => {
    setDuplicate(undefined);
    // The PIN typed for the refund not made does not stay for the next action.
    setPin('');
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
            onChange={edit((v) => setPosSeq(v.trim()))}
          />
          <AmountField
            id="yima-amount"
            label={t('common.amountYuan')}
            value={amount}
            onChange={edit(setAmount)}
          />
        </div>
        <div className="field-row">
          <TextField
            id="yima-memo"
            label={t('yima.memo')}
            maxLength={64}
            value={memo}
            onChange={edit(setMemo)}
          />
          <PinField id="yima-pin" value={pin} onChange={setPin} />
          <button
            type="submit"
            className="danger"
            disabled={action.busy || pin.length < 4 || duplicate !== undefined}
          >
            {t('yima.submit')}
          </button>
        </div>
      </form>
      {duplicate && (
        <div
          role="alertdialog"
          aria-labelledby="yima-duplicate-title"
          className="msg msg-warn"
          data-testid="yima-duplicate"
        >
          <h3 id="yima-duplicate-title">{t('yima.duplicate.title')}</h3>
          <p>{bi(duplicate.message)}</p>
          <p>
            {t('yima.duplicate.ask', { posSeq: duplicate.orgPosSeq, amount: formatFen(duplicate.amountFen) })}
          </p>
          <div className="field-row">
            <button
              type="button"
              className="danger"
              data-testid="yima-duplicate-confirm"
              disabled={action.busy}
              onClick={() => {
                const { message: _shown, ...request } = duplicate;
                void send(request, true);
              }}
            >
              {t('yima.duplicate.confirm')}
            </button>
            {/* The safe answer has the focus: Enter alone does not refund twice. */}
            <button
              type="button"
              data-testid="yima-duplicate-cancel"
              ref={cancelRef}
              disabled={action.busy}
              onClick={cancelDuplicate}
            >
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
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
