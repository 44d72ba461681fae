/**
 * Pre-authorization (担保): start (amount + payment code), then on a selected pre-auth: complete,
 * quick complete, void, quick void (manager PIN), query. The open ones are listed first.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { PreauthView } from '../../../main/ipc/channels/preauth';
import type { ErrorBody } from '../../../main/ipc/errors';
import { fenToYuanText, formatFen } from '../../../main/shared/money';
import { channelOf, checkPayCode } from '../../../main/shared/paycode';
import { cashier } from '../cashier';
import {
  AmountField,
  Bi,
  checkAmount,
  DoneText,
  ErrorText,
  Money,
  TextField,
  useAction,
  usePrint,
} from '../components/common';
import { Badge, PinField } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { optional } from '../optional';
import { chinaTime, useCashier } from '../store';

export function Preauth() {
  const { t, bi } = useT();
  const maxAmountFen = useCashier((s) => s.settings?.maxAmountFen);
  const ordersVersion = useCashier((s) => s.ordersVersion);
  const [openOnly, setOpenOnly] = useState(true);
  const [list, setList] = useState<PreauthView[]>([]);
  const [listError, setListError] = useState<ErrorBody | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  /** The selected pre-auth as the last call returned it: it stays on screen after it leaves the open list. */
  const [lastView, setLastView] = useState<PreauthView | undefined>();
  const [amount, setAmount] = useState('');
  const [code, setCode] = useState('');
  const start = useAction();
  const run = useCashier((s) => s.preauthRun);
  const [typedFen, setTypedFen] = useState<number | undefined>();
  const startingFen = run && !run.done ? run.amountFen : start.busy ? typedFen : undefined;
  const setDraft = useCashier((s) => s.setDraft);

  // Main learns the typed amount: a scan (any scanner) then starts the pre-auth at it.
  useEffect(() => {
    const check = checkAmount(amount, maxAmountFen, t);
    setDraft('preauth', check.ok ? check.fen : undefined);
  }, [amount, maxAmountFen, setDraft, t]);
  useEffect(() => () => setDraft('preauth', undefined), [setDraft]);

  // A scan started a pre-auth: the amount is spent; once it has an outcome, show it selected.
  useEffect(() => {
    if (!run) return;
    setAmount('');
    setCode('');
    if (run.done && run.id) {
      start.clear();
      setSelected(run.id);
      setLastView(undefined);
    }
  }, [run, start.clear]);

  const load = useCallback(async () => {
    const r = await cashier.preauth.list({ openOnly });
    if (r.ok) {
      setList(r.data);
      setListError(undefined);
    } else setListError(r.error);
  }, [openOnly]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ordersVersion` bumps on orders.changed
  useEffect(() => {
    void load();
  }, [load, ordersVersion]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkAmount(amount, maxAmountFen, t);
    if (!check.ok) return start.fail(check.message);
    const pay = checkPayCode(code);
    if (!pay.ok) return start.fail(bi(pay.message));
    setTypedFen(check.fen);
    const r = await start.run(
      () => cashier.preauth.start({ amountFen: check.fen, code: pay.code }),
      (p) => `${t(`preauth.status.${p.status}` as MessageKey)} ${formatFen(p.amountFen)}`,
    );
    setCode('');
    if (r) {
      setAmount('');
      setSelected(r.id);
      setLastView(r);
    }
    void load();
  };

  const current = list.find((p) => p.id === selected) ?? (lastView?.id === selected ? lastView : undefined);
  // A pre-auth started by a scan that is no longer open (declined): fetch it from the full list.
  useEffect(() => {
    if (!selected || current) return;
    let live = true;
    void cashier.preauth.list({}).then((r) => {
      const found = r.ok ? r.data.find((p) => p.id === selected) : undefined;
      if (live && found) setLastView(found);
    });
    return () => {
      live = false;
    };
  }, [selected, current]);
  // The start form's outcome ("担保中 ¥200.00") speaks of the pre-auth it started: once that one is
  // completed or voided, or another is selected, it would mislead, so it goes.
  const select = (id: string) => {
    if (id !== selected) start.clear();
    setSelected(id);
  };
  const changed = (v: PreauthView) => {
    start.clear();
    setLastView(v);
    void load();
  };

  return (
    <section className="two-col" aria-label={t('preauth.title')} data-testid="preauth">
      <div className="scroll">
        <form className="card" onSubmit={submit} aria-label={t('preauth.start')} data-testid="preauth-start">
          <h2>{t('preauth.start')}</h2>
          <div className="field-row">
            <AmountField
              id="preauth-amount"
              label={t('common.amountYuan')}
              value={amount}
              onChange={setAmount}
            />
            <TextField
              id="preauth-code"
              label={`${t('preauth.code')}${code && /^\d{16,}$/.test(code) ? ` · ${t(`channel.${channelOf(code)}` as MessageKey)}` : ''}`}
              inputMode="numeric"
              maxLength={64}
              value={code}
              onChange={(v) => setCode(v.replace(/\s/g, ''))}
            />
            <button type="submit" className="primary" disabled={start.busy}>
              {t('preauth.startSubmit')}
            </button>
          </div>
          <p className="msg msg-muted">{t('preauth.scanHint')}</p>
          {startingFen !== undefined && (
            <p className="msg" aria-live="polite" data-testid="preauth-progress">
              <span className="spinner spinner-small" aria-hidden="true" />{' '}
              {t('preauth.running', { amount: formatFen(startingFen) })}
            </p>
          )}
          <ErrorText error={start.error} />
          <DoneText text={start.done} />
        </form>
        <div className="card">
          <div className="toolbar">
            <h2>{t('preauth.open')}</h2>
            <label className="check" htmlFor="preauth-all">
              <input
                id="preauth-all"
                type="checkbox"
                checked={!openOnly}
                onChange={(e) => setOpenOnly(!e.target.checked)}
              />
              {t('preauth.all')}
            </label>
          </div>
          <ErrorText error={listError} />
          <table aria-label={t('preauth.open')} data-testid="preauth-open">
            <thead>
              <tr>
                <th>{t('orders.col.time')}</th>
                <th className="num">{t('orders.col.amount')}</th>
                <th>{t('orders.col.code')}</th>
                <th>{t('orders.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr
                  key={p.id}
                  className={p.id === selected ? 'row-selected' : undefined}
                  onClick={() => select(p.id)}
                >
                  <td>
                    <button
                      type="button"
                      className="row-button"
                      aria-label={`${chinaTime(p.createdAt)} ${formatFen(p.amountFen)} ${p.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        select(p.id);
                      }}
                    >
                      {chinaTime(p.createdAt)}
                    </button>
                  </td>
                  <td className="num">
                    <Money fen={p.amountFen} />
                  </td>
                  <td>
                    {t(`channel.${p.channel}` as MessageKey)} •••• {p.codeLast4}
                  </td>
                  <td>
                    <Badge state={p.status} label={t(`preauth.status.${p.status}` as MessageKey)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.length === 0 && !listError && <p className="msg msg-muted">{t('preauth.empty')}</p>}
        </div>
      </div>
      <div className="scroll">
        {current ? <PreauthPanel key={current.id} p={current} onChanged={changed} /> : null}
      </div>
    </section>
  );
}

function PreauthPanel({ p, onChanged }: { p: PreauthView; onChanged: (v: PreauthView) => void }) {
  const { t } = useT();
  const [amount, setAmount] = useState(() => fenToYuanText(p.amountFen));
  const [pin, setPin] = useState('');
  const action = useAction();
  const printOn = usePrint(action);
  const open = p.status === 'authorized';
  const done = (v: PreauthView) => {
    onChanged(v);
    return t(`preauth.status.${v.status}` as MessageKey);
  };

  const complete = async (quick: boolean) => {
    const check = checkAmount(amount, undefined, t);
    if (!check.ok) return action.fail(check.message);
    // Completing moves money after the fact: a manager's PIN elevates the session first (auth.elevate).
    const elevate = optional.authElevate();
    if (pin && elevate) {
      const typed = pin;
      setPin('');
      const ok = await action.run(() => elevate({ pin: typed }));
      if (!ok) return;
    }
    void action.run(
      () =>
        quick
          ? cashier.preauth.quickComplete({ id: p.id, amountFen: check.fen })
          : cashier.preauth.complete({ id: p.id, amountFen: check.fen }),
      done,
    );
  };
  const voidIt = (quick: boolean) => {
    const typed = pin;
    // The PIN never stays in its field, accepted or not.
    setPin('');
    void action.run(
      () =>
        quick
          ? cashier.preauth.quickVoid({ id: p.id, pin: typed })
          : cashier.preauth.void({ id: p.id, pin: typed }),
      done,
    );
  };

  const print = () => printOn(() => cashier.orders.reprint({ id: p.id }));

  return (
    <section className="card" aria-label={t('preauth.selected')} data-testid="preauth-selected">
      <h2>
        <Money fen={p.amountFen} className="big-figure" />{' '}
        <span data-testid="preauth-status" data-status={p.status}>
          <Badge state={p.status} label={t(`preauth.status.${p.status}` as MessageKey)} />
        </span>
      </h2>
      {p.statusMessage && (
        <p className="msg">
          <Bi m={p.statusMessage} />
        </p>
      )}
      <dl className="kv">
        <dt>{t('orders.col.id')}</dt>
        <dd data-raw="">{p.id}</dd>
        {p.orderId && (
          <>
            <dt>{t('orders.gatewayId')}</dt>
            <dd data-raw="">{p.orderId}</dd>
          </>
        )}
        <dt>{t('preauth.trace')}</dt>
        <dd>{p.systemTraceNum}</dd>
        {p.authorizationCode && (
          <>
            <dt>{t('preauth.auth')}</dt>
            <dd>{p.authorizationCode}</dd>
          </>
        )}
        {p.completedFen !== undefined && (
          <>
            <dt>{t('preauth.complete')}</dt>
            <dd data-testid="preauth-completed">{formatFen(p.completedFen)}</dd>
          </>
        )}
        <dt>{t('orders.col.channel')}</dt>
        <dd>
          {t(`channel.${p.channel}` as MessageKey)} •••• {p.codeLast4}
        </dd>
        <dt>{t('orders.col.time')}</dt>
        <dd>{chinaTime(p.createdAt, true)}</dd>
      </dl>
      <div className="field-row">
        <AmountField
          id="preauth-complete-amount"
          label={t('preauth.completeAmount')}
          value={amount}
          onChange={setAmount}
        />
        <button
          type="button"
          className="primary"
          data-testid="preauth-complete"
          disabled={!open || action.busy}
          onClick={() => void complete(false)}
        >
          {t('preauth.complete')}
        </button>
        <button type="button" disabled={!open || action.busy} onClick={() => void complete(true)}>
          {t('preauth.quickComplete')}
        </button>
      </div>
      <div className="field-row">
        <PinField id="preauth-pin" value={pin} onChange={setPin} />
        <button
          type="button"
          className="danger"
          data-testid="preauth-void"
          disabled={!open || pin.length < 4 || action.busy}
          onClick={() => voidIt(false)}
        >
          {t('preauth.void')}
        </button>
        <button type="button" disabled={!open || pin.length < 4 || action.busy} onClick={() => voidIt(true)}>
          {t('preauth.quickVoid')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => cashier.preauth.query({ id: p.id }), done)}
        >
          {t('preauth.query')}
        </button>
        <button type="button" data-testid="preauth-print" disabled={action.busy} onClick={() => void print()}>
          {t('preauth.print')}
        </button>
      </div>
      <ErrorText error={action.error} />
      <DoneText text={action.done} />
    </section>
  );
}
