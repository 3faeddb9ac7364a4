/**
 * The Evaluate stage: one harness version on one split with k rollouts, its traces stored as a
 * gzipped OTLP/JSON file, its scores as a `harnessx.evaluation/1` artifact.
 */
import { gzipSync } from 'node:zlib';
import type { Split, Suite } from '../../environments/environment.ts';
import { runSuite } from '../../environments/run-suite.ts';
import type { ResolvedProcessor } from '../../harness/registry.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { ModelV1 } from '../../providers/model.ts';
import { trajectoriesToOtlp } from '../../trace/otlp-writer.ts';
import type { Trajectory } from '../../trace/trajectory.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';

export interface EvaluateHarnessOptions {
  cycleId: string;
  spec: HarnessSpec;
  contentId: string;
  candidateId?: string;
  suite: Suite;
  split: Split;
  /** Only these tasks (in suite order): one shard of a split on the serverless foundry. */
  taskIds?: readonly string[];
  /** Distinguishes a shard's trace file from the whole split's. */
  shardLabel?: string;
  k: number;
  seed: number;
  processors: readonly ResolvedProcessor[];
  model: ModelV1;
  fallbackModel?: ModelV1;
  store: ArtifactStore;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export function evaluationLabel(contentId: string, split: Split, seed: number): string {
  return `${contentId.slice(7, 19)}-${split}-s${seed}`;
}

export async function evaluateHarness(options: EvaluateHarnessOptions): Promise<Evaluation> {
  const trajectories: Trajectory[] = [];
  const score = await runSuite({
    suite: options.suite,
    split: options.split,
    harness: options.spec,
    processors: options.processors,
    model: options.model,
    ...(options.fallbackModel ? { fallbackModel: options.fallbackModel } : {}),
    k: options.k,
    seed: options.seed,
    ...(options.taskIds ? { taskIds: options.taskIds } : {}),
    concurrency: options.concurrency,
    ...(options.signal ? { signal: options.signal } : {}),
    onEpisode: (trajectory) => {
      trajectories.push(trajectory);
    },
    onProgress: ({ done, total }) => options.onProgress?.(done, total),
  });
  const label = `${evaluationLabel(options.contentId, options.split, options.seed)}${options.shardLabel ? `-${options.shardLabel}` : ''}`;
  const traceKey = `cycles/${options.cycleId}/traces/${label}.otlp.json.gz`;
  // Traces carry timestamps, so a re-run after a crash writes different bytes: overwrite, not immutable.
  await options.store.put(traceKey, gzipSync(JSON.stringify(trajectoriesToOtlp(trajectories))));
  return evaluationArtifact.parse({
    schemaVersion: 'harnessx.evaluation/1',
    cycleId: options.cycleId,
    harnessContentId: options.contentId,
    ...(options.candidateId ? { candidateId: options.candidateId } : {}),
    suite: score.suite,
    split: score.split,
    k: score.k,
    seed: options.seed,
    tasks: score.tasks.map((task) => ({
      taskId: task.taskId,
      difficulty: task.difficulty,
      rollouts: task.rollouts,
      successRate: task.successRate,
      meanReward: task.meanReward,
    })),
    successRate: score.successRate,
    meanReward: score.meanReward,
    tokens: score.tokens,
    traceKeys: [traceKey],
  });
}
