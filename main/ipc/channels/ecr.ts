/** Settings → ECR and the counter's side of the ECR link: approvals, display-capture proposals. */
import { z } from 'zod';
import { DisplayCaptureSettings, EcrId, EcrResult, EcrSettings, FolderSettings } from '../../ecr/types.js';
import { Bilingual, Instant, Pin, PositiveFen } from './common.js';
import { SaleState } from './sale.js';

const PartState = z.object({
  state: z.enum(['off', 'on', 'waiting', 'error']),
  /** Where: the API's URL, the display port, the watched folder. */
  where: z.string().optional(),
  message: Bilingual.optional(),
});

export const EcrStatus = z.object({
  settings: EcrSettings,
  api: PartState,
  /** Where the bearer token comes from: CASHIER_ECR_TOKEN, or the one a manager set (never shown). */
  tokenSource: z.enum(['env', 'file']),
  tokenSet: z.boolean(),
  display: PartState.extend({
    protocol: z.string().optional(),
    encoding: z.string().optional(),
    /** Bytes of raw capture kept for support (the last minutes). */
    capturedBytes: z.number().int().optional(),
    /** The line settings in use, e.g. "9600 8N1" (detected with autoLine). */
    line: z.string().optional(),
  }),
  folder: PartState,
  /** Host refunds and voids waiting for a manager. */
  pending: z.array(EcrResult),
  recent: z.array(EcrResult),
});
export type EcrStatus = z.infer<typeof EcrStatus>;

/** An amount read off the host POS's customer display: a proposal, never charged until the cashier confirms. */
export const EcrProposal = z.object({
  id: z.string(),
  amountFen: PositiveFen,
  state: z.enum(['open', 'confirmed', 'cancelled', 'dismissed']),
  /** What the display showed (the total line), for the cashier to compare. */
  text: z.string(),
  protocol: z.string(),
  at: Instant,
});
export type EcrProposal = z.infer<typeof EcrProposal>;

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
