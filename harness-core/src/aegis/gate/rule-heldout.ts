/**
 * Gate rules 5 and 6, on the held-out split: the candidate may not fall below the current version,
 * nor below the best version ever accepted, by more than noise.
 *
 * The margin comes from the same measured noise floor, pooled over every adaptation task: with φ
 * the probability that two rollouts of one version on one task disagree (≈ 2·p·(1 − p)), one run's
 * success rate over N rollouts has variance ≈ φ / (2N), so the difference of two runs of equal
 * versions with N_a and N_b rollouts (k × tasks each) has standard deviation
 *
 *   σ = sqrt(φ / 2 · (1 / N_a + 1 / N_b))
 *
 * and the margin is z · σ (z = 1.6449: a one-sided 95 % bound). φ is at least 3 / N_adaptation,
 * so a version that never flipped in its replicate still gets a small, non-zero margin.
 */
import { InputError } from '../../errors.ts';
import { countTaskOutcomes, pooledSuccess } from './evaluation-counts.ts';
import { formatRate, type GateContext, type RuleOutcome } from './gate-context.ts';
import { type NoiseFloor, poolNoiseFloor } from './noise-floor.ts';

/** z · sqrt(φ / 2 · (1/nA + 1/nB)), the largest drop two equal versions show 95 % of the time. */
export function heldoutMargin(
  flipProbability: number,
  rolloutsA: number,
  rolloutsB: number,
  z: number,
): number {
  if (rolloutsA <= 0 || rolloutsB <= 0) return 0;
  return z * Math.sqrt((flipProbability / 2) * (1 / rolloutsA + 1 / rolloutsB));
}

function adaptationNoise(context: GateContext): NoiseFloor {
  return poolNoiseFloor(context.taskFlips());
}

async function candidateVersusCurrent(context: GateContext) {
  const current = countTaskOutcomes(context.input.evaluations.currentHeldout, 'evaluations.currentHeldout');
  const candidate = countTaskOutcomes(await context.candidateHeldout(), 'evaluations.candidateHeldout');
  const currentIds = [...current.keys()].join('\n');
  if ([...candidate.keys()].join('\n') !== currentIds) {
    throw new InputError('gate input', 'decideGate', [
      {
        path: 'evaluations.candidateHeldout.tasks',
        message: 'the candidate and the current version must be evaluated on the same held-out tasks',
      },
    ]);
  }
  return { current: pooledSuccess(current), candidate: pooledSuccess(candidate) };
}

export async function checkNoHeldoutRegression(context: GateContext): Promise<RuleOutcome> {
  const { current, candidate } = await candidateVersusCurrent(context);
  const noise = adaptationNoise(context);
  const margin = heldoutMargin(
    noise.flipProbability,
    candidate.rollouts,
    current.rollouts,
    context.options.heldoutZ,
  );
  const threshold = current.rate - margin;
  const inputs = {
    candidate,
    current,
    noiseFloor: noise,
    z: context.options.heldoutZ,
    formula: 'margin = z * sqrt(flip / 2 * (1 / candidateRollouts + 1 / currentRollouts))',
    margin,
    threshold,
  };
  const summary =
    `held-out success ${formatRate(candidate.rate)} (${candidate.successes}/${candidate.rollouts}) vs current ` +
    `${formatRate(current.rate)} (${current.successes}/${current.rollouts}) − margin ${formatRate(margin)}`;
  if (candidate.rate >= threshold) return { outcome: 'pass', inputs, detail: `${summary}: within noise` };
  return { outcome: 'fail', inputs, detail: `${summary}: regressed beyond noise on the held-out split` };
}

export async function checkNotBelowBestAccepted(context: GateContext): Promise<RuleOutcome> {
  const { current, candidate } = await candidateVersusCurrent(context);
  const stated = context.input.bestAccepted;
  const best = stated
    ? {
        contentId: stated.contentId,
        successes: stated.heldoutSuccesses,
        rollouts: stated.heldoutRollouts,
        rate: stated.heldoutSuccesses / stated.heldoutRollouts,
      }
    : { contentId: context.input.currentContentId, ...current };
  const noise = adaptationNoise(context);
  const margin = heldoutMargin(
    noise.flipProbability,
    candidate.rollouts,
    best.rollouts,
    context.options.heldoutZ,
  );
  const threshold = best.rate - margin;
  const inputs = {
    candidate,
    best,
    bestSource: stated ? 'bestAccepted' : 'current version (no other accepted version recorded)',
    noiseFloor: noise,
    z: context.options.heldoutZ,
    formula: 'margin = z * sqrt(flip / 2 * (1 / candidateRollouts + 1 / bestRollouts))',
    margin,
    threshold,
  };
  const summary =
    `held-out success ${formatRate(candidate.rate)} vs best accepted ${formatRate(best.rate)} ` +
    `(${best.contentId.slice(0, 19)}) − margin ${formatRate(margin)}`;
  if (candidate.rate >= threshold)
    return { outcome: 'pass', inputs, detail: `${summary}: not below the best` };
  return { outcome: 'fail', inputs, detail: `${summary}: below the best version ever accepted` };
}
