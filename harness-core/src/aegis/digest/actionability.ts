/**
 * How likely a harness edit fixes a failure cluster, in [0, 1]:
 *
 *   actionability = share × fixability × locality
 *
 * - share: the cluster's failures over all failed episodes of the batch;
 * - fixability: a prior per failure class (`FIXABILITY_PRIORS`): how often a harness edit (not a
 *   better model) removes that class of failure;
 * - locality: how consistently the failure happens at one place — the larger of the share of its
 *   failures at its most common tool and the share in its most common third of the episode
 *   (early, middle, late turns). A failure that always happens at the same tool or phase can be
 *   fixed by one targeted processor; a scattered one cannot.
 *
 * Rounded to 4 decimals, so equal inputs give byte-equal digests.
 */
import type { FailureClass } from '../artifacts/common.ts';
import type { TrajectoryDigest } from '../artifacts/digest.ts';

export const FIXABILITY_PRIORS: Readonly<Record<Exclude<FailureClass, 'none'>, number>> = {
  /** Argument repair and schema-aware error messages fix most of them. */
  'malformed-arguments': 0.9,
  /** Loop guards and failure reflection break loops. */
  'repeated-failed-action': 0.85,
  /** Verification before finishing catches unmet conditions. */
  'early-finish': 0.8,
  /** Remove or re-configure the failing processor. */
  'processor-error': 0.8,
  /** Memory, goal pinning and compaction keep state in view. */
  'lost-state': 0.7,
  /** Failure reflection helps, but the model still has to find a valid action. */
  'invalid-action': 0.6,
  /** Planning and efficiency help; raising the budget is not a fix (the critic flags it). */
  'turn-budget-exhausted': 0.5,
  /** Compaction and result truncation. */
  'token-budget-exhausted': 0.5,
  /** Fallback models and retries, when the provider is the problem. */
  'model-error': 0.4,
  unknown: 0.2,
  /** The caller stopped the episode; the harness can do little. */
  aborted: 0.05,
};

type Member = Pick<TrajectoryDigest, 'tool' | 'turn' | 'turns'>;

function largestShare(keys: readonly (string | undefined)[], total: number): number {
  const counts = new Map<string, number>();
  let best = 0;
  for (const key of keys) {
    if (key === undefined) continue;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    best = Math.max(best, count);
  }
  return total === 0 ? 0 : best / total;
}

function phaseOf(member: Member): string | undefined {
  if (member.turn === undefined) return undefined;
  const phase = Math.floor((3 * member.turn) / Math.max(1, member.turns));
  return ['early', 'middle', 'late'][Math.min(2, Math.max(0, phase))];
}

export function locality(members: readonly Member[]): number {
  const toolShare = largestShare(
    members.map((member) => member.tool),
    members.length,
  );
  const phaseShare = largestShare(members.map(phaseOf), members.length);
  return Math.max(toolShare, phaseShare);
}

export function actionability(
  failureClass: Exclude<FailureClass, 'none'>,
  members: readonly Member[],
  failedEpisodes: number,
): number {
  if (failedEpisodes === 0 || members.length === 0) return 0;
  const share = Math.min(1, members.length / failedEpisodes);
  const score = share * FIXABILITY_PRIORS[failureClass] * locality(members);
  return Math.round(score * 10_000) / 10_000;
}
