/**
 * Split conformal prediction: LAC and APS prediction sets for classification (per sample or per
 * pixel), absolute-residual intervals and conformalized quantile regression (CQR) for regression.
 * Guarantee: for exchangeable calibration and test data, P(y ∈ set) ≥ 1 − α.
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { Raster } from "../raster/raster.js";
import type { CRS, GeoTransform } from "../raster/types.js";
import { AlphaRangeError, CalibrationSplitTooSmallError, LengthMismatchError, UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, textTable } from "./html.js";
import { toLabels, toProbabilities, toVector, type Matrix, type MatrixInput } from "./matrix.js";
import { describeValue } from "../../util/describe-value.js";

/**
 * Checks α ∈ (0, 1).
 * @example
 * ```ts
 * checkAlpha(0.1); // 0.1
 * checkAlpha(1); // throws AlphaRangeError
 * ```
 */
export function checkAlpha(alpha: number): number {
  if (typeof alpha !== "number") {
    throw new UncertaintyInputError(`alpha must be a number in (0, 1), got ${describeValue(alpha)}. Use e.g. 0.1 for 90% coverage.`, { alpha });
  }
  if (!(alpha > 0 && alpha < 1)) throw new AlphaRangeError(alpha);
  return alpha;
}

function checkOptions(options: unknown, fn: string): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new UncertaintyInputError(`${fn}'s options must be an object such as { alpha: 0.1 }, got ${describeValue(options)}.`);
  }
}

/**
 * The split-conformal quantile: the ⌈(n+1)(1−α)⌉-th smallest calibration score.
 * @throws {CalibrationSplitTooSmallError} when ⌈(n+1)(1−α)⌉ > n.
 * @example
 * ```ts
 * conformalQuantile(Float64Array.from([0.1, 0.2, 0.3, 0.4]), 0.2); // 4th smallest → 0.4
 * ```
 */
export function conformalQuantile(scores: Float64Array, alpha: number): number {
  checkAlpha(alpha);
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) throw new UncertaintyInputError(`Calibration score ${i} is NaN; every nonconformity score must be a number.`, { index: i });
  }
  const k = Math.ceil((n + 1) * (1 - alpha) - 1e-9);
  if (k > n) throw new CalibrationSplitTooSmallError(n, alpha, Math.ceil(1 / alpha) - 1);
  return Float64Array.from(scores).sort()[k - 1]!;
}

/** Options of {@link conformalClassifier}. */
export interface ConformalClassifierOptions {
  /** Miscoverage level α in (0, 1); default 0.1 (90% coverage). */
  alpha?: number;
  /**
   * `"lac"` (default; score 1 − p_y, smallest sets) or `"aps"` (adaptive prediction sets; score =
   * total probability of the classes ranked at or above the true class, sizes adapt to difficulty).
   */
  method?: "lac" | "aps";
}

/** Coverage and set-size figures of a conformal predictor on a labelled test split. */
export interface ConformalEvaluation {
  /** Fraction of test samples whose true label is in the set (or interval). */
  coverage: number;
  /** Target coverage 1 − α. */
  target: number;
  /** Mean set size (classification) or mean interval width (regression). */
  meanSize: number;
  n: number;
}

function apsScore(m: Matrix, i: number, c: number): number {
  const pc = m.data[i * m.k + c]!;
  let s = 0;
  for (let j = 0; j < m.k; j++) {
    const p = m.data[i * m.k + j]!;
    if (p >= pc) s += p;
  }
  return s;
}

/**
 * A calibrated split-conformal classifier: prediction sets for new probabilities.
 * @example
 * ```ts
 * const cp = conformalClassifier(calProbs, calLabels, { alpha: 0.1 });
 * cp.predictSets(testProbs);
 * ```
 */
export class ConformalClassifier {
  readonly alpha: number;
  readonly method: "lac" | "aps";
  /** The conformal threshold q̂ on the nonconformity score. */
  readonly threshold: number;
  /** Size of the calibration split. */
  readonly calibrationSize: number;
  /** Number of classes of the calibration probabilities (undefined: not checked). */
  readonly classes: number | undefined;
  /** The last {@link evaluate} result, shown by the display. */
  lastEvaluation?: ConformalEvaluation;

  constructor(alpha: number, method: "lac" | "aps", threshold: number, calibrationSize: number, classes?: number) {
    this.alpha = alpha;
    this.method = method;
    this.threshold = threshold;
    this.calibrationSize = calibrationSize;
    this.classes = classes;
  }

  /**
   * Membership of each class in each row's prediction set: `n × k` (1 = in the set).
   * @example
   * ```ts
   * const sets = cp.predictSets(testProbs); // sets.data[i*k + c] === 1 when class c is in set i
   * ```
   */
  predictSets(probs: MatrixInput): { data: Uint8Array; n: number; k: number } {
    const m = toProbabilities(probs);
    if (this.classes !== undefined && m.k !== this.classes) {
      throw new LengthMismatchError(
        `probs have ${m.k} classes but this conformal classifier was calibrated on ${this.classes}; give the same model's probabilities for the same classes.`,
        this.classes, m.k,
      );
    }
    const out = new Uint8Array(m.n * m.k);
    const q = this.threshold + 1e-12;
    for (let i = 0; i < m.n; i++) {
      for (let c = 0; c < m.k; c++) {
        const s = this.method === "lac" ? 1 - m.data[i * m.k + c]! : apsScore(m, i, c);
        out[i * m.k + c] = s <= q ? 1 : 0;
      }
    }
    return { data: out, n: m.n, k: m.k };
  }

  /**
   * Prediction-set size per row (per pixel for `N×K×H×W` input).
   * @example
   * ```ts
   * cp.setSizes(segProbs); // Int32Array, one size per pixel
   * ```
   */
  setSizes(probs: MatrixInput): Int32Array {
    const s = this.predictSets(probs);
    const out = new Int32Array(s.n);
    for (let i = 0; i < s.n; i++) {
      let c = 0;
      for (let j = 0; j < s.k; j++) c += s.data[i * s.k + j]!;
      out[i] = c;
    }
    return out;
  }

  /**
   * Per-pixel set-size map of one `1×K×H×W` (or `K×H×W`-shaped first item of `N×K×H×W`) segmentation
   * output, as a georeferenced int32 raster.
   * @param options `index` (batch item, default 0), `transform`, `crs`
   * @example
   * ```ts
   * const map = cp.setSizeMap(segProbs, { transform: tile.transform, crs: tile.crs });
   * ```
   */
  setSizeMap(probs: Tensor, options: { index?: number; transform?: GeoTransform; crs?: CRS } = {}): Raster {
    if (probs === null || typeof probs !== "object" || !Array.isArray(probs.dims) || !ArrayBuffer.isView(probs.data)) {
      throw new UncertaintyInputError(`setSizeMap needs an N×K×H×W probability tensor { data, dims }, got ${describeValue(probs)}.`);
    }
    if (probs.dims.length !== 4) {
      throw new LengthMismatchError(`setSizeMap needs N×K×H×W probabilities, got dims [${probs.dims.join(", ")}].`, 4, probs.dims.length);
    }
    const [N, K, H, W] = probs.dims as [number, number, number, number];
    const idx = options.index ?? 0;
    if (!(typeof idx === "number" && Number.isInteger(idx) && idx >= 0 && idx < N)) {
      throw new UncertaintyInputError(`index ${describeValue(idx)} is not an item of the batch of ${N}: use an integer in 0..${N - 1}.`, { index: idx, batch: N });
    }
    const P = H * W;
    if (probs.data.length !== N * K * P) {
      throw new LengthMismatchError(`probs has ${probs.data.length} values but dims [${probs.dims.join(", ")}] need ${N * K * P}.`, N * K * P, probs.data.length);
    }
    const one: Tensor = { data: probs.data.subarray(idx * K * P, (idx + 1) * K * P), dims: [1, K, H, W] };
    return new Raster({
      width: W, height: H, dtype: "int32", bands: [this.setSizes(one)], descriptions: [`conformal set size (α=${this.alpha})`],
      ...(options.transform ? { transform: options.transform } : {}), ...(options.crs ? { crs: options.crs } : {}),
    });
  }

  /**
   * Empirical coverage and mean set size on a labelled test split.
   * @example
   * ```ts
   * cp.evaluate(testProbs, testLabels); // { coverage: 0.91, target: 0.9, meanSize: 1.4, n: 500 }
   * ```
   */
  evaluate(probs: MatrixInput, labels: ArrayLike<number>): ConformalEvaluation {
    const sets = this.predictSets(probs);
    const y = toLabels(labels, sets.n, sets.k);
    let covered = 0, size = 0;
    for (let i = 0; i < sets.n; i++) {
      covered += sets.data[i * sets.k + y[i]!]!;
      for (let j = 0; j < sets.k; j++) size += sets.data[i * sets.k + j]!;
    }
    this.lastEvaluation = { coverage: covered / sets.n, target: 1 - this.alpha, meanSize: size / sets.n, n: sets.n };
    return this.lastEvaluation;
  }

  [DISPLAY](): Record<string, string> {
    const rows: [string, number | string][] = [
      ["method", this.method.toUpperCase()], ["alpha", this.alpha], ["calibration samples", this.calibrationSize], ["threshold q̂", this.threshold],
    ];
    const e = this.lastEvaluation;
    if (e) rows.push(["test samples", e.n], ["coverage", e.coverage], ["target coverage", e.target], ["mean set size", e.meanSize]);
    return { "text/plain": textTable("Conformal classifier", ["", "value"], rows), "text/html": htmlTable("Conformal classifier", ["", "value"], rows) };
  }
}

/**
 * Calibrates a split-conformal classifier on held-out probabilities and labels.
 * @param probs calibration probabilities `N×K` (or per pixel `N×K×H×W`)
 * @param labels calibration labels
 * @param options `alpha` (0.1), `method` (`"lac"`)
 * @throws {AlphaRangeError} for α ∉ (0, 1); {@link CalibrationSplitTooSmallError} for too few samples
 * @example
 * ```ts
 * const cp = conformalClassifier(calProbs, calLabels, { alpha: 0.1, method: "aps" });
 * cp.evaluate(testProbs, testLabels).coverage; // ≈ 0.9
 * ```
 */
export function conformalClassifier(probs: MatrixInput, labels: ArrayLike<number>, options: ConformalClassifierOptions = {}): ConformalClassifier {
  checkOptions(options, "conformalClassifier");
  const alpha = checkAlpha(options.alpha ?? 0.1);
  const method = options.method ?? "lac";
  if (method !== "lac" && method !== "aps") {
    throw new UncertaintyInputError(`method must be "lac" (smallest sets) or "aps" (adaptive sets), got ${describeValue(method)}.`, { method });
  }
  const m = toProbabilities(probs, "calibration probs");
  const y = toLabels(labels, m.n, m.k, "calibration labels");
  const scores = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) scores[i] = method === "lac" ? 1 - m.data[i * m.k + y[i]!]! : apsScore(m, i, y[i]!);
  return new ConformalClassifier(alpha, method, conformalQuantile(scores, alpha), m.n, m.k);
}

/** Prediction intervals of a conformal regressor. */
export interface Intervals {
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * A calibrated split-conformal regressor (absolute residuals or CQR).
 * @example
 * ```ts
 * const cr = conformalRegressor(calPred, calY, { alpha: 0.1 });
 * cr.predict(testPred).upper;
 * ```
 */
export class ConformalRegressor {
  readonly alpha: number;
  readonly method: "absolute" | "cqr";
  /** q̂: half-width (absolute) or the widening of the quantile band (CQR). */
  readonly threshold: number;
  readonly calibrationSize: number;
  lastEvaluation?: ConformalEvaluation;

  constructor(alpha: number, method: "absolute" | "cqr", threshold: number, calibrationSize: number) {
    this.alpha = alpha;
    this.method = method;
    this.threshold = threshold;
    this.calibrationSize = calibrationSize;
  }

  /**
   * Intervals for new predictions: `pred` (absolute method) is the point prediction; for CQR pass
   * `{ lower, upper }` quantile predictions.
   * @example
   * ```ts
   * const { lower, upper } = cr.predict(testPred);
   * ```
   */
  predict(pred: ArrayLike<number> | { lower: ArrayLike<number>; upper: ArrayLike<number> }): Intervals {
    const q = this.threshold;
    if (this.method === "absolute") {
      if (!isArrayLike(pred)) throw new LengthMismatchError("An absolute-residual regressor needs point predictions (an array), not quantiles.", 1, 2);
      const p = toVector(pred, undefined, "predictions");
      return { lower: p.map((v) => v - q), upper: p.map((v) => v + q) };
    }
    if (isArrayLike(pred)) throw new LengthMismatchError("A CQR regressor needs { lower, upper } quantile predictions.", 2, 1);
    const lo = toVector(pred.lower, undefined, "lower quantiles");
    const hi = toVector(pred.upper, lo.length, "upper quantiles");
    return { lower: lo.map((v) => v - q), upper: hi.map((v) => v + q) };
  }

  /**
   * Empirical coverage and mean interval width on a labelled test split.
   * @example
   * ```ts
   * cr.evaluate(testPred, testY); // { coverage: 0.9, meanSize: 3.2, … }
   * ```
   */
  evaluate(pred: ArrayLike<number> | { lower: ArrayLike<number>; upper: ArrayLike<number> }, y: ArrayLike<number>): ConformalEvaluation {
    const iv = this.predict(pred);
    const t = toVector(y, iv.lower.length, "targets");
    let c = 0, w = 0;
    for (let i = 0; i < t.length; i++) {
      if (t[i]! >= iv.lower[i]! && t[i]! <= iv.upper[i]!) c++;
      w += iv.upper[i]! - iv.lower[i]!;
    }
    this.lastEvaluation = { coverage: c / t.length, target: 1 - this.alpha, meanSize: w / t.length, n: t.length };
    return this.lastEvaluation;
  }

  [DISPLAY](): Record<string, string> {
    const rows: [string, number | string][] = [
      ["method", this.method === "cqr" ? "CQR" : "absolute residual"], ["alpha", this.alpha], ["calibration samples", this.calibrationSize], ["threshold q̂", this.threshold],
    ];
    const e = this.lastEvaluation;
    if (e) rows.push(["test samples", e.n], ["coverage", e.coverage], ["target coverage", e.target], ["mean interval width", e.meanSize]);
    return { "text/plain": textTable("Conformal regressor", ["", "value"], rows), "text/html": htmlTable("Conformal regressor", ["", "value"], rows) };
  }
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

/**
 * Split conformal regression with absolute residuals: interval `ŷ ± q̂`.
 * @param pred calibration point predictions
 * @param y calibration targets
 * @param options `alpha` (0.1)
 * @example
 * ```ts
 * const cr = conformalRegressor(calPred, calY, { alpha: 0.1 });
 * cr.predict(testPred);
 * ```
 */
export function conformalRegressor(pred: ArrayLike<number>, y: ArrayLike<number>, options: { alpha?: number } = {}): ConformalRegressor {
  checkOptions(options, "conformalRegressor");
  const alpha = checkAlpha(options.alpha ?? 0.1);
  const p = toVector(pred, undefined, "calibration predictions");
  const t = toVector(y, p.length, "calibration targets");
  const s = p.map((v, i) => Math.abs(t[i]! - v));
  return new ConformalRegressor(alpha, "absolute", conformalQuantile(s, alpha), p.length);
}

/**
 * Conformalized quantile regression (Romano et al. 2019): scores `max(lo − y, y − hi)`, interval
 * `[lo − q̂, hi + q̂]`. The quantile model should predict the α/2 and 1 − α/2 quantiles.
 * @param quantiles calibration lower/upper quantile predictions
 * @param y calibration targets
 * @example
 * ```ts
 * const cqr = conformalQuantileRegressor({ lower: calLo, upper: calHi }, calY, { alpha: 0.1 });
 * cqr.predict({ lower: testLo, upper: testHi });
 * ```
 */
export function conformalQuantileRegressor(
  quantiles: { lower: ArrayLike<number>; upper: ArrayLike<number> }, y: ArrayLike<number>, options: { alpha?: number } = {},
): ConformalRegressor {
  checkOptions(options, "conformalQuantileRegressor");
  if (quantiles === null || typeof quantiles !== "object" || isArrayLike(quantiles)) {
    throw new UncertaintyInputError(
      `conformalQuantileRegressor needs { lower, upper } quantile predictions, got ${describeValue(quantiles)}; for point predictions use conformalRegressor().`,
    );
  }
  const alpha = checkAlpha(options.alpha ?? 0.1);
  const lo = toVector(quantiles.lower, undefined, "calibration lower quantiles");
  const hi = toVector(quantiles.upper, lo.length, "calibration upper quantiles");
  const t = toVector(y, lo.length, "calibration targets");
  const s = lo.map((l, i) => Math.max(l - t[i]!, t[i]! - hi[i]!));
  return new ConformalRegressor(alpha, "cqr", conformalQuantile(s, alpha), lo.length);
}
