/**
 * IT re-provisioning: with access to the data folder (which IT has anyway), create or reset a manager
 * without the app's UI, journal it as `audit.change` (area 'recovery', operator 'it'), and issue a
 * fresh recovery code. The app must not be running (it holds the journal).
 */
import { Journal } from '../journal/journal.js';
import { createOperators } from './operators.js';
import { createRecoveryCodes } from './recovery.js';

export async function provisionManager(input: {
  dataDir: string;
  id: string;
  name: string;
  pin: string;
}): Promise<{ recoveryCode: string }> {
  if (!/^[A-Za-z0-9_-]{1,20}$/.test(input.id)) throw new Error('id: 1 to 20 letters, digits, _ or -');
  if (!/^\d{4,12}$/.test(input.pin)) throw new Error('PIN: 4 to 12 digits');
  if (input.name.length < 1 || input.name.length > 20) throw new Error('name: 1 to 20 characters');
  const journal = Journal.open({ dataDir: input.dataDir, operatorId: () => 'it' });
  try {
    const operators = createOperators({ dataDir: input.dataDir, seedDemo: false });
    await operators.ready;
    const { before, after } = await operators.save({
      id: input.id,
      name: input.name,
      role: 'manager',
      pin: input.pin,
    });
    const recoveryCode = await createRecoveryCodes(input.dataDir).issue();
    journal.append(
      'audit.change',
      `audit-${Date.now()}-it`,
      {
        area: 'recovery',
        channel: 'provision',
        changes: [
          {
            field: `operator.${after.id}`,
            ...(before ? { old: `${before.name} (${before.role})` } : {}),
            new: `${after.name} (manager, PIN set)`,
          },
          { field: 'recovery-code', new: 'issued' },
        ],
      },
      { op: 'it' },
    );
    return { recoveryCode };
  } finally {
    journal.close();
  }
}
