/** Pre-authorization (担保): start, complete, void, the quick variants, queries. */
import { z } from 'zod';
import { Bilingual, Day, Fen, Instant, PayChannel, Pin, PositiveFen, RawScan } from './common.js';

export const PreauthStatus = z.enum([
  'pending',
  'authorized', // 担保中
  'completing',
  'completed', // 担保完成
  'voided', // 担保撤销
  'declined',
  'unknown',
  'needs-attention',
]);

export const PreauthView = z.object({
  id: z.string(), // our merchantOrderId for the pre-auth
  orderId: z.string().optional(), // 银商订单号
  day: Day,
  createdAt: Instant,
  updatedAt: Instant,
  operatorId: z.string(),
  amountFen: Fen,
  completedFen: Fen.optional(),
  channel: PayChannel,
  codeLast4: z.string(),
  systemTraceNum: z.string(),
  authorizationCode: z.string().optional(),
  transactionDate: z.string().optional(), // MMdd, as the gateway returned it
  status: PreauthStatus,
  statusMessage: Bilingual.optional(),
});
export type PreauthView = z.infer<typeof PreauthView>;

const Id = z.string().min(1).max(64);

export const preauthCalls = {
  'preauth.list': {
    input: z.object({ openOnly: z.boolean().optional() }).strict(),
    output: z.array(PreauthView),
  },
  'preauth.start': {
    input: z.object({ amountFen: PositiveFen, code: RawScan }).strict(),
    output: PreauthView,
  },
  'preauth.complete': { input: z.object({ id: Id, amountFen: PositiveFen }).strict(), output: PreauthView },
  'preauth.quickComplete': {
    input: z.object({ id: Id, amountFen: PositiveFen }).strict(),
    output: PreauthView,
  },
  'preauth.void': { input: z.object({ id: Id, pin: Pin }).strict(), output: PreauthView },
  'preauth.quickVoid': { input: z.object({ id: Id, pin: Pin }).strict(), output: PreauthView },
  'preauth.query': { input: z.object({ id: Id }).strict(), output: PreauthView },
};
