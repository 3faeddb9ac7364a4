/**
 * Composition of a cycle's dependencies from a project and its baseline, over any store and
 * registry: the CLI (embedded adapters) and the serverless functions (S3, DynamoDB) compose the same
 * cycle here, so the two cannot make different decisions from the same inputs.
 */

import { SUITE_FACTORIES } from '../environments/suites.ts';
import { InputError } from '../errors.ts';
import type { HarnessSpec, ModelConfig } from '../harness/spec.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { Registry } from '../ports/registry.ts';
import { createBuiltinRegistry } from '../processors/index.ts';
import { createModelFromConfig } from '../providers/config.ts';
import { createCodeProcessorDefinition } from '../sandbox/index.ts';
import { smokeTestHarnessCodeProcessors } from './evolve/meta-code/index.ts';
import type { CycleDeps, EvolutionEvent } from './pipeline/cycle-deps.ts';
import type { ProjectConfig } from './project.ts';
import { createWorkerModels, type WorkerModels } from './worker-models.ts';

export interface ComposeCycleDepsOptions {
  project: ProjectConfig;
  /** The baseline as loaded (the project's worker model override is applied here). */
  baselineSpec: HarnessSpec;
  store: ArtifactStore;
  registry: Registry;
  /**
   * The worker model this cycle runs with, when it is not the baseline's (a model version trained
   * between cycles). The harness spec is untouched: its content id does not depend on the model.
   */
  worker?: ModelConfig & { fallback?: ModelConfig };
  /** Where model credentials are read from (never written anywhere). */
  env: Readonly<Record<string, string | undefined>>;
  /** Names the project's origin in error messages (a file path, a store key). */
  source: string;
  signal?: AbortSignal;
  emit: (event: EvolutionEvent) => void;
}

/** The baseline with the project's worker model (a project's `models.worker` wins over the harness file's). */
export function projectBaseline(project: ProjectConfig, loaded: HarnessSpec): HarnessSpec {
  return project.models.worker
    ? { ...loaded, models: { ...loaded.models, worker: project.models.worker } }
    : loaded;
}

export function composeCycleDeps(options: ComposeCycleDepsOptions): {
  deps: CycleDeps;
  models: WorkerModels;
} {
  const { project, source } = options;
  const baselineSpec = projectBaseline(project, options.baselineSpec);
  const factory = SUITE_FACTORIES[project.suite];
  if (!factory) {
    throw new InputError('foundry project', source, [
      {
        path: 'suite',
        message: `unknown suite "${project.suite}"; known: ${Object.keys(SUITE_FACTORIES).join(', ')}`,
      },
    ]);
  }
  const suite = factory();
  const env = options.env as NodeJS.ProcessEnv;
  const models = createWorkerModels(options.worker ?? baselineSpec.models.worker, env, source);
  const metaConfig = project.models.meta ?? baselineSpec.models.meta;
  const meta = metaConfig
    ? createModelFromConfig(metaConfig, env, {}, { path: 'models.meta', source })
    : undefined;
  const processorRegistry = createBuiltinRegistry();
  const resolveProcessors = (spec: HarnessSpec) =>
    processorRegistry.resolve(spec.processors, `harness ${spec.name}`, {
      codeProcessor: (ref) => createCodeProcessorDefinition(ref),
    });
  const tasks = [...suite.tasks('adaptation'), ...suite.tasks('heldout')];
  const deps: CycleDeps = {
    project,
    harnessName: baselineSpec.name,
    store: options.store,
    registry: options.registry,
    suite,
    worker: { model: models.model, ...(models.fallbackModel ? { fallbackModel: models.fallbackModel } : {}) },
    ...(meta ? { meta } : {}),
    resolveProcessors,
    build: async (spec) => {
      try {
        resolveProcessors(spec);
      } catch (error) {
        return { ok: false, errors: [(error as Error).message] };
      }
      // Code processors must also pass the sandbox smoke test (limits, contract, no host access).
      return smokeTestHarnessCodeProcessors(spec.processors);
    },
    leakageCorpus: { taskIds: tasks.map((t) => t.id), answers: tasks.map((t) => t.instruction) },
    ...(options.signal ? { signal: options.signal } : {}),
    emit: options.emit,
  };
  return { deps, models };
}
