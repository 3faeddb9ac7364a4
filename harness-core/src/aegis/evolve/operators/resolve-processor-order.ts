/**
 * The order in which a spec's processors would run, as the runtime's registry resolves it. Evolved
 * code processors are stood in for by inert definitions at the default rank: their code is the
 * sandbox's business, but their place in the order and their ids still count.
 */
import { z } from 'zod';
import type { ProcessorDefinition } from '../../../harness/processor.ts';
import type { ResolvedProcessor } from '../../../harness/registry.ts';
import type { HarnessSpec, ProcessorRef } from '../../../harness/spec.ts';
import { createBuiltinRegistry } from '../../../processors/index.ts';

const registry = createBuiltinRegistry();

function inertCodeProcessor(ref: Extract<ProcessorRef, { code: unknown }>): ProcessorDefinition<unknown> {
  return {
    id: ref.id,
    version: 1,
    description: 'evolved code processor (not run here)',
    dimension: 'control-flow-safety',
    optionsSchema: z.unknown(),
    create: () => ({}),
  };
}

/**
 * Resolves the spec's processors with the built-in registry.
 * @throws InputError for unknown ids, bad options, singleton clashes or `after` cycles.
 */
export function resolveProcessors(spec: HarnessSpec, source = 'candidate spec'): ResolvedProcessor[] {
  return registry.resolve(spec.processors, source, { codeProcessor: inertCodeProcessor });
}

/** The ids in the order they would run. */
export function resolvedProcessorOrder(spec: HarnessSpec, source?: string): string[] {
  return resolveProcessors(spec, source).map((processor) => processor.id);
}
