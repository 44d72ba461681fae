/**
 * Operators (cashiers and managers) in operators.json (mode 0600): id, name, role and a salted scrypt
 * hash of the PIN, never the PIN. Who is signed in is remembered across restarts.
 *
 * Someone is always signed in once the first manager exists (every journal record names the
 * operator): the first manager signs in on creation, and removing the signed-in operator hands the
 * counter to the manager who removed them. Only before the first manager, `current()` throws
 * PIN_REQUIRED.
 *
 * Rules: once a manager exists, adding or changing an operator needs a manager's PIN; a manager must
 * have a PIN; the last manager cannot be removed or demoted (that would open the door to anyone);
 * after 5 wrong PINs in a row, PIN checks are refused for a minute.
 */

import { createLogger } from '../log/logger.js';
import { AppError } from '../shared/errors.js';
import { openStore, type StoreClass } from './conf-file.js';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';
import type { NoticeBoard } from './notices.js';
import { decoyHash, hashPin, verifyPin } from './pin.js';
import type { OperatorView } from './public.js';
import type { OperatorService } from './types.js';

const log = createLogger('operators');

interface StoredOperator {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  pinHash?: string;
}

type OperatorsFile = { operators: StoredOperator[]; currentId?: string };

export interface OperatorsOptions {
  dataDir: string;
  /** Seed DEMO_MANAGER and DEMO_CASHIER when the file is new (demo environment only). */
  seedDemo: boolean;
  notices?: NoticeBoard;
  now?: () => Date;
  /** Wrong PINs in a row before a lockout, and how long it lasts. */
  maxFailures?: number;
  lockoutMs?: number;
  /** electron-store in the Electron app; `conf` (the default) elsewhere. */
  storeClass?: StoreClass;
}

export interface PersistentOperatorService extends OperatorService {
  readonly path: string;
  /** Resolves once the demo operators are seeded (hashing takes a moment). */
  readonly ready: Promise<void>;
  /** True while an operator still has the demo PIN: the settings screen should warn. */
  usesDemoPins(): Promise<boolean>;
}

const invalid = () => new AppError('PIN_INVALID', { zh: 'PIN 不正确', en: 'Wrong PIN' });

export function createOperators(options: OperatorsOptions): PersistentOperatorService {
  const now = options.now ?? (() => new Date());
  const maxFailures = options.maxFailures ?? 5;
  const lockoutMs = options.lockoutMs ?? 60_000;

  const opened = openStore<OperatorsFile>({
    dir: options.dataDir,
    name: 'operators',
    fileMode: 0o600,
    now,
    storeClass: options.storeClass,
    conf: {
      defaults: { operators: [] },
      schema: {
        operators: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'name', 'role'],
            properties: {
              id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$' },
              name: { type: 'string', minLength: 1, maxLength: 20 },
              role: { enum: ['cashier', 'manager'] },
              pinHash: { type: 'string', maxLength: 200 },
            },
          },
        },
        currentId: { type: 'string' },
      } as never,
    },
  });
  const store = opened.store;
  if (opened.reset) {
    log.warn('operators file damaged: set aside', opened.reset);
    options.notices?.add('operators-reset', 'error', {
      zh: `操作员文件已损坏，已另存为 ${opened.reset.asidePath}。请重新添加店长和收银员。`,
      en: `The operators file was damaged and set aside (${opened.reset.asidePath}). Add the manager and cashiers again.`,
    });
  }

  let operators: StoredOperator[] = structuredClone(store.get('operators'));
  let currentId: string | undefined = store.get('currentId');
  const persist = () => {
    store.set('operators', operators);
    if (currentId === undefined) store.delete('currentId');
    else store.set('currentId', currentId);
  };

  const seeded = (async () => {
    if (!(opened.created && options.seedDemo && operators.length === 0)) return;
    operators = [];
    for (const demo of [DEMO_MANAGER, DEMO_CASHIER]) {
      operators.push({ id: demo.id, name: demo.name, role: demo.role, pinHash: await hashPin(demo.pin) });
    }
    currentId = DEMO_CASHIER.id;
    persist();
    log.info('demo operators seeded');
  })();

  /** While a demo PIN still opens an account, the settings screen says so. */
  const checkDemoPins = async () => {
    if (!options.notices) return;
    let demo = false;
    for (const d of [DEMO_MANAGER, DEMO_CASHIER]) {
      const found = operators.find((o) => o.id === d.id);
      if (found?.pinHash && (await verifyPin(d.pin, found.pinHash))) demo = true;
    }
    if (demo) {
      options.notices.add('demo-pins', 'warning', {
        zh: '演示账号的 PIN（店长 123456 / 收银员 0000）仍在使用，正式营业前请修改。',
        en: 'The demo PINs (manager 123456 / cashier 0000) are still in use: change them before going live.',
      });
    } else {
      options.notices.clear('demo-pins');
    }
  };
  const ready = seeded.then(checkDemoPins);

  const view = (o: StoredOperator): OperatorView => ({
    id: o.id,
    name: o.name,
    role: o.role,
    hasPin: Boolean(o.pinHash),
  });
  const list = () => operators.map(view);
  const managers = () => operators.filter((o) => o.role === 'manager' && o.pinHash);

  // Lockout after repeated wrong PINs: a 4-digit PIN must not be guessable by trying.
  let failures = 0;
  let lockedUntil = 0;
  const guard = () => {
    if (now().getTime() < lockedUntil) {
      throw new AppError('FORBIDDEN', {
        zh: 'PIN 错误次数过多，请一分钟后再试',
        en: 'Too many wrong PINs: try again in a minute',
      });
    }
  };
  const failed = () => {
    failures += 1;
    log.warn('wrong PIN', { failures });
    if (failures >= maxFailures) {
      lockedUntil = now().getTime() + lockoutMs;
      failures = 0;
      log.warn('PIN checks locked', { until: new Date(lockedUntil).toISOString() });
    }
    return invalid();
  };

  const findManagerByPin = async (pin: string): Promise<StoredOperator | undefined> => {
    let found: StoredOperator | undefined;
    // Check every manager (not stopping at the first match) so the time taken does not tell which.
    for (const manager of managers()) {
      if ((await verifyPin(pin, manager.pinHash!)) && !found) found = manager;
    }
    return found;
  };

  const requireManager = async (pin: string): Promise<OperatorView> => {
    await ready;
    guard();
    const found = await findManagerByPin(pin);
    if (!found) throw failed();
    failures = 0;
    return view(found);
  };

  return {
    path: store.path,
    ready,
    list,
    current() {
      const found = operators.find((o) => o.id === currentId);
      if (!found) throw new AppError('PIN_REQUIRED', { zh: '请先登录', en: 'Sign in first' });
      return view(found);
    },
    async signIn(id, pin) {
      await ready;
      guard();
      const found = operators.find((o) => o.id === id);
      const ok = await verifyPin(pin, found?.pinHash ?? (await decoyHash()));
      if (!found?.pinHash || !ok) throw failed();
      failures = 0;
      currentId = found.id;
      persist();
      log.info('signed in', { id: found.id, role: found.role });
      return view(found);
    },
    requireManager,
    async save(input) {
      await ready;
      if (managers().length > 0) {
        if (!input.managerPin) {
          throw new AppError('PIN_REQUIRED', { zh: '需要店长 PIN', en: "A manager's PIN is required" });
        }
        await requireManager(input.managerPin);
      }
      const index = operators.findIndex((o) => o.id === input.id);
      const existing = index >= 0 ? operators[index] : undefined;
      const pinHash = input.pin ? await hashPin(input.pin) : existing?.pinHash;
      if (input.role === 'manager' && !pinHash) {
        throw new AppError('BAD_INPUT', { zh: '店长必须设置 PIN', en: 'A manager must have a PIN' }, [
          { path: 'pin', message: 'required for a manager' },
        ]);
      }
      if (existing?.role === 'manager' && input.role !== 'manager' && managers().length <= 1) {
        throw new AppError('CONFLICT', {
          zh: '不能取消最后一位店长',
          en: 'The last manager cannot be made a cashier',
        });
      }
      const next: StoredOperator = { id: input.id, name: input.name, role: input.role };
      if (pinHash) next.pinHash = pinHash;
      if (existing) operators[index] = next;
      else operators.push(next);
      // The first manager (bootstrap) is the one at the counter.
      if (currentId === undefined && next.role === 'manager') currentId = next.id;
      persist();
      log.info(existing ? 'operator changed' : 'operator added', { id: next.id, role: next.role });
      await checkDemoPins();
      return list();
    },
    async remove(id, managerPin) {
      await ready;
      const manager = await requireManager(managerPin);
      const target = operators.find((o) => o.id === id);
      if (!target) throw new AppError('NOT_FOUND', { zh: '没有此操作员', en: 'No such operator' });
      if (target.role === 'manager' && managers().filter((m) => m.id !== id).length === 0) {
        throw new AppError('CONFLICT', {
          zh: '不能删除最后一位店长',
          en: 'The last manager cannot be removed',
        });
      }
      operators = operators.filter((o) => o.id !== id);
      // Someone must stay at the counter (every journal record names them): the manager who did
      // the removal takes over from an operator removed while signed in.
      if (currentId === id) currentId = manager.id;
      persist();
      log.info('operator removed', { id });
      await checkDemoPins();
      return list();
    },
    async usesDemoPins() {
      await ready;
      for (const demo of [DEMO_MANAGER, DEMO_CASHIER]) {
        const found = operators.find((o) => o.id === demo.id);
        if (found?.pinHash && (await verifyPin(demo.pin, found.pinHash))) return true;
      }
      return false;
    },
  };
}
