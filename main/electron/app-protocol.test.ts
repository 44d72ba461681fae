import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_CSP, createAppProtocolHandler, fileForAppUrl, RENDERER_URL } from './app-protocol.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-app-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(root, 'assets', 'main.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'main.js.map'), '{}');
  fs.writeFileSync(path.join(path.dirname(root), 'secret.txt'), 'no');
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  it('serves the renderer with the CSP as a header', async () => {
    const handle = createAppProtocolHandler(root);
    const page = await handle(new Request(RENDERER_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const js = await handle(new Request('app://cashier/assets/main.js'));
    expect(await js.text()).toBe('console.log(1)');
    expect(js.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('reaches nothing outside the renderer folder, no other host, no source maps', async () => {
    const handle = createAppProtocolHandler(root);
    for (const url of [
      'app://cashier/../secret.txt',
      'app://cashier/%2e%2e/secret.txt',
      'app://cashier/..%2fsecret.txt',
      'app://other/index.html',
      'app://cashier/assets/main.js.map',
      'app://cashier/missing.js',
      'file:///etc/passwd',
      'app://cashier/%E0%A4%A',
    ]) {
      const res = await handle(new Request(url));
      expect(res.status, url).toBe(404);
    }
    expect(fileForAppUrl('not a url', root)).toBeUndefined();
  });
});
