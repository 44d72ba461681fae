/** The ChinaUMS POS通 client: import from here. */
export { createPosLinkClient } from './client.js';
export * from './codes.js';
export { PATHS } from './paths.js';
export * from './types.js';
export { resolveGatewayUrl } from './url.js';
