/**
 * `npm run provision -- --data-dir <folder> --id <id> --name <name>` (PIN from CASHIER_PROVISION_PIN or
 * typed on stdin): IT's route back in when the operators are lost and the recovery code too. Close the
 * app first. Prints the new recovery code once.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { provisionManager } from './provision.js';

async function main(): Promise<void> {
  process.umask(0o077);
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } },
  });
  const dataDir = values['data-dir'];
  if (!dataDir || !values.id || !values.name) {
    console.error('usage: provision --data-dir <folder> --id <manager id> --name <name>');
    process.exit(2);
  }
  let pin = process.env.CASHIER_PROVISION_PIN ?? '';
  if (!pin) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    pin = (await rl.question('New manager PIN (4-12 digits): ')).trim();
    rl.close();
  }
  const { recoveryCode } = await provisionManager({ dataDir, id: values.id, name: values.name, pin });
  console.log(`Manager ${values.id} set. New recovery code (write it down, shown once): ${recoveryCode}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
