/**
 * Redaction for anything written to a log: secrets by key name, payment codes by shape, and the
 * exact values of the secrets this process holds (registered by the settings service), wherever
 * they appear. Logs never carry an AppKey, a key, a PIN, a signature or a full payment code.
 */

const SECRET_KEYS =
  /^(appkey|app_key|key|yimakey|chinaumsappkey|secret|pin|managerpin|newpin|pinhash|signature|sign|authorization|accesstoken|access_token|token|password)$/i;

/**
 * A standalone run of 16+ digits is treated as a payment code or card number (the shortest wallet code
 * is 16 digits, NOTES.md §6): keep the last 4. A run glued to letters is an id of ours (merchantOrderId
 * `DEMO0001…`, pos_seq `YR…`, refund id `R…`) that support must be able to read, so it stays.
 */
const LONG_DIGITS = /(?<![A-Za-z0-9])\d{16,}/g;
/** 32+ hex characters: MD5/SHA signatures and keys in hex. Keep the last 4. */
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;
const SIGNATURE_IN_HEADER = /(Signature|AccessToken)="?[^",\s]+"?/g;
/** user:password@ in a URL (a gateway URL typed with credentials in it). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;
/** `"sign":"…"` in JSON text, `sign=…` in a query or form, `<sign>…</sign>` in XML. */
const SECRET_NAMES = 'app_?key|yima_?key|key|sign|signature|access_?token|token|pin|password|secret';
const SECRET_IN_JSON = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const SECRET_IN_QUERY = new RegExp(`(\\b(?:${SECRET_NAMES})=)[^&\\s"',;]+`, 'gi');
const SECRET_IN_XML = new RegExp(`(<(${SECRET_NAMES})>)[^<]*(</\\2>)`, 'gi');

/** Exact secret values to blank wherever they appear (the AppKey, the Yima key). */
const knownSecrets = new Set<string>();

/**
 * Blank this exact value in every later log line. The settings service registers every secret it
 * loads or is given. Values shorter than 6 characters are not registered (they would blank noise).
 */
export function registerSecret(value: string): void {
  if (value.length >= 6) knownSecrets.add(value);
}

/** For tests: forget the registered values. */
export function clearRegisteredSecrets(): void {
  knownSecrets.clear();
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
  }
  return out
    .replace(SIGNATURE_IN_HEADER, '$1="[redacted]"')
    .replace(URL_CREDENTIALS, '$1[redacted]@')
    .replace(SECRET_IN_JSON, '$1"[redacted]"')
    .replace(SECRET_IN_QUERY, '$1[redacted]')
    .replace(SECRET_IN_XML, '$1[redacted]$3')
    .replace(LONG_DIGITS, (digits) => `••••${digits.slice(-4)}`)
    .replace(LONG_HEX, (hex) => `[hex…${hex.slice(-4)}]`);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
