/**
 * The claim `npm start` makes, asserted on a fixed seed: on the household held-out split with k = 3,
 * the shipped tuned harness beats the plain baseline by at least 30 points; the baseline is not
 * crippled (it solves the short tasks); and the simulated worker cannot see the harness (renamed
 * processors in a differently named harness that produce the same messages give the same behaviour).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHouseholdSuite } from '../../harness-core/src/environments/household/index.ts';
import { runSuite, type SuiteScore } from '../../harness-core/src/environments/run-suite.ts';
import { loadHarnessFile } from '../../harness-core/src/harness/load.ts';
import { ProcessorRegistry } from '../../harness-core/src/harness/registry.ts';
import type { HarnessSpec } from '../../harness-core/src/harness/spec.ts';
import { builtinProcessors, createBuiltinRegistry } from '../../harness-core/src/processors/index.ts';
import { createSimulatedWorkerModel } from '../../harness-core/src/testing/simulated-worker/index.ts';
import type { Trajectory } from '../../harness-core/src/trace/trajectory.ts';

const root = join(import.meta.dirname, '..', '..');
const SEED = 0;

async function score(harness: HarnessSpec, registry = createBuiltinRegistry(), sink?: Trajectory[]) {
  return runSuite({
    suite: createHouseholdSuite(),
    split: 'heldout',
    harness,
    processors: registry.resolve(harness.processors),
    model: createSimulatedWorkerModel(),
    k: 3,
    seed: SEED,
    concurrency: 8,
    ...(sink ? { onEpisode: (t: Trajectory) => void sink.push(t) } : {}),
  });
}

describe('household: tuned vs baseline on the held-out split (k = 3, fixed seed)', () => {
  let baseline: SuiteScore;
  let tuned: SuiteScore;
  let baselineSpec: HarnessSpec;
  let tunedSpec: HarnessSpec;
  const tunedTrajectories: Trajectory[] = [];

  beforeAll(async () => {
    baselineSpec = await loadHarnessFile(join(root, 'examples/harnesses/baseline.yaml'));
    tunedSpec = await loadHarnessFile(join(root, 'examples/harnesses/tuned.yaml'));
    baseline = await score(baselineSpec);
    tuned = await score(tunedSpec, createBuiltinRegistry(), tunedTrajectories);
  });

  it('the tuned harness beats the baseline by at least 30 percentage points', () => {
    expect(tuned.successRate - baseline.successRate).toBeGreaterThanOrEqual(0.3);
  });

  it('uses the same budgets and model, so the gap comes from the processors', () => {
    expect(tunedSpec.budgets).toEqual(baselineSpec.budgets);
    expect(tunedSpec.models).toEqual(baselineSpec.models);
    expect(tunedSpec.slots.systemPrompt).toBe(baselineSpec.slots.systemPrompt);
    expect(baselineSpec.processors).toEqual([]);
  });

  it('the baseline is not crippled: it solves the short tasks', () => {
    const short = baseline.tasks.filter((t) => t.difficulty === 1);
    expect(short.length).toBeGreaterThan(0);
    const rate = short.reduce((sum, t) => sum + t.successRate, 0) / short.length;
    expect(rate).toBeGreaterThanOrEqual(0.8);
  });

  it('is deterministic under the seed', async () => {
    const again = await score(baselineSpec);
    expect(again.tasks.map((t) => t.rollouts.map((r) => r.success))).toEqual(
      baseline.tasks.map((t) => t.rollouts.map((r) => r.success)),
    );
  });

  it('the simulated model cannot see the harness: renamed processors, same messages, same behaviour', async () => {
    const renamed = new ProcessorRegistry();
    for (const definition of builtinProcessors) {
      renamed.register({
        ...definition,
        id: `renamed-${definition.id}`.slice(0, 60),
        after: definition.after?.map((id) => `renamed-${id}`.slice(0, 60)),
      });
    }
    const disguised: HarnessSpec = {
      ...tunedSpec,
      name: 'a-completely-different-harness',
      processors: tunedSpec.processors.map((p) => ({ ...p, id: `renamed-${p.id}`.slice(0, 60) })),
    };
    const disguisedTrajectories: Trajectory[] = [];
    await score(disguised, renamed, disguisedTrajectories);
    const behaviour = (ts: Trajectory[]) =>
      ts
        .map((t) => ({
          key: `${t.taskId}:${t.seed}`,
          inputs: t.turns.map((turn) => JSON.stringify(turn.modelCall.inputMessages)),
          outputs: t.turns.map((turn) => JSON.stringify(turn.modelCall.output)),
        }))
        .sort((a, b) => a.key.localeCompare(b.key));
    const original = behaviour(tunedTrajectories);
    const other = behaviour(disguisedTrajectories);
    expect(other.map((b) => b.inputs)).toEqual(original.map((b) => b.inputs));
    expect(other.map((b) => b.outputs)).toEqual(original.map((b) => b.outputs));
  });
});
