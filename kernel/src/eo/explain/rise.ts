/**
 * RISE — Randomized Input Sampling for Explanation (Petsiuk et al. 2018): the saliency of a pixel
 * is the expected score of the model over random smooth masks that keep it. Masks are seeded, so
 * the same seed gives the same map.
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { seededRandom } from "../uncertainty/random.js";
import { AttributionMap } from "./attribution.js";
import { ExplainInputError } from "./errors.js";
import { baselineImage, type Baseline } from "./occlusion.js";
import { describeValue } from "../../util/describe-value.js";
import { checkSeed, imageDims, resolveTargets, scorePerturbations, type ExplainOptions } from "./target.js";

/** Largest number of mask values (masks × H × W) RISE holds at once (1 GiB of float32). */
export const MAX_RISE_MASK_VALUES = 2 ** 28;

/** Options of {@link rise}. */
export interface RiseOptions extends ExplainOptions {
  /** Number of random masks; default 1000. */
  masks?: number;
  /** Grid cells per side of the low-resolution masks; default 8. */
  cells?: number;
  /** Probability that a cell is kept; default 0.5. */
  keep?: number;
  /** Seed of the masks; default 0. */
  seed?: number;
  /** Values where the mask is 0: a number (default 0), one per band, `"mean"` or `"blur"`. */
  baseline?: Baseline;
}

/**
 * The RISE masks: `count` smooth masks of `H×W` values in [0, 1] — random binary `cells×cells`
 * grids, bilinearly upsampled and randomly shifted by up to one cell.
 * @example
 * ```ts
 * const m = riseMasks(64, 64, { masks: 100, cells: 8, keep: 0.5, seed: 1 }); // Float32Array(100·64·64)
 * ```
 */
export function riseMasks(H: number, W: number, options: { masks?: number; cells?: number; keep?: number; seed?: number } = {}): Float32Array {
  for (const [name, v] of [["H", H], ["W", W]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new ExplainInputError(`${name} must be a positive integer (the patch ${name === "H" ? "height" : "width"} in pixels), got ${describeValue(v)}.`, { [name]: v });
    }
  }
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { masks: 1000 }, got ${describeValue(options)}.`);
  const M = options.masks ?? 1000, s = options.cells ?? 8, keep = options.keep ?? 0.5;
  const shown = (v: unknown) => (typeof v === "number" ? String(v) : describeValue(v));
  if (typeof M !== "number" || !Number.isInteger(M) || M < 1) throw new ExplainInputError(`masks must be a positive integer, got ${shown(M)}.`, { masks: M });
  if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > Math.min(H, W)) {
    throw new ExplainInputError(`cells must be an integer in 1..${Math.min(H, W)} for a ${H}×${W} patch, got ${shown(s)}.`, { cells: s });
  }
  if (typeof keep !== "number" || !(keep > 0 && keep < 1)) throw new ExplainInputError(`keep must be a number in (0, 1), got ${describeValue(keep)}.`, { keep });
  checkSeed(options.seed);
  if (M * H * W > MAX_RISE_MASK_VALUES) {
    throw new ExplainInputError(
      `${M} masks of ${H}×${W} need ${M * H * W} values (${((M * H * W * 4) / 2 ** 30).toFixed(1)} GiB), more than RISE holds at once (${MAX_RISE_MASK_VALUES}); ` +
        `use at most ${Math.floor(MAX_RISE_MASK_VALUES / (H * W))} masks, or smaller patches.`,
      { masks: M, height: H, width: W },
    );
  }
  const rand = seededRandom(options.seed ?? 0);
  const ch = Math.ceil(H / s), cw = Math.ceil(W / s);
  const G = s + 2;
  const grid = new Float32Array(G * G);
  const out = new Float32Array(M * H * W);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < G * G; i++) grid[i] = rand() < keep ? 1 : 0;
    const dy = Math.floor(rand() * ch), dx = Math.floor(rand() * cw);
    const base = m * H * W;
    for (let y = 0; y < H; y++) {
      const gy = (y + dy) / ch;
      const y0 = Math.floor(gy), fy = gy - y0;
      for (let x = 0; x < W; x++) {
        const gx = (x + dx) / cw;
        const x0 = Math.floor(gx), fx = gx - x0;
        const a = grid[y0 * G + x0]!, b = grid[y0 * G + x0 + 1]!, c = grid[(y0 + 1) * G + x0]!, d = grid[(y0 + 1) * G + x0 + 1]!;
        out[base + y * W + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
      }
    }
  }
  return out;
}

/**
 * RISE saliency maps: `Σ_i score(x ⊙ M_i + b ⊙ (1 − M_i)) · M_i / (count · keep)`, all masked copies
 * scored in batched forward passes.
 * @param input `N×C×H×W` batch
 * @param options masks (1000), cells (8), keep (0.5), seed (0), baseline (0), target, score, maxBatch (64)
 * @example
 * ```ts
 * const sal = await rise(model, patch, { masks: 2000, seed: 42 });
 * ```
 */
export async function rise(predictor: Predictor, input: Tensor, options: RiseOptions = {}): Promise<AttributionMap> {
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { masks: 1000 }, got ${describeValue(options)}.`);
  const [N, C, H, W] = imageDims(input);
  const M = options.masks ?? 1000;
  const keep = options.keep ?? 0.5;
  const masks = riseMasks(H, W, { masks: M, cells: options.cells ?? 8, keep, seed: options.seed ?? 0 });
  const { targets, baseScores } = await resolveTargets(predictor, input, options);
  const P = H * W, size = C * P;
  const baselines = Array.from({ length: N }, (_, n) => baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, options.baseline ?? 0, 2));
  const jobs = {
    length: N * M,
    get(i: number) {
      const n = Math.floor(i / M), m = i % M;
      return {
        item: n,
        fill(dst: Float32Array) {
          const x = input.data.subarray(n * size, (n + 1) * size);
          const b = baselines[n]!;
          for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) {
            const k = masks[m * P + p]!;
            dst[c * P + p] = x[c * P + p]! * k + b[c * P + p]! * (1 - k);
          }
        },
      };
    },
  };
  const scores = await scorePerturbations(predictor, [C, H, W], jobs, targets, options, "RISE");
  const acc = new Float64Array(N * P);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    const s = scores[n * M + m]!;
    for (let p = 0; p < P; p++) acc[n * P + p]! += s * masks[m * P + p]!;
  }
  const data = Float32Array.from(acc, (v) => v / (M * keep));
  const mb = Math.max(1, options.maxBatch ?? 64);
  return new AttributionMap({
    method: `RISE (${M} masks, ${options.cells ?? 8} cells, keep ${keep}, seed ${options.seed ?? 0})`,
    data, dims: [N, H, W], targets, baseScores, passes: Math.ceil(N / mb) + Math.ceil((N * M) / mb),
  });
}
