/**
 * Observability removed: the candidate dropped a processor that records what the agent does (e.g.
 * turn-observer). The next digest would see less, hiding failures from the loop itself, so it blocks.
 */
import type { HarnessSpec } from '../../harness/spec.ts';
import type { CheckFinding } from './check-finding.ts';
import { type ProcessorDimensions, removedProcessorsOfDimension } from './removed-processors.ts';

export function checkObservabilityRemoved(
  parent: HarnessSpec,
  candidate: HarnessSpec,
  dimensions: ProcessorDimensions,
): CheckFinding {
  const removed = removedProcessorsOfDimension(parent, candidate, 'observability', dimensions);
  return {
    id: 'observability-removed',
    passed: removed.length === 0,
    detail:
      removed.length === 0
        ? 'every observability processor of the parent is kept'
        : `observability processor(s) removed: ${removed.join(', ')}`,
  };
}
