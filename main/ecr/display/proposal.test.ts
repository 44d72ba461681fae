import { describe, expect, it } from 'vitest';
import { STREAMS, splitWrites } from './fixtures.js';
import { type Proposed, Proposer } from './proposal.js';

/** A proposer on a hand-driven clock: `tick()` fires the quiet-period timer. */
function harness(protocol: 'auto' | 'led8' = 'auto') {
  const proposals: Proposed[] = [];
  const cancels: string[] = [];
  let timer: (() => void) | undefined;
  const p = new Proposer({
    protocol,
    encoding: 'auto',
    quietMs: 300,
    onPropose: (x) => proposals.push(x),
    onCancel: (why) => cancels.push(why),
    setTimer: (fn) => {
      timer = fn;
      return { cancel: () => (timer = timer === fn ? undefined : timer) };
    },
  });
  return {
    p,
    proposals,
    cancels,
    tick: () => {
      const fn = timer;
      timer = undefined;
      fn?.();
    },
    feed: (buf: Buffer, seed?: number) => {
      for (const chunk of splitWrites(buf, seed)) p.feed(chunk);
    },
  };
}

describe('display capture → proposal', () => {
  for (const stream of STREAMS) {
    it(`${stream.name}: one proposal of the total, split writes, then cancelled`, () => {
      for (const seed of [1, 7, 42]) {
        const h = harness();
        h.feed(stream.sale, seed);
        h.tick();
        expect(h.proposals).toEqual([
          expect.objectContaining({ amountFen: stream.totalFen, protocol: stream.protocol }),
        ]);
        // Quiet again: not proposed twice.
        h.tick();
        expect(h.proposals).toHaveLength(1);
        h.feed(stream.after, seed);
        h.tick();
        expect(h.cancels.length).toBeGreaterThan(0);
        expect(h.proposals).toHaveLength(1);
      }
    });
  }

  it('item prices alone never become a proposal', () => {
    const h = harness();
    h.feed(Buffer.from('COLA 5.50\r\nCHIPS 12.00\r\n'));
    h.tick();
    const led = harness();
    led.feed(Buffer.from('\x1bs1\x1bQA5.50\r\x1bs1\x1bQA12.00\r'));
    led.tick();
    expect([...h.proposals, ...led.proposals]).toEqual([]);
  });

  it('a total line still changing is not proposed until it is stable', () => {
    const h = harness();
    h.feed(Buffer.from('\x0c\x1bQATOTAL\r\x1bQB 5.50\r'));
    // Another item arrives before the quiet period ends: the total changes.
    h.feed(Buffer.from('\x1bQB 17.50\r'));
    h.tick();
    expect(h.proposals.map((x) => x.amountFen)).toEqual([1750]);
  });

  it('a new total after a clear is proposed again; a clear cancels the open one', () => {
    const h = harness();
    h.feed(Buffer.from('TOTAL 9.90\r\n'));
    h.tick();
    h.feed(Buffer.from('\x0c'));
    expect(h.cancels).toEqual(['clear']);
    h.feed(Buffer.from('TOTAL 9.90\r\n'));
    h.tick();
    expect(h.proposals.map((x) => x.amountFen)).toEqual([990, 990]);
  });

  it('LED-8: new digits under the 总计 lamp replace the proposal; the 单价 lamp cancels it', () => {
    const h = harness();
    h.feed(Buffer.from('\x1bs2\x1bQA10.00\r\x1bQA12.00\r'));
    expect(h.proposals.map((x) => x.amountFen)).toEqual([1000, 1200]);
    h.feed(Buffer.from('\x1bs1'));
    expect(h.cancels).toEqual(['lamp']);
  });

  it('garbage and unknown commands do not crash the screen or make a proposal', () => {
    const h = harness();
    const junk = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256));
    h.feed(junk);
    h.tick();
    expect(h.proposals.every((x) => Number.isSafeInteger(x.amountFen) && x.amountFen > 0)).toBe(true);
  });
});

describe('line-settings auto-detection', () => {
  it('display streams look right; framing garbage from a wrong baud rate does not', async () => {
    const { looksRight, plausibility } = await import('./detect.js');
    for (const s of STREAMS)
      expect(plausibility(Buffer.concat([s.sale, s.after]))).toBeGreaterThanOrEqual(0.95);
    // What a 9600-baud stream looks like read at 2400 / with the wrong parity: mostly 0x00, 0x80, 0xFF, 0xF8…
    let x = 3;
    const garbage = Buffer.from(
      Array.from({ length: 64 }, () => {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        return [0x00, 0x80, 0xff, 0xf8, 0xe0, 0x78, 0xfe, 0x06][x % 8] as number;
      }),
    );
    expect(looksRight(garbage)).toBe(false);
    expect(looksRight(Buffer.from('TOTAL'))).toBe(false); // too little to judge
  });
});
