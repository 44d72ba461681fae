/**
 * Settlement: daily settlement (日结) and shift handover (交班): unresolved orders first, totals per
 * channel and per operator, sales by hour (recharts), print.
 */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Report, Totals } from '../../../main/ipc/channels/reports';
import type { ErrorBody } from '../../../main/ipc/errors';
import { formatFen } from '../../../main/shared/money';
import { cashier } from '../cashier';
import { DoneText, ErrorText, Money, useAction } from '../components/common';
import { Badge } from '../components/PinField';
import { type MessageKey, useT } from '../i18n';
import { chinaTime, chinaToday, useCashier } from '../store';

type Kind = 'settlement' | 'shift';

export function Settlement() {
  const { t } = useT();
  const ordersVersion = useCashier((s) => s.ordersVersion);
  const operator = useCashier((s) => s.operator);
  const [kind, setKind] = useState<Kind>('settlement');
  const [day, setDay] = useState(chinaToday());
  const [report, setReport] = useState<Report | undefined>();
  const [error, setError] = useState<ErrorBody | undefined>();
  const printer = useAction();

  const load = useCallback(async () => {
    const r =
      kind === 'settlement'
        ? await cashier.reports.settlement({ day })
        : await cashier.reports.shift(operator ? { operatorId: operator.id } : {});
    if (r.ok) {
      setReport(r.data);
      setError(undefined);
    } else {
      setReport(undefined);
      setError(r.error);
    }
  }, [kind, day, operator]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `ordersVersion` bumps on orders.changed
  useEffect(() => {
    void load();
  }, [load, ordersVersion]);

  return (
    <section aria-label={t('report.title')}>
      <div className="toolbar">
        {(['settlement', 'shift'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className={kind === k ? 'primary' : undefined}
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
        <button
          type="button"
          disabled={!report || printer.busy}
          onClick={() =>
            void printer.run(
              () =>
                cashier.reports.print({
                  kind,
                  day: report?.day ?? day,
                  operatorId: kind === 'shift' ? report?.operatorId : undefined,
                }),
              () => t('report.printed'),
            )
          }
        >
          {t('report.print')}
        </button>
      </div>
      <ErrorText error={error ?? printer.error} />
      <DoneText text={printer.done} />
      {report && <ReportView report={report} />}
    </section>
  );
}

function ReportView({ report }: { report: Report }) {
  const { t, bi } = useT();
  const hours = report.byHour.map((h) => ({ ...h, label: `${h.hour}` }));
  return (
    <div className="two-col">
      <div>
        <div className={report.unresolved.length ? 'card unresolved-card' : 'card'}>
          <h2>{t('report.unresolved')}</h2>
          {report.unresolved.length === 0 ? (
            <p className="msg msg-ok">{t('report.noUnresolved')}</p>
          ) : (
            <table aria-label={t('report.unresolved')}>
              <tbody>
                {report.unresolved.map((o) => (
                  <tr key={o.merchantOrderId} className="row-unresolved">
                    <td>{chinaTime(o.createdAt)}</td>
                    <td className="num">
                      <Money fen={o.amountFen} />
                    </td>
                    <td>
                      <Badge state={o.status} label={t(`status.order.${o.status}` as MessageKey)} />
                    </td>
                    <td>{o.statusMessage ? bi(o.statusMessage) : o.merchantOrderId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="card">
          <h2>
            {t(`report.${report.kind}` as MessageKey)} · {report.day}
            {report.operatorId ? ` · ${report.operatorId}` : ''}
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
          <TotalsTable label={t('report.totals')} totals={report.totals} />
        </div>
      </div>
      <div>
        <div className="card">
          <h2>{t('report.byHour')}</h2>
          <div className="chart-box" role="img" aria-label={t('report.byHour')}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={hours} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" interval={1} tick={{ fontSize: 13 }} unit={t('report.hourAxis')} />
                <YAxis tickFormatter={(v: number) => formatFen(v)} width={90} tick={{ fontSize: 13 }} />
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
            label={t('report.byChannel')}
            rows={report.byChannel.map((c) => ({
              name: t(`channel.${c.channel}` as MessageKey),
              totals: c.totals,
            }))}
          />
        </div>
        <div className="card">
          <h2>{t('report.byOperator')}</h2>
          <BreakdownTable
            label={t('report.byOperator')}
            rows={report.byOperator.map((o) => ({ name: o.operatorId, totals: o.totals }))}
          />
        </div>
        <p className="msg msg-muted">
          {t('report.generatedAt', { at: chinaTime(report.generatedAt, true) })}
        </p>
      </div>
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
}: {
  label: string;
  columns: string[];
  children: ReactNode;
}) {
  return (
    <table aria-label={label}>
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

function TotalsTable({ label, totals }: { label: string; totals: Totals }) {
  const { t } = useT();
  return (
    <ReportTable label={label} columns={[t('report.count'), t('report.amount')]}>
      {KINDS.map((k) => (
        <tr key={k.key}>
          <th scope="row">{t(k.key)}</th>
          <td className="num">{totals[k.count]}</td>
          <td className="num">{formatFen(totals[k.fen])}</td>
        </tr>
      ))}
      <tr>
        <th scope="row">{t('report.net')}</th>
        <td className="num" />
        <td className="num">
          <strong>{formatFen(totals.netFen)}</strong>
        </td>
      </tr>
    </ReportTable>
  );
}

function BreakdownTable({ label, rows }: { label: string; rows: Array<{ name: string; totals: Totals }> }) {
  const { t } = useT();
  return (
    <ReportTable label={label} columns={[...KINDS.map((k) => t(k.key)), t('report.net')]}>
      {rows.map((r) => (
        <tr key={r.name}>
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
