/** Yima (翼码) account refunds. */
import { z } from 'zod';
import { Bilingual, Fen, Instant, Pin, PositiveFen } from './common.js';

export const YimaSplit = z
  .object({
    merchantId: z.string().max(32).optional(),
    sellerAccount: z.string().max(32).optional(),
    divAmtFen: PositiveFen,
  })
  .strict()
  .refine((s) => Boolean(s.merchantId) !== Boolean(s.sellerAccount), {
    message: 'exactly one of merchantId / sellerAccount',
  });

export const YimaRefundView = z.object({
  posSeq: z.string(),
  orgPosSeq: z.string(),
  amountFen: Fen,
  status: z.enum(['pending', 'processing', 'refunded', 'failed', 'needs-attention']),
  resultId: z.string().optional(),
  message: Bilingual.optional(),
  operatorId: z.string(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type YimaRefundView = z.infer<typeof YimaRefundView>;

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
