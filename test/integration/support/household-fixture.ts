/**
 * What the distributed-pipeline tests share: the household project (with a trigger of three
 * uploaded traces), its baseline, and real OTLP/JSON trace files of the baseline's own runs, the
 * kind a user's production agent would upload.
 */
import { join } from 'node:path';
import {
  createBuiltinRegistry,
  createHouseholdSuite,
  type HarnessSpec,
  loadHarnessFile,
  loadProjectFile,
  type ProjectConfig,
  runSuite,
  type Trajectory,
  trajectoriesToOtlp,
} from '@harnessx/core';
import { createSimulatedWorkerModel } from '@harnessx/core/testing';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

export async function loadHouseholdProject(
  policies: Partial<ProjectConfig['policies']> = {},
): Promise<{ project: ProjectConfig; baselineSpec: HarnessSpec }> {
  const loaded = await loadProjectFile(join(REPO_ROOT, 'examples/projects/household.yaml'));
  const project = {
    ...loaded.config,
    policies: { ...loaded.config.policies, triggerTraces: 3, ...policies },
  };
  return { project, baselineSpec: await loadHarnessFile(loaded.baselinePath) };
}

/** `count` trace files, each one episode of the baseline on an adaptation task (simulated worker). */
export async function householdTraceFiles(baselineSpec: HarnessSpec, count: number): Promise<string[]> {
  const suite = createHouseholdSuite();
  const taskIds = suite
    .tasks('adaptation')
    .slice(0, count)
    .map((task) => task.id);
  const trajectories: Trajectory[] = [];
  await runSuite({
    suite,
    split: 'adaptation',
    harness: baselineSpec,
    processors: createBuiltinRegistry().resolve(baselineSpec.processors),
    model: createSimulatedWorkerModel(),
    k: 1,
    seed: 99,
    taskIds,
    onEpisode: (trajectory) => {
      trajectories.push(trajectory);
    },
  });
  return trajectories.map((trajectory) => JSON.stringify(trajectoriesToOtlp([trajectory])));
}
