/**
 * The folder interface for host POS systems that can only drop a file (docs/ecr.md):
 *
 * - json: the host writes `req-<ecrId>.json` (temp file, then rename); when the transaction is final we
 *   write `res-<ecrId>.json` the same way and remove the request. The same id again answers the
 *   journaled result, never a second charge.
 * - fixed: `request.txt` → `result.txt`, GBK, fixed-width fields (the MIS plug-in style of older hosts).
 *
 * The folder is watched (fs.watch) and also polled, since change events are unreliable on shares.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { createLogger } from '../log/logger.js';
import type { Answer, EcrService } from './service.js';
import { EcrId, type EcrResult, FINAL_STATES, PaymentRequest, RefundRequest, VoidRequest } from './types.js';

const log = createLogger('ecr.folder');

export interface FolderWatcher {
  stop(): Promise<void>;
}

export interface FolderOptions {
  service: EcrService;
  dir: string;
  mode: 'json' | 'fixed';
  pollMs?: number;
}

const REQ = /^req-([A-Za-z0-9._:-]{1,64})\.json$/;

export async function startFolderWatcher(options: FolderOptions): Promise<FolderWatcher> {
  const { service, dir } = options;
  mkdirSync(dir, { recursive: true });
  /** ecrId → how to answer once final. */
  const waiting = new Map<string, (result: EcrResult) => void>();
  const busy = new Set<string>();

  const writeAtomic = (name: string, bytes: string | Buffer) => {
    const tmp = path.join(dir, `.${name}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, path.join(dir, name));
  };

  const finish = (id: string, answer: Answer, reply: (a: Answer) => void) => {
    const body = answer.body;
    if ('ecrId' in body && !FINAL_STATES.has(body.state)) {
      // Not final yet: answer when it is.
      waiting.set(id, (result) => reply({ status: 200, body: result }));
      return;
    }
    reply(answer);
  };

  const handleJson = async (file: string, id: string) => {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(full, 'utf8'));
    } catch {
      return; // half-written by a host that does not rename: try on the next pass
    }
    const reply = (a: Answer) => {
      writeAtomic(`res-${id}.json`, `${JSON.stringify({ httpStatus: a.status, ...a.body }, null, 2)}\n`);
      rmSync(full, { force: true });
    };
    const request = (raw ?? {}) as Record<string, unknown>;
    const { kind = 'payment', ...rest } = request;
    const body = { ecrId: id, ...rest };
    const parsed =
      kind === 'refund'
        ? RefundRequest.safeParse(body)
        : kind === 'void'
          ? VoidRequest.safeParse(body)
          : kind === 'status'
            ? EcrId.safeParse(id)
            : PaymentRequest.safeParse(body);
    if (!parsed.success) {
      reply({
        status: 400,
        body: {
          error: {
            code: 'BAD_INPUT',
            message: {
              zh: `请求文件无效：${parsed.error.message}`,
              en: `Invalid request file: ${parsed.error.message}`,
            },
          },
        },
      });
      return;
    }
    const answer =
      kind === 'refund'
        ? service.refund(parsed.data as RefundRequest)
        : kind === 'void'
          ? service.void(parsed.data as VoidRequest)
          : kind === 'status'
            ? service.status(id)
            : await service.pay(parsed.data as PaymentRequest);
    finish(id, answer, reply);
  };

  const handleFixed = async () => {
    const full = path.join(dir, 'request.txt');
    let fields: FixedRequest;
    try {
      fields = parseFixedRequest(readFileSync(full));
    } catch (error) {
      writeAtomic('result.txt', formatFixedError(String((error as Error).message ?? error)));
      rmSync(full, { force: true });
      return;
    }
    const reply = (a: Answer) => {
      writeAtomic('result.txt', formatFixedResult(a, fields));
      rmSync(full, { force: true });
    };
    const answer =
      fields.type === '00'
        ? await service.pay({
            ecrId: fields.ecrId,
            amountFen: fields.amountFen,
            ...(fields.payCode ? { payCode: fields.payCode } : {}),
            ...(fields.orderRef ? { orderRef: fields.orderRef } : {}),
          })
        : fields.type === '01'
          ? service.void({ ecrId: fields.ecrId, originalEcrId: fields.originalEcrId })
          : fields.type === '02'
            ? service.refund({
                ecrId: fields.ecrId,
                originalEcrId: fields.originalEcrId,
                amountFen: fields.amountFen,
              })
            : service.status(fields.ecrId);
    finish(fields.ecrId, answer, reply);
  };

  const scan = async () => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const id =
        options.mode === 'json' ? REQ.exec(name)?.[1] : name === 'request.txt' ? '#fixed' : undefined;
      if (!id || busy.has(id) || [...waiting.keys()].includes(id)) continue;
      if (options.mode === 'fixed' && waiting.size > 0) continue;
      busy.add(id);
      try {
        if (options.mode === 'json') await handleJson(name, id);
        else await handleFixed();
      } catch (error) {
        log.error('folder request failed', { file: name, error: String(error) });
      } finally {
        busy.delete(id);
      }
    }
  };

  const off = service.onResult((result) => {
    if (!FINAL_STATES.has(result.state)) return;
    const reply = waiting.get(result.ecrId);
    if (!reply) return;
    waiting.delete(result.ecrId);
    try {
      reply(result);
    } catch (error) {
      log.error('folder answer not written', { ecrId: result.ecrId, error: String(error) });
    }
  });
  let pending = false;
  const kick = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      void scan();
    });
  };
  const watcher = existsSync(dir) ? watch(dir, () => kick()) : undefined;
  watcher?.on('error', () => {});
  const poll = setInterval(kick, options.pollMs ?? 250);
  poll.unref();
  kick();
  return {
    async stop() {
      clearInterval(poll);
      watcher?.close();
      off();
      waiting.clear();
    },
  };
}

// ── request.txt / result.txt: GBK, fixed-width fields (byte positions, 1-based, in docs/ecr.md) ──

export interface FixedRequest {
  /** 00 pay, 01 void, 02 refund, 03 status. */
  type: '00' | '01' | '02' | '03';
  amountFen: number;
  ecrId: string;
  originalEcrId: string;
  payCode: string;
  orderRef: string;
}

/** Field widths in bytes, in order. */
export const FIXED_REQUEST = [
  ['type', 2],
  ['amountFen', 12],
  ['ecrId', 32],
  ['originalEcrId', 32],
  ['payCode', 32],
  ['orderRef', 32],
] as const;

export const FIXED_RESULT = [
  ['code', 2],
  ['amountFen', 12],
  ['ecrId', 32],
  ['state', 20],
  ['merchantOrderId', 50],
  ['codeLast4', 4],
  ['channel', 10],
  ['message', 60],
] as const;

/** Answer codes in result.txt. */
export const FIXED_CODES: Record<string, string> = {
  paid: '00',
  refunded: '00',
  voided: '00',
  declined: '01',
  aborted: '02',
  'needs-attention': '03',
  'in-progress': '04',
  'awaiting-code': '04',
  'awaiting-approval': '04',
};

export function parseFixedRequest(bytes: Buffer): FixedRequest {
  const text = bytes.subarray(0, 142);
  let at = 0;
  const out: Record<string, string> = {};
  for (const [name, width] of FIXED_REQUEST) {
    out[name] = iconv.decode(text.subarray(at, at + width), 'gbk').trim();
    at += width;
  }
  const type = out.type as FixedRequest['type'];
  if (!['00', '01', '02', '03'].includes(type)) throw new Error(`交易类型无效 bad type "${out.type}"`);
  const amount = out.amountFen ?? '';
  if ((type === '00' || type === '02') && !/^\d{1,12}$/.test(amount)) throw new Error('金额无效 bad amount');
  if (!EcrId.safeParse(out.ecrId).success) throw new Error('交易号无效 bad ecrId');
  return {
    type,
    amountFen: amount ? Number(amount) : 0,
    ecrId: out.ecrId as string,
    originalEcrId: out.originalEcrId as string,
    payCode: out.payCode as string,
    orderRef: out.orderRef as string,
  };
}

/** One field: GBK bytes, left-aligned and space-padded (numbers right-aligned, zero-padded), cut to width. */
function field(value: string, width: number, numeric = false): Buffer {
  if (numeric) return Buffer.from(value.padStart(width, '0').slice(-width), 'ascii');
  const out = Buffer.alloc(width, 0x20);
  let at = 0;
  for (const ch of value) {
    const b = iconv.encode(ch, 'gbk');
    if (at + b.length > width) break;
    b.copy(out, at);
    at += b.length;
  }
  return out;
}

export function formatFixedResult(answer: Answer, req: Pick<FixedRequest, 'ecrId' | 'amountFen'>): Buffer {
  const body = answer.body;
  const r = 'ecrId' in body ? body : body.current;
  const code = 'ecrId' in body ? (FIXED_CODES[body.state] ?? 'XX') : 'XX';
  const message = 'ecrId' in body ? (body.message?.zh ?? '') : body.error.message.zh;
  const values: Record<string, string> = {
    code,
    amountFen: String(r?.paidFen ?? r?.amountFen ?? req.amountFen),
    ecrId: req.ecrId,
    state: 'ecrId' in body ? body.state : body.error.code,
    merchantOrderId: r?.merchantOrderId ?? '',
    codeLast4: r?.codeLast4 ?? '',
    channel: r?.channel ?? '',
    message,
  };
  return Buffer.concat([
    ...FIXED_RESULT.map(([name, width]) => field(values[name] ?? '', width, name === 'amountFen')),
    Buffer.from('\r\n'),
  ]);
}

function formatFixedError(message: string): Buffer {
  return formatFixedResult(
    { status: 400, body: { error: { code: 'BAD_INPUT', message: { zh: message, en: message } } } },
    { ecrId: '', amountFen: 0 },
  );
}

/** Build a request.txt (hosts and tests). */
export function formatFixedRequest(
  req: Partial<FixedRequest> & Pick<FixedRequest, 'type' | 'ecrId'>,
): Buffer {
  const values: Record<string, string> = {
    type: req.type,
    amountFen: String(req.amountFen ?? 0),
    ecrId: req.ecrId,
    originalEcrId: req.originalEcrId ?? '',
    payCode: req.payCode ?? '',
    orderRef: req.orderRef ?? '',
  };
  return Buffer.concat([
    ...FIXED_REQUEST.map(([name, width]) => field(values[name] ?? '', width, name === 'amountFen')),
    Buffer.from('\r\n'),
  ]);
}

/** Read a result.txt back into named fields (hosts and tests). */
export function parseFixedResult(bytes: Buffer): Record<string, string> {
  let at = 0;
  const out: Record<string, string> = {};
  for (const [name, width] of FIXED_RESULT) {
    out[name] = iconv.decode(bytes.subarray(at, at + width), 'gbk').trim();
    at += width;
  }
  return out;
}
