/**
 * The Windows print helper's protocol, process supervision and job logic, against a stand-in process
 * (testing/winspool-standin.mjs) that speaks the same frames; and the real C# frame loop compiled
 * with Mono where Mono is installed (its winspool calls cannot run off Windows: they answer `io`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../ipc/router.js';
import { createMemorySettings } from '../../settings/memory.js';
import { decodeEscPos } from '../escpos-decode.js';
import { FIXED_NOW, saleDetail } from '../fixtures.js';
import { createPrintingService } from '../service.js';
import { createHelperClient, encodeFrame, FrameDecoder } from './helper-process.js';
import { winspoolSpooler } from './winspool.js';
import { HELPER_CSHARP, HELPER_POWERSHELL, HELPER_SOURCE_ENV, helperCommand } from './winspool-helper.js';

const standin = path.resolve(import.meta.dirname, '../testing/winspool-standin.mjs');
const PRINTERS = [
  'XP-80C',
  'Offline XP-58',
  'Paused TM-T82',
  'XPS Microsoft Print to PDF',
  'Crash Me',
  'Hang Me',
];
let out: string;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

function spooler(env: Record<string, string> = {}) {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'winspool-'));
  const s = winspoolSpooler({
    command: () => ({ command: process.execPath, args: [standin] }),
    startMs: 5000,
    slackMs: 300,
  });
  process.env.STANDIN_PRINTERS = PRINTERS.join(',');
  process.env.STANDIN_OUT = out;
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  closers.push(async () => {
    await s.close();
    delete process.env.STANDIN_PROTOCOL;
  });
  return s;
}

const job = (printer: string, timeoutMs = 2000) => ({
  printer,
  title: 'SALE\u0007 M1',
  bytes: Uint8Array.from([0x1b, 0x40, 0x41]),
  timeoutMs,
});

describe('frames', () => {
  it('decode whatever the chunking: byte by byte, and several frames in one chunk', () => {
    const a = encodeFrame({ id: 1, op: 'print', title: '消费 SALE' }, Uint8Array.from([0, 1, 2, 255]));
    const b = encodeFrame({ id: 2, op: 'list' });
    const whole = Buffer.concat([a, b]);
    const byByte = new FrameDecoder();
    const got = [...whole].flatMap((byte) => byByte.push(Buffer.from([byte])));
    expect(got.map((f) => f.header.id)).toEqual([1, 2]);
    expect(got[0]?.header.title).toBe('消费 SALE');
    expect([...(got[0]?.payload ?? [])]).toEqual([0, 1, 2, 255]);
    expect(new FrameDecoder().push(whole)).toHaveLength(2);
  });

  it('refuse an absurd length or a header that is not an object', () => {
    const huge = Buffer.alloc(8);
    huge.writeUInt32LE(0x7fffffff, 0);
    expect(() => new FrameDecoder().push(huge)).toThrow(/header of/);
    const notObject = encodeFrame([1, 2] as unknown as Record<string, unknown>);
    expect(() => new FrameDecoder().push(notObject)).toThrow(/not a JSON object/);
  });
});

describe('winspool helper client against a stand-in process', () => {
  it('lists the installed printers (one process for many requests)', async () => {
    const s = spooler();
    expect(await s.list()).toEqual([...PRINTERS].sort());
    await s.check('XP-80C');
    expect(s.starts).toBe(1);
  });

  it('prints a sale receipt: the payload the helper gets is our ESC/POS, decoded', async () => {
    const s = spooler();
    const settings = createMemorySettings();
    settings.setDevice({
      printer: { printer: { kind: 'spooler', printerName: 'XP-80C' }, paperWidth: '58', drawerKick: false },
    });
    const service = createPrintingService({
      settings,
      events: new EventHub(),
      getOrder: (id) => (id === saleDetail.order.merchantOrderId ? saleDetail : undefined),
      spooler: s,
      timeouts: { connectMs: 1000, statusMs: 200, jobMs: 3000 },
      backoffMs: [],
      now: () => new Date(FIXED_NOW),
    });
    const [jobId] = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'merchant' });
    await service.idle();
    expect(service.jobs().find((j) => j.jobId === jobId)?.state).toBe('done');
    const files = fs.readdirSync(out);
    expect(files).toHaveLength(1);
    const decoded = decodeEscPos(fs.readFileSync(path.join(out, files[0] as string)));
    expect(decoded.cuts).toBe(1);
    expect(decoded.text).toContain('消费凭证 SALE');
    expect(decoded.slips[0]?.qr).toEqual([saleDetail.order.merchantOrderId]);
  });

  it.each([
    ['Offline XP-58', 'offline', '离线'],
    ['Paused TM-T82', 'paused', '暂停'],
    ['XPS Microsoft Print to PDF', 'unsupported', 'RAW'],
    ['Not Installed', 'not-found', '找不到'],
  ])('%s → %s, with a bilingual message', async (name, reason, zh) => {
    const s = spooler();
    const error = await s.print(job(name)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PrintError', reason });
    expect((error as { bilingual: { zh: string } }).bilingual.zh).toContain(zh);
  });

  it('a driver that cannot take RAW fails the job at once (no retries); an offline printer is retried', async () => {
    const s = spooler();
    const settings = createMemorySettings();
    const service = createPrintingService({
      settings,
      events: new EventHub(),
      getOrder: (id) => (id === saleDetail.order.merchantOrderId ? saleDetail : undefined),
      spooler: s,
      backoffMs: [5, 5],
      now: () => new Date(FIXED_NOW),
    });
    const attemptsFor = async (printerName: string) => {
      settings.setDevice({
        printer: { printer: { kind: 'spooler', printerName }, paperWidth: '80', drawerKick: false },
      });
      const [jobId] = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
      await service.idle();
      return service.jobs().find((j) => j.jobId === jobId);
    };
    expect(await attemptsFor('XPS Microsoft Print to PDF')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await attemptsFor('Offline XP-58')).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('a helper that dies mid-job fails that job, and the next job starts a new helper', async () => {
    const s = spooler();
    await s.list();
    const firstPid = s.pid;
    const error = await s.print(job('Crash Me')).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'io' });
    expect(String((error as Error).message)).toContain('print helper stopped (exit 3)');
    await s.print(job('XP-80C'));
    expect(s.starts).toBe(2);
    expect(s.pid).not.toBe(firstPid);
    expect(fs.readdirSync(out)).toEqual([`${s.pid}-1.bin`]);
  });

  it('a helper that stops answering is killed when the job times out, and replaced', async () => {
    const s = spooler();
    const error = await s.print(job('Hang Me', 200)).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'timeout' });
    await s.print(job('XP-80C'));
    expect(s.starts).toBe(2);
  });

  it('a helper that speaks another protocol version is refused', async () => {
    const s = spooler({ STANDIN_PROTOCOL: '2' });
    await expect(s.list()).rejects.toMatchObject({ reason: 'io', message: /another protocol/ });
  });

  it('a helper that cannot be started says so', async () => {
    const c = createHelperClient({ command: () => ({ command: '/nonexistent/powershell.exe', args: [] }) });
    closers.push(() => c.close());
    await expect(c.request({ op: 'list' })).rejects.toMatchObject({
      reason: 'io',
      message: /could not start/,
    });
  });
});

describe('the helper source', () => {
  it('fits a Windows command line (-EncodedCommand) and environment variable with room to spare', () => {
    const { command, args, env } = helperCommand();
    const line = [command, ...args].join(' ');
    expect(line.length).toBeLessThan(4_000);
    const encoded = args[args.length - 1] as string;
    expect(Buffer.from(encoded, 'base64').toString('utf16le')).toBe(HELPER_POWERSHELL);
    expect(HELPER_POWERSHELL).toContain(`$env:${HELPER_SOURCE_ENV}`);
    expect(env[HELPER_SOURCE_ENV]).toBe(HELPER_CSHARP);
    expect(HELPER_CSHARP.length).toBeLessThan(24_000);
  });

  it('is exactly what docs/printing.md reviews line by line', () => {
    const docs = fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/printing.md'), 'utf8');
    expect(/```powershell\n([\s\S]*?)```/.exec(docs)?.[1]).toBe(HELPER_POWERSHELL);
    expect(/```csharp\n([\s\S]*?)```/.exec(docs)?.[1]).toBe(HELPER_CSHARP);
  });

  const mcs = ['/usr/bin/mcs'].find((p) => fs.existsSync(p));
  if (!mcs) console.warn('[skip] C# helper compile and frame-loop test: Mono (mono-mcs) not installed');

  it.skipIf(!mcs)(
    'compiles as C# 5 and its frame loop answers our client (Mono, no winspool here)',
    async () => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'winspool-cs-'));
      fs.writeFileSync(path.join(out, 'helper.cs'), HELPER_CSHARP);
      fs.writeFileSync(path.join(out, 'main.cs'), 'class P { static void Main() { RawSpool.Run(); } }');
      execFileSync(mcs as string, [
        '-langversion:5',
        '-r:System.Web.Extensions',
        `-out:${path.join(out, 'helper.exe')}`,
        path.join(out, 'helper.cs'),
        path.join(out, 'main.cs'),
      ]);
      const c = createHelperClient({
        command: () => ({ command: 'mono', args: [path.join(out, 'helper.exe')] }),
        startMs: 15_000,
      });
      closers.push(() => c.close());
      // Off Windows, winspool.drv is missing: the loop still answers each request by id, as `io`.
      const error = await c.request({ op: 'list' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'io', message: /winspool/i });
      const unknown = await c.request({ op: 'frobnicate' }).catch((e: unknown) => e);
      expect(unknown).toMatchObject({ reason: 'io', message: /unknown op frobnicate/ });
      expect(c.starts).toBe(1);
    },
  );
});
