/**
 * One catalogue cycle on real traces: the baseline household harness on the simulated worker
 * (which cannot see the harness), digested, planned and evolved. The top candidate must answer
 * the failure the digest found, and measurably fix it on the same tasks.
 */
import { describe, expect, it } from 'vitest';
import { createHouseholdSuite } from '../../environments/household/index.ts';
import { runSuite } from '../../environments/run-suite.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { createBuiltinRegistry } from '../../processors/index.ts';
import { createSimulatedWorkerModel } from '../../testing/simulated-worker/index.ts';
import { failedTrajectoriesOf } from '../artifacts/digest.ts';
import { digestTrajectories } from '../digest/digest-trajectories.ts';
import { runHouseholdBatch } from '../digest/test-support/household-batch.ts';
import { planCycle } from '../plan/plan-cycle.ts';
import { evolveCandidates } from './evolve-candidates.ts';

async function successRate(spec: HarnessSpec, taskIds: readonly string[]): Promise<number> {
  const score = await runSuite({
    suite: createHouseholdSuite(),
    split: 'adaptation',
    harness: spec,
    processors: createBuiltinRegistry().resolve(spec.processors),
    model: createSimulatedWorkerModel(),
    k: 2,
    seed: 0,
    taskIds,
  });
  return score.successRate;
}

describe('a catalogue cycle on household traces', () => {
  it('turns the early-finish cluster into a verification candidate that fixes it', async () => {
    const batch = await runHouseholdBatch({ episodes: 16, minDifficulty: 4 });
    const cycleId = 'household-c001';
    const digest = digestTrajectories(batch.trajectories, { cycleId, harnessContentId: batch.contentId });
    const plan = planCycle({
      cycleId,
      digestKey: 'digests/household-c001/digest.json',
      digest,
      current: batch.harness,
      leverHistory: [],
    });
    expect(plan.hypotheses[0]).toMatchObject({ lever: 'verification', targetCluster: 'early-finish:finish' });

    const candidates = evolveCandidates({
      cycleId,
      plan,
      current: batch.harness,
      currentContentId: batch.contentId,
      digest,
    });
    expect(candidates.length).toBe(Math.min(4, plan.hypotheses.length));
    const [top] = candidates;
    expect(top?.spec.processors.map((ref) => ref.id)).toEqual(['verify-before-finish']);

    const taskIds = [...new Set(failedTrajectoriesOf(digest).map((entry) => entry.taskId))];
    const before = await successRate(batch.harness, taskIds);
    const after = await successRate(top!.spec, taskIds);
    expect(after - before).toBeGreaterThanOrEqual(0.2);
  });
});
