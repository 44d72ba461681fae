/** Yima (翼码) account refunds. */
import { z } from 'zod';
import { YimaRefundView, YimaSplit } from '../../yima/types.js';
import { Pin, PositiveFen } from './common.js';

export { YimaRefundView, YimaSplit } from '../../yima/types.js';

export const yimaCalls = {
  'yima.refund': {
    input: z
      .object({
        /** The Yima payment's pos_seq (more than 12 characters). */
        orgPosSeq: z.string().min(13).max(32),
        amountFen: PositiveFen,
        memo: z.string().max(64).optional(),
        split: z.array(YimaSplit).max(20).optional(),
        pin: Pin,
        /** A manager confirms refunding an original that already has a refund. */
        confirmDuplicate: z.boolean().optional(),
      })
      .strict(),
    output: YimaRefundView,
  },
  'yima.list': { input: z.object({}).strict(), output: z.array(YimaRefundView) },
};
