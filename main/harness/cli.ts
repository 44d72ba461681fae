/**
 * `npm run start:web [-- --port <n>]`: the whole app (main services + renderer) in an ordinary browser,
 * for development and for end-to-end tests in Chromium where the Electron binary is absent.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AppServices,
  defaultDataDirForNode,
  resolveDataDir,
  startAppServices,
} from '../app/services.js';
import { DataFolderError } from '../settings/data-folder.js';
import { startWebHarness } from './web-server.js';

declare const __APP_VERSION__: string;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: false });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, got ${values.port}`);
    process.exit(2);
  }
  const distDir = path.resolve(__dirname, '..');
  // Files the app creates are the user's alone (journal 0600, folders 0700).
  process.umask(0o077);
  let services: AppServices;
  try {
    services = await startAppServices({
      transport: 'web',
      dataDir: resolveDataDir(defaultDataDirForNode()),
      version: __APP_VERSION__,
    });
  } catch (error) {
    if (!(error instanceof DataFolderError)) throw error;
    console.error(`${error.problem.zh}\n${error.problem.en}`);
    process.exit(3);
  }
  const harness = await startWebHarness({
    router: services.router,
    events: services.events,
    rendererDir: path.join(distDir, 'renderer'),
    bridgeFile: path.join(distDir, 'web', 'bridge.js'),
    port,
  });
  console.log(`Counter Cashier (browser harness) — data in ${services.dataDir}`);
  console.log(`Open: ${harness.url}`);

  const shutdown = async () => {
    await harness.close();
    await services.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
