/** IPC adapter of the gateway: status and the connection test. */
import type { EventHub, PartialHandlers } from '../ipc/router.js';
import type { GatewayMonitor } from './status.js';
import type { PosLinkClient } from './types.js';

export function gatewayHandlers(monitor: GatewayMonitor, client: PosLinkClient): PartialHandlers {
  return {
    'gateway.status': () => monitor.status(),
    'gateway.test': () => monitor.test(client),
  };
}

/** Pushes every status change to the renderer; returns the unsubscribe. */
export function forwardGatewayStatus(monitor: GatewayMonitor, events: EventHub): () => void {
  return monitor.onChange((status) => events.emit('gateway.status', status));
}
