/**
 * Redaction for anything written to a log: secrets by key name, payment codes by shape.
 * Logs never carry an AppKey, a key, a PIN, a signature or a full payment code.
 */

const SECRET_KEYS =
  /^(appkey|app_key|key|yimakey|chinaumsappkey|secret|pin|managerpin|pinhash|signature|sign|authorization|accesstoken|token|password)$/i;

/** Runs of 12+ digits are treated as payment codes / card numbers: keep the last 4. */
const LONG_DIGITS = /\d{12,}/g;
const SIGNATURE_IN_HEADER = /(Signature|AccessToken)="?[^",\s]+"?/g;

export function redactText(text: string): string {
  return text
    .replace(LONG_DIGITS, (digits) => `••••${digits.slice(-4)}`)
    .replace(SIGNATURE_IN_HEADER, '$1="[redacted]"');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
