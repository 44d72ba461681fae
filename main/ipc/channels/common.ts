/** Primitives shared by the channel schemas: defined once in main/shared/schemas.ts. */
export {
  Bilingual,
  Day,
  Empty,
  Fen,
  Instant,
  Ok,
  PayChannel,
  PayMode,
  Pin,
  PositiveFen,
  RawScan,
} from '../../shared/schemas.js';
