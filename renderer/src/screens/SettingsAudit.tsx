/**
 * The audit trail (审计记录): every change to settings, secrets, devices and operators, who made it and
 * which manager allowed it, old → new (secrets only as set / not set). Manager only: main refuses
 * audit.list otherwise, so the manager's PIN here elevates the session first.
 */
import { type FormEvent, useState } from 'react';
import type { AuditEntry } from '../../../main/ipc/channels/auth';
import { cashier } from '../cashier';
import { ErrorText, useAction } from '../components/common';
import { PinField } from '../components/PinField';
import { useT } from '../i18n';
import { useManager } from '../manager';

const L = {
  title: { zh: '审计记录', en: 'Audit trail' },
  show: { zh: '查看', en: 'Show' },
  empty: { zh: '还没有记录', en: 'No changes recorded yet' },
  who: { zh: '操作员 / 授权店长', en: 'operator / allowed by' },
};

const AREAS: Record<string, { zh: string; en: string }> = {
  settings: { zh: '设置', en: 'Settings' },
  secret: { zh: '密钥', en: 'Secret' },
  scanner: { zh: '扫码枪', en: 'Scanner' },
  printer: { zh: '打印机', en: 'Printer' },
  operator: { zh: '操作员', en: 'Operator' },
  recovery: { zh: '恢复', en: 'Recovery' },
};

export function AuditTrail() {
  const { bi, lang } = useT();
  const [pin, setPin] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const action = useAction();
  const manager = useManager();

  const show = async (e: FormEvent) => {
    e.preventDefault();
    if (pin) {
      const elevated = await action.run(() => cashier.auth.elevate({ pin }));
      setPin('');
      if (!elevated) return;
    }
    const list = await action.run(() => cashier.audit.list({ limit: 100 }));
    if (list) setEntries(list);
  };

  return (
    <section className="card" aria-label={bi(L.title)}>
      <h2>{bi(L.title)}</h2>
      <form className="field-row" onSubmit={show}>
        {/* The session of changes (manager bar) already elevated: no second PIN prompt. */}
        {!manager && <PinField id="audit-pin" value={pin} onChange={setPin} />}
        <button type="submit" disabled={action.busy}>
          {bi(L.show)}
        </button>
      </form>
      <ErrorText error={action.error} />
      {entries && entries.length === 0 && <p className="msg msg-muted">{bi(L.empty)}</p>}
      {entries && entries.length > 0 && (
        <ol aria-label={bi(L.title)} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {entries.map((entry) => (
            <li key={entry.seq} style={{ borderTop: '1px solid rgba(128,128,128,.3)', padding: '6px 0' }}>
              <div>
                <strong>{AREAS[entry.area] ? bi(AREAS[entry.area]) : entry.area}</strong>
                {' · '}
                {new Date(entry.at).toLocaleString(lang)}
                {' · '}
                {bi(L.who)}: {entry.operatorId}
                {entry.managerId && entry.managerId !== entry.operatorId ? ` / ${entry.managerId}` : ''}
              </div>
              {entry.changes.map((c) => (
                <div key={c.field} style={{ overflowWrap: 'anywhere' }}>
                  <code>{c.field}</code>: {c.old ?? '—'} → {c.new ?? '—'}
                </div>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
