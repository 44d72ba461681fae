// A stand-in for the Windows print helper: the same frames over stdin/stdout, a fake spooler behind
// them. Printers (STANDIN_PRINTERS, comma-separated) behave by name: "Offline…", "Paused…", "XPS…"
// fail like Windows would say; "Crash…" kills the process mid-job; "Hang…" never answers. Every
// accepted job is written to STANDIN_OUT/<pid>-<n>.bin.
import fs from 'node:fs';
import path from 'node:path';

const printers = (process.env.STANDIN_PRINTERS ?? '').split(',').filter(Boolean);
const outDir = process.env.STANDIN_OUT ?? '.';
let jobs = 0;

function send(header) {
  const body = Buffer.from(JSON.stringify(header), 'utf8');
  const frame = Buffer.alloc(8 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  frame.writeUInt32LE(0, 4 + body.length);
  process.stdout.write(frame);
}

function handle(req, payload) {
  const name = req.printer;
  if (req.op === 'list') return { ok: true, printers };
  if (req.op !== 'check' && req.op !== 'print')
    return { ok: false, error: 'io', detail: `unknown op ${req.op}` };
  if (!printers.includes(name)) return { ok: false, error: 'not-found', detail: `OpenPrinter ${name}` };
  if (name.startsWith('Offline')) return { ok: false, error: 'offline', detail: `${name}, status 0x80` };
  if (name.startsWith('Paused')) return { ok: false, error: 'paused', detail: name };
  if (name.startsWith('XPS'))
    return { ok: false, error: 'unsupported', detail: 'driver refuses RAW (XPS-only driver?)' };
  if (req.op === 'check') return { ok: true };
  if (name.startsWith('Crash')) process.exit(3);
  if (name.startsWith('Hang')) return undefined;
  jobs += 1;
  fs.writeFileSync(path.join(outDir, `${process.pid}-${jobs}.bin`), payload);
  return { ok: true, jobId: jobs };
}

send({ id: 0, ok: true, ready: true, protocol: Number(process.env.STANDIN_PROTOCOL ?? 1) });
let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    if (buffer.length < 4) return;
    const h = buffer.readUInt32LE(0);
    if (buffer.length < 8 + h) return;
    const p = buffer.readUInt32LE(4 + h);
    if (buffer.length < 8 + h + p) return;
    const req = JSON.parse(buffer.subarray(4, 4 + h).toString('utf8'));
    const payload = buffer.subarray(8 + h, 8 + h + p);
    buffer = buffer.subarray(8 + h + p);
    const res = handle(req, payload);
    if (res) send({ ...res, id: req.id });
  }
});
process.stdin.on('end', () => process.exit(0));
