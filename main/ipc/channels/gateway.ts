/** Gateway status (from the last real exchange) and 测试连接. The shapes live in main/gateway/status-types.ts. */
import { z } from 'zod';
import { GatewayStatus, GatewayTestResult } from '../../gateway/status-types.js';

export { GatewayState, GatewayStatus, GatewayTestResult } from '../../gateway/status-types.js';

export const gatewayCalls = {
  'gateway.status': { input: z.object({}).strict(), output: GatewayStatus },
  /** A harmless signed query of an order id that cannot exist: proves route, signature and merchant. */
  'gateway.test': { input: z.object({}).strict(), output: GatewayTestResult },
};

export const gatewayEvents = {
  'gateway.status': GatewayStatus,
};
