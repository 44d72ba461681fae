/** 总部同步: the state of the journal upload to head office, for the status bar. */
import { z } from 'zod';
import { SyncStatus } from '../../sync/status.js';

export { SyncStatus };

export const syncCalls = {
  'sync.status': { input: z.object({}).strict(), output: SyncStatus },
};

export const syncEvents = {
  'sync.status': SyncStatus,
};
