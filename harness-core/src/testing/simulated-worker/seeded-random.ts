/**
 * The simulated worker's randomness: a mulberry32 stream per decision, each seeded from a hash of
 * the request (seed, messages, tool names) and the decision's name. Identical requests give
 * identical draws, and adding a draw to one decision never shifts another's.
 */

import { createSeededRandom, hashSeed, type RandomSource } from '../../random.ts';

export type { RandomSource } from '../../random.ts';
export { createSeededRandom as createMulberry32 } from '../../random.ts';

/** FNV-1a over the UTF-16 code units of `text`, starting from `seed`. */
export const hashText = hashSeed;

/** Independent streams for named decisions, all derived from one request hash. */
export interface DecisionRandom {
  readonly requestHash: number;
  stream(decision: string): RandomSource;
}

export function createDecisionRandom(requestHash: number): DecisionRandom {
  return {
    requestHash,
    stream: (decision) => createSeededRandom(hashSeed(requestHash, decision)),
  };
}
