/**
 * The journal's on-disk format: one JSON record per line, each line ending in a TAB and the CRC-32 of the
 * JSON text (8 lowercase hex digits). JSON.stringify never emits a raw TAB, so the last TAB on a line
 * separates record and checksum unambiguously.
 *
 *   {"s":42,"at":"2026-11-22T03:04:05.678Z","t":"pay.intent","k":"DEMO…0042",...,"h":"9f…"}\t1a2b3c4d\n
 *
 * The CRC catches an accident (a flipped bit, a torn write); the hash chain `h` catches a deliberate edit:
 * `h` = lowercase hex SHA-256 of (the previous record's `h` + this record's JSON without `h`), the first
 * record's previous being GENESIS (64 zeros). `h` is always the last member, so "the JSON without `h`" is
 * exactly the line's JSON with its trailing `,"h":"…"` cut off: no re-serialising needed to check it.
 * Records written before the chain existed have no `h` (a legacy prefix); the chain then starts at GENESIS.
 *
 * Records are appended to `journal/<China day of the write>.jsonl`, fsync'd before `append` returns.
 * History is never rewritten: the only thing ever removed is a torn last line (a write cut by a crash
 * or power loss), which is copied to `journal/torn/` first ("set aside") and never was a record.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Record format version, written on every record as `v` only when it changes from 1 (never yet). */
export const FORMAT_VERSION = 1;

/**
 * One state change. `k` is the order key (the merchantOrderId of the sale or pre-auth, or the key a
 * module such as Yima chose); `od` is the China day the order was created, so a record written on a later
 * day (a refund a week later, a reply after midnight) still finds its order.
 */
export interface JournalRecord<D = Record<string, unknown>> {
  /** Global sequence, strictly increasing over the whole journal, never reused. */
  s: number;
  /** ISO instant of the write. */
  at: string;
  /** Record type, e.g. `pay.intent`, `pay.reply`, `query.reply`, `void.intent`, `refund.reply`. */
  t: string;
  /** Order key. */
  k: string;
  /** The order's day (China time, YYYY-MM-DD). */
  od: string;
  /** Operator at the counter when the record was written (or the manager who authorised it). */
  op: string;
  /** Order status after this record (for sale / pre-auth records), see OrderStatus / PreauthStatus. */
  st?: string;
  /** True while the order still has work left (query, void, refund query): drives recovery. */
  un?: boolean;
  d: D;
  /** Hash chain (see above). Absent only on records written before the chain existed. */
  h?: string;
}

/** The chain's starting point: the "previous h" of the first chained record. */
export const GENESIS = '0'.repeat(64);

/** Encode a record as it is (with or without `h`): tests and tools that write raw lines. */
export function encodeRecord(record: JournalRecord<unknown>): string {
  const json = JSON.stringify(record);
  return `${json}\t${checksum(json)}\n`;
}

/** `h` of a record whose JSON (without `h`) is `json`, following `prevH`. */
export function chainHash(prevH: string, json: string): string {
  return createHash('sha256').update(prevH).update(json).digest('hex');
}

/**
 * Encode a record (any `h` it has is ignored) chained onto `prevH`: the line to write and its `h`.
 * One JSON.stringify, one SHA-256, one CRC.
 */
export function encodeChained(
  record: JournalRecord<unknown>,
  prevH: string,
): { line: string; h: string; json: string; bare: string } {
  const { h: _ignored, ...rest } = record;
  const bare = JSON.stringify(rest);
  const h = chainHash(prevH, bare);
  const json = `${bare.slice(0, -1)},"h":"${h}"}`;
  return { line: `${json}\t${checksum(json)}\n`, h, json, bare };
}

/**
 * Whether a parsed record (as `readFrom` returns it, or as head office received it) carries the `h` its
 * content and `prevH` give. Our own writes round-trip through JSON.parse / JSON.stringify unchanged (same
 * member order, same escapes), so the record object is enough: no need for the original line.
 */
export function recordChains(prevH: string, record: JournalRecord<unknown>): boolean {
  if (typeof record.h !== 'string') return false;
  const { h, ...rest } = record;
  return chainHash(prevH, JSON.stringify(rest)) === h;
}

const H_SUFFIX = /,"h":"([0-9a-f]{64})"\}$/;

/**
 * A line's JSON split into the JSON without `h` and `h` itself; undefined when the record has no
 * trailing `h` member (a legacy record, or one whose `h` was moved or mangled).
 */
export function splitChain(json: string): { bare: string; h: string } | undefined {
  const m = H_SUFFIX.exec(json);
  if (!m) return undefined;
  return { bare: `${json.slice(0, m.index)}}`, h: m[1] as string };
}

export function checksum(text: string): string {
  return crc32(Buffer.from(text, 'utf8')).toString(16).padStart(8, '0');
}

export type DecodeResult = { ok: true; record: JournalRecord; json: string } | { ok: false; problem: string };

/** Decode one line (without its newline). */
export function decodeLine(line: string): DecodeResult {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return { ok: false, problem: 'no checksum' };
  const json = line.slice(0, tab);
  const sum = line.slice(tab + 1);
  if (!HEX8.test(sum)) return { ok: false, problem: 'malformed checksum' };
  if (checksum(json) !== sum) return { ok: false, problem: 'checksum mismatch' };
  return parseRecord(json);
}

/**
 * Decode the line in `buf[start, end)` (without its newline) straight from the bytes: the checksum is
 * taken over the bytes as they are on disk, and the JSON text is decoded once. Same result as
 * `decodeLine(buf.toString('utf8', start, end))`, at about half the cost (reading a day, verify).
 */
export function decodeSlice(buf: Buffer, start: number, end: number): DecodeResult {
  const tab = buf.lastIndexOf(0x09, end - 1);
  if (tab < start) return { ok: false, problem: 'no checksum' };
  if (end - tab - 1 !== 8) return { ok: false, problem: 'malformed checksum' };
  const sum = buf.toString('latin1', tab + 1, end);
  if (!HEX8.test(sum)) return { ok: false, problem: 'malformed checksum' };
  if (crc32(buf.subarray(start, tab)) !== Number.parseInt(sum, 16)) {
    return { ok: false, problem: 'checksum mismatch' };
  }
  return parseRecord(buf.toString('utf8', start, tab));
}

/** The JSON text of a line whose checksum matched, as a journal record. */
function parseRecord(json: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (!isRecord(parsed)) return { ok: false, problem: 'not a journal record' };
  return { ok: true, record: parsed, json };
}

const HEX8 = /^[0-9a-f]{8}$/;

function isRecord(value: unknown): value is JournalRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(r.s) &&
    typeof r.at === 'string' &&
    typeof r.t === 'string' &&
    typeof r.k === 'string' &&
    typeof r.od === 'string' &&
    typeof r.op === 'string' &&
    !!r.d &&
    typeof r.d === 'object' &&
    (r.h === undefined || typeof r.h === 'string')
  );
}

// ── China time (UTC+8, no daylight saving) ─────────────────────────────────────────────────────

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The China business day of an instant: YYYY-MM-DD. */
export function chinaDay(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** yyyyMMddHHmmss in China time. */
export function chinaStamp(ms: number): string {
  const iso = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** The China hour 0–23 of an instant. */
export function chinaHour(ms: number): number {
  return new Date(ms + CHINA_OFFSET_MS).getUTCHours();
}

/** The instant at which a China day starts. */
export function chinaDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) - CHINA_OFFSET_MS;
}

export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** Days between two YYYY-MM-DD days (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Our identifiers end in a China timestamp (14 digits), milliseconds (3) and an 8-digit journal sequence:
 * `<terminal><yyyyMMddHHmmss><ms3><seq8>` for sales, `R<terminal><yyyyMMddHHmmss><ms3><seq8>` for refunds.
 * The day of the identifier is therefore readable from the id itself.
 */
export function dayOfOurId(id: string): string | undefined {
  const m = /(\d{4})(\d{2})(\d{2})\d{6}\d{3}\d{8}$/.exec(id);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  return isDay(day) ? day : undefined;
}
