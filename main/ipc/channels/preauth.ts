/** Pre-authorization (担保): start, complete, void, the quick variants, queries. */
import { z } from 'zod';
import { PreauthView } from '../../journal/views.js';
import { Pin, PositiveFen, RawScan } from './common.js';

export { PreauthStatus, PreauthView } from '../../journal/views.js';

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
