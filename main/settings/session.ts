/**
 * The session: who is at the counter, whether a manager has elevated it, and the gate every IPC call
 * passes (roles in main/ipc/roles.ts). The app starts signed out. A sign-in opens a shift (journal
 * `shift.open`), a sign-out closes it (`shift.close`).
 *
 * PIN checks go through PinAttempts, keyed so that nobody's guesses lock anyone else out:
 * - `signin:<id>`        guesses at one operator's sign-in PIN;
 * - `manager:<actor>`    guesses at a manager PIN (elevation or inline `pin`) by the signed-in operator;
 * - `recovery`           guesses at the recovery code.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallGate } from '../ipc/router.js';
import { createLogger } from '../log/logger.js';
import { AppError } from '../shared/errors.js';
import type { PinAttempts } from './attempts.js';
import type { AuthState } from './auth-types.js';
import type { OperatorInput, OperatorStore } from './operators.js';
import type { OperatorView } from './public.js';
import type { RecoveryCodes } from './recovery.js';
import { SHIFT_CLOSE, SHIFT_OPEN } from './shifts.js';
import type { OperatorService } from './types.js';

const log = createLogger('session');

/** The slice of the journal the session writes to and asks about. */
export interface SessionJournal {
  append(type: string, key: string, data: Record<string, unknown>, options?: { op?: string }): unknown;
  /** True once any record was ever written: the first-manager set-up is closed from then on. */
  hasHistory(): boolean;
  /** Shifts opened and never closed (the app stopped without a sign-out): closed at start. */
  openShifts?(): Array<{ key: string; operatorId: string; name?: string; openedAt: string }>;
}

export interface SessionOptions {
  operators: OperatorStore;
  attempts: PinAttempts;
  journal: SessionJournal;
  recovery: RecoveryCodes;
  /** auth.changed to the renderer; app.notice for the recovery code shown once. */
  emit?: (state: AuthState) => void;
  notice?: (message: { zh: string; en: string }) => void;
  now?: () => number;
  /** How long a manager's PIN keeps the session elevated. */
  elevationMs?: number;
}

interface Elevation {
  manager: OperatorView;
  until: number;
}

interface CallContext {
  /** The manager who allowed this call, and the inline PIN they gave (not checked twice). */
  manager?: OperatorView;
  pin?: string;
  setup?: boolean;
}

export interface Session {
  state(): AuthState;
  signIn(id: string, pin: string): Promise<AuthState>;
  signOut(reason?: string): AuthState;
  elevate(pin: string): Promise<AuthState>;
  drop(): AuthState;
  setup(input: { operatorId: string; name: string; pin: string }): Promise<{
    state: AuthState;
    recoveryCode: string;
  }>;
  recover(input: { code: string; operatorId: string; name: string; pin: string }): Promise<{
    state: AuthState;
    recoveryCode: string;
  }>;
  /** The operator at the counter, or undefined. */
  currentId(): string | undefined;
  /**
   * A manager's authority for this call: the inline PIN (checked, counted), else the elevated session,
   * else PIN_REQUIRED.
   */
  requireManager(pin?: string): Promise<OperatorView>;
  /** Who allowed the call being handled (for the audit record). */
  callManager(): OperatorView | undefined;
  /** True while the first manager may be created without a PIN (fresh install). */
  setupOpen(): boolean;
  gate: CallGate;
  /** OperatorService for the engine, pre-auth, Yima and settings handlers. */
  operatorService: OperatorService;
}

const signInFirst = () => new AppError('PIN_REQUIRED', { zh: '请先登录', en: 'Sign in first' });
const managerNeeded = () =>
  new AppError('PIN_REQUIRED', { zh: '需要店长 PIN', en: "A manager's PIN is required" });
const managerPinNeeded = () =>
  new AppError('PIN_REQUIRED', { zh: '需要店长 PIN', en: "A manager's PIN is needed" });

export function createSession(options: SessionOptions): Session {
  const { operators, attempts, journal, recovery } = options;
  const now = options.now ?? Date.now;
  const elevationMs = options.elevationMs ?? 5 * 60_000;
  const context = new AsyncLocalStorage<CallContext>();

  let current: { operator: OperatorView; shift: string; openedAt: string } | undefined;
  let elevation: Elevation | undefined;
  let expiry: NodeJS.Timeout | undefined;

  const setupOpen = () => !operators.hasManager() && !journal.hasHistory();

  // The app starts signed out: a shift left open by a crash or power cut ends here, said so.
  for (const open of journal.openShifts?.() ?? []) {
    journal.append(
      SHIFT_CLOSE,
      open.key,
      { operatorId: open.operatorId, name: open.name, openedAt: open.openedAt, reason: 'restart' },
      { op: open.operatorId },
    );
    log.info('shift left open closed at start', { id: open.operatorId });
  }
  const elevated = (): Elevation | undefined => {
    if (elevation && elevation.until > now()) {
      // A manager removed (or demoted) meanwhile no longer elevates anyone.
      const still = operators.get(elevation.manager.id);
      if (still?.role === 'manager') return elevation;
    }
    elevation = undefined;
    return undefined;
  };

  const state = (): AuthState => {
    const e = elevated();
    const fresh = current ? operators.get(current.operator.id) : undefined;
    return {
      signedIn: Boolean(current && fresh),
      ...(current && fresh ? { operator: fresh } : {}),
      ...(e
        ? {
            elevated: {
              managerId: e.manager.id,
              name: e.manager.name,
              until: new Date(e.until).toISOString(),
            },
          }
        : {}),
      operators: operators.list(),
      setup: setupOpen(),
      recovery: !operators.hasManager() && journal.hasHistory(),
    };
  };

  const changed = (): AuthState => {
    const s = state();
    options.emit?.(s);
    return s;
  };

  const setElevation = (manager: OperatorView) => {
    elevation = { manager, until: now() + elevationMs };
    clearTimeout(expiry);
    expiry = setTimeout(() => changed(), elevationMs + 50);
    expiry.unref?.();
  };

  const closeShift = (reason: string) => {
    if (!current) return;
    const { operator, shift, openedAt } = current;
    journal.append(
      SHIFT_CLOSE,
      shift,
      { operatorId: operator.id, name: operator.name, openedAt, reason },
      { op: operator.id },
    );
    log.info('signed out', { id: operator.id, reason });
    current = undefined;
    elevation = undefined;
  };

  const openShift = (operator: OperatorView) => {
    const openedAt = new Date(now()).toISOString();
    const shift = `shift-${operator.id}-${openedAt}`;
    journal.append(
      SHIFT_OPEN,
      shift,
      { operatorId: operator.id, name: operator.name, role: operator.role },
      { op: operator.id },
    );
    current = { operator, shift, openedAt };
    log.info('signed in', { id: operator.id, role: operator.role });
    if (operator.role === 'manager') setElevation(operator);
  };

  const actor = () => current?.operator.id ?? '(signed-out)';

  /**
   * The manager whose PIN this is, counted against the signed-in operator. A cashier who types their own
   * PIN is told a manager's is needed: only the signed-in cashier's own PIN gets this answer, and it
   * still counts as a wrong try, so it is no guessing oracle.
   */
  const checkManagerPin = async (pin: string): Promise<OperatorView> => {
    let ownPin = false;
    return attempts
      .check(`manager:${actor()}`, async () => {
        const found = await operators.findManagerByPin(pin);
        if (!found && current && current.operator.role !== 'manager') {
          ownPin = (await operators.verify(current.operator.id, pin)) !== undefined;
        }
        return found;
      })
      .catch((error: unknown) => {
        if (ownPin && error instanceof AppError && error.code === 'PIN_INVALID') throw managerPinNeeded();
        throw error;
      });
  };

  const requireManager = async (pin?: string): Promise<OperatorView> => {
    const ctx = context.getStore();
    if (ctx?.manager && (pin === undefined || pin === ctx.pin)) return ctx.manager;
    if (pin !== undefined) {
      const manager = await checkManagerPin(pin);
      // Remembered for the rest of this call: the audit record names who allowed it.
      if (ctx) Object.assign(ctx, { manager, pin });
      return manager;
    }
    const e = elevated();
    if (e) {
      if (ctx) ctx.manager = e.manager;
      return e.manager;
    }
    throw managerNeeded();
  };

  const issueCode = (): Promise<string> => recovery.issue();

  // One first-manager set-up or recovery at a time: two sent at once must not both pass the check.
  let creating = false;
  const oneAtATime = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (creating) {
      throw new AppError('CONFLICT', {
        zh: '正在设置店长，请稍候',
        en: 'A manager is being set up: wait a moment',
      });
    }
    creating = true;
    try {
      return await fn();
    } finally {
      creating = false;
    }
  };

  const createManager = async (input: { operatorId: string; name: string; pin: string }) => {
    const { after } = await operators.save({
      id: input.operatorId,
      name: input.name,
      role: 'manager',
      pin: input.pin,
    });
    if (current) closeShift('replaced');
    openShift(after);
    return after;
  };

  const recoverNow = async (input: { code: string; operatorId: string; name: string; pin: string }) => {
    if (operators.hasManager() || !journal.hasHistory()) {
      throw new AppError('FORBIDDEN', {
        zh: '现在无需恢复',
        en: 'Recovery is only for a counter whose managers were lost',
      });
    }
    await attempts.check('recovery', async () => ((await recovery.verify(input.code)) ? true : undefined));
    const manager = await createManager(input);
    journal.append(
      'audit.change',
      `audit-${now()}`,
      {
        area: 'recovery',
        managerId: manager.id,
        changes: [{ field: `operator.${manager.id}`, new: `${manager.name} (manager, PIN set)` }],
      },
      { op: manager.id },
    );
    const recoveryCode = await issueCode();
    return { state: changed(), recoveryCode };
  };

  const session: Session = {
    state,
    async signIn(id, pin) {
      // Unknown ids share one counter: a spray of made-up ids cannot push real counters out of the file.
      const key = operators.get(id) ? `signin:${id}` : 'signin:?';
      const operator = await attempts.check(key, () => operators.verify(id, pin));
      if (current) closeShift(current.operator.id === operator.id ? 'signed-in-again' : 'replaced');
      openShift(operator);
      return changed();
    },
    signOut(reason = 'signed-out') {
      closeShift(reason);
      return changed();
    },
    async elevate(pin) {
      if (!current) throw signInFirst();
      const manager = await checkManagerPin(pin);
      setElevation(manager);
      log.info('elevated', { by: manager.id, operator: actor() });
      return changed();
    },
    drop() {
      elevation = undefined;
      return changed();
    },
    setup: (input) =>
      oneAtATime(async () => {
        if (!setupOpen()) {
          throw new AppError('FORBIDDEN', {
            zh: '已有店长或营业记录：首次设置已关闭',
            en: 'A manager or sales history exists: first-time set-up is closed',
          });
        }
        await createManager(input);
        const recoveryCode = await issueCode();
        return { state: changed(), recoveryCode };
      }),
    recover: (input) => oneAtATime(() => recoverNow(input)),
    currentId: () => (current && operators.get(current.operator.id) ? current.operator.id : undefined),
    requireManager,
    callManager: () => context.getStore()?.manager,
    setupOpen,
    async gate(channel, rule, input, run) {
      if (!rule) {
        throw new AppError('FORBIDDEN', { zh: '此调用未声明权限', en: `No role declared for ${channel}` });
      }
      if (rule.role === 'public') return context.run({}, run);
      if (rule.role === 'setup' && setupOpen()) return context.run({ setup: true }, run);
      if (!session.currentId()) throw signInFirst();
      if (rule.role === 'operator') return context.run({}, run);
      const field = rule.pinField;
      const raw = field ? input[field] : undefined;
      const pin = typeof raw === 'string' ? raw : undefined;
      const manager = await requireManager(pin);
      return context.run({ manager, ...(pin !== undefined ? { pin } : {}) }, run);
    },
    operatorService: undefined as unknown as OperatorService,
  };

  session.operatorService = {
    list: () => operators.list(),
    current() {
      const id = session.currentId();
      const found = id ? operators.get(id) : undefined;
      if (!found) throw signInFirst();
      return found;
    },
    async signIn(id, pin) {
      await session.signIn(id, pin);
      return session.operatorService.current();
    },
    requireManager: (pin) => requireManager(pin),
    async save(input) {
      const { managerPin, ...rest } = input;
      if (!setupOpen()) {
        await requireManager(managerPin);
        await operators.save(rest as OperatorInput);
        changed();
        return operators.list();
      }
      // The existing settings screen creates the first manager this way: sign them in and show the
      // recovery code once.
      return oneAtATime(async () => {
        if (!setupOpen())
          throw new AppError('FORBIDDEN', { zh: '首次设置已关闭', en: 'First-time set-up is closed' });
        if (input.role !== 'manager') {
          throw new AppError('CONFLICT', { zh: '请先添加店长', en: 'Add the manager first' });
        }
        const { after } = await operators.save(rest as OperatorInput);
        if (current) closeShift('replaced');
        openShift(after);
        const code = await issueCode();
        options.notice?.({
          zh: `恢复码：${code}。请抄下并妥善保管：店长资料丢失时凭此码重新设置店长。此码只显示一次。`,
          en: `Recovery code: ${code}. Write it down and keep it safe: it restores a manager if the operators are lost. Shown once only.`,
        });
        changed();
        return operators.list();
      });
    },
    async remove(id, managerPin) {
      const manager = await requireManager(managerPin);
      operators.remove(id);
      // The counter stays with someone: the manager who removed the signed-in operator takes over.
      if (current?.operator.id === id) {
        closeShift('removed');
        openShift(manager);
      }
      changed();
      return operators.list();
    },
  };

  return session;
}
