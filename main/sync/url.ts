/** Which head-office addresses the uploader may send the journal to: the gateway's rule (https, http for loopback). */
import { httpsUrlProblem } from '../gateway/url.js';
import type { Bilingual } from '../shared/errors.js';

/** Why the journal may not go to `url`, or undefined when it may. */
export function hqUrlProblem(url: string): Bilingual | undefined {
  return httpsUrlProblem(url.trim(), { zh: '总部地址', en: 'head-office URL' });
}
