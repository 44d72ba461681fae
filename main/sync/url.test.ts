/**
 * The uploader follows the gateway's rule for addresses: https, plain http only for loopback. A refused
 * head-office URL sends nothing, and says why in sync.status and when Settings saves it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayUrlProblem } from '../gateway/url.js';
import { Router } from '../ipc/router.js';
import { DEMO_MANAGER } from '../settings/defaults.js';
import { settingsHandlers } from '../settings/handlers.js';
import { createMemorySettings } from '../settings/memory.js';
import { createPlainSecretBox } from '../settings/secret-box.js';
import { openTestSession } from '../settings/session-testkit.js';
import { createPersistentSettings } from '../settings/store.js';
import { resolveSyncTarget } from './service.js';
import type { SyncStatus } from './status.js';
import { createUploader } from './uploader.js';
import { hqUrlProblem } from './url.js';

describe('hqUrlProblem: the gateway rule, named for head office', () => {
  it('takes https anywhere and http on loopback only', () => {
    for (const url of [
      'https://hq.example.com',
      'https://10.0.0.5:8620/',
      'http://127.0.0.1:8620',
      'http://localhost:8620',
      'http://[::1]:8620',
    ]) {
      expect(hqUrlProblem(url), url).toBeUndefined();
    }
  });

  it('refuses plain http beyond this machine, other schemes and junk, in both languages', () => {
    expect(hqUrlProblem('http://hq.example.com')).toEqual({
      zh: '总部地址必须使用 https（http 只允许本机测试）',
      en: 'The head-office URL must use https (http only for this machine, in tests)',
    });
    expect(hqUrlProblem('http://192.168.1.20:8620')?.en).toMatch(/must use https/);
    expect(hqUrlProblem('ftp://hq.example.com')?.zh).toBe('总部地址必须以 https:// 开头');
    expect(hqUrlProblem('hq.example.com')?.en).toBe('The head-office URL is not a valid URL');
    expect(hqUrlProblem('https://hq.example.com/?x=1')?.zh).toContain('?');
  });

  it('is the same rule as the gateway: the two agree on loopback and https', () => {
    for (const url of [
      'http://127.0.0.1:9',
      'https://a.example',
      'http://a.example',
      'ftp://a.example',
      'x',
    ]) {
      expect(hqUrlProblem(url) === undefined, url).toBe(gatewayUrlProblem(url) === undefined);
    }
  });
});

describe('a refused head-office URL at the counter', () => {
  it('sends nothing and sync.status says why (behind, with the bilingual message)', async () => {
    const settings = createMemorySettings({ hq: { url: 'http://hq.example.com:8620', storeId: 'SH-001' } });
    let requests = 0;
    const statuses: SyncStatus[] = [];
    const uploader = createUploader({
      source: { readFrom: () => [], lastSeq: () => 3, onAppend: () => () => {} },
      target: () => resolveSyncTarget(settings, { CASHIER_HQ_TOKEN: 'hq_token' }),
      fetch: (async () => {
        requests += 1;
        throw new Error('must not be called');
      }) as typeof fetch,
      onStatus: (status) => statuses.push(status),
      idleCheckMs: 5,
    });
    uploader.start();
    for (let i = 0; i < 200 && statuses.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    await uploader.stop();
    expect(requests).toBe(0);
    expect(uploader.status()).toEqual({
      state: 'behind',
      behind: 3,
      message: {
        zh: '总部地址必须使用 https（http 只允许本机测试）',
        en: 'The head-office URL must use https (http only for this machine, in tests)',
      },
    });
  });

  describe('Settings → 总部同步 save', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-hq-url-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    /** Real settings on disk behind the settings handlers, with the demo operators signed in. */
    async function settingsRouter() {
      const settings = createPersistentSettings({ dataDir: dir, secretBox: createPlainSecretBox() });
      const { operators } = await openTestSession(dir, { demo: true });
      const router = new Router().mount(
        settingsHandlers({
          settings,
          operators,
          collectDiagnostics: () => ({ path: '/x', bytes: 1, at: 'now' }),
        }),
      );
      return { settings, router };
    }

    it('refuses http beyond loopback with the bilingual message, before any PIN, and keeps the old URL', async () => {
      const { settings, router } = await settingsRouter();
      const saved = await router.dispatch('settings.update', {
        hq: { url: 'https://hq.example.com', storeId: 'SH-001' },
        managerPin: DEMO_MANAGER.pin,
      });
      expect(saved.ok).toBe(true);
      for (const managerPin of [DEMO_MANAGER.pin, undefined]) {
        const refused = await router.dispatch('settings.update', {
          hq: { url: ' http://hq.example.com ' },
          ...(managerPin ? { managerPin } : {}),
        });
        expect(refused).toEqual({
          ok: false,
          error: {
            code: 'BAD_INPUT',
            message: {
              zh: '总部地址必须使用 https（http 只允许本机测试）',
              en: 'The head-office URL must use https (http only for this machine, in tests)',
            },
            fields: [
              {
                path: 'hq.url',
                message: 'The head-office URL must use https (http only for this machine, in tests)',
              },
            ],
          },
        });
      }
      expect(settings.get().hq.url).toBe('https://hq.example.com');
      const cleared = await router.dispatch('settings.update', {
        hq: { url: '' },
        managerPin: DEMO_MANAGER.pin,
      });
      expect(cleared.ok).toBe(true);
      expect(settings.get().hq.url).toBe('');
    });

    it('a custom gateway over plain http beyond loopback is refused on save, as the client would refuse it', async () => {
      const { settings, router } = await settingsRouter();
      const refused = await router.dispatch('settings.update', {
        environment: 'custom',
        customGatewayUrl: 'http://10.0.0.9/',
        managerPin: DEMO_MANAGER.pin,
      });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: { zh: expect.stringContaining('https') },
          fields: [{ path: 'customGatewayUrl' }],
        },
      });
      expect(settings.get().customGatewayUrl).toBe('');
      const loopback = await router.dispatch('settings.update', {
        environment: 'custom',
        customGatewayUrl: 'http://127.0.0.1:29015',
        managerPin: DEMO_MANAGER.pin,
      });
      expect(loopback.ok).toBe(true);
      const live = await router.dispatch('settings.update', {
        customGatewayUrl: 'https://gw.example.com',
        managerPin: DEMO_MANAGER.pin,
      });
      expect(live.ok).toBe(true);
      expect(settings.get().customGatewayUrl).toBe('https://gw.example.com');
    });
  });
});
