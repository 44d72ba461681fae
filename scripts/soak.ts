/**
 * `npm run soak -- --runs N [--seed S] [--concurrency C]`: the model-based proof of the operations core
 * (main/engine/core/model.ts) for as many sequences as asked. Prints the seed and the counts; exits 1
 * when any sequence broke a property (with that sequence). `--replay '<sequence JSON>'` runs one again.
 */
import { describeResult, emptyCounts, runModel, runSequence } from '../main/engine/core/model.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(arg('runs') ?? 1000);
const seed = Number(arg('seed') ?? Math.floor(Math.random() * 2 ** 31));
const concurrency = Number(arg('concurrency') ?? 4);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed) || concurrency < 1) {
  console.error('usage: npm run soak -- --runs N [--seed S] [--concurrency C]');
  process.exit(2);
}
const replay = arg('replay');
if (replay) {
  const counts = emptyCounts();
  const problems = await runSequence(JSON.parse(replay), counts);
  console.log(JSON.stringify({ problems, counts }, null, 2));
  process.exit(problems.length > 0 ? 1 : 0);
}
const result = await runModel({ seed, runs, concurrency });
console.log(describeResult(result));
process.exit(result.failures.length > 0 ? 1 : 0);
