/** The ChinaUMS POS通 client: import from here. */
export * from './codes.js';
export * from './types.js';
