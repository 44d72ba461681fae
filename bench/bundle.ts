/**
 * The renderer's weight and the browser harness's time to ready: `npx tsx bench/bundle.ts [rounds]`.
 *
 * Bundle: every chunk in dist/renderer/assets, raw and gzip -9, and the first screen's JavaScript (the
 * entry script index.html names plus what it imports statically; chunks loaded with import() are left
 * out: Orders, Pre-auth, Settlement with its chart library, Settings). Builds dist/ first if missing.
 *
 * Time to ready: a fresh harness (dist/main/web.cjs, empty data folder) until it prints its URL, then
 * Debian's Chromium loading it until the sign-in screen (the app starts signed out) is on screen.
 * Bounded: 3 rounds by default, at most 10.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';

const root = path.resolve(import.meta.dirname, '..');
const assets = path.join(root, 'dist/renderer/assets');
const ROUNDS = Math.min(Number(process.argv[2] ?? 3) || 3, 10);
const BUDGET_KB = 150;

if (
  !existsSync(path.join(root, 'dist/renderer/index.html')) ||
  !existsSync(path.join(root, 'dist/main/web.cjs'))
) {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gz = (file: string) => gzipSync(readFileSync(path.join(assets, file)), { level: 9 }).length;

// ── bundle ─────────────────────────────────────────────────────────────────────────────────────
const files = readdirSync(assets).sort();
console.log('chunk                                   raw        gzip');
for (const file of files) {
  const raw = readFileSync(path.join(assets, file)).length;
  console.log(`${file.padEnd(38)} ${kb(raw).padStart(10)} ${kb(gz(file)).padStart(10)}`);
}

const html = readFileSync(path.join(root, 'dist/renderer/index.html'), 'utf8');
const entry = /<script[^>]+src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
if (!entry) throw new Error('no entry script in dist/renderer/index.html');
/** The entry and everything it imports statically (not import()). */
const firstScreen = new Set<string>();
const visit = (file: string) => {
  if (firstScreen.has(file)) return;
  firstScreen.add(file);
  const code = readFileSync(path.join(assets, file), 'utf8');
  for (const m of code.matchAll(
    /(?:^|[;}\n])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([\w.-]+\.js)["']/g,
  )) {
    if (m[1]) visit(m[1]);
  }
};
visit(entry);
const firstGz = [...firstScreen].reduce((sum, f) => sum + gz(f), 0);
const allJsGz = files.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gz(f), 0);
console.log(
  `\nfirst screen JS (${[...firstScreen].join(' + ')}): ${kb(firstGz)} gzip (budget ${BUDGET_KB} KB)`,
);
console.log(`all JS: ${kb(allJsGz)} gzip; loaded on demand: ${kb(allJsGz - firstGz)}`);

// ── time to ready ──────────────────────────────────────────────────────────────────────────────
async function round(): Promise<{ harnessMs: number; pageMs: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'dist/main/web.cjs'), '--port', '0'], {
    env: { ...process.env, CASHIER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`harness did not start:\n${out}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`harness exited with ${code}`)));
    });
    const harnessMs = performance.now() - started;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const t0 = performance.now();
      await page.goto(url);
      await page.getByTestId('signin').or(page.getByTestId('checkout')).first().waitFor({ timeout: 30_000 });
      return { harnessMs, pageMs: performance.now() - t0 };
    } finally {
      await browser.close();
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.kill('SIGTERM')) await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Array<{ harnessMs: number; pageMs: number }> = [];
for (let i = 0; i < ROUNDS; i++) results.push(await round());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
console.log(
  `\ntime to ready (median of ${ROUNDS}): harness start → URL ${median(results.map((r) => r.harnessMs)).toFixed(0)} ms; ` +
    `page load → first screen ${median(results.map((r) => r.pageMs)).toFixed(0)} ms; ` +
    `total ${median(results.map((r) => r.harnessMs + r.pageMs)).toFixed(0)} ms`,
);
