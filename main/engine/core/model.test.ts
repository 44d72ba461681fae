/**
 * The model-based proof (model.ts): random sequences of every operation against the real simulators,
 * random faults on every call and random kill points, then recovery with a healthy gateway. Bounded:
 * MODEL_RUNS sequences (default 300) from MODEL_SEED (default: a fresh seed, printed). Thousands:
 * `npm run soak -- --runs 5000`.
 */
import { expect, it } from 'vitest';
import { describeResult, runModel } from './model.js';

const runs = Number(process.env.MODEL_RUNS ?? 300);
const seed = Number(process.env.MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31));

it(`${runs} random sequences with faults and kills agree with the simulators after recovery`, async () => {
  const result = await runModel({ seed, runs, concurrency: 4 });
  console.log(describeResult(result));
  expect(result.failures.map((f) => ({ index: f.index, problems: f.problems }))).toEqual([]);
  expect(result.counts.sequences).toBe(runs);
  // The faults and kills really happened (a proof that never injected a fault would prove nothing).
  expect(result.counts.kills).toBeGreaterThan(0);
  expect(Object.values(result.counts.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
}, 120_000);
