/** Endpoint paths of POS通: the same on the real gateway and the simulator (only the origin differs). */
export const PATHS = {
  token: '/v1/token/access',
  activateTerminal: '/v2/poslink/transaction/activeterminal',
  pay: '/v2/poslink/transaction/pay',
  voidPayment: '/v2/poslink/transaction/voidpayment',
  refund: '/v2/poslink/transaction/refund',
  query: '/v2/poslink/transaction/query',
  queryRefund: '/v2/poslink/transaction/query-refund',
  preauthActivate: '/v1/poslink/transaction/activeterminal',
  preauthorize: '/v1/poslink/transaction/preauthorization/preauthorize',
  preauthComplete: '/v1/poslink/transaction/preauthorization/completeauthorization',
  preauthVoid: '/v1/poslink/transaction/preauthorization/voidauthorization',
  preauthQuickComplete: '/v1/poslink/transaction/preauthorization/quickcompleteauthorization',
  preauthQuickVoid: '/v1/poslink/transaction/preauthorization/quickvoidauthorization',
  preauthQueryByTrace: '/v1/poslink/transaction/preauthorization/query-by-system-trace-num',
  preauthQuery: '/v1/poslink/transaction/preauthorization/query',
} as const;

export type Endpoint = keyof typeof PATHS;

/**
 * The request fields that name the order, refund or pre-auth a call is about: what the client logs and
 * the simulator records for each call (never a payment code, a key or a signature).
 */
export const CALL_ID_FIELDS = [
  'merchantOrderId',
  'originalOrderId',
  'orderId',
  'refundRequestId',
  'systemTraceNum',
] as const;
