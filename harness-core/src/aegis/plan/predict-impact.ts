/**
 * Predicted impact of one edit, from the digest of the current version on the adaptation split.
 * A task is "solved now" when at least one of its rollouts succeeded.
 *
 * - unlock: the cluster's tasks that no rollout solves now — the edit targets their failure.
 * - stabilise: the cluster's tasks that some rollout solves (flaky: the edit removes the failure
 *   of their bad rollouts), plus solved tasks with a rollout that failed at the cluster's tool.
 * - atRisk: solved tasks, outside the two lists above, that the edit could disturb:
 *   - removing a processor or restricting tools: every such task (what the processor or tool did
 *     for them is not in the digest);
 *   - lowering budgets: tasks whose longest successful rollout used more than 80% of the new
 *     turn or tool-call budget;
 *   - enabling a tool: none (a tool the model does not need is rarely called);
 *   - any other edit (processors that add messages, intercept calls or drop context, prompt
 *     edits): the long episodes, i.e. tasks whose longest successful rollout is in the top quarter
 *     of successful rollouts by turns — closest to the budgets, with the most context to disturb.
 * Every list is sorted, so equal digests give equal predictions.
 */
import { type Digest, type FailureCluster, failedTrajectoriesOf } from '../artifacts/digest.ts';
import type { Hypothesis, OperatorCall } from '../artifacts/plan.ts';

type Prediction = Hypothesis['predicted'];

/** Share of a lowered budget above which a solved task counts as at risk. */
export const BUDGET_RISK_SHARE = 0.8;
/** Quantile of successful rollout lengths from which an episode counts as long. */
export const LONG_EPISODE_QUANTILE = 0.75;

/** Per task: whether any rollout succeeded, and the longest successful rollout in turns. */
export interface TaskOutcomes {
  readonly solved: ReadonlyMap<string, number>;
  /** Solved tasks with a rollout that failed at each tool. */
  readonly failedAtTool: ReadonlyMap<string, ReadonlySet<string>>;
  /** Turns of the successful rollouts, ascending. */
  readonly successTurns: readonly number[];
}

export function taskOutcomes(digest: Digest): TaskOutcomes {
  const listed = digest.successfulTrajectories ?? [];
  const solved = new Map<string, number>();
  for (const trajectory of listed)
    solved.set(trajectory.taskId, Math.max(solved.get(trajectory.taskId) ?? 0, trajectory.turns));
  // Without the list (the default), the per-task summary says which tasks were solved.
  for (const task of digest.tasks ?? []) {
    if (task.successes === 0) continue;
    solved.set(task.taskId, Math.max(solved.get(task.taskId) ?? 0, task.successTurnsMax ?? 0));
  }
  const failedAtTool = new Map<string, Set<string>>();
  for (const trajectory of failedTrajectoriesOf(digest)) {
    if (trajectory.tool === undefined || !solved.has(trajectory.taskId)) continue;
    const tasks = failedAtTool.get(trajectory.tool) ?? new Set<string>();
    tasks.add(trajectory.taskId);
    failedAtTool.set(trajectory.tool, tasks);
  }
  const listedTurns = listed.map((t) => t.turns);
  const successTurns = (listedTurns.length > 0 ? listedTurns : [...solved.values()]).sort((a, b) => a - b);
  return { solved, failedAtTool, successTurns };
}

/** Nearest-rank quantile of an ascending list. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.POSITIVE_INFINITY;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function budgetLimit(edit: OperatorCall): number | undefined {
  const limits = [edit.params['maxTurns'], edit.params['maxToolCalls']].filter(
    (value): value is number => typeof value === 'number',
  );
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

function disturbed(edit: OperatorCall, candidates: readonly string[], outcomes: TaskOutcomes): string[] {
  const longest = (task: string) => outcomes.solved.get(task) ?? 0;
  switch (edit.operator) {
    case 'remove-processor':
    case 'restrict-tools':
      return [...candidates];
    case 'enable-tool':
      return [];
    case 'set-budget-split': {
      const limit = budgetLimit(edit);
      return limit === undefined
        ? []
        : candidates.filter((task) => longest(task) > BUDGET_RISK_SHARE * limit);
    }
    default: {
      const threshold = quantile(outcomes.successTurns, LONG_EPISODE_QUANTILE);
      return candidates.filter((task) => longest(task) >= threshold);
    }
  }
}

/** The unlock / stabilise / at-risk task ids of one edit aimed at one cluster (see module comment). */
export function predictImpact(
  cluster: FailureCluster,
  edit: OperatorCall,
  outcomes: TaskOutcomes,
): Prediction {
  const unlock = cluster.taskIds.filter((task) => !outcomes.solved.has(task));
  const stabilise = new Set(cluster.taskIds.filter((task) => outcomes.solved.has(task)));
  if (cluster.tool !== undefined)
    for (const task of outcomes.failedAtTool.get(cluster.tool) ?? []) stabilise.add(task);
  const others = [...outcomes.solved.keys()].filter((task) => !stabilise.has(task));
  return {
    unlock: [...unlock].sort(),
    stabilise: [...stabilise].sort(),
    atRisk: disturbed(edit, others, outcomes).sort(),
  };
}
