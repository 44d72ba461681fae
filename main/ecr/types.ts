/**
 * The ECR link's own types: what a host POS sends, what it gets back, and the link's settings.
 * One zod schema per message: the HTTP API validates with them and the OpenAPI document is built from them.
 */
import { z } from 'zod';
import { Bilingual } from '../shared/errors.js';
import { Instant, PositiveFen } from '../shared/schemas.js';

/** The host's transaction id: its idempotency key. Printable ASCII, no spaces or slashes (it is a path and a file name). */
export const EcrId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, '1–64 letters, digits, . _ : -');

const Amount = z.number().int().min(1).max(999_999_999_999);

export const PaymentRequest = z
  .object({
    ecrId: EcrId,
    amountFen: Amount,
    /** When the host scanned the customer's code itself: the pay goes out at once. */
    payCode: z.string().min(10).max(64).optional(),
    /** The host's own reference (receipt number, table): shown on the counter screen. */
    orderRef: z.string().max(32).optional(),
    operatorId: z.string().max(32).optional(),
  })
  .strict();
export type PaymentRequest = z.infer<typeof PaymentRequest>;

export const RefundRequest = z.object({ ecrId: EcrId, originalEcrId: EcrId, amountFen: Amount }).strict();
export type RefundRequest = z.infer<typeof RefundRequest>;

export const VoidRequest = z.object({ ecrId: EcrId, originalEcrId: EcrId }).strict();
export type VoidRequest = z.infer<typeof VoidRequest>;

export const EcrState = z.enum([
  'awaiting-code', // shown on the counter, waiting for the customer's code
  'awaiting-approval', // a refund or void waiting for a manager on the counter
  'in-progress', // sent (or being resolved by query / void): wait
  'paid',
  'declined',
  'refunded',
  'voided',
  'needs-attention', // outcome still unknown after query and void: do not charge again
  'aborted', // never sent: nothing charged
]);
export type EcrState = z.infer<typeof EcrState>;

export const FINAL_STATES: ReadonlySet<EcrState> = new Set([
  'paid',
  'declined',
  'refunded',
  'voided',
  'needs-attention',
  'aborted',
]);

export const EcrKind = z.enum(['payment', 'refund', 'void']);
export type EcrKind = z.infer<typeof EcrKind>;

export const EcrResult = z.object({
  ecrId: EcrId,
  kind: EcrKind,
  state: EcrState,
  amountFen: z.number().int(),
  merchantOrderId: z.string().optional(),
  originalEcrId: z.string().optional(),
  paidFen: z.number().int().optional(),
  refundRequestId: z.string().optional(),
  channel: z.string().optional(),
  codeLast4: z.string().optional(),
  orderRef: z.string().optional(),
  message: Bilingual.optional(),
  /** For a paid sale: what the host prints on its own slip. */
  receipt: z
    .object({
      orderId: z.string().optional(),
      retrievalRefNum: z.string().optional(),
      thirdPartyName: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  updatedAt: z.string(),
});
export type EcrResult = z.infer<typeof EcrResult>;

export const EcrErrorBody = z.object({
  error: z.object({ code: z.string(), message: Bilingual }),
  /** The transaction as it stands, when the error is about one (409 busy / abort too late, 422). */
  current: EcrResult.optional(),
});
export type EcrErrorBody = z.infer<typeof EcrErrorBody>;

// ── settings ─────────────────────────────────────────────────────────────────────────────────

export const DisplayProtocol = z.enum(['auto', 'led8', 'cd5220', 'escpos', 'text']);
export type DisplayProtocol = z.infer<typeof DisplayProtocol>;
export const DisplayEncoding = z.enum(['auto', 'ascii', 'gbk']);
export type DisplayEncoding = z.infer<typeof DisplayEncoding>;

export const DisplayCaptureSettings = z
  .object({
    enabled: z.boolean(),
    /** The port the host POS writes its pole display to (COM7 of a com0com pair, /dev/ttyUSB1, a pty). */
    path: z.string().max(256),
    baudRate: z.number().int().min(300).max(921_600),
    dataBits: z.union([z.literal(7), z.literal(8)]),
    parity: z.enum(['none', 'even', 'odd']),
    stopBits: z.union([z.literal(1), z.literal(2)]),
    protocol: DisplayProtocol,
    encoding: DisplayEncoding,
    /** A total label line must stay unchanged this long (ms) to become a proposal. */
    quietMs: z.number().int().min(50).max(5000),
    /** Optional: the real pole display, every captured byte written on to it. */
    relayPath: z.string().max(256),
    /** Try the common baud rates / parities until the stream looks like a display's (detect.ts). */
    autoLine: z.boolean().optional(),
  })
  .strict();
export type DisplayCaptureSettings = z.infer<typeof DisplayCaptureSettings>;

export const FolderSettings = z
  .object({
    enabled: z.boolean(),
    path: z.string().max(512),
    /** json: req-<ecrId>.json → res-<ecrId>.json; fixed: request.txt → result.txt (GBK, fixed fields). */
    mode: z.enum(['json', 'fixed']),
  })
  .strict();
export type FolderSettings = z.infer<typeof FolderSettings>;

export const EcrSettings = z
  .object({
    /** The local HTTP API. Off until a manager turns it on. */
    enabled: z.boolean(),
    /** loopback: 127.0.0.1 only. lan: every interface, only with TLS (cert + key files). */
    listen: z.enum(['loopback', 'lan']),
    port: z.number().int().min(1).max(65_535),
    tlsCertPath: z.string().max(512),
    tlsKeyPath: z.string().max(512),
    /** Refunds and voids from the host go out without a manager on the counter. */
    allowApiApproval: z.boolean(),
    display: DisplayCaptureSettings,
    folder: FolderSettings,
  })
  .strict();
export type EcrSettings = z.infer<typeof EcrSettings>;

export const DEFAULT_ECR_PORT = 18420;

export function defaultEcrSettings(): EcrSettings {
  return {
    enabled: false,
    listen: 'loopback',
    port: DEFAULT_ECR_PORT,
    tlsCertPath: '',
    tlsKeyPath: '',
    allowApiApproval: false,
    display: {
      enabled: false,
      path: '',
      baudRate: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      protocol: 'auto',
      encoding: 'auto',
      quietMs: 300,
      relayPath: '',
    },
    folder: { enabled: false, path: '', mode: 'json' },
  };
}

/** The stored block (absent in files written before the ECR link existed) with defaults filled in. */
export function ecrSettingsOf(settings: { ecr?: Partial<EcrSettings> | undefined }): EcrSettings {
  const d = defaultEcrSettings();
  const s = settings.ecr ?? {};
  return {
    ...d,
    ...s,
    display: { ...d.display, ...s.display },
    folder: { ...d.folder, ...s.folder },
  };
}

// ── the counter's view (Settings → ECR, checkout) ──────────────────────────────────────────

const PartState = z.object({
  state: z.enum(['off', 'on', 'waiting', 'error']),
  /** Where: the API's URL, the display port, the watched folder. */
  where: z.string().optional(),
  message: Bilingual.optional(),
});

export const EcrStatus = z.object({
  settings: EcrSettings,
  api: PartState,
  /** Where the bearer token comes from: CASHIER_ECR_TOKEN, or the one a manager set (never shown). */
  tokenSource: z.enum(['env', 'file']),
  tokenSet: z.boolean(),
  display: PartState.extend({
    protocol: z.string().optional(),
    encoding: z.string().optional(),
    /** Bytes of raw capture kept for support (the last minutes). */
    capturedBytes: z.number().int().optional(),
    /** The line settings in use, e.g. "9600 8N1" (detected with autoLine). */
    line: z.string().optional(),
  }),
  folder: PartState,
  /** Host refunds and voids waiting for a manager. */
  pending: z.array(EcrResult),
  recent: z.array(EcrResult),
});
export type EcrStatus = z.infer<typeof EcrStatus>;

/** An amount read off the host POS's customer display: a proposal, never charged until the cashier confirms. */
export const EcrProposal = z.object({
  id: z.string(),
  amountFen: PositiveFen,
  state: z.enum(['open', 'confirmed', 'cancelled', 'dismissed']),
  /** What the display showed (the total line), for the cashier to compare. */
  text: z.string(),
  protocol: z.string(),
  at: Instant,
});
export type EcrProposal = z.infer<typeof EcrProposal>;
