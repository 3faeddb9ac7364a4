#!/usr/bin/env node
/**
 * Reads a test runner's output and prints `<passed> <failed>` for .ci/run to sum into its final
 * `N passed, N failed` line. Kept out of the bash script so that the parsing is unit-tested.
 *
 * Usage: `node scripts/ci-counts.mjs vitest|pytest|unittest <file>`; exits 2 on unreadable input.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Counts from vitest's JSON reporter output (`numPassedTests`, `numFailedTests`).
 * @param {string} jsonText
 * @returns {{ passed: number, failed: number }}
 */
export function countVitestResults(jsonText) {
  const results = JSON.parse(jsonText);
  const passed = results?.numPassedTests;
  const failed = results?.numFailedTests;
  if (!Number.isInteger(passed) || !Number.isInteger(failed)) {
    throw new Error('expected vitest JSON with integer numPassedTests and numFailedTests');
  }
  return { passed, failed };
}

const countOf = (text, pattern) => Number(pattern.exec(text)?.[1] ?? 0);

/**
 * Counts from pytest's final summary line, e.g. `3 passed, 1 failed, 2 errors in 0.52s`; errors count as
 * failed. A run with no summary line (crash before collection) is an error.
 * @param {string} outputText
 * @returns {{ passed: number, failed: number }}
 */
export function countPytestSummary(outputText) {
  const summary = outputText
    .split('\n')
    .reverse()
    .find((line) => /\b(passed|failed|errors?|no tests ran|skipped|deselected)\b.* in [\d.]+s/.test(line));
  if (summary === undefined) throw new Error('no pytest summary line found');
  return {
    passed: countOf(summary, /(\d+) passed/),
    failed: countOf(summary, /(\d+) failed/) + countOf(summary, /(\d+) errors?\b/),
  };
}

/**
 * Counts from unittest's `Ran N tests` and `OK (...)` / `FAILED (failures=…, errors=…)` lines.
 * Skipped and expected failures are neither passed nor failed; unexpected successes fail the run.
 * @param {string} outputText
 * @returns {{ passed: number, failed: number }}
 */
export function countUnittestSummary(outputText) {
  const ranMatches = [...outputText.matchAll(/^Ran (\d+) tests? in /gm)];
  const ran = ranMatches.at(-1);
  if (ran === undefined) throw new Error('no unittest "Ran N tests" line found');
  const verdict = /^(OK|FAILED)\b(.*)$/m.exec(outputText.slice(ran.index));
  if (verdict === null) throw new Error('no unittest OK/FAILED line found');
  const detail = verdict[2] ?? '';
  const failed =
    countOf(detail, /\bfailures=(\d+)/) +
    countOf(detail, /\berrors=(\d+)/) +
    countOf(detail, /\bunexpected successes=(\d+)/);
  const notRun = countOf(detail, /\bskipped=(\d+)/) + countOf(detail, /\bexpected failures=(\d+)/);
  return { passed: Number(ran[1]) - failed - notRun, failed };
}

const COUNTERS = { vitest: countVitestResults, pytest: countPytestSummary, unittest: countUnittestSummary };

function main() {
  const [kind, file] = process.argv.slice(2);
  const counter = COUNTERS[kind];
  if (!counter || !file) {
    console.error('usage: node scripts/ci-counts.mjs vitest|pytest|unittest <file>');
    process.exitCode = 2;
    return;
  }
  try {
    const { passed, failed } = counter(readFileSync(file, 'utf8'));
    console.log(`${passed} ${failed}`);
  } catch (error) {
    console.error(`ci-counts: cannot read ${kind} results from ${file}: ${error.message}`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
