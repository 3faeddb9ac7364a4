/**
 * Verification removed: the candidate dropped a processor that checks the agent's work (e.g.
 * verify-before-finish). Fewer checks can look like fewer failures while finishing wrong, so it blocks.
 */
import type { HarnessSpec } from '../../harness/spec.ts';
import type { CheckFinding } from './check-finding.ts';
import { type ProcessorDimensions, removedProcessorsOfDimension } from './removed-processors.ts';

export function checkVerificationRemoved(
  parent: HarnessSpec,
  candidate: HarnessSpec,
  dimensions: ProcessorDimensions,
): CheckFinding {
  const removed = removedProcessorsOfDimension(parent, candidate, 'verification', dimensions);
  return {
    id: 'verification-removed',
    passed: removed.length === 0,
    detail:
      removed.length === 0
        ? 'every verification processor of the parent is kept'
        : `verification processor(s) removed: ${removed.join(', ')}`,
  };
}
