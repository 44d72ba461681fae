/**
 * Electron glue for main/updates: electron-updater's platform updater (NSIS on Windows), pointed at the
 * configured feed, checked at start and every few hours, installed only through the gate — at start
 * before the first sale, or right after 日结. Thin on purpose: the decisions live in main/updates.
 */
import { session } from 'electron';
import { autoUpdater } from 'electron-updater';
import { createLogger } from '../log/logger.js';
import { loadUpdatesConfig } from '../updates/config.js';
import type { UpdateFacts } from '../updates/facts.js';
import { createUpdateService, type UpdaterPort, type UpdateState } from '../updates/service.js';

const log = createLogger('updates');
/** electron-updater's session (its NET_SESSION_NAME), where its feed and download requests go. */
const UPDATER_SESSION = 'electron-updater';

export function startUpdates(options: {
  dataDir: string;
  facts: UpdateFacts;
  /** Closes devices, the journal and the services; idempotent (quit calls it too). */
  stopServices: () => Promise<void>;
}): { stop: () => void; state: () => UpdateState | undefined } {
  const { config, problem } = loadUpdatesConfig(options.dataDir);
  if (problem) log.warn('updates.json ignored', { problem });
  if (!config) return { stop: () => undefined, state: () => undefined };

  autoUpdater.logger = null;
  autoUpdater.setFeedURL({ provider: 'generic', url: config.feedUrl });
  const updates = createUpdateService({
    updater: autoUpdater as unknown as UpdaterPort,
    feedUrl: config.feedUrl,
    storeId: () => config.storeId,
    publicKey: config.publicKeyPem,
    // Chromium's network with the system proxy, in electron-updater's own session: the default
    // session refuses every http(s) request (it is the renderer's).
    fetch: (url, init) => session.fromPartition(UPDATER_SESSION, { cache: false }).fetch(url, init),
  });
  updates.onState((s) => log.info('update state', { phase: s.phase, version: s.version }));

  const tryInstall = async (moment: 'startup' | 'after-day-close') => {
    const decision = await updates.installIfAllowed(
      { moment, ...options.facts.facts() },
      options.stopServices,
    );
    if (decision.reason !== 'no-update') log.info('update gate', { moment, reason: decision.reason });
  };

  // At start: a cached, verified download is found again quickly and installs before the first sale.
  void updates.check().then((s) => (s.phase === 'ready' ? tryInstall('startup') : undefined));
  const timer = setInterval(() => void updates.check(), config.checkEveryHours * 3_600_000);
  timer.unref();
  const off = options.facts.onDayClosed(() => void tryInstall('after-day-close'));
  return {
    stop: () => {
      clearInterval(timer);
      off();
    },
    state: () => updates.state(),
  };
}
