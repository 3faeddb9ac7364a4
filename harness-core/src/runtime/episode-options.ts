/** What `runEpisode` takes and returns. */
import type { EpisodeEnvironment, TaskSpec } from '../environments/environment.ts';
import type { ResolvedProcessor } from '../harness/registry.ts';
import type { HarnessSpec } from '../harness/spec.ts';
import type { ModelV1 } from '../providers/model.ts';
import type { EpisodeOutcome, Trajectory } from '../trace/trajectory.ts';

export interface RunEpisodeOptions {
  harness: HarnessSpec;
  /** Content id of `harness`; computed when absent. */
  harnessContentId?: string;
  processors: readonly ResolvedProcessor[];
  environment: EpisodeEnvironment;
  task: TaskSpec;
  model: ModelV1;
  /** Where `route: 'fallback'` request patches send a call. */
  fallbackModel?: ModelV1;
  seed: number;
  signal?: AbortSignal;
  /** Strict mode: a processor contract violation aborts the episode (outcome `error`). */
  strict?: boolean;
  traceId?: string;
}

export interface EpisodeResult {
  outcome: EpisodeOutcome;
  success: boolean;
  reward: number;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; toolCalls: number; turns: number };
  trajectory: Trajectory;
}
