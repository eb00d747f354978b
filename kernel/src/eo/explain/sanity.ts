/**
 * The model-randomization sanity check (Adebayo et al. 2018): attributions of a model whose weights
 * were randomized should differ from the trained model's; if they don't, the method explains the
 * input (edges, brightness), not the model.
 * @module
 */
import type { Predictor } from "../model/tensor.js";
import { DISPLAY, htmlTable, textTable } from "../uncertainty/html.js";
import { AttributionMap } from "./attribution.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError } from "./errors.js";

function ranks(a: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[x]! - a[y]!);
  const r = new Float64Array(a.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && a[idx[j + 1]!] === a[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Both sides of a correlation must be arrays (or typed arrays) of at least 2 numbers. */
function checkSequences(a: unknown, b: unknown): void {
  for (const [v, side] of [[a, "first"], [b, "second"]] as const) {
    if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
      throw new ExplainInputError(`The ${side} sequence to correlate is ${describeValue(v)}; give two arrays (or typed arrays) of numbers.`);
    }
    const bad = Array.prototype.findIndex.call(v, (x: unknown) => typeof x !== "number");
    if (bad >= 0) throw new ExplainInputError(`Value ${bad} of the ${side} sequence is ${describeValue((v as unknown[])[bad])}; correlations need numbers.`, { index: bad });
  }
  if ((a as ArrayLike<number>).length < 2 && (a as ArrayLike<number>).length === (b as ArrayLike<number>).length) {
    throw new ExplainInputError(`Cannot correlate ${(a as ArrayLike<number>).length} value(s); a correlation needs at least 2 pairs.`);
  }
}

/**
 * Pearson correlation (0 when either side is constant).
 * @example
 * ```ts
 * pearson([1, 2, 3], [2, 4, 7]); // 0.99…
 * ```
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSequences(a, b);
  if (a.length !== b.length) throw new ExplainInputError(`Cannot correlate ${a.length} and ${b.length} values; give two sequences of the same length.`);
  const n = a.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) {
      throw new ExplainInputError(`Value ${i} is ${Number.isFinite(a[i]!) ? b[i] : a[i]}; correlations need finite values.`, { index: i });
    }
  }
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/**
 * Spearman rank correlation (average ranks for ties), optionally of absolute values.
 * @example
 * ```ts
 * spearman([1, 2, 3], [10, 20, 30]); // 1
 * ```
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>, absolute = false): number {
  checkSequences(a, b);
  if (a.length !== b.length) throw new ExplainInputError(`Cannot correlate maps of ${a.length} and ${b.length} values.`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) {
      throw new ExplainInputError(`Value ${i} is ${Number.isFinite(a[i]!) ? b[i] : a[i]}; rank correlations need finite values.`, { index: i });
    }
  }
  const f = (x: ArrayLike<number>) => (absolute ? Array.from(x, Math.abs) : x);
  return pearson(ranks(f(a)), ranks(f(b)));
}

/**
 * Result of {@link sanityCheck}.
 * @example
 * ```ts
 * const check = await sanityCheck((m) => occlusion(m, patch, { target: 0 }), model, randomized);
 * check.passed;
 * ```
 */
export class SanityCheck {
  /** Spearman correlation of |attribution| between trained and randomized model, per item. */
  readonly spearman: Float64Array;
  /** The threshold below which the maps count as different. */
  readonly threshold: number;
  readonly method: string;

  constructor(method: string, rho: Float64Array, threshold: number) {
    this.method = method;
    this.spearman = rho;
    this.threshold = threshold;
  }

  /** True when every item's maps differ (|ρ| < threshold). */
  get passed(): boolean {
    return this.spearman.every((r) => Math.abs(r) < this.threshold);
  }

  [DISPLAY](): Record<string, string> {
    const cap = `Model-randomization sanity check of ${this.method}: ${this.passed ? "PASSED (maps differ)" : "FAILED (maps stay similar)"}`;
    const rows = Array.from(this.spearman, (r, i) => [i, r] as (string | number)[]);
    return { "text/plain": textTable(cap, ["item", "Spearman ρ"], rows), "text/html": htmlTable(cap, ["item", "Spearman ρ"], rows) };
  }
}

/**
 * Runs an attribution method on the trained and on a randomized model and compares the maps by the
 * Spearman rank correlation of their absolute values.
 * @param explain the attribution method, e.g. `(m) => occlusion(m, patch, { target: 3 })` (fix the target!)
 * @param trained the model
 * @param randomized the same architecture with randomized weights (see {@link randomizeOnnxWeights})
 * @param options `threshold` of |ρ| below which the maps count as different; default 0.5
 * @example
 * ```ts
 * const rnd = await loadModel(randomizeOnnxWeights(readFileSync(path)).bytes);
 * const check = await sanityCheck((m) => occlusion(m, patch, { target: 0 }), model, rnd);
 * check.passed;
 * ```
 */
export async function sanityCheck(
  explain: (model: Predictor) => Promise<AttributionMap>, trained: Predictor, randomized: Predictor, options: { threshold?: number } = {},
): Promise<SanityCheck> {
  if (typeof explain !== "function") {
    throw new ExplainInputError(`explain must be a function (model) => attribution, e.g. (m) => occlusion(m, patch, { target: 0 }), got ${describeValue(explain)}.`);
  }
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { threshold: 0.5 }, got ${describeValue(options)}.`);
  for (const [m, which] of [[trained, "trained"], [randomized, "randomized"]] as const) {
    if (m === null || typeof m !== "object" || typeof m.predict !== "function") {
      throw new ExplainInputError(`The ${which} model must be an object with a predict() method (e.g. from loadModel()), got ${describeValue(m)}.`);
    }
  }
  if (trained === randomized) {
    throw new ExplainInputError(
      "trained and randomized are the same model, so the maps can only agree; pass a copy with randomized weights, e.g. await loadModel(randomizeOnnxWeights(bytes).bytes, { card: model.card }).",
    );
  }
  const threshold = options.threshold ?? 0.5;
  if (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1)) {
    throw new ExplainInputError(`threshold must be a correlation in (0, 1], got ${describeValue(threshold)}; 0.5 is usual.`, { threshold });
  }
  const a = await explain(trained);
  const b = await explain(randomized);
  for (const [m, which] of [[a, "trained"], [b, "randomized"]] as const) {
    if (!(m instanceof AttributionMap)) {
      throw new ExplainInputError(`explain returned ${describeValue(m)} for the ${which} model; it must return an AttributionMap (occlusion(), rise(), segmentAblation(), a gradient method).`);
    }
  }
  if (a.dims.join("x") !== b.dims.join("x")) {
    throw new ExplainInputError(`The two attribution maps differ in shape ([${a.dims.join(", ")}] vs [${b.dims.join(", ")}]); explain the same input with both models.`);
  }
  const [n, h, w] = a.dims;
  for (let i = 0; i < n; i++) {
    const m = a.data.subarray(i * h * w, (i + 1) * h * w);
    if (m.every((v) => Math.abs(v) === Math.abs(m[0]!))) {
      throw new ExplainInputError(
        `The trained model's attribution map of item ${i} is constant (|value| ${Math.abs(m[0]!)} everywhere): it ranks no pixel, so there is nothing to compare ` +
          `(the check would pass by the correlation's convention). Check the target and the method's options (e.g. a smaller occlusion window).`,
        { item: i },
      );
    }
  }
  const rho = Float64Array.from({ length: n }, (_, i) => spearman(a.data.subarray(i * h * w, (i + 1) * h * w), b.data.subarray(i * h * w, (i + 1) * h * w), true));
  return new SanityCheck(a.method, rho, threshold);
}
