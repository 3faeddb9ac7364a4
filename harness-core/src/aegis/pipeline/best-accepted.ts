/**
 * The best held-out score any accepted version reached: the gate's "no drift below the best" input.
 * It is kept per worker model: once co-evolution trains a new model, a score measured with the old
 * one says nothing about versions run with the new one, so the new model starts its own record.
 */

import { z } from 'zod';
import type { Evaluation } from '../artifacts/evaluation.ts';
import { type BestAcceptedVersion, bestAcceptedSchema } from '../gate/gate-input.ts';
import { readArtifact, writeMutable, zodCodec } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';

const key = (project: string) => `projects/${project}/best-accepted.json`;

const storedSchema = z
  .object({
    contentId: z.string(),
    heldoutSuccesses: z.number(),
    heldoutRollouts: z.number(),
    /** `provider:modelId` of the worker the score was measured with (absent in older files: the first model). */
    workerModel: z.string().min(1).optional(),
  })
  .strict();

const workerModelOf = (deps: CycleDeps) => `${deps.worker.model.provider}:${deps.worker.model.modelId}`;

async function loadStored(deps: CycleDeps) {
  return readArtifact(deps.store, key(deps.project.name), zodCodec(storedSchema, 'best accepted version'));
}

export async function loadBestAccepted(deps: CycleDeps): Promise<BestAcceptedVersion | undefined> {
  const stored = await loadStored(deps);
  if (!stored || (stored.workerModel !== undefined && stored.workerModel !== workerModelOf(deps)))
    return undefined;
  const { workerModel: _model, ...best } = stored;
  return bestAcceptedSchema.parse(best);
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
  if (!best || rate(candidate) > rate(best)) {
    await writeMutable(deps.store, key(deps.project.name), {
      ...candidate,
      workerModel: workerModelOf(deps),
    });
  }
}
