/**
 * Positional recall: a fact in the system prompt or within the recent window is always recalled;
 * further back it is recalled with a probability that halves every `recallHalfLifeTokens`. One
 * draw per fact per call, so a far fact may be remembered on one turn and missed on the next.
 */
import type { PerceivedFact } from './perception.ts';
import type { RandomSource } from './seeded-random.ts';
import type { ResolvedSimulatedWorkerOptions } from './simulated-worker-options.ts';

type RecallOptions = Pick<ResolvedSimulatedWorkerOptions, 'recentWindowTokens' | 'recallHalfLifeTokens'>;

/** Probability that a fact `distance` tokens from the end is recalled. */
export function recallProbability(distance: number, inSystem: boolean, options: RecallOptions): number {
  if (inSystem || distance <= options.recentWindowTokens) return 1;
  return 0.5 ** ((distance - options.recentWindowTokens) / options.recallHalfLifeTokens);
}

/** Whether a fact sits where it is always in view (system prompt or recent window). */
export function isInView(fact: { distance: number; inSystem: boolean }, options: RecallOptions): boolean {
  return fact.inSystem || fact.distance <= options.recentWindowTokens;
}

/** The facts recalled on this call, in their original order. */
export function recallFacts<T>(
  facts: readonly PerceivedFact<T>[],
  random: RandomSource,
  options: RecallOptions,
): PerceivedFact<T>[] {
  return facts.filter((fact) => {
    const draw = random();
    return draw < recallProbability(fact.distance, fact.inSystem, options);
  });
}
