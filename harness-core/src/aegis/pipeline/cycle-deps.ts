/** What a cycle needs from the outside: store, registry, suite, models and a progress sink. */
import type { Suite } from '../../environments/environment.ts';
import type { ResolvedProcessor } from '../../harness/registry.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { Registry } from '../../ports/registry.ts';
import type { ModelV1 } from '../../providers/model.ts';
import type { CycleStage } from '../artifacts/cycle-state.ts';
import type { ProjectConfig } from '../project.ts';

export type EvolutionEvent =
  | { type: 'stage-start'; cycleId: string; stage: CycleStage }
  | { type: 'stage-end'; cycleId: string; stage: CycleStage; detail?: string }
  | { type: 'progress'; cycleId: string; stage: CycleStage; label: string; done: number; total: number }
  | { type: 'candidate'; cycleId: string; candidateId: string; status: string; detail: string }
  | { type: 'cycle-end'; cycleId: string; status: string; detail: string };

export interface BuildResult {
  ok: boolean;
  errors: string[];
}

export interface CycleDeps {
  project: ProjectConfig;
  harnessName: string;
  store: ArtifactStore;
  registry: Registry;
  suite: Suite;
  worker: { model: ModelV1; fallbackModel?: ModelV1 };
  meta?: ModelV1;
  /** Resolves a spec's processors (built-ins and sandboxed code processors). */
  resolveProcessors(spec: HarnessSpec): ResolvedProcessor[];
  /** Builds and smoke-tests a spec (the gate's build-and-smoke rule). */
  build(spec: HarnessSpec): Promise<BuildResult>;
  /** Task ids and expected answers of every split, for the critic's leakage check. */
  leakageCorpus: { taskIds: string[]; answers: string[] };
  /**
   * `'stored-only'`: a stage that needs an evaluation not yet in the store throws
   * `EvaluationPending` instead of running it (the distributed pipeline shards it). Default `'run'`.
   */
  evaluations?: 'run' | 'stored-only';
  signal?: AbortSignal;
  emit(event: EvolutionEvent): void;
}
