/**
 * The simulated worker's randomness: a mulberry32 stream per decision, each seeded from a hash of
 * the request (seed, messages, tool names) and the decision's name. Identical requests give
 * identical draws, and adding a draw to one decision never shifts another's.
 */

export type RandomSource = () => number;

export function createMulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the UTF-16 code units of `text`, starting from `seed`. */
export function hashText(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Independent streams for named decisions, all derived from one request hash. */
export interface DecisionRandom {
  readonly requestHash: number;
  stream(decision: string): RandomSource;
}

export function createDecisionRandom(requestHash: number): DecisionRandom {
  return {
    requestHash,
    stream: (decision) => createMulberry32(hashText(requestHash, decision)),
  };
}
