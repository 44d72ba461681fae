/**
 * The Yima side of the embedded simulator: a self-contained node:http request handler with its own
 * state. Mount it on any server (the gateway simulator, or a plain loopback server in tests).
 *
 * It answers account_refund_request in the format it was sent (JSON signed; GBK XML unsigned), checks
 * the request's sign and every field, keeps pos_seq unique per isspid, and follows a script:
 *   tx_amt ending in 98 fen, or memo containing "#9998" → 9998 (processing) `processingReplies` times,
 *                                                          then 0000 for the same pos_seq
 *   tx_amt ending in 97 fen → the first request is never answered (the client times out), then 0000
 *   tx_amt ending in 44 fen → 4004 原交易不存在 (failed)
 *   anything else           → 0000
 * Result ids other than 0000 / 9998 are ours (the document lists none): 0001 bad message, 0002 bad
 * field, 0003 bad sign, 0005 pos_seq reused for a different refund.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../simulator/read-body.js';
import { verifyJsonSign, type YimaSignMode } from './sign.js';
import { chinaStamp, encodeReply, parseRequestObject, WireRefundRequest, type YimaFormat } from './wire.js';

export const YIMA_SIMULATOR_PATH = '/yima/account_refund';

const MAX_BODY = 1_000_000;

export interface YimaSimulatorOptions {
  key: string;
  signMode?: YimaSignMode;
  /** Route served; anything else is left to the host server (handle → false). */
  path?: string;
  /** How many 9998 replies a scripted "processing" refund gets before 0000. */
  processingReplies?: number;
  /** Add nodes the document does not list to every reply (tolerance tests). */
  extraNodes?: boolean;
  /** How long a scripted "no answer" request is held before the socket is dropped. */
  holdMs?: number;
}

export interface YimaSimRequest {
  format: YimaFormat;
  posSeq: string | undefined;
  /** The exact bytes received. */
  body: Buffer;
  contentType: string | undefined;
  text: string;
  resultId: string;
}

interface SimRefund {
  isspid: string;
  posSeq: string;
  /** The message without its sign: a resend must carry the same refund. */
  fingerprint: string;
  txAmt: number;
  seen: number;
  final: { id: string; comment: string } | undefined;
}

export interface YimaSimulator {
  readonly path: string;
  /** Handle the request if it is for our path; false otherwise (the caller answers it). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** A complete request listener (404 for other paths), for `http.createServer(sim.listener)`. */
  listener(req: IncomingMessage, res: ServerResponse): void;
  readonly requests: YimaSimRequest[];
  /** Refunds the simulator has completed (0000), per pos_seq. */
  refunded(): Array<{ posSeq: string; txAmt: number }>;
  setKey(key: string): void;
}

export function createYimaSimulator(options: YimaSimulatorOptions): YimaSimulator {
  let key = options.key;
  const signMode = options.signMode ?? 'md5-body-key';
  const route = options.path ?? YIMA_SIMULATOR_PATH;
  const processingReplies = options.processingReplies ?? 1;
  const holdMs = options.holdMs ?? 30_000;
  const refunds = new Map<string, SimRefund>();
  const requests: YimaSimRequest[] = [];

  function answer(
    res: ServerResponse,
    format: YimaFormat,
    head: { isspid?: string; pos_id?: string; pos_seq?: string },
    id: string,
    comment: string,
  ) {
    const reply: Record<string, unknown> = {
      response_type: 'account_refund_response',
      isspid: head.isspid ?? '',
      pos_id: head.pos_id ?? '',
      pos_seq: head.pos_seq ?? '',
      trans_time: chinaStamp(Date.now()),
      sys_seq: randomBytes(8).toString('hex'),
      result: options.extraNodes
        ? { id, comment, sub_code: 'SIM', detail: { note: '新增节点' } }
        : { id, comment },
    };
    if (options.extraNodes) {
      reply.settle_date = chinaStamp(Date.now()).slice(0, 8);
      reply.ext_info = { channel: 'sim', tags: ['a', 'b'] };
    }
    const message = encodeReply(
      { ...reply, result: { ...(reply.result as object), id } },
      { format, signMode, key },
    );
    res.writeHead(200, { 'content-type': message.contentType, 'content-length': message.body.length });
    res.end(message.body);
  }

  function process(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const contentType = req.headers['content-type'];
    let parsed: ReturnType<typeof parseRequestObject>;
    try {
      parsed = parseRequestObject(body, contentType);
    } catch (error) {
      const format: YimaFormat = body.subarray(0, 8).toString('latin1').trimStart().startsWith('<')
        ? 'xml'
        : 'json';
      requests.push({ format, posSeq: undefined, body, contentType, text: '', resultId: '0001' });
      answer(
        res,
        format,
        {},
        '0001',
        `报文无法解析：${error instanceof Error ? error.message : ''}`.slice(0, 64),
      );
      return;
    }
    const { format, text, raw } = parsed;
    const head = {
      isspid: str(raw.isspid),
      pos_id: str(raw.pos_id),
      pos_seq: str(raw.pos_seq),
    };
    const log = (resultId: string) =>
      requests.push({ format, posSeq: head.pos_seq, body, contentType, text, resultId });
    const reject = (id: string, comment: string) => {
      log(id);
      answer(res, format, head, id, comment);
    };

    if (format === 'json') {
      const check = verifyJsonSign(text, signMode, key);
      if (!check.ok) return reject('0003', `签名错误（${check.reason}）`);
    }
    const { sign: _sign, ...unsigned } = raw;
    const valid = WireRefundRequest.safeParse(unsigned);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      return reject('0002', `参数错误：${issue?.path.join('.')} ${issue?.message}`.slice(0, 64));
    }
    const request = valid.data;
    const id = `${request.isspid}/${request.pos_seq}`;
    const fingerprint = JSON.stringify(request);
    let refund = refunds.get(id);
    if (refund && refund.fingerprint !== fingerprint) {
      return reject('0005', '退款请求流水号重复');
    }
    if (!refund) {
      refund = {
        isspid: request.isspid,
        posSeq: request.pos_seq,
        fingerprint,
        txAmt: Number(request.account_refund_request.tx_amt),
        seen: 0,
        final: undefined,
      };
      refunds.set(id, refund);
    }
    refund.seen++;
    if (refund.final) return reject(refund.final.id, refund.final.comment);

    const cents = refund.txAmt % 100;
    if (cents === 97 && refund.seen === 1) {
      // Scripted "no answer": hold the request, then drop the socket.
      log('hold');
      const timer = setTimeout(() => res.destroy(), holdMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if ((cents === 98 || (request.memo ?? '').includes('#9998')) && refund.seen <= processingReplies) {
      return reject('9998', '交易处理中');
    }
    if (cents === 44) {
      refund.final = { id: '4004', comment: '原交易不存在' };
      return reject('4004', '原交易不存在');
    }
    refund.final = { id: '0000', comment: '交易成功' };
    return reject('0000', '交易成功');
  }

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== route) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    readBody(req, MAX_BODY).then(
      (body) => {
        if (res.headersSent || res.destroyed) return;
        try {
          process(req, res, body);
        } catch (error) {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(error instanceof Error ? error.message : 'error');
        }
      },
      () => {
        if (!res.headersSent && !res.destroyed) res.writeHead(413).end();
      },
    );
    return true;
  }

  return {
    path: route,
    handle,
    listener(req, res) {
      if (!handle(req, res)) res.writeHead(404).end();
    },
    requests,
    refunded: () =>
      [...refunds.values()]
        .filter((r) => r.final?.id === '0000')
        .map((r) => ({ posSeq: r.posSeq, txAmt: r.txAmt })),
    setKey(next) {
      key = next;
    },
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
