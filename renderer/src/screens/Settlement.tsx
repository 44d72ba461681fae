/**
 * Settlement: daily settlement (日结) and shift handover (交班): unresolved orders first, totals per
 * channel and per operator, sales by hour (recharts, loaded with this screen only), print. The shift
 * runs from the cashier's sign-in; 交班 prints it and signs the cashier out where main has sign-in.
 */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Report, Totals } from '../../../main/ipc/channels/reports';
import type { ErrorBody } from '../../../main/ipc/errors';
import { fenToYuanText, formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { DoneText, ErrorText, Money, OperatorName, useAction, usePrint } from '../components/common';
import { Badge } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { optional } from '../optional';
import { chinaTime, chinaToday, useCashier } from '../store';

type Kind = 'settlement' | 'shift';

export function Settlement() {
  const { t } = useT();
  const ordersVersion = useCashier((s) => s.ordersVersion);
  const operator = useCashier((s) => s.operator);
  const shiftSince = useCashier((s) => s.shiftStartedAt);
  const [kind, setKind] = useState<Kind>('settlement');
  const [day, setDay] = useState(chinaToday());
  const [report, setReport] = useState<Report | undefined>();
  const [error, setError] = useState<ErrorBody | undefined>();
  const printer = useAction();
  const printOn = usePrint(printer);

  const load = useCallback(async () => {
    const r =
      kind === 'settlement'
        ? await cashier.reports.settlement({ day })
        : await cashier.reports.shift({
            ...(operator ? { operatorId: operator.id } : {}),
            ...(shiftSince ? { since: shiftSince } : {}),
          });
    if (r.ok) {
      setReport(r.data);
      setError(undefined);
    } else {
      setReport(undefined);
      setError(r.error);
    }
  }, [kind, day, operator, shiftSince]);

  const print = () =>
    printOn(() =>
      cashier.reports.print({
        kind,
        day: report?.day ?? day,
        operatorId: kind === 'shift' ? report?.operatorId : undefined,
      }),
    );

  /** 交班: print the shift, then sign out (main's auth), so the next cashier signs in. */
  const handOver = async () => {
    await print();
    const signOut = optional.authSignOut();
    if (signOut) {
      const r = await signOut({});
      if (r.ok) useCashier.getState().signedOut();
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ordersVersion` bumps on orders.changed
  useEffect(() => {
    void load();
  }, [load, ordersVersion]);

  return (
    <section aria-label={t('report.title')} data-testid="settlement">
      <div className="toolbar">
        {(['settlement', 'shift'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className={kind === k ? 'primary' : undefined}
            data-testid={`report-kind-${k}`}
            aria-pressed={kind === k}
            onClick={() => setKind(k)}
          >
            {t(`report.${k}` as MessageKey)}
          </button>
        ))}
        {kind === 'settlement' && (
          <label className="field" htmlFor="report-day">
            {t('common.day')}
            <input
              id="report-day"
              type="date"
              value={day}
              onChange={(e) => e.target.value && setDay(e.target.value)}
            />
          </label>
        )}
        <button type="button" onClick={() => void load()}>
          {t('report.load')}
        </button>
        <button type="button" disabled={!report || printer.busy} onClick={() => void print()}>
          {t('report.print')}
        </button>
        {kind === 'shift' && optional.authSignOut() && (
          <button
            type="button"
            className="primary"
            data-testid="hand-over"
            disabled={!report || printer.busy}
            onClick={() => void handOver()}
          >
            {t('report.handOver')}
          </button>
        )}
      </div>
      <ErrorText error={error ?? printer.error} />
      <DoneText text={printer.done} />
      {report && <ReportView report={report} />}
    </section>
  );
}

/** The hours worth an axis: the first to the last with sales (at least a few, so one bar is not a wall). */
export function activeHours(byHour: Report['byHour']): Report['byHour'] {
  const active = byHour.filter((h) => h.count > 0 || h.fen > 0);
  if (active.length === 0) return [];
  let from = Math.min(...active.map((h) => h.hour));
  let to = Math.max(...active.map((h) => h.hour));
  while (to - from < 5) {
    if (from > 0) from -= 1;
    if (to - from < 5 && to < 23) to += 1;
    if (from === 0 && to === 23) break;
  }
  const at = new Map(byHour.map((h) => [h.hour, h]));
  const out: Report['byHour'] = [];
  for (let hour = from; hour <= to; hour++) out.push(at.get(hour) ?? { hour, count: 0, fen: 0 });
  return out;
}

/** Yuan for an axis: whole yuan; 万 (zh) or k (en) from ¥10,000 (1,000,000 fen) up. */
function axisYuan(fen: number, lang: string): string {
  const f = Math.round(fen);
  if (f >= 1_000_000) {
    // fenToYuanText of fen/10,000 reads as 万 with two decimals; of fen/1,000 as thousands (k).
    return lang === 'en'
      ? `¥${fenToYuanText(Math.round(f / 1_000))}k`
      : `¥${fenToYuanText(Math.round(f / 10_000))}万`;
  }
  return formatFen(f).replace(/\.\d\d$/, '');
}

function ReportView({ report }: { report: Report }) {
  const { t, bi, lang } = useT();
  const hours = activeHours(report.byHour).map((h) => ({ ...h, label: `${h.hour}` }));
  // A past day's report: only that day's unresolved orders belong on it.
  const unresolved =
    report.kind === 'settlement' ? report.unresolved.filter((o) => o.day === report.day) : report.unresolved;
  const t0 = report.totals;
  const empty = t0.salesCount === 0 && t0.voidsCount === 0 && t0.refundsCount === 0;
  return (
    <div className="two-col">
      <div>
        <div
          className={unresolved.length ? 'card unresolved-card' : 'card'}
          data-testid="report-unresolved"
          data-count={unresolved.length}
        >
          <h2>{t('report.unresolved')}</h2>
          {unresolved.length === 0 ? (
            <p className="msg msg-ok">{t('report.noUnresolved')}</p>
          ) : (
            <table aria-label={t('report.unresolved')}>
              <tbody>
                {unresolved.map((o) => (
                  <tr key={o.merchantOrderId} className="row-unresolved">
                    <td>{chinaTime(o.createdAt)}</td>
                    <td className="num">
                      <Money fen={o.amountFen} />
                    </td>
                    <td>
                      <Badge state={o.status} label={t(`status.order.${o.status}` as MessageKey)} />
                    </td>
                    <td className="wrap">
                      <span data-raw="">{o.merchantOrderId}</span>
                      {o.statusMessage ? ` · ${bi(o.statusMessage)}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="card">
          <h2>
            {t(`report.${report.kind}` as MessageKey)} · {report.day}
            {report.operatorId ? (
              <>
                {' · '}
                <OperatorName id={report.operatorId} />
              </>
            ) : (
              ''
            )}
          </h2>
          <p className="msg msg-muted">
            {t('report.period', { from: chinaTime(report.from, true), to: chinaTime(report.to, true) })}
          </p>
          <p>
            {t('report.netTotal')}:{' '}
            <span className="big-figure" data-testid="report-net">
              {formatFen(report.totals.netFen)}
            </span>
          </p>
          {empty ? (
            <p className="msg msg-muted" data-testid="report-empty">
              {t('report.empty')}
            </p>
          ) : (
            <TotalsTable label={t('report.totals')} totals={report.totals} testId="report-totals" />
          )}
        </div>
      </div>
      {!empty && (
        <div>
          <div className="card">
            <h2>{t('report.byHour')}</h2>
            <div className="chart-box" role="img" aria-label={t('report.byHour')} data-testid="report-chart">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={hours} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis
                    dataKey="label"
                    interval="preserveStartEnd"
                    minTickGap={12}
                    tick={{ fontSize: 13 }}
                    unit={t('report.hourAxis')}
                  />
                  <YAxis
                    tickFormatter={(v: number) => axisYuan(v, lang)}
                    width={64}
                    tick={{ fontSize: 13 }}
                    allowDecimals={false}
                    tickCount={4}
                  />
                  <Tooltip
                    formatter={(v) => [formatFen(Number(v)), t('report.sales')]}
                    labelFormatter={(l) => `${l}${t('report.hourAxis')}`}
                  />
                  <Bar dataKey="fen" fill="#0b57d0" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
          <div className="card">
            <h2>{t('report.byChannel')}</h2>
            <BreakdownTable
              testId="report-by-channel"
              label={t('report.byChannel')}
              rows={report.byChannel.map((c) => ({
                key: c.channel,
                name: t(`channel.${c.channel}` as MessageKey),
                totals: c.totals,
              }))}
            />
          </div>
          <div className="card">
            <h2>{t('report.byOperator')}</h2>
            <BreakdownTable
              testId="report-by-operator"
              label={t('report.byOperator')}
              rows={report.byOperator.map((o) => ({
                key: o.operatorId,
                name: <OperatorName id={o.operatorId} />,
                totals: o.totals,
              }))}
            />
          </div>
          <p className="msg msg-muted">
            {t('report.generatedAt', { at: chinaTime(report.generatedAt, true) })}
          </p>
        </div>
      )}
    </div>
  );
}

/** The three kinds of movement a report counts, in the order the tables show them. */
const KINDS = [
  { key: 'report.sales', count: 'salesCount', fen: 'salesFen' },
  { key: 'report.voids', count: 'voidsCount', fen: 'voidsFen' },
  { key: 'report.refunds', count: 'refundsCount', fen: 'refundsFen' },
] as const;

/** A report table: an empty corner, then the column headings. */
function ReportTable({
  label,
  columns,
  children,
  testId,
}: {
  label: string;
  columns: string[];
  children: ReactNode;
  testId?: string;
}) {
  return (
    <table aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          <th />
          {columns.map((c) => (
            <th key={c} className="num">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function TotalsTable({ label, totals, testId }: { label: string; totals: Totals; testId?: string }) {
  const { t } = useT();
  return (
    <ReportTable label={label} columns={[t('report.count'), t('report.amount')]} testId={testId}>
      {KINDS.map((k) => (
        <tr key={k.key} data-testid={`row-${k.count.replace('Count', '')}`}>
          <th scope="row">{t(k.key)}</th>
          <td className="num">{totals[k.count]}</td>
          <td className="num">{formatFen(totals[k.fen])}</td>
        </tr>
      ))}
      <tr data-testid="row-net">
        <th scope="row">{t('report.net')}</th>
        <td className="num" />
        <td className="num">
          <strong>{formatFen(totals.netFen)}</strong>
        </td>
      </tr>
    </ReportTable>
  );
}

function BreakdownTable({
  label,
  rows,
  testId,
}: {
  label: string;
  rows: Array<{ key: string; name: ReactNode; totals: Totals }>;
  testId?: string;
}) {
  const { t } = useT();
  return (
    <ReportTable label={label} columns={[...KINDS.map((k) => t(k.key)), t('report.net')]} testId={testId}>
      {rows.map((r) => (
        <tr key={r.key} data-testid={`row-${r.key}`}>
          <th scope="row">{r.name}</th>
          {KINDS.map((k) => (
            <td key={k.key} className="num">
              {r.totals[k.count]} · {formatFen(r.totals[k.fen])}
            </td>
          ))}
          <td className="num">
            <strong>{formatFen(r.totals.netFen)}</strong>
          </td>
        </tr>
      ))}
    </ReportTable>
  );
}
