/**
 * The measured noise floor: how often one harness version disagrees with itself. The gate has the
 * current version's adaptation evaluation and a replicate (same tasks, other seeds); for each task
 * the flip rate is the fraction of (rollout of run A, rollout of run B) pairs whose outcomes differ:
 *
 *   flip(t) = (sA·(nB − sB) + sB·(nA − sA)) / (nA·nB)
 *
 * which estimates 2·p·(1 − p) for a task the version solves with probability p. Pooled over a set
 * of tasks (summed disagreements over summed pairs) it is the probability that a rollout's outcome
 * flips between two runs of the same version: the null flip probability of the gate's tests.
 *
 * Zero observed flips do not mean zero noise (three rollouts of a task solved 95 % of the time look
 * perfect 86 % of the time), so the floor used is max(measured, 3 / N) with N the rollouts per run:
 * 3 / N is the "rule of three" 95 % upper bound on a rate never observed in N trials.
 */
import { InputError, type InputIssue } from '../../errors.ts';
import type { TaskOutcomeCounts } from './evaluation-counts.ts';
import { compareIds } from './exact-tests.ts';

export interface TaskFlip {
  taskId: string;
  rollouts: number;
  currentSuccesses: number;
  replicateSuccesses: number;
  flipRate: number;
}

export interface NoiseFloor {
  tasks: number;
  /** Rollouts per run over the pooled tasks (N). */
  rollouts: number;
  disagreeingPairs: number;
  pairs: number;
  /** Disagreeing pairs over pairs; 0 when there are none. */
  measuredFlipRate: number;
  /** min(1, 3 / N): the rule-of-three upper bound when no flip was seen. */
  ruleOfThreeFloor: number;
  /** max(measured, rule-of-three floor): what the tests and margins use. */
  flipProbability: number;
}

/**
 * Per-task flip rates of the current version against its replicate, sorted by task id.
 * @throws InputError when the replicate does not hold the same tasks with the same rollout counts.
 */
export function measureTaskFlips(
  current: ReadonlyMap<string, TaskOutcomeCounts>,
  replicate: ReadonlyMap<string, TaskOutcomeCounts>,
): TaskFlip[] {
  const issues: InputIssue[] = [];
  for (const id of replicate.keys()) {
    if (!current.has(id))
      issues.push({ path: 'evaluations.currentReplicate.tasks', message: `extra task "${id}"` });
  }
  const flips: TaskFlip[] = [];
  for (const task of current.values()) {
    const twin = replicate.get(task.taskId);
    if (!twin) {
      issues.push({ path: 'evaluations.currentReplicate.tasks', message: `missing task "${task.taskId}"` });
      continue;
    }
    if (twin.rollouts !== task.rollouts) {
      issues.push({
        path: 'evaluations.currentReplicate.tasks',
        message: `task "${task.taskId}" has ${twin.rollouts} rollouts, the current evaluation ${task.rollouts}`,
      });
      continue;
    }
    const n = task.rollouts;
    const disagreeing = task.successes * (n - twin.successes) + twin.successes * (n - task.successes);
    flips.push({
      taskId: task.taskId,
      rollouts: n,
      currentSuccesses: task.successes,
      replicateSuccesses: twin.successes,
      flipRate: disagreeing / (n * n),
    });
  }
  if (issues.length > 0) throw new InputError('gate input', 'decideGate', issues);
  return flips.sort((a, b) => compareIds(a.taskId, b.taskId));
}

/** Pools the flips of the given tasks into one noise floor (see the module comment). */
export function poolNoiseFloor(flips: readonly TaskFlip[]): NoiseFloor {
  let rollouts = 0;
  let pairs = 0;
  let disagreeingPairs = 0;
  for (const flip of flips) {
    const n = flip.rollouts;
    rollouts += n;
    pairs += n * n;
    disagreeingPairs +=
      flip.currentSuccesses * (n - flip.replicateSuccesses) +
      flip.replicateSuccesses * (n - flip.currentSuccesses);
  }
  const measuredFlipRate = pairs === 0 ? 0 : disagreeingPairs / pairs;
  const ruleOfThreeFloor = rollouts === 0 ? 1 : Math.min(1, 3 / rollouts);
  return {
    tasks: flips.length,
    rollouts,
    disagreeingPairs,
    pairs,
    measuredFlipRate,
    ruleOfThreeFloor,
    flipProbability: Math.max(measuredFlipRate, ruleOfThreeFloor),
  };
}
