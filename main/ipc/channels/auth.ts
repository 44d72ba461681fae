/** Who is at the counter: sign-in, sign-out, the manager's elevated session, and the audit trail. */
import { z } from 'zod';
import { AuditEntry, AuthState } from '../../settings/auth-types.js';
import { Pin } from './common.js';
import { OperatorId } from './settings.js';

export { AuditChange, AuditEntry, AuthState } from '../../settings/auth-types.js';

export const authCalls = {
  'auth.state': { input: z.object({}).strict(), output: AuthState },
  /** Opens a shift (journal `shift.open`); a manager's sign-in also elevates the session. */
  'auth.signIn': { input: z.object({ operatorId: OperatorId, pin: Pin }).strict(), output: AuthState },
  /** Closes the shift (journal `shift.close`) and drops any elevation. */
  'auth.signOut': { input: z.object({}).strict(), output: AuthState },
  /** A manager's PIN: privileged calls are allowed for a few minutes without asking again. */
  'auth.elevate': { input: z.object({ pin: Pin }).strict(), output: AuthState },
  'auth.drop': { input: z.object({}).strict(), output: AuthState },
  /**
   * Fresh install only (AuthState.setup): creates the first manager, signs them in, and returns the
   * one-time recovery code to write down (shown once, never again).
   */
  'auth.setup': {
    input: z.object({ operatorId: OperatorId, name: z.string().min(1).max(20), pin: Pin }).strict(),
    output: z.object({ state: AuthState, recoveryCode: z.string() }),
  },
  /**
   * No manager left but the journal has history (AuthState.recovery): the recovery code written down
   * at set-up creates a manager again. A fresh code replaces the used one.
   */
  'auth.recover': {
    input: z
      .object({
        code: z.string().min(4).max(40),
        operatorId: OperatorId,
        name: z.string().min(1).max(20),
        pin: Pin,
      })
      .strict(),
    output: z.object({ state: AuthState, recoveryCode: z.string() }),
  },
  /** Privileged changes, newest first (journal `audit.change`). */
  'audit.list': {
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.array(AuditEntry),
  },
};

export const authEvents = {
  'auth.changed': AuthState,
};
