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
  /** Only samples where `mask[i]` is truthy count. Default all. Non-finite values are always skipped. */
  mask?: ArrayLike<number | boolean>;
  /** Predicted standard deviations (same length): adds `coverage95` and `meanPredictedStd`. Default none. */
  std?: ArrayLike<number>;
}

/** Regression summary. */
export interface RegressionSummary {
  rmse: number;
  mae: number;
  /** Coefficient of determination; 1 for a perfect fit, 0 when the targets are constant and the fit is not perfect. */
  r2: number;
  /** Mean of prediction − truth. */
  bias: number;
  samples: number;
  /** Fraction of samples with |truth − mean| ≤ 1.959964 σ (only with `std`). */
  coverage95?: number;
  /** Mean predicted σ (only with `std`). */
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
 * @param yTrue true values
 * @param yPred predicted values (same length)
 * @param options {@link RegressionMetricsOptions}
 * @throws {MetricInputError} when lengths differ or no valid sample remains
 * @example
 * ```ts
 * const m = regressionMetrics(dem, predictedMean, { std: predictedStd, mask: valid });
 * m.summary.coverage95;
 * ```
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: RegressionMetricsOptions = {}): RegressionMetrics {
  const n = yTrue.length;
  if (yPred.length !== n) throw new MetricInputError(`yTrue has ${n} values but yPred has ${yPred.length}.`);
  const { mask, std } = options;
  if (mask && mask.length !== n) throw new MetricInputError(`mask has ${mask.length} values but there are ${n} samples.`);
  if (std && std.length !== n) throw new MetricInputError(`std has ${std.length} values but there are ${n} samples.`);
  const ok = (i: number): boolean =>
    (!mask || Boolean(mask[i])) && Number.isFinite(yTrue[i]!) && Number.isFinite(yPred[i]!) && (!std || Number.isFinite(std[i]!));
  let count = 0;
  let sumT = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    count++;
    sumT += yTrue[i]!;
  }
  if (count === 0) throw new MetricInputError("No valid samples: every value is masked out or not finite.");
  const meanT = sumT / count;
  let se = 0;
  let ae = 0;
  let ssTot = 0;
  let bias = 0;
  let covered = 0;
  let sd = 0;
  for (let i = 0; i < n; i++) {
    if (!ok(i)) continue;
    const e = yPred[i]! - yTrue[i]!;
    se += e * e;
    ae += Math.abs(e);
    bias += e;
    ssTot += (yTrue[i]! - meanT) ** 2;
    if (std) {
      sd += std[i]!;
      if (Math.abs(e) <= 1.959964 * std[i]!) covered++;
    }
  }
  const r2 = ssTot === 0 ? (se === 0 ? 1 : 0) : 1 - se / ssTot;
  const summary: RegressionSummary = { rmse: Math.sqrt(se / count), mae: ae / count, r2, bias: bias / count, samples: count };
  if (std) {
    summary.coverage95 = covered / count;
    summary.meanPredictedStd = sd / count;
  }
  return new RegressionMetrics(summary);
}
