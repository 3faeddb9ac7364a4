/**
 * Which processors of a given dimension the parent had and the candidate dropped. Dimensions come
 * from the processor definitions (built-ins by default); an evolved code processor has none.
 */
import type { ProcessorDimension } from '../../harness/processor.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { builtinProcessors } from '../../processors/index.ts';

export type ProcessorDimensions = ReadonlyMap<string, ProcessorDimension>;

/** Dimension of every built-in processor, by id. */
export const builtinProcessorDimensions: ProcessorDimensions = new Map(
  builtinProcessors.map((definition) => [definition.id, definition.dimension]),
);

export function removedProcessorsOfDimension(
  parent: HarnessSpec,
  candidate: HarnessSpec,
  dimension: ProcessorDimension,
  dimensions: ProcessorDimensions,
): string[] {
  const kept = new Set((candidate.processors ?? []).map((processor) => processor.id));
  return (parent.processors ?? [])
    .filter((processor) => dimensions.get(processor.id) === dimension && !kept.has(processor.id))
    .map((processor) => processor.id);
}
