/**
 * 总部同步 in the app: the uploader, configured from settings (hq.url, hq.storeId, the hqToken secret)
 * or, for tests and managed installs, CASHIER_HQ_URL / CASHIER_HQ_TOKEN; the `sync.status` call and event.
 */

import type { EventHub, PartialHandlers } from '../ipc/router.js';
import type { JournalStore } from '../journal/store.js';
import type { SettingsService } from '../settings/types.js';
import { journalSource } from './source.js';
import type { SyncStatus } from './status.js';
import { createUploader, type SyncTarget, type Uploader, type UploaderOptions } from './uploader.js';

export interface SyncServiceOptions {
  store: JournalStore;
  settings: SettingsService;
  events?: EventHub;
  env?: NodeJS.ProcessEnv;
  uploader?: Partial<Omit<UploaderOptions, 'source' | 'target' | 'onStatus'>>;
}

export interface SyncService {
  readonly uploader: Uploader;
  handlers(): PartialHandlers;
  status(): SyncStatus;
  stop(): Promise<void>;
}

export function resolveSyncTarget(settings: SettingsService, env: NodeJS.ProcessEnv): SyncTarget | undefined {
  const url = env.CASHIER_HQ_URL?.trim() || settings.get().hq?.url?.trim() || '';
  const token = env.CASHIER_HQ_TOKEN?.trim() || settings.secret('hqToken') || '';
  // An address the https rule refuses still makes a target: the uploader refuses it and says why.
  if (!url || !token) return undefined;
  const storeId = settings.get().hq?.storeId?.trim();
  return { url, token, ...(storeId ? { storeId } : {}) };
}

export function createSyncService(options: SyncServiceOptions): SyncService {
  const env = options.env ?? process.env;
  const uploader = createUploader({
    ...options.uploader,
    source: journalSource(options.store),
    target: () => resolveSyncTarget(options.settings, env),
    onStatus: (status) => options.events?.emit('sync.status', status),
  });
  const unsubscribe = options.settings.onChange(() => uploader.kick());
  uploader.start();
  return {
    uploader,
    handlers: () => ({ 'sync.status': () => uploader.status() }),
    status: () => uploader.status(),
    async stop() {
      unsubscribe();
      await uploader.stop();
    },
  };
}
