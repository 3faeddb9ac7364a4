import { describe, expect, it } from 'vitest';
import { countPytestSummary, countUnittestSummary, countVitestResults } from '../../scripts/ci-counts.mjs';

describe('countVitestResults', () => {
  it('reads numPassedTests and numFailedTests', () => {
    const json = JSON.stringify({
      numTotalTests: 7,
      numPassedTests: 5,
      numFailedTests: 1,
      numPendingTests: 1,
    });
    expect(countVitestResults(json)).toEqual({ passed: 5, failed: 1 });
  });

  it('rejects JSON without the counts', () => {
    expect(() => countVitestResults('{"testResults":[]}')).toThrow(/numPassedTests/);
    expect(() => countVitestResults('{"numPassedTests":')).toThrow(SyntaxError);
  });
});

describe('countPytestSummary', () => {
  it('reads the last summary line; errors count as failed', () => {
    const output = '..F.E\n=== FAILURES ===\n...\n2 failed, 3 passed, 1 error, 1 warning in 0.52s\n';
    expect(countPytestSummary(output)).toEqual({ passed: 3, failed: 3 });
  });

  it('reads the decorated form and a run with no tests', () => {
    expect(countPytestSummary('============ 12 passed in 65.43s (0:01:05) ============\n')).toEqual({
      passed: 12,
      failed: 0,
    });
    expect(countPytestSummary('no tests ran in 0.01s\n')).toEqual({ passed: 0, failed: 0 });
  });

  it('refuses output without a summary', () => {
    expect(() => countPytestSummary('ImportError: No module named torch\n')).toThrow(/no pytest summary/);
  });
});

describe('countUnittestSummary', () => {
  it('reads a passing run with skips', () => {
    const output =
      'test_a ... ok\n\n----------------------------------------------------------------------\nRan 4 tests in 0.010s\n\nOK (skipped=1)\n';
    expect(countUnittestSummary(output)).toEqual({ passed: 3, failed: 0 });
  });

  it('reads a failing run: failures, errors and unexpected successes fail', () => {
    const output =
      'Ran 10 tests in 1.2s\n\nFAILED (failures=2, errors=1, skipped=1, expected failures=1, unexpected successes=1)\n';
    expect(countUnittestSummary(output)).toEqual({ passed: 4, failed: 4 });
  });

  it('refuses output without "Ran N tests"', () => {
    expect(() => countUnittestSummary('Traceback (most recent call last):\n')).toThrow(/Ran N tests/);
  });
});
