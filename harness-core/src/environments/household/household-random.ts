/**
 * Seeded randomness for the household suite. Everything that varies (task generation, per-rollout
 * shuffles) draws from here so that a suite seed reproduces the same tasks and worlds, and nothing
 * in the suite ever touches `Math.random`.
 */

import type { RandomSource } from '../../random.ts';

export type { RandomSource } from '../../random.ts';
export { createSeededRandom as createMulberry32, hashSeed } from '../../random.ts';

/** An integer in [min, max], both inclusive. */
export function randomInt(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pickOne<T>(random: RandomSource, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pickOne needs a non-empty list');
  return items[Math.floor(random() * items.length)] as T;
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(random: RandomSource, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
