/** Yima (翼码) account refunds as the app shows them: the Yima domain's shapes (re-exported by IPC). */
import { z } from 'zod';
import { Bilingual, Fen, Instant, PositiveFen } from '../shared/schemas.js';

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
