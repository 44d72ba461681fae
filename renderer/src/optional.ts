/**
 * Channels this build may or may not have (auth, gateway status, sync status: CONTRACTS §5–7): the
 * screens use them where main offers them and keep working where it does not. `window.cashier` only
 * has the calls of main's contract, so a missing one is simply absent here.
 */
import type { Bilingual, Envelope } from '../../main/ipc/errors';
import { cashier } from './cashier';

export type GatewayState = 'ok' | 'slow' | 'unreachable' | 'auth-failed' | 'unknown';
export interface GatewayStatus {
  state: GatewayState;
  at?: string;
  latencyMs?: number;
  message?: Bilingual;
}
export interface GatewayTest {
  ok: boolean;
  state: GatewayState;
  message: Bilingual;
}
export type SyncState = 'off' | 'synced' | 'behind' | 'offline';
export interface SyncStatus {
  state: SyncState;
  behind?: number;
  since?: string;
}
export interface AuthOperator {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
}
/** auth.state: who is signed in, and whether a manager has elevated this session (until when). */
export interface AuthState {
  signedIn?: boolean;
  operator?: AuthOperator;
  elevated?: boolean;
  elevatedUntil?: string;
  shiftStartedAt?: string;
  operators?: AuthOperator[];
}

type Call<I, O> = (input: I) => Promise<Envelope<O>>;

function find<I, O>(name: string): Call<I, O> | undefined {
  const [domain, action] = name.split('.') as [string, string];
  const group = (cashier as unknown as Record<string, Record<string, unknown> | undefined>)[domain];
  const fn = group?.[action];
  return typeof fn === 'function' ? (fn as Call<I, O>) : undefined;
}

export const optional = {
  gatewayStatus: () => find<Record<string, never>, GatewayStatus>('gateway.status'),
  gatewayTest: () => find<Record<string, never>, GatewayTest>('gateway.test'),
  syncStatus: () => find<Record<string, never>, SyncStatus>('sync.status'),
  authState: () => find<Record<string, never>, AuthState>('auth.state'),
  authSignIn: () => find<{ operatorId: string; pin: string }, AuthState>('auth.signIn'),
  authSignOut: () => find<Record<string, never>, AuthState>('auth.signOut'),
  authElevate: () => find<{ pin: string }, AuthState>('auth.elevate'),
  authDrop: () => find<Record<string, never>, AuthState>('auth.drop'),
};

/** Subscribe to an event this build may not have (a missing one never fires). */
export function onOptional<T>(event: string, listener: (payload: T) => void): () => void {
  return (cashier.on as unknown as (e: string, l: (p: T) => void) => () => void)(event, listener);
}
