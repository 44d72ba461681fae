// Builds the app into dist/: the renderer with Vite, and the main process, preload, browser bridge,
// harness and simulator with esbuild (one CommonJS file each; native modules stay external).
// `--main-only` skips the renderer (for the simulator CLI). `--release` (npm run dist) writes no source
// maps; development builds keep them (electron-builder.yml also leaves any *.map out of the installer).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const mainOnly = process.argv.includes('--main-only');
const release = process.argv.includes('--release');
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };

const node = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: !release,
  logLevel: 'warning',
  define,
  // Native modules load their prebuilt binaries at run time; electron is provided by the runtime.
  external: ['electron', 'node-hid', 'serialport', '@serialport/*'],
};

const started = Date.now();
// A release starts from an empty dist/: no map or tool left over from a development build.
if (release) await rm(path.join(root, 'dist'), { recursive: true, force: true });
await Promise.all([
  esbuild({
    ...node,
    entryPoints: { electron: 'main/electron/main.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
  }),
  esbuild({
    ...node,
    entryPoints: {
      web: 'main/harness/cli.ts',
      simulator: 'main/simulator/cli.ts',
      provision: 'main/settings/provision-cli.ts',
    },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
  }),
  esbuild({
    ...node,
    // The ECR command-line program for host POS systems (docs/ecr.md): `bin` counter-cashier-ecr.
    entryPoints: { 'ecr-cli': 'main/ecr/cli.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild({
    ...node,
    entryPoints: { index: 'preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
  }),
  esbuild({
    bundle: true,
    platform: 'browser',
    target: 'chrome130',
    format: 'iife',
    logLevel: 'warning',
    entryPoints: { bridge: 'preload/web-bridge.ts' },
    outdir: 'dist/web',
  }),
]);
if (!mainOnly) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({
    configFile: path.join(root, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    ...(release ? { build: { sourcemap: false } } : {}),
  });
}
console.log(`built dist/ in ${Date.now() - started} ms`);
