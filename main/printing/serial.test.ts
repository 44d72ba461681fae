/**
 * Serial printing through a real pseudo-terminal pair (socat): the service writes to one end, the test
 * reads the other end like a printer would and decodes what arrived.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../ipc/router.js';
import { createMemorySettings } from '../settings/memory.js';
import { decodeEscPos } from './escpos-decode.js';
import { FIXED_NOW, saleDetail } from './fixtures.js';
import { createPrintingService } from './service.js';

const hasSocat = fs.existsSync('/usr/bin/socat');
let socat: ChildProcess | undefined;
let printerEnd: SerialPort | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (printerEnd?.isOpen) await new Promise((r) => printerEnd!.close(r));
  socat?.kill();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function ptyPair(): Promise<{ a: string; b: string }> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pty-'));
  const a = path.join(dir, 'A');
  const b = path.join(dir, 'B');
  socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(fs.existsSync(a) && fs.existsSync(b)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!fs.existsSync(a) || !fs.existsSync(b)) throw new Error('socat did not create the pty pair');
  return { a, b };
}

describe.skipIf(!hasSocat)('serial printing over a socat pty pair', () => {
  it('prints a sale receipt; the far end receives GBK text, the QR payload and the cut', async () => {
    const { a, b } = await ptyPair();
    printerEnd = new SerialPort({ path: b, baudRate: 9600 });
    const received: Buffer[] = [];
    printerEnd.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise<void>((resolve, reject) => printerEnd!.once('open', resolve).once('error', reject));

    const settings = createMemorySettings();
    settings.setDevice({
      printer: { printer: { kind: 'serial', path: a, baudRate: 9600 }, paperWidth: '80', drawerKick: false },
    });
    const service = createPrintingService({
      settings,
      events: new EventHub(),
      getOrder: (id) => (id === saleDetail.order.merchantOrderId ? saleDetail : undefined),
      timeouts: { connectMs: 1000, statusMs: 200, jobMs: 5000 },
      backoffMs: [],
      now: () => new Date(FIXED_NOW),
    });
    const [jobId] = await service.printOrder(saleDetail.order.merchantOrderId, { copy: 'customer' });
    await service.idle();
    expect(service.jobs().find((j) => j.jobId === jobId)?.state).toBe('done');

    for (let i = 0; i < 100 && !Buffer.concat(received).includes(Buffer.from([0x1d, 0x56])); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const decoded = decodeEscPos(Buffer.concat(received));
    expect(decoded.cuts).toBe(1);
    expect(decoded.text).toContain('消费凭证 SALE');
    expect(decoded.text).toContain('微信支付 WeChat Pay');
    expect(decoded.slips[0]?.qr).toEqual([saleDetail.order.merchantOrderId]);
    await service.stop();
  });
});
