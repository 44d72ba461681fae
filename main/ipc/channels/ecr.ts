/** Settings → ECR and the counter's side of the ECR link: approvals, display-capture proposals. */
import { z } from 'zod';
import {
  DisplayCaptureSettings,
  EcrId,
  EcrProposal,
  EcrResult,
  EcrSettings,
  EcrStatus,
  FolderSettings,
} from '../../ecr/types.js';
import { SaleState } from '../../engine/sale-state.js';
import { Pin } from './common.js';

export { EcrProposal, EcrStatus };

export const EcrSettingsPatch = EcrSettings.extend({
  display: DisplayCaptureSettings.partial(),
  folder: FolderSettings.partial(),
})
  .partial()
  .strict();

export const ecrCalls = {
  'ecr.status': { input: z.object({}).strict(), output: EcrStatus },
  /** Turn the link on or off and set it up. A manager (elevated session or the PIN inline). */
  'ecr.configure': {
    input: z.object({ ecr: EcrSettingsPatch, managerPin: Pin.optional() }).strict(),
    output: EcrStatus,
  },
  /** Set the bearer token the host POS sends (write-only, like the AppKey; a manager). */
  'ecr.setToken': {
    input: z
      .object({
        token: z
          .string()
          .min(16)
          .max(128)
          .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces'),
        managerPin: Pin.optional(),
      })
      .strict(),
    output: z.object({ ok: z.literal(true) }),
  },
  'ecr.approve': { input: z.object({ ecrId: EcrId, pin: Pin.optional() }).strict(), output: EcrResult },
  'ecr.reject': { input: z.object({ ecrId: EcrId, pin: Pin.optional() }).strict(), output: EcrResult },
  /** The cashier takes the captured amount: the sale then waits for the customer's code. */
  'ecr.confirmProposal': { input: z.object({ id: z.string() }).strict(), output: SaleState },
  'ecr.dismissProposal': {
    input: z.object({ id: z.string() }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
};

export const ecrEvents = {
  'ecr.proposal': EcrProposal,
  'ecr.status': EcrStatus,
};
