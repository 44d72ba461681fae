// Prints one closing line for the whole `npm test` run from the two runners' JSON reports:
// "tests: N passed, N failed, N skipped". Exits non-zero if any test failed or a report is missing.
import { readFileSync } from 'node:fs';

function read(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`missing test report: ${file}`);
    process.exit(1);
  }
}

const vitest = read('reports/vitest.json');
const playwright = read('reports/playwright.json');

const passed = vitest.numPassedTests + (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
const failed = vitest.numFailedTests + (playwright.stats.unexpected ?? 0);
const skipped = vitest.numPendingTests + vitest.numTodoTests + (playwright.stats.skipped ?? 0);

console.log(`unit+integration: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed`);
console.log(
  `end-to-end: ${playwright.stats.expected} passed, ${playwright.stats.unexpected} failed, ${playwright.stats.skipped} skipped`,
);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
