/**
 * Composition of an evolve run on the embedded default: project file, baseline harness, and the
 * embedded store and registry under the output folder; the cycle itself is composed by
 * `composeCycleDeps`, exactly as the serverless functions compose it.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmbeddedFoundry } from '../adapters/embedded/index.ts';
import { composeCycleDeps, projectBaseline } from '../aegis/compose-cycle-deps.ts';
import type { CycleDeps, EvolutionEvent } from '../aegis/pipeline/cycle-deps.ts';
import { loadProjectFile } from '../aegis/project-file.ts';
import type { WorkerModels } from '../aegis/worker-models.ts';
import { loadHarnessFile } from '../harness/load.ts';
import type { HarnessSpec } from '../harness/spec.ts';

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
  /** Appended to the project's name for its store folder under `<out>/foundry/` (e.g. `-coevolve`). */
  storeSuffix?: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: (event: EvolutionEvent) => void;
}): Promise<FoundryComposition> {
  const project = await loadProjectFile(options.projectPath);
  const loaded = await loadHarnessFile(project.baselinePath);
  const storeRoot = join(options.out, 'foundry', `${project.config.name}${options.storeSuffix ?? ''}`);
  // --fresh starts a new lineage from the baseline; without it an interrupted run resumes.
  if (options.fresh) await rm(storeRoot, { recursive: true, force: true });
  const { store, registry } = createEmbeddedFoundry(storeRoot);
  const { deps, models } = composeCycleDeps({
    project: project.config,
    baselineSpec: loaded,
    store,
    registry,
    env: options.env,
    source: options.projectPath,
    signal: options.signal,
    emit: options.emit,
  });
  return { deps, baselineSpec: projectBaseline(project.config, loaded), models, storeRoot };
}
