/**
 * Display capture end to end: captured streams replayed over a real socat pty pair into the app (the
 * host POS writes to its "pole display", the app reads the other end) → a proposal of the right amount
 * on the checkout screen → the cashier confirms it (a key, or simply the scan) → paid at the simulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleState } from '../../engine/sale-state.js';
import { createPtyPair, type PtyPair } from '../../scanners/testing/pty.js';
import { type Simulator, startSimulator } from '../../simulator/server.js';
import { type EcrApp, startEcrApp, until } from '../testing/app.js';
import type { EcrProposal, EcrStatus } from '../types.js';
import { STREAMS, splitWrites } from './fixtures.js';

let sim: Simulator;
let pty: PtyPair;
let relay: PtyPair;
let ecr: EcrApp;
let dataDir: string;
const relayed: Buffer[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  pty = await createPtyPair();
  relay = await createPtyPair();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-ecr-display-'));
  ecr = await startEcrApp({
    dataDir,
    gatewayUrl: sim.url,
    ecr: { display: { enabled: true, path: pty.app, quietMs: 200, relayPath: relay.app } },
  });
  // The "real display" end of the relay pair: read what the app passes on.
  const fd = fs.openSync(relay.scanner, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const timer = setInterval(() => {
    const buf = Buffer.alloc(4096);
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n > 0) relayed.push(buf.subarray(0, n));
    } catch {
      // EAGAIN: nothing yet
    }
  }, 10);
  timer.unref();
  await until('display port open', async () =>
    (await ecr.call<EcrStatus>('ecr.status')).display.state === 'on' ? true : undefined,
  );
});
afterAll(async () => {
  await ecr?.stop();
  await pty?.close();
  await relay?.close();
  await sim?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const proposals = () =>
  ecr.events.filter((e) => e.name === 'ecr.proposal').map((e) => e.payload as EcrProposal);

async function play(buf: Buffer): Promise<void> {
  for (const chunk of splitWrites(buf, 3)) {
    pty.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('customer-display capture over a pty', () => {
  for (const [i, stream] of STREAMS.entries()) {
    it(`${stream.name} → proposal → ${i % 2 === 0 ? 'the scan' : 'one key, then the scan'} → paid`, async () => {
      const seen = proposals().length;
      const before = sim.ledger().length;
      await play(stream.sale);
      const open = await until('a proposal', () =>
        proposals()
          .slice(seen)
          .find((p) => p.state === 'open'),
      );
      expect(open.amountFen).toBe(stream.totalFen);
      expect(open.protocol).toBe(stream.protocol);
      // Nothing is charged, nor even waiting for a code, from a captured amount alone.
      expect(sim.ledger().length).toBe(before);
      expect((await ecr.call<SaleState>('sale.current')).phase).not.toBe('awaiting-code');
      if (i % 2 === 1) {
        const sale = await ecr.call<SaleState>('ecr.confirmProposal', { id: open.id });
        expect(sale).toMatchObject({ phase: 'awaiting-code', amountFen: stream.totalFen });
      }
      await ecr.call('scan.submit', { code: '134567890123451234', source: 'wedge' });
      const paid = await until('paid', async () => {
        const s = await ecr.call<SaleState>('sale.current');
        return s.phase === 'paid' ? s : undefined;
      });
      expect(paid.paidFen).toBe(stream.totalFen);
      expect(sim.ledger().length).toBe(before + 1);
      await ecr.call('sale.reset');
      // The host moves on (payment lamps, a clear): no new proposal from the old total.
      await play(stream.after);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(
        proposals()
          .filter((p) => p.state === 'open' && p.id !== open.id)
          .slice(seen),
      ).toEqual([]);
    });
  }

  it('an amount the cashier typed wins over an open proposal, which is then withdrawn', async () => {
    const seen = proposals().length;
    await play(Buffer.from('\x0cTOTAL 44.40\r\n'));
    const open = await until('a proposal', () =>
      proposals()
        .slice(seen)
        .find((p) => p.state === 'open'),
    );
    await ecr.call('scan.setContext', { screen: 'checkout', draftAmountFen: 1200 });
    await ecr.call('scan.submit', { code: '134567890123451234', source: 'wedge' });
    const paid = await until('paid', async () => {
      const s = await ecr.call<SaleState>('sale.current');
      return s.phase === 'paid' ? s : undefined;
    });
    expect(paid.paidFen).toBe(1200);
    expect(proposals().find((p) => p.id === open.id && p.state === 'dismissed')).toBeTruthy();
    await ecr.call('sale.reset');
    await ecr.call('scan.setContext', { screen: 'checkout' });
    // Nothing left to take: a scan now charges nothing.
    const before = sim.ledger().length;
    await ecr.call('scan.submit', { code: '134567890123451234', source: 'wedge' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.ledger().length).toBe(before);
    await play(Buffer.from('\x0c'));
  });

  it('a proposal the host clears is cancelled and a scan then charges nothing', async () => {
    const seen = proposals().length;
    await play(Buffer.from('TOTAL 33.30\r\n'));
    const open = await until('a proposal', () =>
      proposals()
        .slice(seen)
        .find((p) => p.state === 'open'),
    );
    await play(Buffer.from('\x0c'));
    await until('cancelled', () =>
      proposals()
        .slice(seen)
        .find((p) => p.id === open.id && p.state === 'cancelled'),
    );
    const before = sim.ledger().length;
    await ecr.call('scan.submit', { code: '134567890123451234', source: 'wedge' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.ledger().length).toBe(before);
  });

  it('passes every byte on to the real display and keeps the raw capture', async () => {
    const all = Buffer.concat(STREAMS.map((s) => Buffer.concat([s.sale, s.after])));
    await until('relayed', () => (Buffer.concat(relayed).length >= all.length ? true : undefined));
    expect(Buffer.concat(relayed).subarray(0, all.length).equals(all)).toBe(true);
    const status = await ecr.call<EcrStatus>('ecr.status');
    expect(status.display.capturedBytes).toBeGreaterThanOrEqual(all.length);
  });

  it('Collect diagnostics includes the raw capture of the last minutes, long digit runs masked', async () => {
    const code = '134567890123451234';
    pty.write(Buffer.from(`MEMBER ${code}\r\n`));
    await until('captured', () => (Buffer.concat(relayed).includes(code) ? true : undefined));
    const { path: zip } = await ecr.call<{ path: string }>('diagnostics.collect');
    const hex = unzipSync(fs.readFileSync(zip))['ecr/display-capture.hex'];
    expect(hex).toBeDefined();
    const bytes = Buffer.concat(
      Buffer.from(hex as Uint8Array)
        .toString('utf8')
        .split('\n')
        .map((l) => Buffer.from(l.split(' ')[1] ?? '', 'hex')),
    ).toString('latin1');
    expect(bytes).toContain('MEMBER **************1234');
    expect(bytes).not.toContain(code);
    expect(bytes).toContain('17.50'); // the streams' totals are still there for support
  });
});

describe('auto line settings over a pty', () => {
  it('garbage first moves on to the next candidate; a clean stream locks the settings and is captured', async () => {
    const p2 = await createPtyPair();
    try {
      await ecr.call('ecr.configure', {
        ecr: { display: { enabled: true, path: p2.app, relayPath: '', autoLine: true } },
        managerPin: '123456',
      });
      await until('detecting', async () =>
        (await ecr.call<EcrStatus>('ecr.status')).display.state === 'waiting' ? true : undefined,
      );
      // A pty has no baud rate: garbage stands in for a stream read at the wrong settings.
      p2.write(Buffer.alloc(40, 0xff));
      await until('next candidate', async () => {
        const s = await ecr.call<EcrStatus>('ecr.status');
        return s.display.state === 'waiting' && s.display.where?.endsWith('2400 8N1') ? true : undefined;
      });
      const seen = proposals().length;
      p2.write(Buffer.from('COLA 5.50\r\nCHIPS 12.00\r\nTOTAL 17.50\r\n'));
      const s = await until('locked', async () => {
        const st = await ecr.call<EcrStatus>('ecr.status');
        return st.display.state === 'on' ? st : undefined;
      });
      expect(s.display.line).toBe('2400 8N1');
      const open = await until('a proposal', () =>
        proposals()
          .slice(seen)
          .find((p) => p.state === 'open'),
      );
      expect(open.amountFen).toBe(1750);
      await ecr.call('ecr.dismissProposal', { id: open.id });
    } finally {
      await ecr.call('ecr.configure', { ecr: { display: { enabled: false } }, managerPin: '123456' });
      await p2.close();
    }
  });
});
