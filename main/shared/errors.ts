/**
 * The one error type of the app and the bilingual message every cashier-facing text is. Domain code
 * throws AppError; the IPC router turns it into the envelope both transports carry (plain objects, so
 * they survive contextBridge cloning).
 */
import { z } from 'zod';

/** A message a cashier may read: Chinese first, English second. */
export const Bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof Bilingual>;

export const ErrorCode = z.enum([
  'BAD_INPUT', // payload failed the contract's schema, or a domain rule (amount range, code format)
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CONFLICT', // e.g. a sale is already in flight
  'PIN_REQUIRED',
  'PIN_INVALID',
  'FORBIDDEN',
  'DEVICE', // scanner / printer problem
  'GATEWAY', // the payment gateway refused or could not be reached
  'UNAVAILABLE', // the capability is not configured or not offered here
  'JOURNAL_UNAVAILABLE', // the receipt journal cannot be written (disk full, read-only, I/O error): no sales
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: Bilingual,
  fields: z.array(FieldIssue).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Thrown by main-process code for an error the cashier should see; the router turns it into an envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly bilingual: Bilingual;
  readonly fields: FieldIssue[] | undefined;

  constructor(code: ErrorCode, message: Bilingual, fields?: FieldIssue[]) {
    super(message.en);
    this.name = 'AppError';
    this.code = code;
    this.bilingual = message;
    this.fields = fields;
  }

  toBody(): ErrorBody {
    return this.fields
      ? { code: this.code, message: this.bilingual, fields: this.fields }
      : { code: this.code, message: this.bilingual };
  }
}

export function issuesToFields(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/** A zod failure as a cashier-readable error: names the first bad field in both languages. */
export function badInput(error: z.ZodError, what = 'input'): AppError {
  const fields = issuesToFields(error);
  const first = fields[0];
  const where = first ? `${first.path}: ${first.message}` : 'invalid';
  return new AppError('BAD_INPUT', { zh: `参数无效（${where}）`, en: `Invalid ${what} (${where})` }, fields);
}
