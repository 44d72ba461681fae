/** A real session on a real data folder (journal, operators, attempts, recovery files) for tests. */
import { Journal } from '../journal/journal.js';
import { type AttemptsOptions, createPinAttempts } from './attempts.js';
import { createOperators } from './operators.js';
import { createRecoveryCodes } from './recovery.js';
import { createSession, type Session } from './session.js';
import { openShiftsIn } from './shifts.js';

export async function openTestSession(
  dir: string,
  options: { demo?: boolean; attempts?: Partial<AttemptsOptions>; now?: () => number } = {},
) {
  let session: Session | undefined;
  const journal = Journal.open({ dataDir: dir, operatorId: () => session?.currentId() ?? 'system' });
  const hasHistory = () => journal.nextSeq > 1;
  const store = createOperators({ dataDir: dir, seedDemo: Boolean(options.demo) && !hasHistory() });
  await store.ready;
  const attempts = createPinAttempts({ dataDir: dir, ...options.attempts });
  const notices: string[] = [];
  session = createSession({
    operators: store,
    attempts,
    journal: {
      append: (t, k, d, o) => journal.append(t, k, d, o),
      hasHistory,
      openShifts: () => openShiftsIn(journal.store),
    },
    recovery: createRecoveryCodes(dir),
    notice: (m) => notices.push(m.en),
    ...(options.now ? { now: options.now } : {}),
  });
  return { session, store, journal, attempts, notices, operators: session.operatorService };
}
