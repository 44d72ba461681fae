/**
 * In-memory settings and operators, for tests of other modules. The app itself uses the persistent,
 * encrypted implementation (see store.ts); both satisfy the same interfaces.
 */

import { AppError } from '../shared/errors.js';
import { DEMO_CASHIER, DEMO_CREDENTIALS, DEMO_MANAGER, DEMO_YIMA_KEY, defaultSettings } from './defaults.js';
import type { OperatorView, PublicSettings, SecretName, SettingsPatch } from './public.js';
import type { OperatorService, Secrets, Settings, SettingsService } from './types.js';

export function createMemorySettings(
  overrides: Partial<Settings> = {},
  secrets: Secrets = { chinaumsAppKey: DEMO_CREDENTIALS.appKey, yimaKey: DEMO_YIMA_KEY },
): SettingsService {
  let settings: Settings = { ...defaultSettings(), ...overrides };
  const held: Secrets = { ...secrets };
  const listeners = new Set<(s: Settings) => void>();
  const changed = () => {
    for (const listener of listeners) listener(settings);
  };
  const publicView = (): PublicSettings => {
    return {
      ...structuredClone(settings),
      secrets: {
        chinaumsAppKey: { set: Boolean(held.chinaumsAppKey) },
        yimaKey: { set: Boolean(held.yimaKey) },
        hqToken: { set: Boolean(held.hqToken) },
      },
      secretsProtection: 'none',
    };
  };
  return {
    get: () => settings,
    secret: (name: SecretName) => held[name],
    publicView,
    update(patch: SettingsPatch) {
      settings = {
        ...settings,
        ...patch,
        yima: { ...settings.yima, ...patch.yima },
        hq: { ...settings.hq, ...patch.hq },
      } as Settings;
      changed();
      return publicView();
    },
    setDevice(patch) {
      settings = { ...settings, ...patch };
      changed();
    },
    setSecret(name, value) {
      held[name] = value;
      changed();
      return publicView();
    },
    clearSecret(name) {
      delete held[name];
      changed();
      return publicView();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Plain-PIN operators for tests only. */
export function createMemoryOperators(): OperatorService {
  const operators = [
    { ...DEMO_MANAGER, hasPin: true },
    { ...DEMO_CASHIER, hasPin: true },
  ] as Array<OperatorView & { pin: string }>;
  let current = operators[1]!;
  const view = ({ pin: _pin, ...rest }: OperatorView & { pin: string }): OperatorView => rest;
  const invalid = () => new AppError('PIN_INVALID', { zh: 'PIN 不正确', en: 'Wrong PIN' });
  return {
    list: () => operators.map(view),
    current: () => view(current),
    async signIn(id, pin) {
      const found = operators.find((o) => o.id === id && o.pin === pin);
      if (!found) throw invalid();
      current = found;
      return view(found);
    },
    async requireManager(pin) {
      if (pin === undefined) {
        throw new AppError('PIN_REQUIRED', { zh: '需要店长 PIN', en: "A manager's PIN is required" });
      }
      const found = operators.find((o) => o.role === 'manager' && o.pin === pin);
      if (!found) throw invalid();
      return view(found);
    },
    async save(input) {
      const existing = operators.findIndex((o) => o.id === input.id);
      const next = {
        id: input.id,
        name: input.name,
        role: input.role,
        hasPin: Boolean(input.pin),
        pin: input.pin ?? '',
      };
      if (existing >= 0) operators[existing] = next;
      else operators.push(next);
      return operators.map(view);
    },
    async remove(id) {
      const index = operators.findIndex((o) => o.id === id);
      if (index >= 0) operators.splice(index, 1);
      return operators.map(view);
    },
  };
}
