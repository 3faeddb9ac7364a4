/** Seeded pseudo-random numbers (mulberry32) and string hashing, for reproducible runs. */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`: derives independent sub-seeds. */
export function hashSeed(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  return hashSeed(0, text);
}

/** mulberry32: tiny, fast and good enough for simulation; the state is one 32-bit integer. */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
