/**
 * Orders: today's orders with search, the selected order's timeline from the journal, and its
 * actions (void, partial refund, reprint, receipt preview, query now). Void and refund need a
 * manager PIN. A scan routed to order lookup opens that order here. Yima refunds live here too.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { OrderDetail, OrderView } from '../../../main/ipc/channels/orders';
import type { ErrorBody } from '../../../main/ipc/errors';
import { formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import {
  AmountField,
  Bi,
  checkAmount,
  DoneText,
  ErrorText,
  Money,
  OperatorName,
  useAction,
  usePrint,
} from '../components/common';
import { Badge, PinField } from '../components/PinField';
import { ReceiptPreview } from '../components/ReceiptPreview';
import { ordersCsv } from '../csv';
import { type MessageKey, useT } from '../i18n';
import { en } from '../i18n/en';
import { zh } from '../i18n/zh';
import { chinaTime, chinaToday, useCashier } from '../store';
import { YimaRefund } from './YimaRefund';

type Mode = 'none' | 'void' | 'refund' | 'preview';

/** Statuses that say everything: a message kept from an earlier, uncertain step would contradict them. */
const SETTLED = new Set(['paid', 'partially-refunded', 'refunded', 'voided']);

/** Journal record types as the cashier reads them (the developer's names never reach the screen). */
const TIMELINE_LABEL: Record<string, MessageKey> = {
  'pay.intent': 'timeline.pay.intent',
  'pay.sent': 'timeline.pay.sent',
  'pay.reply': 'timeline.pay.reply',
  'query.reply': 'timeline.query.reply',
  'void.intent': 'timeline.void.intent',
  'void.reply': 'timeline.void.reply',
  'refund.intent': 'timeline.refund.intent',
  'refund.reply': 'timeline.refund.reply',
  'refundquery.reply': 'timeline.refundquery.reply',
  'order.mark': 'timeline.order.mark',
  'order.park': 'timeline.order.park',
  'preauth.intent': 'timeline.preauth.intent',
  'preauth.reply': 'timeline.preauth.reply',
};

export function Orders() {
  const { t, lang } = useT();
  const ordersVersion = useCashier((s) => s.ordersVersion);
  const lookupOrderId = useCashier((s) => s.lookupOrderId);
  const lookupMode = useCashier((s) => s.lookupMode);
  const clearLookup = useCashier((s) => s.clearLookup);
  const [openMode, setOpenMode] = useState<'refund' | undefined>();
  const [day, setDay] = useState(chinaToday());
  const [query, setQuery] = useState('');
  const [list, setList] = useState<OrderView[]>([]);
  const [listError, setListError] = useState<ErrorBody | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [showYima, setShowYima] = useState(false);
  const exporter = useAction();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ordersVersion` bumps on orders.changed
  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      const r = await cashier.orders.list({ day, query: query.trim() || undefined, limit: 500 });
      if (!live) return;
      if (r.ok) {
        setList(r.data);
        setListError(undefined);
      } else setListError(r.error);
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [day, query, ordersVersion]);

  useEffect(() => {
    if (lookupOrderId) {
      setSelected(lookupOrderId);
      setOpenMode(lookupMode);
      setShowYima(false);
      clearLookup();
    }
  }, [lookupOrderId, lookupMode, clearLookup]);

  const exportCsv = () =>
    exporter.run(
      () => cashier.orders.export({ day, format: 'json' }),
      (file) => {
        // The journal's JSON, written out as a CSV in the UI language with China time (csv.ts).
        const orders = JSON.parse(file.content) as OrderView[];
        const names = new Map(useCashier.getState().operators.map((o) => [o.id, o.name]));
        const csv = ordersCsv(orders, lang === 'en' ? en : zh, (id) => names.get(id) ?? id);
        const fileName = file.fileName.replace(/\.json$/, '.csv');
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = fileName;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        return t('orders.exported', { name: fileName });
      },
    );

  return (
    <section className="two-col" aria-label={t('orders.title')} data-testid="orders">
      <div className="scroll">
        <div className="toolbar">
          <label className="field" htmlFor="orders-search">
            {t('orders.search')}
            <input
              id="orders-search"
              data-testid="orders-search"
              type="search"
              autoComplete="off"
              value={query}
              maxLength={64}
              onChange={(e) => setQuery(e.target.value)}
            />
          </label>
          <label className="field" htmlFor="orders-day">
            {t('common.day')}
            <input
              id="orders-day"
              type="date"
              value={day}
              onChange={(e) => e.target.value && setDay(e.target.value)}
            />
          </label>
          <button type="button" data-testid="orders-export" onClick={() => void exportCsv()}>
            {t('orders.export')}
          </button>
          <button
            type="button"
            data-testid="yima-open"
            aria-pressed={showYima}
            onClick={() => setShowYima((v) => !v)}
          >
            {t('yima.open')}
          </button>
        </div>
        <ErrorText error={listError ?? exporter.error} />
        <DoneText text={exporter.done} />
        <table aria-label={t('orders.list')} data-testid="orders-list">
          <thead>
            <tr>
              <th>{t('orders.col.time')}</th>
              <th className="num">{t('orders.col.amount')}</th>
              <th>{t('orders.col.channel')}</th>
              <th>{t('orders.col.code')}</th>
              <th>{t('orders.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((o) => (
              <tr
                key={o.merchantOrderId}
                className={
                  o.merchantOrderId === selected
                    ? 'row-selected'
                    : o.unresolved
                      ? 'row-unresolved'
                      : undefined
                }
                onClick={() => {
                  setSelected(o.merchantOrderId);
                  setShowYima(false);
                }}
              >
                <td>
                  <button
                    type="button"
                    className="row-button"
                    aria-label={`${chinaTime(o.createdAt)} ${formatFen(o.amountFen)} ${o.merchantOrderId}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setSelected(o.merchantOrderId);
                      setShowYima(false);
                    }}
                  >
                    {chinaTime(o.createdAt)}
                  </button>
                </td>
                <td className="num">
                  <Money fen={o.amountFen} />
                </td>
                <td>{t(`channel.${o.channel}` as MessageKey)}</td>
                <td>{o.codeLast4 ? `•••• ${o.codeLast4}` : ''}</td>
                <td>
                  <Badge state={o.status} label={t(`status.order.${o.status}` as MessageKey)} />
                  {o.unresolved && <span className="msg-warn"> {t('orders.unresolvedBadge')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.length === 0 && !listError && <p className="msg msg-muted">{t('orders.empty')}</p>}
      </div>
      <div className="scroll">
        {showYima ? (
          <YimaRefund />
        ) : (
          <OrderPanel
            id={selected}
            version={ordersVersion}
            startMode={openMode}
            onStarted={() => setOpenMode(undefined)}
          />
        )}
      </div>
    </section>
  );
}

function OrderPanel({
  id,
  version,
  startMode,
  onStarted,
}: {
  id: string | undefined;
  version: number;
  startMode?: 'refund';
  onStarted: () => void;
}) {
  const { t } = useT();
  const [detail, setDetail] = useState<OrderDetail | undefined>();
  const [error, setError] = useState<ErrorBody | undefined>();
  const [mode, setMode] = useState<Mode>('none');
  const [pin, setPin] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<string | undefined>();
  const action = useAction();
  const printOn = usePrint(action);
  const refundAmountRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async (orderId: string) => {
    const r = await cashier.orders.get({ id: orderId });
    if (r.ok) {
      setDetail(r.data);
      setError(undefined);
    } else {
      setDetail(undefined);
      setError(r.error);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` bumps on orders.changed
  useEffect(() => {
    if (id) void load(id);
  }, [id, version, load]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new order resets the forms
  useEffect(() => {
    setMode('none');
    setPin('');
    setAmount('');
    setReason('');
    setPreview(undefined);
    action.clear();
  }, [id, action.clear]);

  // Opened by "refund the last sale" (F7): straight into the refund form.
  useEffect(() => {
    if (startMode === 'refund' && detail?.order.merchantOrderId === id) {
      setMode('refund');
      onStarted();
    }
  }, [startMode, detail, id, onStarted]);

  // The refund form opens with the amount focused: the cashier types it at once.
  useEffect(() => {
    if (mode === 'refund') refundAmountRef.current?.focus();
  }, [mode]);

  if (!id) return <p className="msg msg-muted">{t('orders.pick')}</p>;
  if (!detail) return <ErrorText error={error} />;
  const o = detail.order;
  const canVoid = o.status === 'paid' && o.refundedFen === 0;
  const canRefund = (o.status === 'paid' || o.status === 'partially-refunded') && o.refundableFen > 0;

  const open = (next: Mode) => {
    action.clear();
    setPin('');
    setMode(mode === next ? 'none' : next);
  };

  const submitVoid = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(
      () => cashier.orders.void({ merchantOrderId: o.merchantOrderId, pin, reason: reason || undefined }),
      () => undefined,
    );
    // The PIN never stays in its field, accepted or not.
    setPin('');
    if (r) {
      setDetail(r);
      setMode('none');
    }
  };

  const submitRefund = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkAmount(amount, undefined, t);
    if (!check.ok) return action.fail(check.message);
    if (check.fen > o.refundableFen)
      return action.fail(t('orders.refundOver', { max: formatFen(o.refundableFen) }));
    const r = await action.run(
      () =>
        cashier.orders.refund({
          merchantOrderId: o.merchantOrderId,
          amountFen: check.fen,
          pin,
          reason: reason || undefined,
        }),
      () => undefined,
    );
    // The PIN never stays in its field, accepted or not.
    setPin('');
    if (r) {
      setDetail(r);
      setMode('none');
      setAmount('');
      // A reason belongs to the refund it was typed for, not to the next one.
      setReason('');
    }
  };

  const reprint = () => printOn(() => cashier.orders.reprint({ id: o.merchantOrderId }));

  const showPreview = async () => {
    if (mode === 'preview') return setMode('none');
    setMode('preview');
    await action.run(
      () => cashier.printers.preview({ id: o.merchantOrderId }),
      (p) => {
        setPreview(p.html);
        return undefined;
      },
    );
  };

  return (
    <section aria-label={t('orders.detail')} data-testid="order-detail">
      <div className="card">
        <h2>
          <Money fen={o.amountFen} className="big-figure" />{' '}
          <span data-testid="order-status" data-status={o.status}>
            <Badge state={o.status} label={t(`status.order.${o.status}` as MessageKey)} />
          </span>
        </h2>
        {o.statusMessage && !SETTLED.has(o.status) && (
          <p className="msg">
            <Bi m={o.statusMessage} />
          </p>
        )}
        <dl className="kv">
          <dt>{t('orders.col.id')}</dt>
          <dd data-raw="">{o.merchantOrderId}</dd>
          {o.orderId && (
            <>
              <dt>{t('orders.gatewayId')}</dt>
              <dd data-raw="">{o.orderId}</dd>
            </>
          )}
          <dt>{t('orders.col.time')}</dt>
          <dd>{chinaTime(o.createdAt, true)}</dd>
          <dt>{t('orders.col.channel')}</dt>
          <dd>
            {t(`channel.${o.channel}` as MessageKey)} {o.codeLast4 ? `•••• ${o.codeLast4}` : ''}
          </dd>
          <dt>{t('orders.paid')}</dt>
          <dd>
            <Money fen={o.paidFen} />
          </dd>
          <dt>{t('orders.refunded')}</dt>
          <dd>
            <Money fen={o.refundedFen} />
          </dd>
          <dt>{t('orders.refundable')}</dt>
          <dd data-testid="refundable">
            <Money fen={o.refundableFen} />
          </dd>
          <dt>{t('orders.operator')}</dt>
          <dd>
            <OperatorName id={o.operatorId} />
          </dd>
        </dl>
        <div className="toolbar">
          <button
            type="button"
            data-testid="order-void"
            disabled={!canVoid}
            aria-expanded={mode === 'void'}
            onClick={() => open('void')}
          >
            {t('orders.void')}
          </button>
          <button
            type="button"
            data-testid="order-refund"
            disabled={!canRefund}
            aria-expanded={mode === 'refund'}
            onClick={() => open('refund')}
          >
            {t('orders.refund')}
          </button>
          <button type="button" data-testid="order-reprint" onClick={() => void reprint()}>
            {t('orders.reprint')}
          </button>
          <button
            type="button"
            data-testid="order-preview"
            aria-expanded={mode === 'preview'}
            onClick={() => void showPreview()}
          >
            {t('orders.preview')}
          </button>
          {o.unresolved && (
            <button
              type="button"
              onClick={() =>
                void action.run(
                  () => cashier.orders.resolve({ merchantOrderId: o.merchantOrderId }),
                  (after) => {
                    void load(o.merchantOrderId);
                    const status = t(`status.order.${after.status}` as MessageKey);
                    return after.unresolved
                      ? t('orders.resolvedStill', { status })
                      : t('orders.resolvedNow', { status });
                  },
                )
              }
            >
              {t('orders.resolve')}
            </button>
          )}
        </div>
        {mode === 'void' && (
          <form className="field-row" onSubmit={submitVoid} aria-label={t('orders.void')}>
            <PinField id="void-pin" value={pin} onChange={setPin} />
            <label className="field" htmlFor="void-reason">
              {t('orders.reason')}
              <input
                id="void-reason"
                value={reason}
                maxLength={50}
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            <button type="submit" className="danger" disabled={action.busy || pin.length < 4}>
              {t('orders.voidConfirm')}
            </button>
          </form>
        )}
        {mode === 'refund' && (
          <form className="field-row" onSubmit={submitRefund} aria-label={t('orders.refund')}>
            <AmountField
              id="refund-amount"
              label={`${t('orders.refundAmount')} · ${t('orders.refundMax', { max: formatFen(o.refundableFen) })}`}
              value={amount}
              onChange={setAmount}
              inputRef={refundAmountRef}
            />
            <PinField id="refund-pin" value={pin} onChange={setPin} />
            <label className="field" htmlFor="refund-reason">
              {t('orders.reason')}
              <input
                id="refund-reason"
                value={reason}
                maxLength={50}
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            <button type="submit" className="danger" disabled={action.busy || pin.length < 4}>
              {t('orders.refundConfirm')}
            </button>
          </form>
        )}
        <ErrorText error={action.error} />
        <DoneText text={action.done} />
        {mode === 'preview' && preview !== undefined && (
          <div data-testid="receipt-preview">
            <ReceiptPreview html={preview} label={t('orders.receipt')} />
          </div>
        )}
      </div>
      {detail.refunds.length > 0 && (
        <div className="card">
          <h3>{t('orders.refunds')}</h3>
          <table>
            <tbody>
              {detail.refunds.map((r) => (
                <tr key={r.refundRequestId}>
                  <td>{chinaTime(r.at)}</td>
                  <td className="num">
                    <Money fen={r.amountFen} />
                  </td>
                  <td>
                    <Badge state={r.status} label={t(`status.refund.${r.status}` as MessageKey)} />
                  </td>
                  <td>
                    <OperatorName id={r.operatorId} />
                  </td>
                  <td data-testid="refund-reason">
                    {r.reason ? t('orders.refundReason', { reason: r.reason }) : ''}
                  </td>
                  <td>
                    <Bi m={r.message} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card">
        <h3>{t('orders.timeline')}</h3>
        <ol className="timeline" aria-label={t('orders.timeline')} data-testid="timeline">
          {detail.timeline.map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at} data-type={e.type}>
                {chinaTime(e.at)}
              </time>
              {TIMELINE_LABEL[e.type] && (
                <span className="tl-type">{t(TIMELINE_LABEL[e.type] as MessageKey)}</span>
              )}
              <Bi m={e.summary} />
              {e.detail && (
                <details>
                  <summary>…</summary>
                  <pre className="tl-detail">{e.detail}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
