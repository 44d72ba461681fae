/**
 * counter-cashier-ecr: the ECR link for host POS systems that can only run a program (docs/ecr.md).
 * Talks to the local API, waits for the final result, prints it and exits with a code per outcome:
 *
 *   0 paid / refunded / voided · 1 declined · 2 aborted · 3 needs attention (do NOT charge again)
 *   4 still in progress when --wait ran out (ask with `status`) · 5 busy (another transaction, or
 *   nobody signed in at the counter): nothing created
 *   6 bad request (or the id was used for another request) · 7 cannot reach the counter / wrong token
 */
import { readFileSync } from 'node:fs';
import { formatFen, parseYuanToFen } from '../shared/money.js';
import { DEFAULT_ECR_PORT } from './types.js';

export const EXIT = {
  ok: 0,
  declined: 1,
  aborted: 2,
  attention: 3,
  pending: 4,
  busy: 5,
  bad: 6,
  unreachable: 7,
} as const;

const USAGE = `counter-cashier-ecr <command> [options]

  pay     --id <ecrId> --amount <yuan> [--code <payment code>] [--ref <host ref>]
  status  --id <ecrId>
  abort   --id <ecrId>
  refund  --id <ecrId> --original <ecrId> --amount <yuan>
  void    --id <ecrId> --original <ecrId>

  --url <http://127.0.0.1:18420>   or CASHIER_ECR_URL (default port CASHIER_ECR_PORT or ${DEFAULT_ECR_PORT})
  --token <token> | --token-file <path>   or CASHIER_ECR_TOKEN
  --wait <seconds>   how long to wait for the final result (default 180)
  --json             print the result as JSON

exit: 0 paid/refunded/voided, 1 declined, 2 aborted, 3 needs attention, 4 still in progress,
      5 busy, 6 bad request, 7 cannot reach the counter`;

interface Out {
  code: number;
  text: string;
}

const FINAL = new Set(['paid', 'declined', 'refunded', 'voided', 'needs-attention', 'aborted']);

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Out> {
  const [command, ...rest] = argv;
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--')) return { code: EXIT.bad, text: `unexpected argument ${arg}\n\n${USAGE}` };
    const name = arg.slice(2);
    const next = rest[i + 1];
    if (name === 'json' || next === undefined || next.startsWith('--')) opts[name] = true;
    else {
      opts[name] = next;
      i += 1;
    }
  }
  const str = (name: string) => (typeof opts[name] === 'string' ? (opts[name] as string) : undefined);
  if (!command || command === 'help' || opts.help) return { code: command ? EXIT.ok : EXIT.bad, text: USAGE };
  const id = str('id');
  if (!id) return { code: EXIT.bad, text: `--id is required\n\n${USAGE}` };
  const base = (
    str('url') ??
    env.CASHIER_ECR_URL ??
    `http://127.0.0.1:${env.CASHIER_ECR_PORT?.trim() || DEFAULT_ECR_PORT}`
  ).replace(/\/+$/, '');
  const tokenFile = str('token-file');
  const token = str('token') ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : env.CASHIER_ECR_TOKEN);
  if (!token)
    return {
      code: EXIT.bad,
      text: '需要访问令牌 a token is required: --token, --token-file or CASHIER_ECR_TOKEN',
    };
  const waitMs = Number(str('wait') ?? '180') * 1000;
  const amount = (): number | Out => {
    const a = str('amount');
    const parsed = a ? parseYuanToFen(a) : undefined;
    if (!parsed?.ok || parsed.fen < 1)
      return { code: EXIT.bad, text: `金额无效 invalid --amount ${a ?? ''} (yuan, e.g. 12.34)` };
    return parsed.fen;
  };

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  let path: string;
  let first: { status: number; body: Record<string, unknown> };
  try {
    if (command === 'pay') {
      const fen = amount();
      if (typeof fen !== 'number') return fen;
      path = `/v1/payments/${encodeURIComponent(id)}`;
      first = await call('POST', '/v1/payments', {
        ecrId: id,
        amountFen: fen,
        ...(str('code') ? { payCode: str('code') } : {}),
        ...(str('ref') ? { orderRef: str('ref') } : {}),
      });
    } else if (command === 'refund' || command === 'void') {
      const original = str('original');
      if (!original) return { code: EXIT.bad, text: `--original is required\n\n${USAGE}` };
      let body: Record<string, unknown> = { ecrId: id, originalEcrId: original };
      if (command === 'refund') {
        const fen = amount();
        if (typeof fen !== 'number') return fen;
        body = { ...body, amountFen: fen };
      }
      path = `/v1/${command === 'refund' ? 'refunds' : 'voids'}/${encodeURIComponent(id)}`;
      first = await call('POST', `/v1/${command === 'refund' ? 'refunds' : 'voids'}`, body);
    } else if (command === 'status') {
      path = `/v1/payments/${encodeURIComponent(id)}`;
      first = await call('GET', path);
    } else if (command === 'abort') {
      path = `/v1/payments/${encodeURIComponent(id)}`;
      first = await call('POST', `${path}/abort`, {});
    } else {
      return { code: EXIT.bad, text: `unknown command ${command}\n\n${USAGE}` };
    }
  } catch (error) {
    return {
      code: EXIT.unreachable,
      text: `无法连接收银台 cannot reach the counter at ${base}: ${(error as Error).message}`,
    };
  }

  let current = first;
  const deadline = Date.now() + waitMs;
  while (
    current.status === 202 ||
    (current.status === 200 && command !== 'status' && !FINAL.has(String(current.body.state)))
  ) {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      current = await call('GET', path);
    } catch {
      // the counter restarting: keep asking until the deadline
    }
  }
  return present(current, opts.json === true);
}

function present(r: { status: number; body: Record<string, unknown> }, json: boolean): Out {
  const err = r.body.error as { code: string; message: { zh: string; en: string } } | undefined;
  const state = String(r.body.state ?? '');
  const code = err
    ? r.status === 401
      ? EXIT.unreachable
      : err.code === 'BUSY' || err.code === 'COUNTER_CLOSED'
        ? EXIT.busy
        : err.code === 'TOO_LATE'
          ? EXIT.pending
          : EXIT.bad
    : ['paid', 'refunded', 'voided'].includes(state)
      ? EXIT.ok
      : state === 'declined'
        ? EXIT.declined
        : state === 'aborted'
          ? EXIT.aborted
          : state === 'needs-attention'
            ? EXIT.attention
            : EXIT.pending;
  if (json) return { code, text: JSON.stringify(r.body) };
  if (err) return { code, text: `${err.code}: ${err.message.zh} / ${err.message.en}` };
  const fen = Number(r.body.paidFen ?? r.body.amountFen);
  const money = Number.isSafeInteger(fen) ? ` ${formatFen(fen)}` : '';
  const message = r.body.message as { zh: string; en: string } | undefined;
  const extra = [r.body.merchantOrderId, r.body.codeLast4 ? `•••• ${r.body.codeLast4}` : undefined]
    .filter(Boolean)
    .join(' ');
  return {
    code,
    text: `${r.body.ecrId} ${state}${money}${extra ? ` ${extra}` : ''}${message ? ` — ${message.zh} / ${message.en}` : ''}`,
  };
}

const invoked = process.argv[1] ?? '';
if (/ecr-cli\.cjs$|ecr[\\/]cli\.ts$/.test(invoked)) {
  runCli(process.argv.slice(2)).then(
    (out) => {
      process.stdout.write(`${out.text}\n`);
      process.exitCode = out.code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.unreachable;
    },
  );
}
