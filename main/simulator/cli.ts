/**
 * Standalone POS通 simulator:
 *   npm run simulator -- --port <n> --app-id <id> --app-key <key> [--password-delay-ms <ms>] [--no-scripts]
 * Defaults: a free port (printed) and the demo credentials. Point the app at it with
 * CASHIER_GATEWAY_URL=<printed url>. Stops on Ctrl-C / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { setLogSink } from '../log/logger.js';
import { DEMO_CREDENTIALS } from '../settings/defaults.js';
import { startSimulator } from './server.js';

const usage = `usage: simulator [--port N] [--host 127.0.0.1] [--app-id ID] [--app-key KEY]
                 [--password-delay-ms MS] [--no-scripts]`;

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'app-id': { type: 'string' },
        'app-key': { type: 'string' },
        'password-delay-ms': { type: 'string' },
        'no-scripts': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be 0..65535\n${usage}\n`);
    process.exit(2);
  }
  const delay = values['password-delay-ms'] === undefined ? undefined : Number(values['password-delay-ms']);
  if (delay !== undefined && (!Number.isInteger(delay) || delay < 0)) {
    process.stderr.write(`--password-delay-ms must be a whole number of milliseconds\n${usage}\n`);
    process.exit(2);
  }
  // Requests are logged one line each to stdout (payment codes and keys are redacted by the logger).
  setLogSink((record) => process.stdout.write(`${record.time} ${record.level} ${record.message}\n`), 'warn');
  const appId = (values['app-id'] as string | undefined) ?? DEMO_CREDENTIALS.appId;
  const sim = await startSimulator({
    port,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    appId,
    appKey: (values['app-key'] as string | undefined) ?? DEMO_CREDENTIALS.appKey,
    ...(delay !== undefined ? { passwordDelayMs: delay } : {}),
    scripts: !values['no-scripts'],
  });
  process.stdout.write(`POS通 simulator listening on ${sim.url}\n`);
  process.stdout.write(`AppId ${appId}${values['app-key'] ? '' : ' (demo AppKey)'}\n`);
  process.stdout.write(`Use it: CASHIER_GATEWAY_URL=${sim.url}\n`);
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
