/**
 * Evaluations are deterministic in (worker model, harness content, split, seed, k), so each is
 * run once and stored under that key: the next cycle's current version (last cycle's winner) and a
 * resumed cycle reuse them instead of spending the tokens again.
 */
import type { Split } from '../../environments/environment.ts';
import { SystemError } from '../../errors.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import type { CycleStage } from '../artifacts/cycle-state.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';
import { evaluateHarness } from '../evaluate/evaluate-harness.ts';
import { readArtifact, writeArtifact } from './artifact-io.ts';
import type { CycleDeps } from './cycle-deps.ts';

export interface EvaluationRequest {
  cycleId: string;
  stage: CycleStage;
  spec: HarnessSpec;
  contentId: string;
  candidateId?: string;
  split: Split;
  seed: number;
}

/**
 * Thrown instead of running an evaluation when `deps.evaluations` is `'stored-only'`: the
 * distributed pipeline fans the evaluation out in shards and re-runs the stage once it is stored,
 * so no single stage invocation (a Lambda with a 15-minute limit) runs a whole evaluation.
 */
export class EvaluationPending extends SystemError {
  readonly request: EvaluationRequest;
  constructor(request: EvaluationRequest) {
    super(
      `the ${request.split} evaluation of ${request.candidateId ?? request.contentId} is not stored yet`,
      {
        code: 'EVALUATION_PENDING',
      },
    );
    this.request = request;
  }
}

export function evaluationKey(
  deps: CycleDeps,
  request: Pick<EvaluationRequest, 'contentId' | 'split' | 'seed'>,
): string {
  const model = `${deps.worker.model.provider}-${deps.worker.model.modelId}`.replace(/[^a-zA-Z0-9.-]+/g, '_');
  const k = deps.project.policies.rollouts;
  return `evaluations/${model}/${request.contentId.slice(7)}/${request.split}-s${request.seed}-k${k}.json`;
}

/** Returns the stored evaluation key and artifact, running the evaluation first when absent. */
export async function evaluateCached(
  deps: CycleDeps,
  request: EvaluationRequest,
): Promise<{ key: string; evaluation: Evaluation; ran: boolean }> {
  const key = evaluationKey(deps, request);
  const existing = await readArtifact(deps.store, key, evaluationArtifact);
  if (existing) return { key, evaluation: existing, ran: false };
  if (deps.evaluations === 'stored-only') throw new EvaluationPending(request);
  const label = `${request.candidateId ?? 'current'} ${request.split}`;
  const evaluation = await evaluateHarness({
    cycleId: request.cycleId,
    spec: request.spec,
    contentId: request.contentId,
    ...(request.candidateId ? { candidateId: request.candidateId } : {}),
    suite: deps.suite,
    split: request.split,
    k: deps.project.policies.rollouts,
    seed: request.seed,
    processors: deps.resolveProcessors(request.spec),
    model: deps.worker.model,
    ...(deps.worker.fallbackModel ? { fallbackModel: deps.worker.fallbackModel } : {}),
    store: deps.store,
    concurrency: deps.project.policies.concurrency,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onProgress: (done, total) =>
      deps.emit({ type: 'progress', cycleId: request.cycleId, stage: request.stage, label, done, total }),
  });
  await writeArtifact(deps.store, key, evaluation);
  return { key, evaluation, ran: true };
}
