/**
 * 总部 (head office): the day's chain totals with a chart, drill-down store → counter → orders, counters
 * that have not synced since when, unresolved orders chain-wide, and statement reconciliation (对账).
 * Chinese first, English beside it.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fenToYuanText, formatFen } from '../../../main/shared/money.js';
import {
  type Alert,
  ApiError,
  api,
  type CounterSync,
  type OrderView,
  type Reconciliation,
  type Settlement,
  type Totals,
  type UnresolvedOrder,
} from './api.js';

type Tab = 'day' | 'sync' | 'unresolved' | 'reconcile';

const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

const STATUS: Record<string, string> = {
  pending: '处理中',
  paid: '已支付',
  declined: '已拒绝',
  unknown: '结果未知',
  voided: '已撤销',
  'partially-refunded': '部分退款',
  refunded: '已退款',
  'needs-attention': '需处理',
};
const CHANNEL: Record<string, string> = {
  wechat: '微信',
  alipay: '支付宝',
  unionpay: '云闪付',
  ecny: '数字人民币',
  other: '其他',
};

function Bi({ zh, en }: { zh: string; en: string }) {
  return (
    <>
      {zh} <span className="en">{en}</span>
    </>
  );
}

function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: ApiError; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: ApiError }>({});
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (error: unknown) =>
        live &&
        setState({
          error:
            error instanceof ApiError
              ? error
              : new ApiError('无法连接总部服务', 'Head-office service unreachable'),
        }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

function ErrorLine({ error }: { error?: ApiError }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      <Bi zh={error.zh} en={error.en} />
    </p>
  );
}

function TotalsCards({ totals }: { totals: Totals }) {
  const cards: Array<[string, string, string, string]> = [
    ['sales', '销售额', 'Sales', `${formatFen(totals.salesFen)}`],
    ['count', '笔数', 'Orders', String(totals.salesCount)],
    ['voids', '撤销', 'Voids', `${formatFen(totals.voidsFen)} · ${totals.voidsCount}`],
    ['refunds', '退款', 'Refunds', `${formatFen(totals.refundsFen)} · ${totals.refundsCount}`],
    ['net', '净额', 'Net', formatFen(totals.netFen)],
  ];
  return (
    <div className="cards">
      {cards.map(([id, zh, en, value]) => (
        <div className="card" key={id} data-testid={`total-${id}`}>
          <div className="label">
            <Bi zh={zh} en={en} />
          </div>
          <div className="value">{value}</div>
        </div>
      ))}
    </div>
  );
}

function TotalsRow({ name, totals, onOpen }: { name: string; totals: Totals; onOpen?: () => void }) {
  return (
    <tr>
      <td>
        {onOpen ? (
          <button type="button" className="link" onClick={onOpen}>
            {name}
          </button>
        ) : (
          name
        )}
      </td>
      <td className="num">{totals.salesCount}</td>
      <td className="num">{formatFen(totals.salesFen)}</td>
      <td className="num">{formatFen(totals.voidsFen + totals.refundsFen)}</td>
      <td className="num strong">{formatFen(totals.netFen)}</td>
    </tr>
  );
}

function TotalsHead({ first }: { first: [string, string] }) {
  return (
    <thead>
      <tr>
        <th>
          <Bi zh={first[0]} en={first[1]} />
        </th>
        <th className="num">
          <Bi zh="笔数" en="Orders" />
        </th>
        <th className="num">
          <Bi zh="销售额" en="Sales" />
        </th>
        <th className="num">
          <Bi zh="撤销+退款" en="Voids+refunds" />
        </th>
        <th className="num">
          <Bi zh="净额" en="Net" />
        </th>
      </tr>
    </thead>
  );
}

function OrdersTable({ orders }: { orders: Array<OrderView & { terminalId?: string; storeId?: string }> }) {
  if (orders.length === 0)
    return (
      <p className="muted">
        <Bi zh="没有订单" en="No orders" />
      </p>
    );
  const chain = orders.some((o) => o.terminalId);
  return (
    <table>
      <thead>
        <tr>
          {chain && (
            <th>
              <Bi zh="门店/终端" en="Store/counter" />
            </th>
          )}
          <th>
            <Bi zh="时间" en="Time" />
          </th>
          <th>
            <Bi zh="商户订单号" en="Order" />
          </th>
          <th>
            <Bi zh="渠道" en="Channel" />
          </th>
          <th>
            <Bi zh="操作员" en="Operator" />
          </th>
          <th className="num">
            <Bi zh="金额" en="Amount" />
          </th>
          <th>
            <Bi zh="状态" en="Status" />
          </th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={`${o.terminalId ?? ''}${o.merchantOrderId}`} className={o.unresolved ? 'warn' : ''}>
            {chain && (
              <td>
                {o.storeId} / {o.terminalId}
              </td>
            )}
            <td>
              {new Date(o.createdAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}
            </td>
            <td className="mono">{o.merchantOrderId}</td>
            <td>{CHANNEL[o.channel] ?? o.channel}</td>
            <td>{o.operatorId}</td>
            <td className="num">{formatFen(o.paidFen ?? o.amountFen)}</td>
            <td>{STATUS[o.status] ?? o.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DayView({ day }: { day: string }) {
  const { data, error } = useLoad(() => api.settlement(day), [day]);
  const [store, setStore] = useState<string | undefined>();
  const [terminal, setTerminal] = useState<string | undefined>();
  const orders = useLoad(
    () => (terminal ? api.orders(day, terminal) : Promise.resolve({ orders: [] })),
    [day, terminal],
  );
  const hours = useMemo(
    () =>
      (data?.totals.byHour ?? [])
        .filter((h) => h.hour >= 6 && h.hour <= 23)
        .map((h) => ({ hour: `${h.hour}时`, fen: h.fen, count: h.count })),
    [data],
  );
  if (error) return <ErrorLine error={error} />;
  if (!data) return <p className="muted">加载中… Loading…</p>;
  const selected: Settlement['stores'][number] | undefined = data.stores.find((s) => s.storeId === store);
  return (
    <section>
      <TotalsCards totals={data.totals.totals} />
      <div className="grid2">
        <div className="panel">
          <h3>
            <Bi zh="分时销售额（元）" en="Sales by hour (yuan)" />
          </h3>
          <div className="chart">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={hours}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="hour" fontSize={11} />
                <YAxis
                  fontSize={11}
                  allowDecimals={false}
                  tickFormatter={(v) => fenToYuanText(Math.round(Number(v)))}
                />
                <Tooltip formatter={(v) => formatFen(Number(v))} />
                <Bar dataKey="fen" fill="#c0392b" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
        <div className="panel">
          <h3>
            <Bi zh="按渠道" en="By channel" />
          </h3>
          <table>
            <TotalsHead first={['渠道', 'Channel']} />
            <tbody>
              {data.totals.byChannel.map((c) => (
                <TotalsRow key={c.channel} name={CHANNEL[c.channel] ?? c.channel} totals={c.totals} />
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <h3>
          <Bi zh="门店" en="Stores" /> <span className="muted">({data.stores.length})</span>
        </h3>
        <table data-testid="stores">
          <TotalsHead first={['门店', 'Store']} />
          <tbody>
            {data.stores.map((s) => (
              <TotalsRow
                key={s.storeId}
                name={s.storeId}
                totals={s.report.totals}
                onOpen={() => {
                  setStore(s.storeId);
                  setTerminal(undefined);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {selected && (
        <div className="panel" data-testid="counters">
          <h3>
            <Bi zh={`门店 ${selected.storeId} 的终端`} en={`Counters of ${selected.storeId}`} />
          </h3>
          <table>
            <TotalsHead first={['终端', 'Counter']} />
            <tbody>
              {selected.counters.map((c) => (
                <TotalsRow
                  key={c.terminalId}
                  name={c.terminalId}
                  totals={c.report.totals}
                  onOpen={() => setTerminal(c.terminalId)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {terminal && (
        <div className="panel" data-testid="orders">
          <h3>
            <Bi zh={`终端 ${terminal} 的订单`} en={`Orders of ${terminal}`} />
          </h3>
          <ErrorLine error={orders.error} />
          <OrdersTable orders={orders.data?.orders ?? []} />
        </div>
      )}
    </section>
  );
}

function ago(iso: string | null, now: number): { zh: string; en: string; stale: boolean } {
  if (!iso) return { zh: '从未同步', en: 'never synced', stale: true };
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  const stale = minutes >= 60;
  if (minutes < 1) return { zh: '刚刚', en: 'just now', stale };
  if (minutes < 120) return { zh: `${minutes} 分钟前`, en: `${minutes} min ago`, stale };
  const hours = Math.round(minutes / 60);
  if (hours < 48) return { zh: `${hours} 小时前`, en: `${hours} h ago`, stale };
  return { zh: `${Math.round(hours / 24)} 天前`, en: `${Math.round(hours / 24)} days ago`, stale };
}

function SyncView() {
  const { data, error } = useLoad(() => api.counters(), []);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <p className="muted">加载中… Loading…</p>;
  const now = Date.parse(data.now);
  const sorted = [...data.counters].sort(
    (a, b) => Date.parse(a.lastBatchAt ?? '1970-01-01') - Date.parse(b.lastBatchAt ?? '1970-01-01'),
  );
  const stale = sorted.filter((c) => !c.revoked && ago(c.lastBatchAt, now).stale).length;
  return (
    <section className="panel">
      <h3>
        <Bi zh="终端同步" en="Counter sync" />{' '}
        {stale > 0 && (
          <span className="badge warn">
            <Bi zh={`${stale} 台超过 1 小时未同步`} en={`${stale} not synced for over an hour`} />
          </span>
        )}
      </h3>
      <table data-testid="sync">
        <thead>
          <tr>
            <th>
              <Bi zh="门店" en="Store" />
            </th>
            <th>
              <Bi zh="终端" en="Counter" />
            </th>
            <th className="num">
              <Bi zh="已收记录" en="Records held" />
            </th>
            <th>
              <Bi zh="最后同步" en="Last synced" />
            </th>
            <th>
              <Bi zh="最后联系" en="Last contact" />
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((c: CounterSync) => {
            const last = ago(c.lastBatchAt, now);
            const seen = ago(c.lastSeenAt, now);
            return (
              <tr key={c.terminalId} className={c.revoked ? 'muted' : last.stale ? 'warn' : ''}>
                <td>{c.storeId}</td>
                <td>
                  {c.terminalId}
                  {c.revoked && ' (已吊销 revoked)'}
                </td>
                <td className="num">{c.hwm.toLocaleString('zh-CN')}</td>
                <td title={c.lastBatchAt ?? ''}>
                  <Bi zh={last.zh} en={last.en} />
                </td>
                <td title={c.lastSeenAt ?? ''}>
                  <Bi zh={seen.zh} en={seen.en} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function UnresolvedView() {
  const { data, error } = useLoad(() => api.unresolved(), []);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <p className="muted">加载中… Loading…</p>;
  return (
    <section className="panel" data-testid="unresolved">
      <h3>
        <Bi zh="全部门店的未决订单" en="Unresolved orders, chain-wide" />{' '}
        <span className="muted">({data.orders.length})</span>
      </h3>
      <OrdersTable orders={data.orders as UnresolvedOrder[]} />
    </section>
  );
}

const THEIR_STATUS: Record<string, string> = { paid: '已付', refund: '退款', revoked: '已撤销' };

const CLASS: Record<string, [string, string]> = {
  matched: ['一致', 'Matched'],
  'ours-only': ['仅我方有', 'Ours only'],
  'theirs-only': ['仅对方有', 'Theirs only'],
  'amount-mismatch': ['金额不符', 'Amount mismatch'],
  'status-mismatch': ['状态不符', 'Status mismatch'],
};

function ReconcileView({ day }: { day: string }) {
  const acquirers = useLoad(() => api.acquirers(), []);
  const [acquirer, setAcquirer] = useState('wechat');
  const [message, setMessage] = useState<{ zh: string; en: string; error?: boolean } | undefined>();
  const result = useLoad(() => api.reconciliation(acquirer, day), [acquirer, day]);
  const upload = useCallback(
    async (file: File | undefined) => {
      if (!file) return;
      try {
        const done = await api.importStatement(acquirer, file);
        setMessage({
          zh: `已导入 ${done.lines} 行，跳过 ${done.skipped.length} 行`,
          en: `Imported ${done.lines} lines, skipped ${done.skipped.length}`,
        });
        result.reload();
      } catch (error) {
        const e = error instanceof ApiError ? error : new ApiError('导入失败', 'Import failed');
        setMessage({ zh: e.zh, en: e.en, error: true });
      }
    },
    [acquirer, result],
  );
  const data: Reconciliation | undefined = result.data;
  return (
    <section className="panel">
      <h3>
        <Bi zh="对账" en="Statement reconciliation" />
      </h3>
      <div className="toolbar">
        <label>
          <Bi zh="收单机构" en="Acquirer" />{' '}
          <select value={acquirer} onChange={(e) => setAcquirer(e.target.value)}>
            {(acquirers.data?.acquirers ?? ['wechat']).map((a) => (
              <option key={a} value={a}>
                {a === 'wechat' ? '微信支付 WeChat Pay' : a === 'chinaums' ? '银联商务 ChinaUMS' : a}
              </option>
            ))}
          </select>
        </label>
        <label className="file">
          <Bi zh="导入对账单 CSV" en="Import statement CSV" />{' '}
          <input type="file" accept=".csv,text/csv" onChange={(e) => void upload(e.target.files?.[0])} />
        </label>
      </div>
      {message && (
        <p className={message.error ? 'error' : 'ok'}>
          <Bi zh={message.zh} en={message.en} />
        </p>
      )}
      <ErrorLine error={result.error} />
      {data && (
        <>
          <div className="cards">
            {Object.entries(CLASS).map(([id, [zh, en]]) => (
              <div
                className={`card ${id !== 'matched' && data.counts[id as 'matched'] > 0 ? 'alert' : ''}`}
                key={id}
              >
                <div className="label">
                  <Bi zh={zh} en={en} />
                </div>
                <div className="value">{data.counts[id as 'matched']}</div>
              </div>
            ))}
          </div>
          <table data-testid="reconcile">
            <thead>
              <tr>
                <th>
                  <Bi zh="结果" en="Result" />
                </th>
                <th>
                  <Bi zh="门店" en="Store" />
                </th>
                <th>
                  <Bi zh="单号" en="Order / refund" />
                </th>
                <th className="num">
                  <Bi zh="我方" en="Ours" />
                </th>
                <th className="num">
                  <Bi zh="对方" en="Theirs" />
                </th>
              </tr>
            </thead>
            <tbody>
              {data.rows
                .filter((r) => r.class !== 'matched')
                .slice(0, 300)
                .map((r) => (
                  <tr key={`${r.kind}:${r.merchantOrder}`} className="warn">
                    <td>{CLASS[r.class]?.[0]}</td>
                    <td>{r.storeId ?? '—'}</td>
                    <td className="mono">
                      {r.kind === 'refund' ? '退款 ' : ''}
                      {r.merchantOrder}
                    </td>
                    <td className="num">
                      {r.oursFen !== undefined ? formatFen(r.oursFen) : '—'}{' '}
                      {THEIR_STATUS[r.oursStatus ?? ''] ?? ''}
                    </td>
                    <td className="num">
                      {r.theirsFen !== undefined ? formatFen(r.theirsFen) : '—'}{' '}
                      {THEIR_STATUS[r.theirsStatus ?? ''] ?? ''}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Alerts() {
  const { data } = useLoad(() => api.alerts(), []);
  const alerts: Alert[] = data?.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <div className="alerts" role="alert">
      {alerts.slice(0, 3).map((a) => (
        <div key={a.id}>
          ⚠ <Bi zh={a.zh} en={a.en} />
        </div>
      ))}
      {alerts.length > 3 && <div className="muted">… {alerts.length - 3} more</div>}
    </div>
  );
}

export function App() {
  const [tab, setTab] = useState<Tab>('day');
  const [day, setDay] = useState(chinaToday());
  const tabs: Array<[Tab, string, string]> = [
    ['day', '日结总览', 'Day'],
    ['sync', '终端同步', 'Sync'],
    ['unresolved', '未决订单', 'Unresolved'],
    ['reconcile', '对账', 'Reconcile'],
  ];
  return (
    <div className="app">
      <header>
        <h1>
          <Bi zh="总部" en="Head office" />
        </h1>
        <nav>
          {tabs.map(([id, zh, en]) => (
            <button key={id} type="button" className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
              <Bi zh={zh} en={en} />
            </button>
          ))}
        </nav>
        <label className="day">
          <Bi zh="营业日" en="Day" />{' '}
          <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
      </header>
      <Alerts />
      <main>
        {/* A new day starts from the chain again (keyed: the drill-down state goes). */}
        {tab === 'day' && <DayView key={day} day={day} />}
        {tab === 'sync' && <SyncView />}
        {tab === 'unresolved' && <UnresolvedView />}
        {tab === 'reconcile' && <ReconcileView day={day} />}
      </main>
    </div>
  );
}
