/**
 * mulberry32, a small 32-bit pseudo-random generator (Tommy Ettinger's, public domain): the same
 * state gives the same sequence on every platform. The one core behind ai4eo's seeded generators
 * (dataset splits, explanation masks and permutations), which differ only in how a seed becomes
 * the state.
 * @module
 */

/**
 * A uniform generator in [0, 1) from a 32-bit state (any number: its low 32 bits are used).
 * @example
 * ```ts
 * const rnd = mulberry32(42);
 * rnd(); // 0.6011037519201636
 * ```
 */
export function mulberry32(state: number): () => number {
  let a = state | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
