/**
 * Integer success counts per task from an evaluation. The gate and the critic reason on counts,
 * never on the stored float rates, so that the order of tasks or rollouts in an input can never
 * change a sum and therefore never change a decision.
 */
import { InputError } from '../../errors.ts';
import type { Evaluation } from '../artifacts/evaluation.ts';
import { compareIds } from './exact-tests.ts';

export interface TaskOutcomeCounts {
  taskId: string;
  difficulty: number;
  successes: number;
  rollouts: number;
  /** Sum of rollout rewards, for reward comparisons. */
  rewardSum: number;
}

/**
 * Counts per task id, keyed and sorted by id.
 * @throws InputError when a task id appears twice (the evaluation would be ambiguous).
 */
export function countTaskOutcomes(evaluation: Evaluation, path: string): Map<string, TaskOutcomeCounts> {
  const counts = new Map<string, TaskOutcomeCounts>();
  evaluation.tasks.forEach((task, index) => {
    if (counts.has(task.taskId)) {
      throw new InputError('evaluation', path, [
        { path: `${path}.tasks[${index}].taskId`, message: `task "${task.taskId}" appears twice` },
      ]);
    }
    const rewards = task.rollouts.map((rollout) => rollout.reward).sort((a, b) => a - b);
    counts.set(task.taskId, {
      taskId: task.taskId,
      difficulty: task.difficulty,
      successes: task.rollouts.filter((rollout) => rollout.success).length,
      rollouts: task.rollouts.length,
      rewardSum: rewards.reduce((sum, reward) => sum + reward, 0),
    });
  });
  return new Map([...counts.entries()].sort(([a], [b]) => compareIds(a, b)));
}

/** Successes and rollouts summed over the given tasks (all when `taskIds` is omitted). */
export function pooledSuccess(
  counts: ReadonlyMap<string, TaskOutcomeCounts>,
  taskIds?: readonly string[],
): { successes: number; rollouts: number; rate: number } {
  let successes = 0;
  let rollouts = 0;
  for (const id of taskIds ?? [...counts.keys()]) {
    const task = counts.get(id);
    if (!task) continue;
    successes += task.successes;
    rollouts += task.rollouts;
  }
  return { successes, rollouts, rate: rollouts === 0 ? 0 : successes / rollouts };
}
