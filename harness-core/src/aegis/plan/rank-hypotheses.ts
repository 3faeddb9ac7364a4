/**
 * Ranking: score = cluster actionability x edit weight x lever track record, ties broken by the
 * cluster's place in the digest, the recipe's place in its table row and the edit's canonical
 * form, so equal inputs give an equal order. The same edit proposed for two clusters is kept once,
 * for the cluster where it scores best. Structural hypotheses are pushed up: the first
 * `structuralQuota` ranks go to structural ones while there are any.
 */
import { canonicalJson } from '../../harness/canonical.ts';
import type { LeverRecord } from './lever-history.ts';

/** A scored proposal before ranking. */
export interface ScoredProposal {
  kind: 'structural' | 'prompt';
  lever: string;
  score: number;
  clusterIndex: number;
  recipeIndex: number;
  editKey: string;
}

/**
 * How a lever's record scales its hypotheses: 1 with no scored predictions, else between 0.75
 * (no predicted unlock came true) and 1.25 (all did).
 */
export function trackRecordFactor(record: LeverRecord | undefined): number {
  if (!record || record.predictions === 0) return 1;
  return 0.75 + 0.5 * record.hitRate;
}

export function editKey(edit: unknown): string {
  return canonicalJson(edit);
}

function compare(a: ScoredProposal, b: ScoredProposal): number {
  return (
    b.score - a.score ||
    a.clusterIndex - b.clusterIndex ||
    a.recipeIndex - b.recipeIndex ||
    (a.editKey < b.editKey ? -1 : a.editKey > b.editKey ? 1 : 0)
  );
}

/** Sorted, de-duplicated by edit, structural quota applied, cut to `maxHypotheses`. */
export function rankProposals<P extends ScoredProposal>(
  proposals: readonly P[],
  options: { maxHypotheses: number; structuralQuota: number },
): P[] {
  const seen = new Set<string>();
  const unique = [...proposals].sort(compare).filter((proposal) => {
    if (seen.has(proposal.editKey)) return false;
    seen.add(proposal.editKey);
    return true;
  });
  const quota = unique.filter((proposal) => proposal.kind === 'structural').slice(0, options.structuralQuota);
  const rest = unique.filter((proposal) => !quota.includes(proposal));
  return [...quota, ...rest].slice(0, options.maxHypotheses);
}
