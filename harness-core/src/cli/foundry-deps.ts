/**
 * Composition of an evolve run on the embedded default: project file, baseline harness, embedded
 * store and registry under the output folder, suite, worker models, processor resolution (with
 * sandboxed code processors) and the leakage corpus built from every split's tasks.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmbeddedFoundry } from '../adapters/embedded/index.ts';
import { smokeTestHarnessCodeProcessors } from '../aegis/evolve/meta-code/index.ts';
import type { CycleDeps, EvolutionEvent } from '../aegis/pipeline/cycle-deps.ts';
import { loadProjectFile } from '../aegis/project.ts';
import { InputError } from '../errors.ts';
import { loadHarnessFile } from '../harness/load.ts';
import type { HarnessSpec } from '../harness/spec.ts';
import { createBuiltinRegistry } from '../processors/index.ts';
import { createModelFromConfig } from '../providers/config.ts';
import { createCodeProcessorDefinition } from '../sandbox/index.ts';
import { createWorkerModels, type WorkerModels } from './models.ts';
import { SUITE_FACTORIES } from './suites.ts';

export interface FoundryComposition {
  deps: CycleDeps;
  baselineSpec: HarnessSpec;
  models: WorkerModels;
  storeRoot: string;
}

export async function composeFoundry(options: {
  projectPath: string;
  out: string;
  fresh: boolean;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: (event: EvolutionEvent) => void;
}): Promise<FoundryComposition> {
  const project = await loadProjectFile(options.projectPath);
  const loaded = await loadHarnessFile(project.baselinePath);
  const baselineSpec: HarnessSpec = project.config.models.worker
    ? { ...loaded, models: { ...loaded.models, worker: project.config.models.worker } }
    : loaded;
  const factory = SUITE_FACTORIES[project.config.suite];
  if (!factory) {
    throw new InputError('foundry project', options.projectPath, [
      {
        path: 'suite',
        message: `unknown suite "${project.config.suite}"; known: ${Object.keys(SUITE_FACTORIES).join(', ')}`,
      },
    ]);
  }
  const suite = factory();
  const storeRoot = join(options.out, 'foundry', project.config.name);
  // --fresh starts a new lineage from the baseline; without it an interrupted run resumes.
  if (options.fresh) await rm(storeRoot, { recursive: true, force: true });
  const { store, registry } = createEmbeddedFoundry(storeRoot);
  const models = createWorkerModels(baselineSpec.models.worker, options.env, project.baselinePath);
  const metaConfig = project.config.models.meta ?? baselineSpec.models.meta;
  const meta = metaConfig
    ? createModelFromConfig(metaConfig, options.env, {}, { path: 'models.meta', source: options.projectPath })
    : undefined;
  const registryOfProcessors = createBuiltinRegistry();
  const resolveProcessors = (spec: HarnessSpec) =>
    registryOfProcessors.resolve(spec.processors, `harness ${spec.name}`, {
      codeProcessor: (ref) => createCodeProcessorDefinition(ref),
    });
  const tasks = [...suite.tasks('adaptation'), ...suite.tasks('heldout')];
  const deps: CycleDeps = {
    project: project.config,
    harnessName: baselineSpec.name,
    store,
    registry,
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
    signal: options.signal,
    emit: options.emit,
  };
  return { deps, baselineSpec, models, storeRoot };
}
