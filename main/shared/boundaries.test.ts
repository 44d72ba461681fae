/**
 * The domain boundary in biome.json: journal, engine, gateway, printing, scanners, settings, reports and
 * shared import their types from domain modules, never from main/ipc; only IPC adapters (*handlers.ts) and
 * the composition root use the wire. Runs Biome on probe files laid out like the repository.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIOME = path.join(ROOT, 'node_modules', '.bin', 'biome');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PROBES: Record<string, string> = {
  'main/engine/probe-errors.ts': "import { AppError } from '../ipc/errors.js';\nexport const x = AppError;\n",
  'main/journal/probe-channel.ts':
    "import type { OrderView } from '../ipc/channels/orders.js';\nexport type X = OrderView;\n",
  'main/reports/probe-contract.ts': "import { calls } from '../ipc/contract.js';\nexport const x = calls;\n",
  'main/printing/probe-router.ts': "import { Router } from '../ipc/router.js';\nexport const x = Router;\n",
  'main/shared/probe-deep.ts':
    "import { x as y } from '../../main/ipc/channels/sale.js';\nexport const x = y;\n",
  // Allowed: the adapter, the event hub type, the composition root.
  'main/engine/handlers.ts': "import { AppError } from '../ipc/errors.js';\nexport const x = AppError;\n",
  'main/settings/auth-handlers.ts':
    "import type { AuthState } from '../ipc/channels/auth.js';\nexport type X = AuthState;\n",
  'main/scanners/probe-hub.ts':
    "import type { EventHub, PartialHandlers } from '../ipc/router.js';\nexport type X = [EventHub, PartialHandlers];\n",
  'main/app/probe-root.ts': "import { Router } from '../ipc/router.js';\nexport const x = Router;\n",
};

describe('domain modules do not import main/ipc', () => {
  it('Biome flags exactly the probes that cross the boundary', () => {
    fs.copyFileSync(path.join(ROOT, 'biome.json'), path.join(dir, 'biome.json'));
    for (const [file, text] of Object.entries(PROBES)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(BIOME, ['lint', '--reporter=json', '--max-diagnostics=100', '.'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(run.stdout) as {
      diagnostics: Array<{ category: string; location: { path: string | { file: string } } }>;
    };
    const flagged = report.diagnostics
      .filter((d) => d.category === 'lint/style/noRestrictedImports')
      .map((d) => (typeof d.location.path === 'string' ? d.location.path : d.location.path.file))
      .sort();
    expect(flagged).toEqual([
      'main/engine/probe-errors.ts',
      'main/journal/probe-channel.ts',
      'main/printing/probe-router.ts',
      'main/reports/probe-contract.ts',
      'main/shared/probe-deep.ts',
    ]);
  }, 60_000);
});
