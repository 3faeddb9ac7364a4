/**
 * The candidate against the current version on the adaptation tasks both were evaluated on:
 * per-task success deltas and pooled success and reward rates, all from counts in task-id order.
 */
import { InputError } from '../../errors.ts';
import type { Evaluation } from '../artifacts/evaluation.ts';
import { countTaskOutcomes } from '../gate/evaluation-counts.ts';

export interface TaskDelta {
  taskId: string;
  difficulty: number;
  currentRate: number;
  candidateRate: number;
  /** candidateRate − currentRate: +1 is a task unlocked in every rollout. */
  delta: number;
}

export interface PooledRates {
  rollouts: number;
  successRate: number;
  meanReward: number;
}

export interface EvaluationComparison {
  tasks: TaskDelta[];
  current: PooledRates;
  candidate: PooledRates;
}

/**
 * @throws InputError when the two evaluations share no task.
 */
export function compareEvaluations(current: Evaluation, candidate: Evaluation): EvaluationComparison {
  const before = countTaskOutcomes(current, 'currentEvaluation');
  const after = countTaskOutcomes(candidate, 'candidateEvaluation');
  const tasks: TaskDelta[] = [];
  const totals = {
    current: { rollouts: 0, successes: 0, reward: 0 },
    candidate: { rollouts: 0, successes: 0, reward: 0 },
  };
  for (const task of before.values()) {
    const other = after.get(task.taskId);
    if (!other) continue;
    const currentRate = task.successes / task.rollouts;
    const candidateRate = other.successes / other.rollouts;
    tasks.push({
      taskId: task.taskId,
      difficulty: task.difficulty,
      currentRate,
      candidateRate,
      delta: candidateRate - currentRate,
    });
    totals.current.rollouts += task.rollouts;
    totals.current.successes += task.successes;
    totals.current.reward += task.rewardSum;
    totals.candidate.rollouts += other.rollouts;
    totals.candidate.successes += other.successes;
    totals.candidate.reward += other.rewardSum;
  }
  if (tasks.length === 0) {
    throw new InputError('critic input', 'judgeCandidate', [
      { path: 'candidateEvaluation.tasks', message: 'shares no task with the current evaluation' },
    ]);
  }
  const pooled = (sums: { rollouts: number; successes: number; reward: number }): PooledRates => ({
    rollouts: sums.rollouts,
    successRate: sums.successes / sums.rollouts,
    meanReward: sums.reward / sums.rollouts,
  });
  return { tasks, current: pooled(totals.current), candidate: pooled(totals.candidate) };
}
