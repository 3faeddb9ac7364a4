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
import { createEmbeddedFoundry } from '../../../harness-core/src/adapters/embedded/index.ts';
import type { CycleState } from '../../../harness-core/src/aegis/artifacts/cycle-state.ts';
import { composeCycleDeps } from '../../../harness-core/src/aegis/compose-cycle-deps.ts';
import { registerProject } from '../../../harness-core/src/aegis/distributed/index.ts';
import {
  loadCycleState,
  newCycleState,
  runCycle,
} from '../../../harness-core/src/aegis/pipeline/run-cycle.ts';
import type { ArtifactStore } from '../../../harness-core/src/ports/artifact-store.ts';
import type { Registry } from '../../../harness-core/src/ports/registry.ts';

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

/** Trace (32 hex) and span (16 hex) ids are random per run; content ids (64 hex) are kept. */
export const withoutTraceIds = (body: string) => body.replace(/\b([0-9a-f]{32}|[0-9a-f]{16})\b/g, '<id>');

export const storeText = async (store: ArtifactStore, key: string) =>
  Buffer.from((await store.get(key)) ?? []).toString();

/**
 * The reference: cycle 1 of the project run in-process on a fresh embedded store holding the same
 * uploaded trace files, as `harnessx evolve` would run it.
 */
export async function runReferenceCycle(input: {
  dir: string;
  project: ProjectConfig;
  baselineSpec: HarnessSpec;
  traces: { key: string; body: string }[];
}): Promise<{ state: CycleState; store: ArtifactStore }> {
  const embedded = createEmbeddedFoundry(input.dir);
  const { baselineContentId } = await registerProject(embedded, input);
  for (const trace of input.traces) await embedded.store.put(trace.key, trace.body);
  const { deps } = composeCycleDeps({ ...input, ...embedded, env: {}, source: 'test', emit: () => {} });
  const initial = newCycleState(input.project.name, 1, baselineContentId);
  initial.artifacts.uploadedTraces = input.traces.map((trace) => trace.key).sort();
  return { state: await runCycle(deps, initial), store: embedded.store };
}

/** The stored state of `cycleId`, read through the same composition the functions use. */
export async function readCycleState(
  foundry: { store: ArtifactStore; registry: Registry },
  project: ProjectConfig,
  baselineSpec: HarnessSpec,
  cycleId: string,
): Promise<CycleState> {
  const { deps } = composeCycleDeps({
    project,
    baselineSpec,
    ...foundry,
    env: {},
    source: 'test',
    emit: () => {},
  });
  const state = await loadCycleState(deps, cycleId);
  if (!state) throw new Error(`cycle ${cycleId} left no state`);
  return state;
}
