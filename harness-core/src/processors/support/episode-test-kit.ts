/**
 * Test support: builds `runEpisode` options for a harness made of built-in processors, so that an
 * end-to-end test can run the same scripted episode with and without a processor. The runtime
 * itself is imported by the tests (processors sit below the runtime in the module map).
 */
import type { EpisodeEnvironment, TaskSpec } from '../../environments/environment.ts';
import { type HarnessBudgets, parseHarnessSpec } from '../../harness/spec.ts';
import type { ModelV1 } from '../../providers/model.ts';
import type { RunEpisodeOptions } from '../../runtime/run-episode.ts';
import { createBuiltinRegistry } from '../index.ts';

/** One scripted episode: the processors under test, the environment and model doubles, and budgets. */
export interface ProcessorEpisodeSetup {
  /** Built-in processors by id, with options (defaults when absent). */
  processors?: readonly { id: string; options?: Record<string, unknown> }[];
  environment: EpisodeEnvironment;
  model: ModelV1;
  fallbackModel?: ModelV1;
  instruction?: string;
  systemPrompt?: string;
  budgets?: Partial<HarnessBudgets>;
  strict?: boolean;
}

/** The task every processor test runs unless it names its own instruction. */
export function scriptedTask(instruction = 'put the apple in the fridge'): TaskSpec {
  return { id: 'task-1', suite: 'scripted', split: 'adaptation', instruction, difficulty: 1 };
}

/** `runEpisode` options for `setup`, resolved through the built-in registry. */
export function processorEpisode(setup: ProcessorEpisodeSetup): RunEpisodeOptions {
  const refs = (setup.processors ?? []).map((ref) => ({
    id: ref.id,
    version: 1,
    options: ref.options ?? {},
  }));
  const harness = parseHarnessSpec({
    schemaVersion: 'harnessx.harness/1',
    name: 'processor-test',
    models: { worker: { provider: 'scripted', model: 'scripted-model' } },
    processors: refs,
    ...(setup.systemPrompt ? { slots: { systemPrompt: setup.systemPrompt } } : {}),
    ...(setup.budgets ? { budgets: setup.budgets } : {}),
  });
  return {
    harness,
    processors: createBuiltinRegistry().resolve(harness.processors, 'processor test'),
    environment: setup.environment,
    task: scriptedTask(setup.instruction),
    model: setup.model,
    ...(setup.fallbackModel ? { fallbackModel: setup.fallbackModel } : {}),
    seed: 1,
    ...(setup.strict === undefined ? {} : { strict: setup.strict }),
  };
}
