/**
 * Settings as the renderer may see them. Secrets (AppKey, Yima key) never cross IPC: the renderer
 * sees only whether each is set, and can write or clear one, never read it.
 */
import { z } from 'zod';
import { GatewayEnvironment } from './app.js';
import { Bilingual, Instant, Pin, PositiveFen } from './common.js';
import { PrinterConfig, ScannerConfig } from './devices.js';

export const SecretName = z.enum(['chinaumsAppKey', 'yimaKey']);
export type SecretName = z.infer<typeof SecretName>;

/**
 * Something about the settings themselves the settings screen should show until it is dealt with:
 * a damaged file replaced by defaults, a secret the OS keyring can no longer open, no keyring at all.
 */
export const SettingsNotice = z.object({
  code: z.enum([
    'settings-reset',
    'operators-reset',
    'secrets-reset',
    'secret-unreadable',
    'secrets-unprotected',
    'demo-pins',
  ]),
  level: z.enum(['info', 'warning', 'error']),
  message: Bilingual,
  at: Instant,
});
export type SettingsNotice = z.infer<typeof SettingsNotice>;

export const PublicSettings = z.object({
  shopName: z.string().max(40),
  language: z.enum(['zh-CN', 'en']),
  merchantCode: z.string().max(32),
  terminalCode: z.string().max(32),
  appId: z.string().max(64),
  environment: GatewayEnvironment,
  customGatewayUrl: z.string().max(512),
  authMode: z.enum(['body-signature', 'access-token']),
  /** The largest single charge the counter accepts, in fen. */
  maxAmountFen: PositiveFen,
  /** How long an unknown pay is queried before it is voided. */
  queryDeadlineSeconds: z.number().int().min(10).max(600),
  yima: z.object({
    enabled: z.boolean(),
    url: z.string().max(512),
    isspid: z.string().max(8),
    systemId: z.string().max(4),
    storeId: z.string().max(20),
    posId: z.string().max(20),
    format: z.enum(['json', 'xml']),
    signMode: z.enum(['md5-body-key', 'none']),
  }),
  secrets: z.record(SecretName, z.object({ set: z.boolean() })),
  /** Where secrets are kept: OS keyring (safeStorage) or, where the OS offers none, plain file. */
  secretsProtection: z.enum(['os-keyring', 'none']),
  /** Problems with the settings to show on the settings screen (absent: none). */
  notices: z.array(SettingsNotice).optional(),
  /** The saved scanner choice (changed through scanners.configure). */
  scanner: ScannerConfig,
  /** The saved printer choice (changed through printers.configure). */
  printer: z
    .object({ printer: PrinterConfig, paperWidth: z.enum(['58', '80']), drawerKick: z.boolean() })
    .strict(),
});
export type PublicSettings = z.infer<typeof PublicSettings>;

/**
 * What the renderer may change. Secrets and PINs go through their own calls, devices through
 * scanners.configure / printers.configure.
 */
export const SettingsPatch = PublicSettings.omit({
  secrets: true,
  secretsProtection: true,
  notices: true,
  scanner: true,
  printer: true,
})
  .extend({ yima: PublicSettings.shape.yima.partial() })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/**
 * settings.update's input: a patch, plus a manager's PIN. Any change other than `language` alone
 * (money, gateway, credentials, Yima) needs it; the cashier may switch the language freely.
 */
export const SettingsUpdateInput = SettingsPatch.extend({ managerPin: Pin.optional() }).strict();
export type SettingsUpdateInput = z.infer<typeof SettingsUpdateInput>;

export const OperatorView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['cashier', 'manager']),
  hasPin: z.boolean(),
});
export type OperatorView = z.infer<typeof OperatorView>;

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
    input: z.object({ id: OperatorId, managerPin: Pin }).strict(),
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
