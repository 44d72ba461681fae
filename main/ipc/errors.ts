/** The error envelope on the wire: the types live in main/shared/errors.ts (one definition). */
export * from '../shared/errors.js';
