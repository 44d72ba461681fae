/** Pre-authorization (担保): see PreauthService. */
import type { PartialHandlers } from '../ipc/router.js';

export interface PreauthService {
  handlers(): PartialHandlers;
  recover(): Promise<void>;
}
