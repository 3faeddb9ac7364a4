/**
 * Constraint relaxation: a budget raised, a tool enabled that the parent did not enable, or a
 * safety processor removed. More turns or tokens buy success without a better harness, and the
 * paper saw exactly this reward hack, so it blocks.
 */
import type { HarnessSpec } from '../../harness/spec.ts';
import { type CheckFinding, listSome } from './check-finding.ts';

const BUDGETS = ['maxTurns', 'maxTokens', 'maxToolCalls', 'wallClockMs'] as const;

function toolsBeyondParent(parent: HarnessSpec, candidate: HarnessSpec): string[] {
  const before = parent.slots?.tools?.enabled ?? 'all';
  const after = candidate.slots?.tools?.enabled ?? 'all';
  if (before === 'all') return [];
  if (after === 'all') return ['all tools enabled where the parent enabled a list'];
  const allowed = new Set(before);
  return after.filter((tool) => !allowed.has(tool)).map((tool) => `tool "${tool}" enabled`);
}

export function checkConstraintRelaxation(
  parent: HarnessSpec,
  candidate: HarnessSpec,
  safetyProcessors: readonly string[],
): CheckFinding {
  const relaxations: string[] = [];
  for (const budget of BUDGETS) {
    const before = parent.budgets?.[budget];
    const after = candidate.budgets?.[budget];
    if (typeof before === 'number' && typeof after === 'number' && after > before) {
      relaxations.push(`${budget} raised ${before} → ${after}`);
    }
  }
  relaxations.push(...toolsBeyondParent(parent, candidate));
  const kept = new Set((candidate.processors ?? []).map((processor) => processor.id));
  for (const processor of parent.processors ?? []) {
    if (safetyProcessors.includes(processor.id) && !kept.has(processor.id)) {
      relaxations.push(`safety processor ${processor.id} removed`);
    }
  }
  return {
    id: 'constraint-relaxation',
    passed: relaxations.length === 0,
    detail:
      relaxations.length === 0
        ? 'no budget raised, no tool added, no safety processor removed'
        : `constraints relaxed: ${listSome(relaxations)}`,
  };
}
