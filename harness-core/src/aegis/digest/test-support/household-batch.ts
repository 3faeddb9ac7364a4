/**
 * Real household traces for the digest's tests and benchmark: the baseline harness on the
 * simulated worker, over the first adaptation tasks with two rollouts each (seeded, so the batch
 * is the same on every run).
 */
import { fileURLToPath } from 'node:url';
import { createHouseholdSuite } from '../../../environments/household/index.ts';
import { runSuite } from '../../../environments/run-suite.ts';
import { harnessContentId } from '../../../harness/canonical.ts';
import { loadHarnessFile } from '../../../harness/load.ts';
import type { HarnessSpec } from '../../../harness/spec.ts';
import { createBuiltinRegistry } from '../../../processors/index.ts';
import { createSimulatedWorkerModel } from '../../../testing/simulated-worker/index.ts';
import type { Trajectory } from '../../../trace/trajectory.ts';

export const BASELINE_HARNESS_PATH = fileURLToPath(
  new URL('../../../../../examples/harnesses/baseline.yaml', import.meta.url),
);

export interface HouseholdBatchOptions {
  /** Episodes in the batch; tasks are taken in suite order, `rollouts` each. */
  episodes: number;
  rollouts?: number;
  /** Restrict to tasks of at least this difficulty (1-6). */
  minDifficulty?: number;
  /** Changes to the baseline's budgets (e.g. fewer turns, to provoke budget exhaustion). */
  budgets?: Partial<HarnessSpec['budgets']>;
  seed?: number;
}

export interface HouseholdBatch {
  harness: HarnessSpec;
  contentId: string;
  /** In suite order of their tasks, then rollout order. */
  trajectories: Trajectory[];
}

export async function runHouseholdBatch(options: HouseholdBatchOptions): Promise<HouseholdBatch> {
  const baseline = await loadHarnessFile(BASELINE_HARNESS_PATH);
  const harness: HarnessSpec = { ...baseline, budgets: { ...baseline.budgets, ...options.budgets } };
  const rollouts = options.rollouts ?? 2;
  const suite = createHouseholdSuite();
  const tasks = suite
    .tasks('adaptation')
    .filter((task) => task.difficulty >= (options.minDifficulty ?? 1))
    .slice(0, Math.ceil(options.episodes / rollouts));
  const trajectories: Trajectory[] = [];
  const score = await runSuite({
    suite,
    split: 'adaptation',
    harness,
    processors: createBuiltinRegistry().resolve(harness.processors),
    model: createSimulatedWorkerModel(),
    k: rollouts,
    seed: options.seed ?? 0,
    taskIds: tasks.map((task) => task.id),
    onEpisode: (trajectory) => {
      trajectories.push(trajectory);
    },
  });
  // Episodes finish in pool order; the score lists them in suite order.
  const order = score.tasks.flatMap((task) => task.rollouts.map((rollout) => rollout.traceId));
  const byTrace = new Map(trajectories.map((trajectory) => [trajectory.traceId, trajectory]));
  return {
    harness,
    contentId: harnessContentId(harness),
    trajectories: order
      .map((traceId) => byTrace.get(traceId))
      .filter((trajectory): trajectory is Trajectory => trajectory !== undefined)
      .slice(0, options.episodes),
  };
}
