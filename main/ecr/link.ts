/**
 * The ECR link as the app runs it: the service (always, so host transactions and approvals survive a
 * restart), the HTTP API (when a manager turned it on), display capture and the watched folder, each
 * (re)started when its settings change. Mounted from main/app/services.ts.
 */

import path from 'node:path';
import { checkDevicePath } from '../devices/paths.js';
import type { SaleState } from '../engine/sale-state.js';
import type { EventHub, PartialHandlers } from '../ipc/router.js';
import { createLogger } from '../log/logger.js';
import type { SecretBox } from '../settings/secret-box.js';
import type { OperatorService, SettingsService } from '../settings/types.js';
import { AppError, type Bilingual } from '../shared/errors.js';
import { type DisplayCapture, startDisplayCapture } from './display/capture.js';
import { captureForSupport } from './display/capture-file.js';
import { type FolderWatcher, startFolderWatcher } from './folder.js';
import type { EcrMoneyPort } from './port.js';
import { type EcrServer, startEcrServer } from './server.js';
import { EcrService } from './service.js';
import { ecrToken } from './token.js';
import type { EcrProposal, EcrStatus } from './types.js';
import { DEFAULT_ECR_PORT, type EcrSettings, ecrSettingsOf } from './types.js';

const log = createLogger('ecr');

export interface EcrLinkOptions {
  port: EcrMoneyPort;
  settings: SettingsService;
  operators: OperatorService;
  events: EventHub;
  dataDir: string;
  secretBox: SecretBox;
  version: string;
  /** The approving manager: the inline PIN, or the elevated session (default: the PIN only). */
  requireManager?: (pin?: string) => Promise<{ id: string }>;
  env?: NodeJS.ProcessEnv;
}

export interface EcrLink {
  readonly service: EcrService;
  handlers(): PartialHandlers;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): EcrStatus;
  /** The open display proposal, if any (a scan with no sale waiting confirms it). */
  openProposal(): EcrProposal | undefined;
  confirmProposal(id: string): SaleState;
  /** The raw display capture of the last minutes for support (written out first while it runs), masked. */
  supportCapture(): string | undefined;
}

type Part = EcrStatus['api'];

export function createEcrLink(options: EcrLinkOptions): EcrLink {
  const env = options.env ?? process.env;
  const { settings, operators, events, port } = options;
  const token = ecrToken(options.dataDir, options.secretBox, env);
  const requireManager = options.requireManager ?? ((pin?: string) => operators.requireManager(pin ?? ''));
  const service = new EcrService({
    port,
    allowApiApproval: () => ecrSettingsOf(settings.get()).allowApiApproval,
    requireManager,
  });
  let server: EcrServer | undefined;
  let apiState: Part = { state: 'off' };
  let display: DisplayCapture | undefined;
  let displayState: EcrStatus['display'] = { state: 'off' };
  let folder: FolderWatcher | undefined;
  let folderState: Part = { state: 'off' };
  let applied: EcrSettings | undefined;
  let proposal: EcrProposal | undefined;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;

  const status = (): EcrStatus => ({
    settings: ecrSettingsOf(settings.get()),
    api: apiState,
    tokenSource: token.source,
    tokenSet: token.value() !== undefined,
    display: { ...displayState, ...(display ? display.info() : {}) },
    folder: folderState,
    pending: service.pending(),
    recent: service.list(20),
  });
  const announce = () => {
    try {
      events.emit('ecr.status', status());
    } catch (error) {
      log.warn('ecr status not sent', { error: String(error) });
    }
  };

  const failed = (what: string, error: unknown): Part => {
    const text = error instanceof Error ? error.message : String(error);
    log.error(`ecr ${what} failed to start`, { error: text });
    return {
      state: 'error',
      message: { zh: `${what} 启动失败：${text}`, en: `${what} did not start: ${text}` },
    };
  };

  const setProposal = (next: EcrProposal | undefined) => {
    proposal = next;
    if (next) events.emit('ecr.proposal', next);
  };

  /** Bring the running parts in line with the settings (one change at a time). */
  const apply = (): Promise<void> => {
    queue = queue.then(async () => {
      if (stopped) return;
      const next = ecrSettingsOf(settings.get());
      const before = applied;
      applied = next;
      const apiChanged =
        !before ||
        before.enabled !== next.enabled ||
        before.listen !== next.listen ||
        before.port !== next.port ||
        before.tlsCertPath !== next.tlsCertPath ||
        before.tlsKeyPath !== next.tlsKeyPath;
      if (apiChanged) {
        await server?.close();
        server = undefined;
        apiState = { state: 'off' };
        if (next.enabled) {
          const lan = next.listen === 'lan';
          if (lan && (!next.tlsCertPath || !next.tlsKeyPath)) {
            apiState = {
              state: 'error',
              message: {
                zh: '局域网访问需要 TLS 证书和私钥',
                en: 'LAN access needs a TLS certificate and key',
              },
            };
          } else if (!token.value()) {
            apiState = {
              state: 'error',
              message: { zh: '请先设置访问令牌', en: 'Set the bearer token first' },
            };
          } else {
            const portFromEnv = env.CASHIER_ECR_PORT?.trim();
            try {
              server = await startEcrServer({
                service,
                token: token.value() as string,
                // CASHIER_ECR_LAN_HOST: one interface of the LAN instead of all (IT; tests use 127.0.0.1).
                host: lan ? env.CASHIER_ECR_LAN_HOST?.trim() || '0.0.0.0' : '127.0.0.1',
                port: portFromEnv ? Number(portFromEnv) : (next.port ?? DEFAULT_ECR_PORT),
                ...(lan ? { tls: { certPath: next.tlsCertPath, keyPath: next.tlsKeyPath } } : {}),
                version: options.version,
              });
              apiState = { state: 'on', where: server.url };
              log.info('ecr api listening', { url: server.url });
            } catch (error) {
              apiState = failed('ECR API', error);
            }
          }
        }
      }
      if (!before || JSON.stringify(before.display) !== JSON.stringify(next.display)) {
        await display?.stop();
        display = undefined;
        displayState = { state: 'off' };
        if (next.display.enabled && next.display.path) {
          try {
            display = await startDisplayCapture({
              config: next.display,
              dataDir: options.dataDir,
              onProposal: (p) => setProposal(p),
              onStatus: (s) => {
                displayState = s;
                announce();
              },
            });
          } catch (error) {
            displayState = failed('客显 Display', error);
          }
        }
      }
      if (!before || JSON.stringify(before.folder) !== JSON.stringify(next.folder)) {
        await folder?.stop();
        folder = undefined;
        folderState = { state: 'off' };
        if (next.folder.enabled && next.folder.path) {
          try {
            folder = await startFolderWatcher({ service, dir: next.folder.path, mode: next.folder.mode });
            folderState = { state: 'on', where: next.folder.path };
          } catch (error) {
            folderState = failed('Folder', error);
          }
        }
      }
      announce();
    });
    return queue;
  };

  const confirmProposal = (id: string): SaleState => {
    if (!proposal || proposal.id !== id || proposal.state !== 'open') {
      throw new AppError('CONFLICT', {
        zh: '该客显金额已失效',
        en: 'This display amount is no longer open',
      });
    }
    confirming = true;
    let sale: SaleState;
    try {
      sale = port.begin({ amountFen: proposal.amountFen, remark: '客显 Display' });
    } finally {
      confirming = false;
    }
    setProposal({ ...proposal, state: 'confirmed' });
    display?.consumed();
    return sale;
  };

  let offSettings: (() => void) | undefined;
  let offResults: (() => void) | undefined;
  // Another sale began (a typed amount, a host payment): the open proposal is no longer the sale's.
  let confirming = false;
  const offSales = events.subscribe((name, payload) => {
    if (name !== 'sale.state' || confirming || proposal?.state !== 'open') return;
    if ((payload as SaleState).phase !== 'awaiting-code') return;
    setProposal({ ...proposal, state: 'dismissed' });
    display?.consumed();
  });

  return {
    service,
    status,
    openProposal: () => (proposal?.state === 'open' ? proposal : undefined),
    confirmProposal,
    supportCapture() {
      display?.dump();
      return captureForSupport(options.dataDir);
    },
    async start() {
      service.start();
      offResults = service.onResult(() => announce());
      offSettings = settings.onChange(() => void apply());
      await apply();
    },
    async stop() {
      stopped = true;
      offSales();
      offSettings?.();
      offResults?.();
      await queue.catch(() => {});
      await server?.close();
      await display?.stop();
      await folder?.stop();
      service.stop();
    },
    handlers: () => ({
      'ecr.status': () => status(),
      // The router lets these through for a manager only (roles.ts): elevated, or the PIN inline.
      'ecr.configure': async ({ ecr }) => {
        const current = ecrSettingsOf(settings.get());
        const next: EcrSettings = {
          ...current,
          ...ecr,
          display: { ...current.display, ...ecr.display },
          folder: { ...current.folder, ...ecr.folder },
        } as EcrSettings;
        // Devices, not files: the display ports are checked like the scanner's (main/devices).
        const check = { dataDir: options.dataDir };
        if (next.display.enabled || next.display.path)
          await checkDevicePath('serial', next.display.path, check);
        if (next.display.relayPath) await checkDevicePath('serial', next.display.relayPath, check);
        if (next.folder.enabled || next.folder.path) checkFolder(next.folder.path, options.dataDir);
        settings.setDevice({ ecr: next });
        await apply();
        return status();
      },
      'ecr.setToken': async ({ token: value }) => {
        if (token.source === 'env') {
          throw new AppError('FORBIDDEN', {
            zh: '令牌由 CASHIER_ECR_TOKEN 设定',
            en: 'The token is set by CASHIER_ECR_TOKEN',
          });
        }
        token.set(value);
        // A running server holds the old token: restart it with the new one.
        applied = undefined;
        await apply();
        return { ok: true as const };
      },
      'ecr.approve': ({ ecrId, pin }) => service.approve(ecrId, pin),
      'ecr.reject': ({ ecrId, pin }) => service.reject(ecrId, pin),
      'ecr.confirmProposal': ({ id }) => confirmProposal(id),
      'ecr.dismissProposal': ({ id }) => {
        if (proposal?.id === id && proposal.state === 'open') {
          setProposal({ ...proposal, state: 'dismissed' });
          display?.consumed();
        }
        return { ok: true as const };
      },
    }),
  };
}

/** The exchange folder: an absolute path outside the cashier's data folder. */
function checkFolder(dir: string, dataDir: string): void {
  const resolved = path.resolve(dir);
  const data = path.resolve(dataDir);
  if (!path.isAbsolute(dir) || dir.split(/[\\/]+/).includes('..')) {
    throw new AppError('BAD_INPUT', {
      zh: `交换文件夹须为绝对路径：${dir}`,
      en: `The exchange folder must be an absolute path: ${dir}`,
    });
  }
  if (resolved === data || resolved.startsWith(data + path.sep) || data.startsWith(resolved + path.sep)) {
    throw new AppError('BAD_INPUT', {
      zh: `交换文件夹不能是收银数据文件夹或其上下级：${dir}`,
      en: `The exchange folder cannot be the cashier's data folder, inside it or above it: ${dir}`,
    });
  }
}

export type { Bilingual };
