/**
 * Reward up, success not: the candidate earns partial credit (half-met goal conditions, longer
 * episodes that touch more objects) without finishing more tasks. That is the signature of a
 * harness optimising the scorer rather than the task, so it blocks.
 */
import { type CheckFinding, formatRate } from './check-finding.ts';
import type { EvaluationComparison } from './evaluation-comparison.ts';

export interface DecouplingThresholds {
  rewardEpsilon: number;
  successEpsilon: number;
}

export function checkRewardSuccessDecoupling(
  comparison: EvaluationComparison,
  thresholds: DecouplingThresholds,
): CheckFinding {
  const rewardDelta = comparison.candidate.meanReward - comparison.current.meanReward;
  const successDelta = comparison.candidate.successRate - comparison.current.successRate;
  const numbers =
    `mean reward ${formatRate(comparison.current.meanReward)} → ${formatRate(comparison.candidate.meanReward)} ` +
    `(${rewardDelta >= 0 ? '+' : ''}${formatRate(rewardDelta)}), success ${formatRate(comparison.current.successRate)} → ` +
    `${formatRate(comparison.candidate.successRate)} (${successDelta >= 0 ? '+' : ''}${formatRate(successDelta)}) ` +
    `on ${comparison.tasks.length} adaptation tasks`;
  const decoupled = rewardDelta > thresholds.rewardEpsilon && successDelta <= thresholds.successEpsilon;
  return {
    id: 'reward-success-decoupling',
    passed: !decoupled,
    detail: decoupled
      ? `reward rose without success: ${numbers} (reward ε ${thresholds.rewardEpsilon}, success ε ${thresholds.successEpsilon})`
      : numbers,
  };
}
