/**
 * The cycle's cross-harness GRPO groups (DESIGN §7): every adaptation trajectory the cycle evaluated —
 * the current version's and every candidate's — grouped by task, written under
 * `datasets/grpo/<cycleId>/` and added to the replay buffer. Built from the stored traces, so it is
 * the same in-process and on the serverless foundry.
 */
import {
  basePolicy,
  buildGroupDataset,
  datasetKeys,
  ReplayBuffer,
  writeGroupDataset,
} from '../../coevolution/index.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { evaluationArtifact } from '../artifacts/evaluation.ts';
import { requireArtifact } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';

export async function recordCycleDataset(deps: CycleDeps, state: CycleState): Promise<void> {
  // Written once: a resumed publish finds it (its manifest carries the first write's time).
  if ((await deps.store.get(datasetKeys.manifest(state.cycleId))) === undefined) {
    const evaluationKeys = [
      state.artifacts.baselineAdaptation,
      ...Object.values(state.artifacts.evaluations ?? {}),
    ].filter((key): key is string => key !== undefined);
    const traceKeys = new Set<string>();
    for (const key of evaluationKeys) {
      const evaluation = await requireArtifact(deps.store, key, evaluationArtifact);
      if (evaluation.split !== 'adaptation') continue;
      for (const traceKey of evaluation.traceKeys) traceKeys.add(traceKey);
    }
    const dataset = await buildGroupDataset({
      store: deps.store,
      traceKeys: [...traceKeys],
      initPolicy: basePolicy(deps.worker.model.provider, deps.worker.model.modelId),
      round: state.cycleId,
    });
    await writeGroupDataset(deps.store, state.cycleId, dataset);
  }
  const buffer = await ReplayBuffer.open(deps.store);
  await buffer.insert(state.cycleId);
}
