/**
 * Updates that never interrupt money. electron-updater does the feed, the download (with its .blockmap
 * differential download) and the sha512 check; this module decides:
 *
 * - which store takes a release (rollout.json: pilot stores, halt switch), through electron-updater's
 *   own `isUserWithinRollout` hook;
 * - whether the installer is ours: `publisherName` (Authenticode, checked by electron-updater on
 *   Windows) and/or our Ed25519 signature over version + file + sha512 (signature.ts);
 * - when to install: only through the gate (gate.ts), never on quit (`autoInstallOnAppQuit` off),
 *   and only after the caller has closed the devices and the journal (`beforeInstall`).
 *
 * Download happens in the background right after a check finds an update; nothing here blocks a sale.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { createLogger } from '../log/logger.js';
import type { Bilingual } from '../shared/errors.js';
import { decision, type GateDecision, type GateFacts, gate } from './gate.js';
import { parseRollout, type RolloutVerdict, rolloutVerdict } from './rollout.js';
import { sha512File, verifyUpdate } from './signature.js';

const log = createLogger('updates');

/** The part of electron-updater's AppUpdater we use (NsisUpdater, AppImageUpdater, MacUpdater). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  isUserWithinRollout: (info: UpdateInfoLike) => boolean | Promise<boolean>;
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: UpdateInfoLike } | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdateInfoLike {
  version: string;
  files: Array<{ url: string; sha512: string }>;
  minimumSystemVersion?: string;
  /** Added to latest.yml by scripts/sign-update.mjs. */
  ed25519Signature?: string;
}

export type UpdatePhase =
  | 'idle'
  | 'checking'
  | 'up-to-date'
  | 'staged-out'
  | 'halted'
  /** The feed's minimumSystemVersion is above this OS (e.g. Windows 7 for a feed that says 10.0.0). */
  | 'unsupported-os'
  | 'downloading'
  | 'ready'
  | 'rejected'
  | 'error';

export interface UpdateState {
  phase: UpdatePhase;
  /** The feed's version, once known. */
  version?: string;
  message: Bilingual;
  at: string;
}

export interface UpdateServiceOptions {
  updater: UpdaterPort;
  /** The feed folder's URL (where latest.yml and rollout.json are). */
  feedUrl: string;
  /** This store's id as rollout.json lists it. */
  storeId: () => string;
  /** Ed25519 public key (PEM). When set, an update without a valid signature is refused. */
  publicKey?: string;
  /** GET a small text file; undefined when absent (404) or unreachable. Default: `fetch` with a timeout. */
  fetchText?: (url: string) => Promise<string | undefined>;
  /**
   * The network for those files: Node's fetch by default; in the app, Electron's (the system proxy, as
   * electron-updater's own requests), so a shop behind a proxy reads rollout.json too.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  now?: () => Date;
}

export interface UpdateService {
  /** Ask the feed; when this store should take a newer version, download and verify it in the background. */
  check(): Promise<UpdateState>;
  state(): UpdateState;
  onState(listener: (state: UpdateState) => void): () => void;
  /**
   * Install now if the gate allows: `beforeInstall` closes devices and the journal, then the installer
   * runs (silently, per-user) and starts the app again. Returns the gate's decision either way.
   */
  installIfAllowed(
    facts: Omit<GateFacts, 'updateReady'>,
    beforeInstall: () => Promise<void>,
  ): Promise<GateDecision>;
}

const TEXT: Record<UpdatePhase, Bilingual> = {
  idle: { zh: '未检查更新', en: 'Not checked for updates' },
  checking: { zh: '正在检查更新', en: 'Checking for updates' },
  'up-to-date': { zh: '已是最新版本', en: 'Up to date' },
  'staged-out': { zh: '新版本尚未向本店开放', en: 'The new version is not released to this store yet' },
  halted: { zh: '新版本的发布已暂停', en: 'The release of the new version is halted' },
  'unsupported-os': {
    zh: '此系统版本过旧，无法安装新版本（需要 Windows 10/11）',
    en: 'This system is too old for the new version (Windows 10/11 needed)',
  },
  downloading: { zh: '正在后台下载更新', en: 'Downloading the update in the background' },
  ready: {
    zh: '更新已下载，将在下次开机或日结后安装',
    en: 'Update downloaded: it installs at the next start or after the day is closed',
  },
  rejected: { zh: '更新文件校验失败，已丢弃', en: 'The update failed its checks and was discarded' },
  error: { zh: '检查更新失败', en: 'Could not check for updates' },
};

/** Dotted version compare, as electron-updater does with os.release(): is `system` below `minimum`? */
export function olderThan(system: string, minimum: string | undefined): boolean {
  if (!minimum) return false;
  const a = system.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0);
  const b = minimum.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length, 3); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

async function fetchTextWith(
  network: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
): Promise<string | undefined> {
  try {
    const response = await network(url, { signal: AbortSignal.timeout(10_000), cache: 'no-store' });
    if (!response.ok) return undefined;
    const text = await response.text();
    return text.length > 1_000_000 ? undefined : text;
  } catch {
    return undefined;
  }
}

export function createUpdateService(options: UpdateServiceOptions): UpdateService {
  const { updater } = options;
  const now = options.now ?? (() => new Date());
  const network = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const fetchText = options.fetchText ?? ((url: string) => fetchTextWith(network, url));
  const listeners = new Set<(s: UpdateState) => void>();
  let current: UpdateState = { phase: 'idle', message: TEXT.idle, at: now().toISOString() };
  let lastVerdict: RolloutVerdict | undefined;

  // Never on quit, never by itself: every install goes through the gate.
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;
  const rolloutUrl = new URL(
    'rollout.json',
    options.feedUrl.endsWith('/') ? options.feedUrl : `${options.feedUrl}/`,
  ).toString();
  updater.isUserWithinRollout = async (info) => {
    const rollout = parseRollout(await fetchText(rolloutUrl));
    lastVerdict = rolloutVerdict(rollout, info.version, options.storeId());
    log.info('rollout', { version: info.version, verdict: lastVerdict });
    return lastVerdict === 'in';
  };

  const set = (phase: UpdatePhase, version?: string, detail?: string): UpdateState => {
    const base = TEXT[phase];
    current = {
      phase,
      ...(version ? { version } : {}),
      message: detail ? { zh: `${base.zh}（${detail}）`, en: `${base.en} (${detail})` } : base,
      at: now().toISOString(),
    };
    for (const listener of listeners) listener(current);
    return current;
  };

  async function verified(info: UpdateInfoLike, files: string[]): Promise<string | undefined> {
    const installer = files[0];
    const entry = info.files[0];
    if (!installer || !entry) return 'no installer in the download';
    // electron-updater checked the bytes against latest.yml while downloading; check again here, since
    // the signature below vouches for exactly this sha512.
    if ((await sha512File(installer)) !== entry.sha512) return 'sha512 mismatch';
    if (options.publicKey) {
      const signature = info.ed25519Signature;
      if (!signature) return 'unsigned (no ed25519Signature in latest.yml)';
      const ok = verifyUpdate(
        options.publicKey,
        { version: info.version, file: entry.url, sha512: entry.sha512 },
        signature,
      );
      if (!ok) return 'bad Ed25519 signature';
    }
    return undefined;
  }

  let checking: Promise<UpdateState> | undefined;

  async function check(): Promise<UpdateState> {
    set('checking');
    lastVerdict = undefined;
    let result: Awaited<ReturnType<UpdaterPort['checkForUpdates']>>;
    try {
      result = await updater.checkForUpdates();
    } catch (error) {
      log.warn('update check failed', { error: error instanceof Error ? error.message : String(error) });
      return set('error', undefined, error instanceof Error ? error.message.slice(0, 200) : undefined);
    }
    const info = result?.updateInfo;
    if (!result || !info) return set('up-to-date');
    if (!result.isUpdateAvailable) {
      if (olderThan(os.release(), info.minimumSystemVersion)) return set('unsupported-os', info.version);
      if (lastVerdict === 'halted') return set('halted', info.version);
      if (lastVerdict === 'staged-out' || lastVerdict === 'no-rollout')
        return set('staged-out', info.version);
      return set('up-to-date', info.version);
    }
    set('downloading', info.version);
    let files: string[];
    try {
      files = await updater.downloadUpdate();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: string }).code;
      log.warn('update download failed', { code, error: message.slice(0, 300) });
      if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(message)) {
        return set('rejected', info.version, 'sha512 mismatch');
      }
      if (code === 'ERR_UPDATER_INVALID_SIGNATURE')
        return set('rejected', info.version, 'publisher signature');
      return set('error', info.version, message.slice(0, 200));
    }
    const problem = await verified(info, files);
    if (problem) {
      log.warn('update rejected', { version: info.version, problem });
      await Promise.all(files.map((f) => fs.rm(f, { force: true })));
      return set('rejected', info.version, problem);
    }
    return set('ready', info.version);
  }

  return {
    check() {
      checking ??= check().finally(() => {
        checking = undefined;
      });
      return checking;
    },
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async installIfAllowed(facts, beforeInstall) {
      const verdict = gate({ ...facts, updateReady: current.phase === 'ready' });
      if (!verdict.install) return verdict;
      // A release halted since it was downloaded is not installed. An unreachable feed does not stop a
      // verified download from installing.
      const text = await fetchText(rolloutUrl);
      const version = current.version ?? '';
      if (text !== undefined && rolloutVerdict(parseRollout(text), version, options.storeId()) === 'halted') {
        set('halted', version);
        return decision('halted');
      }
      log.info('installing update', { version });
      await beforeInstall();
      // Silent per-user NSIS install, then the app starts again.
      updater.quitAndInstall(true, true);
      return verdict;
    },
  };
}
