/**
 * The exact tests behind the gate's per-task regression rule: a binomial upper tail (one-sided,
 * summed term by term because a rollout count is small) and Holm's step-down correction across the
 * tasks tested at once. Pure arithmetic: same numbers in, same numbers out.
 */
import { SystemError } from '../../errors.ts';

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new SystemError(`${name} must be a non-negative integer`);
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/**
 * P(X ≥ x) for X ~ Binomial(n, p): the chance of at least `x` failures among `n` rollouts when each
 * fails with probability `p`.
 * @example
 * binomialUpperTail(3, 3, 0.1); // 0.001: three failures out of three at a 10 % null
 */
export function binomialUpperTail(n: number, x: number, p: number): number {
  assertCount('n', n);
  assertCount('x', x);
  if (!(p >= 0 && p <= 1)) throw new SystemError('p must be a probability in [0, 1]');
  if (x === 0) return 1;
  if (x > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logN = logFactorial(n);
  let sum = 0;
  for (let i = x; i <= n; i++) {
    const logChoose = logN - logFactorial(i) - logFactorial(n - i);
    sum += Math.exp(logChoose + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, sum);
}

export interface HolmInput {
  id: string;
  pValue: number;
}

export interface HolmResult extends HolmInput {
  /** α / (m − rank): the level this test was held to in the step-down. */
  threshold: number;
  rejected: boolean;
}

/**
 * Holm–Bonferroni step-down at family-wise level `alpha`: sort by p-value (ties by id, so the
 * order of the input never matters), reject while p ≤ α / (m − i), stop at the first that is not.
 * Returns the tests in that sorted order.
 */
export function holmBonferroni(tests: readonly HolmInput[], alpha: number): HolmResult[] {
  const sorted = [...tests].sort((a, b) => a.pValue - b.pValue || compareIds(a.id, b.id));
  const m = sorted.length;
  let stillRejecting = true;
  return sorted.map((test, index) => {
    const threshold = alpha / (m - index);
    stillRejecting = stillRejecting && test.pValue <= threshold;
    return { id: test.id, pValue: test.pValue, threshold, rejected: stillRejecting };
  });
}

/** Code-unit order, independent of the locale the process runs under. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
