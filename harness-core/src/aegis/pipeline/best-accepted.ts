/** The best held-out score any accepted version reached: the gate's "no drift below the best" input. */

import type { Evaluation } from '../artifacts/evaluation.ts';
import { type BestAcceptedVersion, bestAcceptedSchema } from '../gate/gate-input.ts';
import { readArtifact, writeMutable, zodCodec } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';

const key = (project: string) => `projects/${project}/best-accepted.json`;

export async function loadBestAccepted(deps: CycleDeps): Promise<BestAcceptedVersion | undefined> {
  return readArtifact(
    deps.store,
    key(deps.project.name),
    zodCodec(bestAcceptedSchema, 'best accepted version'),
  );
}

export function heldoutCounts(contentId: string, evaluation: Evaluation): BestAcceptedVersion {
  const rollouts = evaluation.tasks.flatMap((task) => task.rollouts);
  return {
    contentId,
    heldoutSuccesses: rollouts.filter((rollout) => rollout.success).length,
    heldoutRollouts: Math.max(1, rollouts.length),
  };
}

/** Records `candidate` as the best accepted version when its held-out score beats the stored one. */
export async function recordAccepted(deps: CycleDeps, candidate: BestAcceptedVersion): Promise<void> {
  const best = await loadBestAccepted(deps);
  const rate = (v: BestAcceptedVersion) => v.heldoutSuccesses / v.heldoutRollouts;
  if (!best || rate(candidate) > rate(best))
    await writeMutable(deps.store, key(deps.project.name), candidate);
}
