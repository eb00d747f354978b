/**
 * Regression metrics computed as scikit-learn computes them (mean_squared_error, mean_absolute_error,
 * r2_score with force_finite=True), plus interval coverage for models with error bars.
 * @module
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../lazy-deps.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";
import { MetricInputError } from "./confusion-matrix.js";

/** Options of {@link regressionMetrics}. */
export interface RegressionMetricsOptions {
  /**
   * Only samples where `mask[i]` is truthy count (numbers or booleans). Default all. Samples whose
   * truth or prediction is not finite are always skipped.
   */
  mask?: ArrayLike<number | boolean>;
  /**
   * Predicted standard deviations σ ≥ 0 (same length): adds `coverage95` and `meanPredictedStd`,
   * computed over the counted samples whose σ is finite (NaN marks a sample without σ; it still
   * counts in RMSE, MAE, R² and bias). Default none.
   */
  std?: ArrayLike<number>;
}

/** Regression summary. */
export interface RegressionSummary {
  rmse: number;
  mae: number;
  /**
   * Coefficient of determination; 1 for a perfect fit, 0 when the targets are constant and the fit
   * is not perfect. NaN with a single sample, as scikit-learn's `r2_score` ("not well-defined with
   * less than two samples").
   */
  r2: number;
  /** Mean of prediction − truth. */
  bias: number;
  /** Number of samples counted (masked in, truth and prediction finite). */
  samples: number;
  /**
   * Fraction of the counted samples with a finite σ where |truth − mean| ≤ 1.959964 σ (only with
   * `std`; NaN when no counted sample has a finite σ).
   */
  coverage95?: number;
  /** Mean predicted σ over the counted samples with a finite σ (only with `std`; NaN when there are none). */
  meanPredictedStd?: number;
}

/**
 * Regression metrics, displayable.
 * @example
 * ```ts
 * const m = regressionMetrics([1, 2, 3], [1.1, 1.9, 3.2]);
 * m.summary.rmse; // ≈ 0.1414
 * ```
 */
export class RegressionMetrics {
  constructor(readonly summary: RegressionSummary, readonly quantity = "value", readonly unit = "") {}

  /** The summary as a one-row-per-metric arquero table (columns metric, value). */
  toTable(): ColumnTable {
    const e = Object.entries(this.summary).filter(([, v]) => v !== undefined);
    return arquero().table({ metric: e.map(([k]) => k), value: e.map(([, v]) => v as number) });
  }

  /** Displays as a small table. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const s = this.summary;
    const u = this.unit ? ` ${this.unit}` : "";
    return {
      "text/plain": `RegressionMetrics (${this.quantity}): RMSE ${s.rmse.toFixed(4)}${u}, MAE ${s.mae.toFixed(4)}${u}, R² ${s.r2.toFixed(4)}, n=${s.samples}`,
      "text/html": this.toTable().toHTML(),
    };
  }
}

/**
 * RMSE, MAE, R², bias (and interval coverage when `std` is given) of predictions against truth.
 *
 * Every masked-in sample whose truth and prediction are finite counts in RMSE, MAE, R² and bias; the
 * σ metrics use those of them whose σ is finite. With a single sample R² is NaN (as scikit-learn's
 * `r2_score`); with none it is an error (scikit-learn raises too).
 * @param yTrue true values: an array or typed array of numbers
 * @param yPred predicted values (same length)
 * @param options {@link RegressionMetricsOptions}
 * @throws {MetricInputError} naming the argument (and the sample and value) when an argument is not
 * an array of numbers, lengths differ, a mask value is not a number or boolean, a counted sample's
 * σ is negative, or no valid sample remains
 * @example
 * ```ts
 * const m = regressionMetrics(dem, predictedMean, { std: predictedStd, mask: valid });
 * m.summary.coverage95;
 * ```
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RegressionMetricsOptions = {}): RegressionMetrics {
  const fn = "regressionMetrics";
  MetricInputError.checkNumbers("yTrue", yTrue, fn, "value");
  MetricInputError.checkNumbers("yPred", yPred, fn, "value");
  const n = yTrue.length;
  if (yPred.length !== n) throw new MetricInputError(`yTrue has ${n} values but yPred has ${yPred.length}.`);
  const { mask, std } = options;
  if (mask !== undefined) {
    if (!ArrayBuffer.isView(mask)) {
      const len = typeof mask === "object" && mask !== null ? (mask as { length?: unknown }).length : undefined;
      if (typeof len !== "number") throw new MetricInputError(`${fn}: mask is not an array; pass one number or boolean per sample (truthy = counts).`, { argument: "mask" });
      for (let i = 0; i < len; i++) {
        const v = mask[i];
        if (typeof v !== "number" && typeof v !== "boolean") {
          throw MetricInputError.atSample("mask", i, v, ", not a number or boolean", "Pass numbers or booleans (truthy = the sample counts); a string such as \"0\" would count as true.");
        }
      }
    }
    if (mask.length !== n) throw new MetricInputError(`mask has ${mask.length} values but there are ${n} samples.`);
  }
  if (std !== undefined) {
    MetricInputError.checkNumbers("std", std, fn, "value");
    if (std.length !== n) throw new MetricInputError(`std has ${std.length} values but there are ${n} samples.`);
  }
  const ok = (i: number): boolean => (!mask || Boolean(mask[i])) && Number.isFinite(yTrue[i]!) && Number.isFinite(yPred[i]!);
  let count = 0;
  let sumT = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    count++;
    sumT += yTrue[i]!;
    if (std && std[i]! < 0) {
      throw MetricInputError.atSample("std", i, std[i], ", a negative standard deviation",
        "Pass σ ≥ 0 (e.g. Math.sqrt(variance) or Math.exp(0.5 * logVariance)); NaN marks a sample without σ.");
    }
  }
  if (count === 0) {
    throw new MetricInputError(
      n === 0 ? "No valid samples: yTrue and yPred are empty; pass at least one (truth, prediction) pair."
        : `No valid samples among the ${n}: every sample is masked out or has a non-finite truth or prediction. Check the mask and the nodata values (NaN marks a missing value).`,
      { samples: n },
    );
  }
  const meanT = sumT / count;
  let se = 0;
  let ae = 0;
  let ssTot = 0;
  let bias = 0;
  let covered = 0;
  let sd = 0;
  let withStd = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    const e = yPred[i]! - yTrue[i]!;
    se += e * e;
    ae += Math.abs(e);
    bias += e;
    ssTot += (yTrue[i]! - meanT) ** 2;
    if (std && Number.isFinite(std[i]!)) {
      withStd++;
      sd += std[i]!;
      if (Math.abs(e) <= 1.959964 * std[i]!) covered++;
    }
  }
  const r2 = count < 2 ? NaN : ssTot === 0 ? (se === 0 ? 1 : 0) : 1 - se / ssTot;
  const summary: RegressionSummary = { rmse: Math.sqrt(se / count), mae: ae / count, r2, bias: bias / count, samples: count };
  if (std) {
    summary.coverage95 = withStd === 0 ? NaN : covered / withStd;
    summary.meanPredictedStd = withStd === 0 ? NaN : sd / withStd;
  }
  return new RegressionMetrics(summary);
}
