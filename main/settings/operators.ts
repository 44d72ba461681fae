/**
 * Operators (cashiers and managers) in operators.json (mode 0600): id, name, role and a salted scrypt
 * hash of the PIN, never the PIN. This module is the store and its invariants only: a manager has a
 * PIN, the last manager is never removed or demoted. Who is signed in, who may change operators and
 * how PIN guesses are limited is the session's (session.ts); nobody is remembered across restarts.
 */
import { createLogger } from '../log/logger.js';
import { AppError } from '../shared/errors.js';
import { openStore, type StoreClass } from './conf-file.js';
import { DEMO_CASHIER, DEMO_MANAGER } from './defaults.js';
import type { NoticeBoard } from './notices.js';
import { decoyHash, hashPin, verifyPin } from './pin.js';
import type { OperatorView } from './public.js';

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
  /** electron-store in the Electron app; `conf` (the default) elsewhere. */
  storeClass?: StoreClass;
}

export interface OperatorInput {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  pin?: string;
}

export interface OperatorStore {
  readonly path: string;
  /** Resolves once the demo operators are seeded (hashing takes a moment). */
  readonly ready: Promise<void>;
  /** The file was found damaged at start and set aside (its operators are gone). */
  readonly wasReset: boolean;
  list(): OperatorView[];
  get(id: string): OperatorView | undefined;
  /** A manager with a PIN exists. */
  hasManager(): boolean;
  /** The operator if `pin` is theirs. Unknown ids cost the same time as known ones. */
  verify(id: string, pin: string): Promise<OperatorView | undefined>;
  /** The manager whose PIN this is. Every manager is checked, so the time taken does not tell which. */
  findManagerByPin(pin: string): Promise<OperatorView | undefined>;
  /** Adds or changes one operator (no PIN given: the old one stays). Returns the view before and after. */
  save(input: OperatorInput): Promise<{ before?: OperatorView; after: OperatorView }>;
  remove(id: string): OperatorView;
  /** True while an operator still has the demo PIN: the settings screen should warn. */
  usesDemoPins(): Promise<boolean>;
}

export function createOperators(options: OperatorsOptions): OperatorStore {
  const now = options.now ?? (() => new Date());
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
      zh: `操作员文件已损坏，已另存为 ${opened.reset.asidePath}。请用首次设置时的恢复码重新设置店长，或请 IT 重新配置。`,
      en: `The operators file was damaged and set aside (${opened.reset.asidePath}). Restore a manager with the recovery code from first set-up, or ask IT to re-provision.`,
    });
  }

  let operators: StoredOperator[] = structuredClone(store.get('operators'));
  // Older files remembered who was signed in; the app now always starts signed out.
  if (store.has('currentId')) store.delete('currentId');
  const persist = () => store.set('operators', operators);

  const seeded = (async () => {
    if (!(opened.created && options.seedDemo && operators.length === 0)) return;
    operators = [];
    for (const demo of [DEMO_MANAGER, DEMO_CASHIER]) {
      operators.push({ id: demo.id, name: demo.name, role: demo.role, pinHash: await hashPin(demo.pin) });
    }
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

  const findManagerByPin = async (pin: string): Promise<OperatorView | undefined> => {
    await ready;
    let found: StoredOperator | undefined;
    for (const manager of managers()) {
      if ((await verifyPin(pin, manager.pinHash!)) && !found) found = manager;
    }
    if (managers().length === 0) await verifyPin(pin, await decoyHash());
    return found ? view(found) : undefined;
  };

  return {
    path: store.path,
    ready,
    wasReset: Boolean(opened.reset),
    list,
    get(id) {
      const found = operators.find((o) => o.id === id);
      return found ? view(found) : undefined;
    },
    hasManager: () => managers().length > 0,
    async verify(id, pin) {
      await ready;
      const found = operators.find((o) => o.id === id);
      const ok = await verifyPin(pin, found?.pinHash ?? (await decoyHash()));
      return found?.pinHash && ok ? view(found) : undefined;
    },
    findManagerByPin,
    async save(input) {
      await ready;
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
      persist();
      log.info(existing ? 'operator changed' : 'operator added', { id: next.id, role: next.role });
      await checkDemoPins();
      return { ...(existing ? { before: view(existing) } : {}), after: view(next) };
    },
    remove(id) {
      const target = operators.find((o) => o.id === id);
      if (!target) throw new AppError('NOT_FOUND', { zh: '没有此操作员', en: 'No such operator' });
      if (target.role === 'manager' && managers().filter((m) => m.id !== id).length === 0) {
        throw new AppError('CONFLICT', {
          zh: '不能删除最后一位店长',
          en: 'The last manager cannot be removed',
        });
      }
      operators = operators.filter((o) => o.id !== id);
      persist();
      log.info('operator removed', { id });
      void checkDemoPins();
      return view(target);
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
