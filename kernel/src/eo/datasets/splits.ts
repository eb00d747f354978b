/**
 * Seeded, reproducible train/val/test splits: stratified by class, or by spatially disjoint blocks
 * when sample footprints are known (neighbouring patches are correlated; random splits of them
 * overstate accuracy).
 * @module
 */
import type { Bounds } from "../raster/types.js";
import { DatasetError } from "./errors.js";
import { recordSeed } from "../provenance.js";
import { describeValue } from "../../util/describe-value.js";
import { mulberry32 } from "../../util/mulberry32.js";

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on
 * every platform. The seed is an integer from 0 to 2^32 − 1 (its 32-bit state: other numbers would
 * be truncated into it, so 0.1, 0.9 and NaN would all mean 0).
 * @throws {DatasetError} for any other seed
 * @example
 * ```ts
 * const rnd = seededRandom(42);
 * rnd(); // 0.6011037519201636
 * ```
 */
export function seededRandom(seed: number): () => number {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new DatasetError(`A seed must be an integer from 0 to 4294967295; got ${describeValue(seed)}.`, "");
  }
  recordSeed(seed);
  return mulberry32(seed);
}

/**
 * Fisher–Yates shuffle of a copy, with a seeded generator.
 * @example
 * ```ts
 * seededShuffle([1, 2, 3, 4], seededRandom(7)); // the same order on every run
 * ```
 */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Options of {@link assignSplits}. */
export interface SplitOptions {
  /** Split names and their shares (normalized to sum 1). Default `{ train: 0.6, val: 0.2, test: 0.2 }`. */
  ratios?: Record<string, number>;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /**
   * Block edge in CRS units for spatially disjoint splits: samples are grouped by the block that
   * holds their footprint's centre and whole blocks go to one split. Needs every sample's bounds.
   * Default: none (stratified random split by class).
   */
  blockSize?: number;
}

/**
 * Assigns each sample to a split.
 * @param labels class label per sample (`null` = unlabelled, split as its own group)
 * @param bounds footprint per sample (needed with `blockSize`)
 * @param options {@link SplitOptions}
 * @returns a split name per sample
 * @throws {DatasetError} for bad ratios, or `blockSize` without footprints
 * @example
 * ```ts
 * assignSplits([0, 0, 1, 1, 1], null, { ratios: { train: 0.8, test: 0.2 }, seed: 1 });
 * ```
 */
export function assignSplits(labels: readonly (number | null)[], bounds: readonly (Bounds | null | undefined)[] | null, options: SplitOptions = {}): string[] {
  const ratios = options.ratios ?? { train: 0.6, val: 0.2, test: 0.2 };
  const names = Object.keys(ratios);
  const total = names.reduce((a, k) => a + ratios[k]!, 0);
  if (names.length === 0 || !(total > 0) || names.some((k) => !(ratios[k]! >= 0 && Number.isFinite(ratios[k])))) {
    const bad = names.find((k) => !(ratios[k]! >= 0 && Number.isFinite(ratios[k])));
    throw new DatasetError(`Split ratios must be finite, non-negative numbers with a positive sum, got ${bad === undefined ? JSON.stringify(ratios) : `${bad}: ${String(ratios[bad])}`}.`, "");
  }
  const cum: number[] = [];
  let run = 0;
  for (const k of names) cum.push((run += ratios[k]! / total));
  const random = seededRandom(options.seed ?? 0);
  const out = new Array<string>(labels.length);
  /** Deals groups (arrays of sample indices), in shuffled order, to splits by cumulative share. */
  const deal = (groups: number[][]): void => {
    const n = groups.reduce((a, g) => a + g.length, 0);
    let seen = 0;
    for (const g of seededShuffle(groups, random)) {
      // the split whose cumulative share holds the middle of this group
      const mid = (seen + g.length / 2) / n;
      let s = cum.findIndex((c) => mid <= c + 1e-12);
      if (s < 0) s = names.length - 1;
      for (const i of g) out[i] = names[s]!;
      seen += g.length;
    }
  };
  if (options.blockSize !== undefined) {
    const bs = options.blockSize;
    if (!(bs > 0 && Number.isFinite(bs))) throw new DatasetError(`blockSize must be a positive number (CRS units), got ${bs}.`, "");
    const blocks = new Map<string, number[]>();
    labels.forEach((_, i) => {
      const b = bounds?.[i];
      if (!b) throw new DatasetError(`Sample ${i} has no footprint (bounds), so spatial block splits are impossible; drop blockSize, or give every sample its footprint (a manifest's minx, miny, maxx, maxy columns).`, "");
      if (![b.minX, b.minY, b.maxX, b.maxY].every(Number.isFinite)) throw new DatasetError(`Sample ${i}'s footprint is not finite (${b.minX}, ${b.minY}, ${b.maxX}, ${b.maxY}); spatial block splits need finite bounds.`, "");
      const key = `${Math.floor((b.minX + b.maxX) / 2 / bs)},${Math.floor((b.minY + b.maxY) / 2 / bs)}`;
      let g = blocks.get(key);
      if (!g) blocks.set(key, (g = []));
      g.push(i);
    });
    // sorted keys, so the result does not depend on input order
    deal([...blocks.keys()].sort().map((k) => blocks.get(k)!));
  } else {
    const byClass = new Map<string, number[]>();
    labels.forEach((l, i) => {
      const k = String(l);
      let g = byClass.get(k);
      if (!g) byClass.set(k, (g = []));
      g.push(i);
    });
    for (const k of [...byClass.keys()].sort()) deal(byClass.get(k)!.map((i) => [i]));
  }
  return out;
}
