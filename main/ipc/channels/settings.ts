/**
 * Settings as the renderer may see them. Secrets (AppKey, Yima key) never cross IPC: the renderer
 * sees only whether each is set, and can write or clear one, never read it.
 */
import { z } from 'zod';
import { OperatorView, PublicSettings, SecretName, SettingsUpdateInput } from '../../settings/public.js';
import { Instant, Pin } from './common.js';

export {
  OperatorView,
  PublicSettings,
  SecretName,
  SettingsNotice,
  SettingsPatch,
  SettingsUpdateInput,
} from '../../settings/public.js';

export const OperatorId = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, '1 to 20 letters, digits, _ or -');

export const settingsCalls = {
  'settings.get': { input: z.object({}).strict(), output: PublicSettings },
  'settings.update': { input: SettingsUpdateInput, output: PublicSettings },
  /** Write-only: the value goes to main and is never read back. Always needs a manager's PIN. */
  'settings.setSecret': {
    input: z
      .object({ name: SecretName, value: z.string().min(1).max(256), managerPin: Pin.optional() })
      .strict(),
    output: PublicSettings,
  },
  /** Always needs a manager's PIN. */
  'settings.clearSecret': {
    input: z.object({ name: SecretName, managerPin: Pin.optional() }).strict(),
    output: PublicSettings,
  },
  'operators.list': { input: z.object({}).strict(), output: z.array(OperatorView) },
  'operators.save': {
    input: z
      .object({
        id: OperatorId,
        name: z.string().min(1).max(20),
        role: z.enum(['cashier', 'manager']),
        pin: Pin.optional(),
        /** A manager's PIN, required to add or change operators once any manager exists. */
        managerPin: Pin.optional(),
      })
      .strict(),
    output: z.array(OperatorView),
  },
  'operators.remove': {
    // Like the other privileged calls: an elevated manager session, or a manager's PIN inline.
    input: z.object({ id: OperatorId, managerPin: Pin.optional() }).strict(),
    output: z.array(OperatorView),
  },
  /** Who is at the counter: recorded on every journal record and receipt. */
  'operators.signIn': { input: z.object({ id: OperatorId, pin: Pin }).strict(), output: OperatorView },
  'operators.current': { input: z.object({}).strict(), output: OperatorView },
  /** Zip of logs + settings (secrets removed) for support; returns where it was written. */
  'diagnostics.collect': {
    input: z.object({}).strict(),
    output: z.object({ path: z.string(), bytes: z.number().int(), at: Instant }),
  },
};

export const settingsEvents = {
  'settings.changed': PublicSettings,
};
