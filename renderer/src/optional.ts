/**
 * The auth, gateway-status and sync-status channels (CONTRACTS §5–7) with their contract types. The
 * screens call them through `optional` so a build without one of them (an older main, a test double)
 * keeps working: a missing call is simply absent here.
 */
import type { AuthState as AuthStateT } from '../../main/ipc/channels/auth';
import type { GatewayStatus as GatewayStatusT, GatewayTestResult } from '../../main/ipc/channels/gateway';
import type { SyncStatus as SyncStatusT } from '../../main/ipc/channels/sync';
import type { Envelope } from '../../main/ipc/errors';
import { cashier } from './cashier';

export type GatewayStatus = GatewayStatusT;
export type GatewayState = GatewayStatusT['state'];
export type GatewayTest = GatewayTestResult;
export type SyncStatus = SyncStatusT;
export type AuthState = AuthStateT;

type Call<I, O> = (input: I) => Promise<Envelope<O>>;

function find<I, O>(name: string): Call<I, O> | undefined {
  const [domain, action] = name.split('.') as [string, string];
  const group = (cashier as unknown as Record<string, Record<string, unknown> | undefined>)[domain];
  const fn = group?.[action];
  return typeof fn === 'function' ? (fn as Call<I, O>) : undefined;
}

type Empty = Record<string, never>;

export const optional = {
  gatewayStatus: () => find<Empty, GatewayStatus>('gateway.status'),
  gatewayTest: () => find<Empty, GatewayTest>('gateway.test'),
  syncStatus: () => find<Empty, SyncStatus>('sync.status'),
  authState: () => find<Empty, AuthState>('auth.state'),
  authSignIn: () => find<{ operatorId: string; pin: string }, AuthState>('auth.signIn'),
  authSignOut: () => find<Empty, AuthState>('auth.signOut'),
  authElevate: () => find<{ pin: string }, AuthState>('auth.elevate'),
  authDrop: () => find<Empty, AuthState>('auth.drop'),
  authSetup: () =>
    find<{ operatorId: string; name: string; pin: string }, { state: AuthState; recoveryCode: string }>(
      'auth.setup',
    ),
};

/** Subscribe to an event this build may not have (a missing one never fires). */
export function onOptional<T>(event: string, listener: (payload: T) => void): () => void {
  return (cashier.on as unknown as (e: string, l: (p: T) => void) => () => void)(event, listener);
}
