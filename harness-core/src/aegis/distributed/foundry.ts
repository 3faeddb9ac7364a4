/**
 * What the distributed stages run on: the three ports (store, registry, queue) and the environment
 * model credentials come from. The AWS adapters (S3, DynamoDB, SQS) and the embedded ones both fit.
 */
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Registry } from '../../ports/registry.ts';
import type { WorkQueue } from '../../ports/work-queue.ts';
import type { EvolutionEvent } from '../pipeline/cycle-deps.ts';

export interface DistributedFoundry {
  store: ArtifactStore;
  registry: Registry;
  queue: WorkQueue;
  clock?: Clock;
  /**
   * Variables model providers read their credentials from (e.g. `OPENAI_API_KEY`). On Lambda these
   * come from Secrets Manager, never from the function's plain environment.
   */
  modelEnv?: Readonly<Record<string, string | undefined>>;
  /** Progress of the stage being run (logged by the function). */
  emit?: (event: EvolutionEvent) => void;
}

export interface StageRunOptions {
  /** Fires before the function's own deadline, so a stage stops cleanly and is retried later. */
  signal?: AbortSignal;
}
