/**
 * The persistent settings service: settings.json (schema-checked, migrated, never holds a secret) and
 * secrets.json (each secret encrypted by the SecretBox, mode 0600) under the data folder.
 *
 * Built on `conf` (electron-store's base library, same API, plain Node) so the Electron app, the
 * browser harness and the tests run the same code; Electron only supplies the data folder and the
 * safeStorage SecretBox. A damaged file is set aside and replaced by defaults, with a notice.
 */
import type Conf from 'conf';
import { createLogger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { AppError, badInput } from '../shared/errors.js';
import { openStore, type StoreClass } from './conf-file.js';
import { DEMO_CREDENTIALS, DEMO_YIMA_KEY, defaultSettings } from './defaults.js';
import { checkMerchantCodes } from './merchant-format.js';
import { createNoticeBoard, type NoticeBoard } from './notices.js';
import type { PublicSettings, SecretName, SettingsPatch } from './public.js';
import {
  SETTINGS_VERSION,
  SettingsSchema,
  settingsJsonSchema,
  settingsMigrations,
  settingsProjectVersion,
} from './schema.js';
import type { SecretBox } from './secret-box.js';
import type { PrinterSettings, Settings, SettingsService } from './types.js';

const log = createLogger('settings');
const SECRET_NAMES: readonly SecretName[] = ['chinaumsAppKey', 'yimaKey', 'hqToken'];

interface StoredSecret {
  /** How `data` was sealed: by the OS keyring, or not at all (plain UTF-8). */
  protection: 'os-keyring' | 'none';
  data: string; // base64
}
type SecretsFile = Partial<Record<SecretName, StoredSecret>>;

export interface PersistentSettingsOptions {
  /** The data folder: settings.json and secrets.json live here. */
  dataDir: string;
  secretBox: SecretBox;
  /** Shared with the operators service; its notices appear in `publicView().notices`. */
  notices?: NoticeBoard;
  /** The layout version this build writes (tests open files with older builds' versions). */
  version?: number;
  now?: () => Date;
  /** electron-store in the Electron app; `conf` (the default) elsewhere. */
  storeClass?: StoreClass;
}

export interface PersistentSettingsService extends SettingsService {
  readonly settingsPath: string;
  readonly secretsPath: string;
  /** True when settings.json did not exist (or was damaged) at start: a first start. */
  readonly firstStart: boolean;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export function createPersistentSettings(options: PersistentSettingsOptions): PersistentSettingsService {
  const box = options.secretBox;
  const notices = options.notices ?? createNoticeBoard(options.now);
  const version = options.version ?? SETTINGS_VERSION;

  // ── settings.json ───────────────────────────────────────────────────────────────────────
  const opened = openStore<Record<string, unknown>>({
    dir: options.dataDir,
    name: 'settings',
    now: options.now,
    storeClass: options.storeClass,
    conf: {
      schema: settingsJsonSchema() as never,
      rootSchema: { additionalProperties: false },
      defaults: defaultSettings() as unknown as Record<string, unknown>,
      projectVersion: settingsProjectVersion(version),
      migrations: settingsMigrations,
      beforeEachMigration: (_store, context) =>
        log.info('migrating settings', { from: context.fromVersion, to: context.toVersion }),
    },
  });
  const store = opened.store;
  if (opened.reset) {
    log.warn('settings file damaged: set aside, defaults in use', opened.reset);
    notices.add('settings-reset', 'warning', {
      zh: `设置文件已损坏，已恢复默认设置。原文件保存在 ${opened.reset.asidePath}`,
      en: `The settings file was damaged and has been replaced by defaults. The old file is kept at ${opened.reset.asidePath}`,
    });
  }

  const read = (): Settings => {
    const parsed = SettingsSchema.safeParse(store.store);
    // conf has validated the file against the same schema; this only narrows the type.
    return deepFreeze(parsed.success ? (parsed.data as Settings) : defaultSettings());
  };
  let current = read();

  // ── secrets.json ────────────────────────────────────────────────────────────────────────
  const secretsOpened = openStore<SecretsFile>({
    dir: options.dataDir,
    name: 'secrets',
    fileMode: 0o600,
    now: options.now,
    storeClass: options.storeClass,
  });
  const secretsStore: Conf<SecretsFile> = secretsOpened.store;
  if (secretsOpened.reset) {
    log.warn('secrets file damaged: set aside', { asidePath: secretsOpened.reset.asidePath });
    notices.add('secrets-reset', 'warning', {
      zh: '密钥文件已损坏，请重新输入 AppKey 和翼码密钥。',
      en: 'The secrets file was damaged: enter the AppKey and the Yima key again.',
    });
  }
  const held: Partial<Record<SecretName, string>> = {};

  const seal = (value: string): StoredSecret => ({
    protection: box.available ? 'os-keyring' : 'none',
    data: box.encrypt(value).toString('base64'),
  });

  for (const name of SECRET_NAMES) {
    const stored = secretsStore.get(name);
    if (!stored) continue;
    try {
      const bytes = Buffer.from(stored.data, 'base64');
      const value = stored.protection === 'none' ? bytes.toString('utf8') : box.decrypt(bytes);
      held[name] = value;
      registerSecret(value);
      // A keyring appeared since this was stored in the clear: seal it now.
      if (stored.protection === 'none' && box.available) secretsStore.set(name, seal(value));
    } catch (error) {
      log.warn('a stored secret cannot be opened', { name, error });
      notices.add('secret-unreadable', 'error', {
        zh: '无法解密已保存的密钥（系统钥匙串已更改或在另一台电脑上），请重新输入。',
        en: 'A stored secret cannot be decrypted (the OS keyring changed, or this is another computer): enter it again.',
      });
    }
  }

  // Demo: on first start, the public demo AppKey (accepted only by the embedded simulator).
  if (secretsOpened.created && !secretsOpened.reset && current.environment === 'demo') {
    for (const [name, value] of [
      ['chinaumsAppKey', DEMO_CREDENTIALS.appKey],
      ['yimaKey', DEMO_YIMA_KEY],
    ] as const) {
      if (held[name] === undefined) {
        held[name] = value;
        registerSecret(value);
        secretsStore.set(name, seal(value));
      }
    }
  }

  if (!box.available) {
    notices.add('secrets-unprotected', 'warning', {
      zh: '此系统没有可用的钥匙串：AppKey 等密钥以未加密形式保存在本机数据目录中。',
      en: 'No OS keyring is available: the AppKey and other secrets are stored unencrypted in the data folder.',
    });
  }

  // ── the service ─────────────────────────────────────────────────────────────────────────
  const listeners = new Set<(settings: Settings) => void>();
  const changed = () => {
    for (const listener of listeners) {
      try {
        listener(structuredClone(current));
      } catch (error) {
        log.error('settings listener failed', { error });
      }
    }
  };

  const write = (next: unknown): void => {
    const parsed = SettingsSchema.safeParse(next);
    if (!parsed.success) throw badInput(parsed.error, 'settings');
    const value = parsed.data as Settings;
    store.set(value as unknown as Record<string, unknown>);
    current = deepFreeze(structuredClone(value));
    log.info('settings changed');
    changed();
  };

  const publicView = (): PublicSettings => {
    const list = notices.list();
    return {
      // Scanner and printer choices carry no secret: the forms start from them.
      ...structuredClone(current),
      secrets: {
        chinaumsAppKey: { set: held.chinaumsAppKey !== undefined },
        yimaKey: { set: held.yimaKey !== undefined },
        hqToken: { set: held.hqToken !== undefined },
      },
      secretsProtection: box.available ? 'os-keyring' : 'none',
      ...(list.length > 0 ? { notices: list } : {}),
    };
  };

  const service: PersistentSettingsService = {
    settingsPath: store.path,
    secretsPath: secretsStore.path,
    firstStart: opened.created,
    // A copy each time: a caller that changes what it got cannot change the settings behind us.
    get: () => structuredClone(current),
    secret: (name) => held[name],
    publicView,
    update(patch: SettingsPatch) {
      checkMerchantCodes(patch, current);
      const { yima, hq, ...flat } = patch;
      write({ ...current, ...flat, yima: { ...current.yima, ...yima }, hq: { ...current.hq, ...hq } });
      return publicView();
    },
    setDevice(patch: { scanner?: Settings['scanner']; printer?: PrinterSettings; ecr?: Settings['ecr'] }) {
      write({ ...current, ...patch });
    },
    setSecret(name, value) {
      if (!SECRET_NAMES.includes(name))
        throw new AppError('BAD_INPUT', { zh: '未知的密钥', en: 'Unknown secret' });
      if (value.length === 0 || value.trim() !== value) {
        throw new AppError('BAD_INPUT', {
          zh: '密钥不能为空，首尾不能有空格',
          en: 'A secret may not be empty or start or end with spaces',
        });
      }
      registerSecret(value);
      secretsStore.set(name, seal(value));
      held[name] = value;
      notices.clear('secret-unreadable');
      notices.clear('secrets-reset');
      log.info('secret set', { name });
      changed();
      return publicView();
    },
    clearSecret(name) {
      secretsStore.delete(name);
      delete held[name];
      log.info('secret cleared', { name });
      changed();
      return publicView();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  log.info('settings opened', { path: store.path, layout: version, firstStart: opened.created });
  return service;
}
