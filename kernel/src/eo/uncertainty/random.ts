/**
 * A small seeded pseudo-random generator (mulberry32) so that RISE masks, permutations and
 * randomized sanity checks are reproducible from a seed.
 * @module
 */

import { recordSeed } from "../provenance.js";
import { mulberry32 } from "../../util/mulberry32.js";

/** A source of uniform random numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A seeded uniform generator in [0, 1) ({@link mulberry32} from the seed's low 32 bits mixed with
 * 0x9e3779b9, so its sequences differ from the dataset splits' generator for the same seed).
 * @param seed any integer
 * @example
 * ```ts
 * const rand = seededRandom(42);
 * rand(); // 0.4813160905614495, the same on every run
 * ```
 */
export function seededRandom(seed: number): RandomSource {
  recordSeed(seed);
  return mulberry32((seed | 0) ^ 0x9e3779b9);
}

/**
 * A standard normal draw from a uniform source (Box–Muller).
 * @example
 * ```ts
 * const z = normalRandom(seededRandom(1))();
 * ```
 */
export function normalRandom(rand: RandomSource): () => number {
  return () => {
    const u = Math.max(rand(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/**
 * In-place Fisher–Yates shuffle with a given source.
 * @example
 * ```ts
 * shuffleInPlace([1, 2, 3], seededRandom(1));
 * ```
 */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(a: T, rand: RandomSource): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
