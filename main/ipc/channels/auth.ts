/** Who is at the counter: sign-in, sign-out, the manager's elevated session, and the audit trail. */
import { z } from 'zod';
import { Instant, Pin } from './common.js';
import { OperatorId, OperatorView } from './settings.js';

export const AuthState = z.object({
  /** False at start (the app always starts signed out) and after a sign-out. */
  signedIn: z.boolean(),
  operator: OperatorView.optional(),
  /** A manager's PIN was given: privileged calls need no PIN until `until`, auth.drop or sign-out. */
  elevated: z.object({ managerId: z.string(), name: z.string(), until: Instant }).optional(),
  /** Whom the sign-in screen lists. */
  operators: z.array(OperatorView),
  /** Fresh install, no manager yet: the first manager may be created (operators.save) without a PIN. */
  setup: z.boolean(),
  /** No manager, but the journal has history: only the recovery code or IT re-provisioning helps. */
  recovery: z.boolean(),
});
export type AuthState = z.infer<typeof AuthState>;

export const AuditChange = z.object({
  field: z.string(),
  /** Secrets appear as 'set' / 'not set', never as their value. */
  old: z.string().optional(),
  new: z.string().optional(),
});
export type AuditChange = z.infer<typeof AuditChange>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: Instant,
  /** The operator signed in, and the manager whose PIN or session allowed the change. */
  operatorId: z.string(),
  managerId: z.string().optional(),
  /** settings | secret | scanner | printer | operator | recovery */
  area: z.string(),
  changes: z.array(AuditChange),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

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
