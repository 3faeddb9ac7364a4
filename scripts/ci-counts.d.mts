/** Types for ci-counts.mjs, so that TypeScript tests can import it. */

export interface RunnerCounts {
  passed: number;
  failed: number;
}

/** Counts from vitest's JSON reporter output. */
export declare function countVitestResults(jsonText: string): RunnerCounts;

/** Counts from pytest's final summary line; errors count as failed. */
export declare function countPytestSummary(outputText: string): RunnerCounts;

/** Counts from unittest's `Ran N tests` and `OK`/`FAILED (...)` lines. */
export declare function countUnittestSummary(outputText: string): RunnerCounts;
