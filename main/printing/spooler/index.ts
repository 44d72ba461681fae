/** The spooler for this OS: the winspool helper on Windows, CUPS elsewhere. */
import { cupsSpooler } from './cups.js';
import type { RawSpooler } from './types.js';
import { winspoolSpooler } from './winspool.js';

export type { RawSpooler, SpoolJob } from './types.js';

export function platformSpooler(platform: NodeJS.Platform = process.platform): RawSpooler {
  return platform === 'win32' ? winspoolSpooler() : cupsSpooler();
}
