/**
 * The audit trail: every change to settings, secrets, devices and operators is journaled as an
 * `audit.change` record (who, when, what changed old → new, secrets masked). The change is found by
 * comparing a flat snapshot of settings + secrets (set / not set) + operators before and after the
 * call, so a handler cannot forget to report what it changed.
 */

import type { CallName } from '../ipc/contract.js';
import type { CallGate } from '../ipc/router.js';
import type { JournalRecord } from '../journal/format.js';
import type { AuditChange, AuditEntry } from './auth-types.js';
import type { OperatorStore } from './operators.js';
import type { Session } from './session.js';
import type { SettingsService } from './types.js';

export const AUDIT_RECORD = 'audit.change';

const AREA: Partial<Record<CallName, string>> = {
  'settings.update': 'settings',
  'settings.setSecret': 'secret',
  'settings.clearSecret': 'secret',
  'scanners.configure': 'scanner',
  'printers.configure': 'printer',
  'operators.save': 'operator',
  'operators.remove': 'operator',
  'auth.setup': 'operator',
};

export interface AuditJournal {
  append(type: string, key: string, data: Record<string, unknown>, options?: { op?: string }): unknown;
}

export interface AuditorDeps {
  settings: SettingsService;
  operators: Pick<OperatorStore, 'list'>;
  session: Pick<Session, 'callManager' | 'currentId'>;
  journal: AuditJournal;
  now?: () => number;
}

/** Wraps the session's gate: audited channels are snapshotted around the handler. */
export function auditedGate(gate: CallGate, deps: AuditorDeps): CallGate {
  const now = deps.now ?? Date.now;
  let n = 0;
  return (channel, rule, input, run) => {
    const area = AREA[channel];
    if (!area) return gate(channel, rule, input, run);
    return gate(channel, rule, input, async () => {
      const before = snapshot(deps);
      const result = await run();
      const after = snapshot(deps);
      const changes = diff(before, after);
      if (channel === 'settings.setSecret' && typeof input.name === 'string') {
        const field = `secret.${input.name}`;
        if (!changes.some((c) => c.field === field)) {
          changes.push({ field, old: before.get(field) ?? 'not set', new: 'set (new value)' });
        }
      }
      if (channel === 'operators.save' && typeof input.pin === 'string') {
        changes.push({ field: `operator.${String(input.id)}.pin`, new: 'changed' });
      }
      if (changes.length > 0) {
        const manager = deps.session.callManager();
        deps.journal.append(
          AUDIT_RECORD,
          `audit-${now()}-${++n}`,
          { area, channel, ...(manager ? { managerId: manager.id } : {}), changes },
          { op: deps.session.currentId() ?? manager?.id ?? 'system' },
        );
      }
      return result;
    });
  };
}

/** Every setting, secret state and operator as `path → text`, secrets masked. */
export function snapshot(deps: Pick<AuditorDeps, 'settings' | 'operators'>): Map<string, string> {
  const out = new Map<string, string>();
  flatten(deps.settings.get(), '', out);
  for (const [name, state] of Object.entries(deps.settings.publicView().secrets)) {
    out.set(`secret.${name}`, state.set ? 'set' : 'not set');
  }
  for (const o of deps.operators.list()) {
    out.set(`operator.${o.id}`, `${o.name} (${o.role}${o.hasPin ? ', PIN set' : ''})`);
  }
  return out;
}

export function diff(before: Map<string, string>, after: Map<string, string>): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === b) continue;
    changes.push({
      field: key,
      ...(a !== undefined ? { old: a } : {}),
      ...(b !== undefined ? { new: b } : {}),
    });
  }
  return changes;
}

const SECRET_KEY = /key|secret|password|token|pin/i;

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  const leaf = prefix.split('.').at(-1) ?? prefix;
  out.set(prefix, SECRET_KEY.test(leaf) ? '(masked)' : maskUrl(String(value)));
}

/** A URL with user:password@ keeps its host, loses the credentials. */
function maskUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/** The newest audit records first, at most `limit`. */
export function readAudit(
  journal: { store: { days(): string[]; recordsWrittenOn(day: string): JournalRecord[] } },
  limit: number,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  const days = journal.store.days();
  for (let i = days.length - 1; i >= 0 && out.length < limit; i--) {
    const records = journal.store.recordsWrittenOn(days[i]!);
    for (let j = records.length - 1; j >= 0 && out.length < limit; j--) {
      const r = records[j]!;
      if (r.t !== AUDIT_RECORD) continue;
      const d = r.d as { area?: string; managerId?: string; changes?: AuditChange[] };
      out.push({
        seq: r.s,
        at: r.at,
        operatorId: r.op,
        ...(d.managerId ? { managerId: d.managerId } : {}),
        area: d.area ?? '?',
        changes: Array.isArray(d.changes) ? d.changes : [],
      });
    }
  }
  return out;
}
