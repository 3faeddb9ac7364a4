/**
 * `@harnessx/core`: the harness object, its runtime, OpenTelemetry traces, model providers and
 * suites. Test doubles live under `@harnessx/core/testing`.
 *
 * @example
 * import { createHouseholdSuite, createBuiltinRegistry, loadHarnessFile, runSuite, createModelFromConfig } from '@harnessx/core';
 * const harness = await loadHarnessFile('examples/harnesses/tuned.yaml');
 * const score = await runSuite({
 *   suite: createHouseholdSuite(), split: 'heldout', harness, k: 3,
 *   processors: createBuiltinRegistry().resolve(harness.processors),
 *   model: createModelFromConfig(harness.models.worker),
 * });
 */

export { projectBaseline } from './aegis/compose-cycle-deps.ts';
export * from './aegis/distributed/index.ts';
export { type ProjectConfig, projectSchema } from './aegis/project.ts';
export { type LoadedProject, loadProjectFile } from './aegis/project-file.ts';
export * from './environments/environment.ts';
export { createHouseholdSuite, solveHouseholdTask } from './environments/household/index.ts';
export { type RunSuiteOptions, runSuite, type SuiteScore, type TaskScore } from './environments/run-suite.ts';
export * from './errors.ts';
export { canonicalJson, harnessContentId } from './harness/canonical.ts';
export * from './harness/hooks.ts';
export { exportJsonSchema } from './harness/json-schema.ts';
export { loadHarnessFile, parseHarnessText } from './harness/load.ts';
export * from './harness/processor.ts';
export { ProcessorRegistry, type ResolvedProcessor } from './harness/registry.ts';
export * from './harness/spec.ts';
export type { ArtifactStore } from './ports/artifact-store.ts';
export * from './ports/foundry-topology.ts';
export type { CurrentPointer, Registry } from './ports/registry.ts';
export * from './ports/training-backend.ts';
export * from './ports/work-queue.ts';
export { builtinProcessors, createBuiltinRegistry } from './processors/index.ts';
export * from './providers/index.ts';
export { type EpisodeResult, type RunEpisodeOptions, runEpisode } from './runtime/run-episode.ts';
export * from './trace/index.ts';
