/**
 * Settings as the renderer may see and change them, operators as views, settings notices: the settings
 * domain's shapes. Secrets never appear here (only whether each is set). The IPC channel files re-export
 * these.
 */
import { z } from 'zod';
import { PrinterConfig } from '../printing/types.js';
import { ScannerConfig } from '../scanners/types.js';
import { Bilingual, Instant, Pin, PositiveFen } from '../shared/schemas.js';

/** Where charges go: the embedded simulator, the ChinaUMS test or production gateway, or a custom URL. */
export const GatewayEnvironment = z.enum(['demo', 'test', 'production', 'custom']);
export type GatewayEnvironment = z.infer<typeof GatewayEnvironment>;

export const SecretName = z.enum(['chinaumsAppKey', 'yimaKey', 'hqToken']);
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
    // The receipt journal: found damaged or tampered with at start; cannot be written; a torn line set aside.
    'journal-damaged',
    'journal-unwritable',
    'journal-torn',
    'device-refused',
    'overrides',
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
  /** Which slips print after a sale: customer, merchant, both, or none (reprints still work). */
  receiptCopies: z.enum(['customer', 'merchant', 'both', 'none']),
  /** A line printed under the shop name on every slip (slogan, phone, WeChat id), empty for none. */
  receiptLogoLine: z.string().max(40),
  /** Speak the result ("收款成功，12.34 元") where the system has a voice; beeps otherwise. */
  voice: z.boolean(),
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
  /** 总部同步: where this counter uploads its journal (empty url: off). The counter token is the `hqToken` secret. */
  hq: z.object({ url: z.string().max(512), storeId: z.string().max(40) }).strict(),
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
  .extend({ yima: PublicSettings.shape.yima.partial(), hq: PublicSettings.shape.hq.partial() })
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
