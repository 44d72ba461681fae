/**
 * The manager's session of changes: one PIN prompt, then every privileged settings change goes
 * through until it ends (a few minutes, leaving Settings, or 锁定). Where main offers `auth.elevate`
 * (CONTRACTS §5) the session is main's; until then the PIN is kept in memory for the session only and
 * sent with each change as `managerPin` (main checks it every time).
 */
import { useEffect, useState } from 'react';
import type { Bilingual } from '../../main/ipc/errors';
import { type AuthState, onOptional, optional } from './optional';
import { useCashier } from './store';

export const SESSION_MS = 5 * 60_000;

export interface ManagerSession {
  via: 'auth' | 'pin';
  /** Sent with each change in the fallback (no auth.elevate); else only where an input requires it. */
  pin?: string;
  until: number;
}

export async function unlock(pin: string): Promise<{ ok: true } | { ok: false; message: Bilingual }> {
  const elevate = optional.authElevate();
  if (elevate) {
    const r = await elevate({ pin });
    if (!r.ok) return { ok: false, message: r.error.message };
    const until = r.data.elevated ? Date.parse(r.data.elevated.until) : Date.now() + SESSION_MS;
    // Main holds the session: the PIN is not kept here.
    useCashier.setState({ manager: { via: 'auth', until } });
    return { ok: true };
  }
  useCashier.setState({ manager: { via: 'pin', pin, until: Date.now() + SESSION_MS } });
  return { ok: true };
}

export function lock(): void {
  const had = useCashier.getState().manager;
  useCashier.setState({ manager: undefined });
  if (had?.via === 'auth') void optional.authDrop()?.({});
}

/** The PIN to send with a change (fallback mode), if the session is still open. */
export function managerPin(): string | undefined {
  const m = useCashier.getState().manager;
  if (!m || m.until <= Date.now() || m.via === 'auth') return undefined;
  return m.pin;
}

/** Follows main's auth.changed (elevation dropped or expired there) where main has it. */
export function watchAuth(): () => void {
  return onOptional<AuthState>('auth.changed', (s) => {
    const m = useCashier.getState().manager;
    if (m?.via === 'auth' && !s.elevated) useCashier.setState({ manager: undefined });
    else if (m?.via === 'auth' && s.elevated)
      useCashier.setState({ manager: { ...m, until: Date.parse(s.elevated.until) } });
  });
}

/** The open session, re-read every second so its end shows without a click. */
export function useManager(): ManagerSession | undefined {
  const manager = useCashier((s) => s.manager);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!manager) return;
    const timer = setInterval(() => {
      if (manager.until <= Date.now()) useCashier.setState({ manager: undefined });
      tick((n) => n + 1);
    }, 1000);
    return () => clearInterval(timer);
  }, [manager]);
  return manager && manager.until > Date.now() ? manager : undefined;
}
