/**
 * electron-builder.yml is checked the way electron-builder 26 checks it (its own schema validator),
 * and for the settings this app depends on: fuses, asar with natives unpacked, the targets, icons.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
// js-yaml comes with electron-builder (untyped here).
const { load } = require('js-yaml') as { load: (text: string) => unknown };
const config = load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('a wrong key is caught by the same validation (the check can fail)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    const broken = { ...structuredClone(config), electronFuses: { runAsNodes: false } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration/,
    );
  });

  it('sets the production fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      // The renderer comes from app:// (app-protocol.ts): file:// needs no extra privileges.
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('leaves source maps and the development tools out of the installer', () => {
    const { minimatch } = require('minimatch') as {
      minimatch: (p: string, g: string, o?: { dot?: boolean }) => boolean;
    };
    const files = config.files as string[];
    const excluded = (file: string) =>
      files.filter((f) => f.startsWith('!')).some((f) => minimatch(file, f.slice(1), { dot: true }));
    for (const file of [
      'dist/main/electron.cjs.map',
      'dist/preload/index.cjs.map',
      'dist/renderer/assets/index-abc123.js.map',
      'dist/main/simulator.cjs',
      'dist/main/provision.cjs',
      'dist/main/web.cjs',
      'dist/web/bridge.js',
    ]) {
      expect(excluded(file), file).toBe(true);
    }
    for (const file of ['dist/main/electron.cjs', 'dist/renderer/index.html', 'dist/preload/index.cjs']) {
      expect(excluded(file), file).toBe(false);
    }
    // And the release build writes none in the first place.
    const build = fs.readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');
    expect(build).toMatch(/sourcemap: !release/);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.dist).toMatch(/build\.mjs --release/);
  });

  it('the simulator is loaded only in demo mode (no static import in the composition root)', () => {
    const services = fs.readFileSync(path.join(root, 'main/app/services.ts'), 'utf8');
    const staticImports =
      services.match(/^import (?!type ).*from '\.\.\/(simulator|yima\/demo)[^']*';$/gm) ?? [];
    expect(staticImports).toEqual([]);
    expect(services).toContain("await import('../simulator/server.js')");
  });

  it('packs dist/ and package.json into asar, natives unpacked, no rebuild', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/electron.cjs');
    const files = config.files as string[];
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['dist/**/*', 'package.json']);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/node-hid/**', 'node_modules/@serialport/bindings-cpp/**']),
    );
    expect(config.npmRebuild).toBe(false);
    // Only the device natives ship as node_modules: every JS dependency (the ECR API server, the updater)
    // is bundled into dist/ by esbuild.
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['node-hid', 'serialport']);
  });

  it('targets NSIS x64, AppImage + deb, dmg, and keeps the user data on uninstall', () => {
    const targets = (section: string) =>
      ((config[section] as { target: Array<{ target: string; arch: string[] }> }).target ?? []).map(
        (t) => `${t.target}:${t.arch.join('+')}`,
      );
    expect(targets('win')).toEqual(['nsis:x64']);
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64']);
    expect(targets('mac')[0]).toMatch(/^dmg:/);
    expect((config.nsis as { deleteAppDataOnUninstall: boolean }).deleteAppDataOnUninstall).toBe(false);
  });

  it('every icon it names exists, with the sizes each target needs', () => {
    for (const file of ['assets/icon.png', 'assets/icon.ico', 'assets/icon.icns', 'assets/icon.svg']) {
      expect(fs.existsSync(path.join(root, file)), file).toBe(true);
    }
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = fs.readFileSync(path.join(root, 'assets/icons', `${size}x${size}.png`));
      expect(png.readUInt32BE(16), `${size} width`).toBe(size);
      expect(png.readUInt32BE(20), `${size} height`).toBe(size);
    }
    const ico = fs.readFileSync(path.join(root, 'assets/icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const icoSizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(icoSizes).toContain(256);
    const icns = fs.readFileSync(path.join(root, 'assets/icon.icns'));
    expect(icns.subarray(0, 4).toString()).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes(Buffer.from('ic10'))).toBe(true); // 1024 (512@2x)
  });
});
