/**
 * The settings service as main-process code sees it. Only main ever holds secrets in clear; the
 * renderer gets `publicView()` (secrets reduced to set / not set).
 */
import type { EcrSettings } from '../ecr/types.js';
import type { PrinterConfig } from '../printing/types.js';
import type { ScannerConfig } from '../scanners/types.js';
import type { OperatorView, PublicSettings, SecretName, SettingsPatch } from './public.js';

export type Secrets = Partial<Record<SecretName, string>>;

export interface PrinterSettings {
  printer: PrinterConfig;
  paperWidth: '58' | '80';
  drawerKick: boolean;
}

/** Everything main needs. `secrets` is only ever read by the API clients that sign with them. */
export interface Settings extends Omit<PublicSettings, 'secrets' | 'secretsProtection' | 'notices'> {
  scanner: ScannerConfig;
  printer: PrinterSettings;
  /** The ECR link (main/ecr); absent until a manager first sets it up. */
  ecr?: EcrSettings;
}

export interface SettingsService {
  get(): Settings;
  /** Secrets in clear, main process only: the ChinaUMS and Yima clients sign with these. */
  secret(name: SecretName): string | undefined;
  publicView(): PublicSettings;
  update(patch: SettingsPatch): PublicSettings;
  setDevice(patch: { scanner?: ScannerConfig; printer?: PrinterSettings; ecr?: EcrSettings }): void;
  setSecret(name: SecretName, value: string): PublicSettings;
  clearSecret(name: SecretName): PublicSettings;
  onChange(listener: (settings: Settings) => void): () => void;
}

export interface OperatorService {
  list(): OperatorView[];
  /** The operator at the counter now (recorded on every journal record). */
  current(): OperatorView;
  signIn(id: string, pin: string): Promise<OperatorView>;
  /**
   * The manager whose PIN this is, or an AppError('PIN_INVALID'). Without a PIN: the manager who
   * elevated the session, or PIN_REQUIRED. Used for void, refund, pre-auth void, settings.
   */
  requireManager(pin?: string): Promise<OperatorView>;
  save(input: {
    id: string;
    name: string;
    role: 'cashier' | 'manager';
    pin?: string;
    managerPin?: string;
  }): Promise<OperatorView[]>;
  remove(id: string, managerPin?: string): Promise<OperatorView[]>;
}
