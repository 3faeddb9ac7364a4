/**
 * Gain concentration: the candidate's net gain over the parent comes from one task, or one
 * difficulty bucket, while the rest of the suite regresses. Such a gain tends to be an edit
 * fitted to a few tasks (or luck on them) paid for elsewhere, so it warns: the policy asks for one
 * revision, then lets the candidate through with the warning recorded.
 *
 * Gains are per-task success-rate deltas (+1 = a task unlocked in every rollout). It warns when
 * the net gain is positive, one task's (or bucket's) share of the positive gain exceeds
 * `concentrationShare`, and the net delta of everything else is negative.
 */
import { type CheckFinding, formatRate } from './check-finding.ts';
import type { TaskDelta } from './evaluation-comparison.ts';

interface Concentration {
  label: string;
  share: number;
  restNet: number;
}

function concentrate(
  groups: ReadonlyMap<string, readonly TaskDelta[]>,
  positiveTotal: number,
): Concentration | undefined {
  let top: { label: string; gain: number } | undefined;
  for (const [label, tasks] of groups) {
    const gain = tasks.reduce((sum, task) => sum + Math.max(0, task.delta), 0);
    if (top === undefined || gain > top.gain) top = { label, gain };
  }
  if (top === undefined || positiveTotal <= 0) return undefined;
  let restNet = 0;
  for (const [label, tasks] of groups) {
    if (label !== top.label) restNet += tasks.reduce((sum, task) => sum + task.delta, 0);
  }
  return { label: top.label, share: top.gain / positiveTotal, restNet };
}

function groupBy(tasks: readonly TaskDelta[], key: (task: TaskDelta) => string): Map<string, TaskDelta[]> {
  const groups = new Map<string, TaskDelta[]>();
  for (const task of tasks) {
    const name = key(task);
    const list = groups.get(name) ?? [];
    list.push(task);
    groups.set(name, list);
  }
  return groups;
}

export function checkGainConcentration(tasks: readonly TaskDelta[], maxShare: number): CheckFinding {
  const net = tasks.reduce((sum, task) => sum + task.delta, 0);
  const positive = tasks.reduce((sum, task) => sum + Math.max(0, task.delta), 0);
  if (net <= 0) {
    return {
      id: 'gain-concentration',
      passed: true,
      detail: `no net gain to concentrate (net ${formatRate(net)} tasks)`,
    };
  }
  const findings = [
    {
      kind: 'task',
      found: concentrate(
        groupBy(tasks, (task) => task.taskId),
        positive,
      ),
    },
    {
      kind: 'difficulty bucket',
      found: concentrate(
        groupBy(tasks, (task) => String(task.difficulty)),
        positive,
      ),
    },
  ].filter((entry) => entry.found !== undefined && entry.found.share > maxShare && entry.found.restNet < 0);
  if (findings.length === 0) {
    return {
      id: 'gain-concentration',
      passed: true,
      detail: `net gain ${formatRate(net)} tasks, not carried by one task or bucket at the expense of the rest`,
    };
  }
  const described = findings
    .map(
      ({ kind, found }) =>
        `${kind} ${found!.label} carries ${(found!.share * 100).toFixed(0)} % of the gain while the rest nets ${formatRate(found!.restNet)}`,
    )
    .join('; ');
  return {
    id: 'gain-concentration',
    passed: false,
    detail: `net gain ${formatRate(net)} tasks is concentrated: ${described}`,
  };
}
