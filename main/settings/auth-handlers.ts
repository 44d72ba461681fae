/** IPC handlers for the auth.* channels and audit.list (the session does the work). */

import type { PartialHandlers } from '../ipc/router.js';
import type { AuditEntry } from './auth-types.js';
import type { Session } from './session.js';

export function authHandlers(session: Session, readAudit: (limit: number) => AuditEntry[]): PartialHandlers {
  return {
    'auth.state': () => session.state(),
    'auth.signIn': ({ operatorId, pin }) => session.signIn(operatorId, pin),
    'auth.signOut': () => session.signOut(),
    'auth.elevate': ({ pin }) => session.elevate(pin),
    'auth.drop': () => session.drop(),
    'auth.setup': (input) => session.setup(input),
    'auth.recover': (input) => session.recover(input),
    'audit.list': ({ limit }) => readAudit(limit),
  };
}
