/**
 * electron-updater's real NsisUpdater, run in Node with an app adapter and a Node HTTP executor (the
 * way electron-builder's own tests drive it), against a loopback feed folder: latest.yml, rollout.json
 * and the installer. Covers: update available (downloaded, sha512 and Ed25519 checked → ready),
 * not available, staged out, halted, no rollout, bad sha512, bad signature; and the install gate.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  configureRequestOptions,
  configureRequestUrl,
  type DownloadOptions,
  HttpExecutor,
} from 'builder-util-runtime';
import { NsisUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUpdateService, type UpdaterPort } from './service.js';
import { signUpdate } from './signature.js';

/** Node's http in place of Electron's net: the same download path (with the sha512 digest check). */
class NodeExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return http.request(options, callback);
  }
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

const INSTALLER = 'counter-cashier-1.1.0-win-x64.exe';
const keys = generateKeyPairSync('ed25519');
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const otherPrivatePem = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

let dir: string;
let feedDir: string;
let server: http.Server;
let feedUrl: string;
let requests: string[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updates-'));
  feedDir = path.join(dir, 'feed');
  fs.mkdirSync(feedDir);
  requests = [];
  server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push(name);
    const file = path.join(feedDir, path.basename(name));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterEach(async () => {
  server.closeAllConnections(); // keep-alive sockets would hold close() for seconds
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Release {
  version?: string;
  /** What latest.yml claims; default: the real hash. */
  sha512?: string;
  sign?: 'ours' | 'other-key' | 'none';
  rollout?: object | 'absent';
  /** latest.yml's minimumSystemVersion (compared with os.release() by electron-updater). */
  minimumSystemVersion?: string;
}

function publish(release: Release = {}) {
  const version = release.version ?? '1.1.0';
  const bytes = Buffer.from(`MZ fake NSIS installer for ${version} `.repeat(2000));
  fs.writeFileSync(path.join(feedDir, INSTALLER), bytes);
  const sha512 = release.sha512 ?? createHash('sha512').update(bytes).digest('base64');
  const lines = [
    `version: ${version}`,
    'files:',
    `  - url: ${INSTALLER}`,
    `    sha512: ${sha512}`,
    `    size: ${bytes.length}`,
    `path: ${INSTALLER}`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-12-01T08:00:00.000Z'",
  ];
  if (release.minimumSystemVersion) lines.push(`minimumSystemVersion: ${release.minimumSystemVersion}`);
  const sign = release.sign ?? 'ours';
  if (sign !== 'none') {
    const key = sign === 'ours' ? privatePem : otherPrivatePem;
    lines.push(`ed25519Signature: ${signUpdate(key, { version, file: INSTALLER, sha512 })}`);
  }
  fs.writeFileSync(path.join(feedDir, 'latest.yml'), `${lines.join('\n')}\n`);
  const rollout = release.rollout ?? { version, stores: ['SH-001', 'SH-017'] };
  if (rollout !== 'absent') fs.writeFileSync(path.join(feedDir, 'rollout.json'), JSON.stringify(rollout));
}

function realUpdater(currentVersion = '1.0.0'): NsisUpdater {
  fs.writeFileSync(
    path.join(dir, 'app-update.yml'),
    `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: counter-cashier-updater\n`,
  );
  const app: AppAdapter = {
    version: currentVersion,
    name: 'counter-cashier',
    isPackaged: true,
    appUpdateConfigPath: path.join(dir, 'app-update.yml'),
    userDataPath: path.join(dir, 'userData'),
    baseCachePath: path.join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new NsisUpdater(null, app);
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeExecutor();
  // latest.yml (the Windows channel file) whatever OS the test runs on; whole-file download.
  (updater as unknown as { _testOnlyOptions: object })._testOnlyOptions = {
    platform: 'win32',
    isUseDifferentialDownload: false,
  };
  updater.logger = null;
  return updater;
}

function service(storeId = 'SH-001', updater = realUpdater()) {
  return {
    updater,
    updates: createUpdateService({
      updater: updater as unknown as UpdaterPort,
      feedUrl,
      storeId: () => storeId,
      publicKey: publicPem,
    }),
  };
}

const calm = {
  moment: 'startup' as const,
  salesSinceStart: 0,
  saleInProgress: false,
  unresolvedOrders: 0,
  printJobsPending: 0,
  journalSynced: true,
};

describe('updates from a loopback generic feed, through the real electron-updater', () => {
  it('update available for a pilot store: downloaded in the background, checked, ready; never installs on quit', async () => {
    publish();
    const { updater, updates } = service('SH-001');
    const state = await updates.check();
    expect(state).toMatchObject({ phase: 'ready', version: '1.1.0' });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.autoDownload).toBe(false);
    expect(requests).toContain(INSTALLER);
    const cached = path.join(dir, 'cache', 'counter-cashier-updater', 'pending', INSTALLER);
    expect(fs.existsSync(cached)).toBe(true);
  });

  it('not available: the feed has the version we run', async () => {
    publish({ version: '1.0.0' });
    const { updates } = service();
    expect((await updates.check()).phase).toBe('up-to-date');
    expect(requests).not.toContain(INSTALLER);
  });

  it('staged out: a store not in rollout.json downloads nothing', async () => {
    publish();
    const { updates } = service('BJ-200');
    expect(await updates.check()).toMatchObject({ phase: 'staged-out', version: '1.1.0' });
    expect(requests).toContain('rollout.json');
    expect(requests).not.toContain(INSTALLER);
  });

  it("rollout.json goes through the network the app hands in (Electron's, with the proxy); unreachable there → nobody takes it", async () => {
    publish();
    const seen: string[] = [];
    // Stands in for Electron's session fetch: the shop's proxy is the only way out.
    const throughProxy = (url: string, init: RequestInit) => {
      seen.push(url);
      return fetch(url, init);
    };
    const make = (network: (url: string, init: RequestInit) => Promise<Response>) =>
      createUpdateService({
        updater: realUpdater() as unknown as UpdaterPort,
        feedUrl,
        storeId: () => 'SH-001',
        publicKey: publicPem,
        fetch: network,
      });
    expect(await make(throughProxy).check()).toMatchObject({ phase: 'ready', version: '1.1.0' });
    expect(seen).toEqual([`${feedUrl}rollout.json`]);

    requests.length = 0;
    const blocked = () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED (no proxy)'));
    expect(await make(blocked).check()).toMatchObject({ phase: 'staged-out', version: '1.1.0' });
    expect(requests).not.toContain('rollout.json');
    expect(requests).not.toContain(INSTALLER);
  });

  it('halted: the halt switch stops even a pilot store', async () => {
    publish({ rollout: { version: '1.1.0', stores: 'all', halt: true } });
    const { updates } = service('SH-001');
    expect((await updates.check()).phase).toBe('halted');
    expect(requests).not.toContain(INSTALLER);
  });

  it('no rollout.json, or one for another version: nobody takes the release', async () => {
    publish({ rollout: 'absent' });
    expect((await service('SH-001').updates.check()).phase).toBe('staged-out');
    publish({ rollout: { version: '1.0.9', stores: 'all' } });
    expect((await service('SH-001').updates.check()).phase).toBe('staged-out');
    expect(requests).not.toContain(INSTALLER);
  });

  it('a system older than minimumSystemVersion is not offered the update (Windows 7 under 10.0.0)', async () => {
    publish({ minimumSystemVersion: '999.0.0' });
    const { updates } = service('SH-001');
    expect(await updates.check()).toMatchObject({ phase: 'unsupported-os', version: '1.1.0' });
    expect(requests).not.toContain(INSTALLER);
  });

  it('bad sha512: the downloaded bytes do not match latest.yml → rejected', async () => {
    publish({ sha512: createHash('sha512').update('something else').digest('base64') });
    const { updates } = service('SH-001');
    const state = await updates.check();
    expect(state.phase).toBe('rejected');
    expect(state.message.en).toContain('sha512');
  });

  it('bad signature: signed with another key → rejected and the download deleted', async () => {
    publish({ sign: 'other-key' });
    const { updates } = service('SH-001');
    const state = await updates.check();
    expect(state.phase).toBe('rejected');
    expect(state.message.en).toContain('Ed25519');
    const cached = path.join(dir, 'cache', 'counter-cashier-updater', 'pending', INSTALLER);
    expect(fs.existsSync(cached)).toBe(false);
  });

  it('unsigned while the app carries a public key → rejected', async () => {
    publish({ sign: 'none' });
    expect((await service('SH-001').updates.check()).message.en).toContain('unsigned');
  });

  it('installs only through the gate: devices closed first, then the silent per-user installer', async () => {
    publish();
    const { updater, updates } = service('SH-001');
    await updates.check();
    const order: string[] = [];
    const quitAndInstall = vi.fn(() => void order.push('install'));
    updater.quitAndInstall = quitAndInstall;
    const beforeInstall = async () => void order.push('close devices');

    const busy = await updates.installIfAllowed({ ...calm, saleInProgress: true }, beforeInstall);
    expect(busy).toMatchObject({ install: false, reason: 'sale-in-progress' });
    const midDay = await updates.installIfAllowed({ ...calm, moment: 'trading' }, beforeInstall);
    expect(midDay.install).toBe(false);
    expect(order).toEqual([]);

    const ok = await updates.installIfAllowed({ ...calm, moment: 'after-day-close' }, beforeInstall);
    expect(ok.install).toBe(true);
    expect(order).toEqual(['close devices', 'install']);
    expect(quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('halted after the download: not installed at the next safe moment', async () => {
    publish();
    const { updater, updates } = service('SH-001');
    await updates.check();
    fs.writeFileSync(
      path.join(feedDir, 'rollout.json'),
      JSON.stringify({ version: '1.1.0', stores: 'all', halt: true }),
    );
    const quitAndInstall = vi.fn();
    updater.quitAndInstall = quitAndInstall;
    const result = await updates.installIfAllowed(calm, async () => undefined);
    expect(result).toMatchObject({ install: false, reason: 'halted' });
    expect(updates.state().phase).toBe('halted');
    expect(quitAndInstall).not.toHaveBeenCalled();
  });

  it('nothing downloaded → the gate never installs', async () => {
    publish({ version: '1.0.0' });
    const { updater, updates } = service();
    await updates.check();
    const quitAndInstall = vi.fn();
    updater.quitAndInstall = quitAndInstall;
    expect((await updates.installIfAllowed(calm, async () => undefined)).reason).toBe('no-update');
    expect(quitAndInstall).not.toHaveBeenCalled();
  });
});
