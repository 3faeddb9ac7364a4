/**
 * End to end on real data: household episodes of the simulated worker under the baseline and the
 * tuned harness (12 adaptation tasks of difficulty ≥ 4, k = 2) → GRPO groups from the coevolution
 * builder → three rounds of simulated training, each round sampled on-policy with the options the
 * previous round produced. The trained worker then solves more of the same tasks with the baseline
 * harness than the default worker, on fixed seeds.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHouseholdSuite } from '../../environments/household/index.ts';
import { runSuite } from '../../environments/run-suite.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { createBuiltinRegistry } from '../../processors/index.ts';
import {
  createSimulatedWorkerModel,
  parseSimulatedWorkerOptions,
  type ResolvedSimulatedWorkerOptions,
} from '../../testing/simulated-worker/index.ts';
import type { Trajectory } from '../../trace/trajectory.ts';
import { buildGroupDatasetFromCandidates } from '../build-dataset.ts';
import { basePolicy } from '../policy.ts';
import { candidateFromTrajectory } from '../trajectory-mapping.ts';
import { trainSimulatedPolicy } from './train-simulated-policy.ts';

const harnessPath = (file: string) =>
  fileURLToPath(new URL(`../../../../examples/harnesses/${file}`, import.meta.url));
const suite = createHouseholdSuite();
const TASK_IDS = suite
  .tasks('adaptation')
  .filter((task) => task.difficulty >= 4)
  .slice(0, 12)
  .map((task) => task.id);
const ROUNDS = 3;
const EVAL_SEEDS = [1, 2, 3];

async function episodes(harness: HarnessSpec, options: ResolvedSimulatedWorkerOptions, seed: number) {
  const trajectories: Trajectory[] = [];
  const score = await runSuite({
    suite,
    split: 'adaptation',
    harness,
    processors: createBuiltinRegistry().resolve(harness.processors),
    model: createSimulatedWorkerModel(options),
    k: 2,
    seed,
    concurrency: 1,
    taskIds: TASK_IDS,
    onEpisode: (trajectory) => {
      trajectories.push(trajectory);
    },
  });
  return { successRate: score.successRate, trajectories };
}

describe('simulated training on household GRPO groups', () => {
  it('trains failure rates down and lifts the baseline harness success rate', {
    timeout: 60_000,
  }, async () => {
    const [baseline, tuned] = await Promise.all([
      loadHarnessFile(harnessPath('baseline.yaml')),
      loadHarnessFile(harnessPath('tuned.yaml')),
    ]);
    const defaults = parseSimulatedWorkerOptions({});
    let options = defaults;
    for (let round = 0; round < ROUNDS; round++) {
      const sampled = [
        await episodes(baseline, options, 100 + round),
        await episodes(tuned, options, 100 + round),
      ];
      const candidates = sampled
        .flatMap((run) => run.trajectories)
        .map((trajectory) => candidateFromTrajectory(trajectory, `memory:round-${round}`));
      const dataset = buildGroupDatasetFromCandidates(candidates, {
        initPolicy: basePolicy('simulated', options.modelId),
        round: `sim-round-${round}`,
        clock: () => new Date('2026-01-15T12:00:00.000Z'),
      });
      expect(dataset.records.length).toBeGreaterThan(5);
      const { options: next, report } = trainSimulatedPolicy({
        groups: dataset.records,
        options,
        learningRate: 2,
      });
      expect(report.offPolicyGroups).toBe(0);
      expect(report.rates.malformedArgumentsRate.decisions).toBeGreaterThan(100);
      for (const update of Object.values(report.rates))
        expect(Math.abs(update.deltaLogit)).toBeLessThanOrEqual(0.5);
      options = next;
    }
    // The two modes that sink baseline episodes most are trained clearly down.
    expect(options.malformedArgumentsRate).toBeLessThan(defaults.malformedArgumentsRate * 0.5);
    expect(options.earlyFinishRate).toBeLessThan(defaults.earlyFinishRate * 0.5);
    expect(options.modelId).toMatch(/^sim-[0-9a-f]{16}$/);

    let before = 0;
    let after = 0;
    for (const seed of EVAL_SEEDS) {
      before += (await episodes(baseline, defaults, seed)).successRate / EVAL_SEEDS.length;
      after += (await episodes(baseline, options, seed)).successRate / EVAL_SEEDS.length;
    }
    expect(after).toBeGreaterThan(before + 0.15);
  });
});
