/** The session at the counter and the audit trail: the settings domain's shapes (re-exported by IPC). */
import { z } from 'zod';
import { Instant } from '../shared/schemas.js';
import { OperatorView } from './public.js';

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
