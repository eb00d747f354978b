/**
 * Calibration: reliability diagrams, expected/maximum calibration error (equal-width and adaptive
 * bins), Brier score and negative log-likelihood, and a self-displaying report.
 * @module
 */
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, svgLines, textTable } from "./html.js";
import { argmaxRow, toLabels, toProbabilities, type MatrixInput } from "./matrix.js";
import { describeValue } from "../../util/describe-value.js";

/** Largest number of reliability bins accepted (a diagram with more bins than this has no meaning and would exhaust memory). */
export const MAX_BINS = 100_000;

/** How confidences are binned: `"uniform"` equal-width bins on [0, 1], `"quantile"` equal-mass (adaptive) bins. */
export type Binning = "uniform" | "quantile";

/** Options of {@link reliability} and {@link calibrationReport}. */
export interface ReliabilityOptions {
  /** Number of bins; default 15. */
  bins?: number;
  /** `"uniform"` (default) or `"quantile"` (adaptive, equal mass). */
  binning?: Binning;
  /**
   * Which probability is binned: `"top"` (default) the confidence of the predicted class against
   * its accuracy; a class index `c` the probability of class `c` against the frequency of `y = c`
   * (for binary problems `1` matches scikit-learn's `calibration_curve`).
   */
  target?: "top" | number;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability (confidence) in the bin. */
  confidence: number;
  /** Observed frequency (accuracy) in the bin. */
  accuracy: number;
}

/** Reliability-diagram data: non-empty bins plus ECE and MCE over them. */
export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error: Σ |B|/n · |acc(B) − conf(B)|. */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  binning: Binning;
  n: number;
}

function quantileEdges(v: Float64Array, bins: number): number[] {
  // numpy.percentile(v, linspace(0, 100, bins+1)) with linear interpolation.
  const s = Float64Array.from(v).sort();
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const pos = (i / bins) * (s.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(s.length - 1, lo + 1);
    edges.push(s[lo]! + (s[hi]! - s[lo]!) * (pos - lo));
  }
  return edges;
}

/**
 * Reliability-diagram data with ECE and MCE. Bin membership follows scikit-learn's
 * `calibration_curve` (bins `(lo, hi]`, the first one closed; quantile edges by linear percentiles).
 * @param probs `N×K` probabilities (or `N×K×H×W` per pixel)
 * @param labels true class per row
 * @example
 * ```ts
 * const r = reliability(probs, labels, { bins: 10, binning: "quantile" });
 * r.ece; r.bins[0].accuracy;
 * ```
 */
export function reliability(probs: MatrixInput, labels: ArrayLike<number>, options: ReliabilityOptions = {}): Reliability {
  const m = toProbabilities(probs);
  const y = toLabels(labels, m.n, m.k);
  const nb = options.bins ?? 15;
  if (typeof nb !== "number" || !Number.isInteger(nb) || nb < 1 || nb > MAX_BINS) {
    throw new UncertaintyInputError(`bins must be an integer in 1..${MAX_BINS}, got ${describeValue(nb)}; 10 or 15 is usual.`, { bins: nb });
  }
  const binning = options.binning ?? "uniform";
  if (binning !== "uniform" && binning !== "quantile") {
    throw new UncertaintyInputError(`binning must be "uniform" (equal width) or "quantile" (equal mass), got ${describeValue(binning)}.`, { binning });
  }
  const target = options.target ?? "top";
  if (target !== "top" && !(typeof target === "number" && Number.isInteger(target) && target >= 0 && target < m.k)) {
    throw new UncertaintyInputError(`target must be "top" or a class index in 0..${m.k - 1} (a number), got ${describeValue(target)}.`, { target });
  }
  const conf = new Float64Array(m.n);
  const hit = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    if (target === "top") {
      const c = argmaxRow(m, i);
      conf[i] = m.data[i * m.k + c]!;
      hit[i] = c === y[i] ? 1 : 0;
    } else {
      conf[i] = m.data[i * m.k + target]!;
      hit[i] = y[i] === target ? 1 : 0;
    }
  }
  const edges = binning === "uniform" ? Array.from({ length: nb + 1 }, (_, i) => i / nb) : quantileEdges(conf, nb);
  const inner = edges.slice(1, -1);
  const cnt = new Float64Array(nb), sc = new Float64Array(nb), sa = new Float64Array(nb);
  for (let i = 0; i < m.n; i++) {
    // searchsorted(inner, conf, side="left"): number of inner edges < conf
    let lo = 0, hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inner[mid]! < conf[i]!) lo = mid + 1; else hi = mid;
    }
    cnt[lo]!++;
    sc[lo]! += conf[i]!;
    sa[lo]! += hit[i]!;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0, mce = 0;
  for (let b = 0; b < nb; b++) {
    if (cnt[b] === 0) continue;
    const c = sc[b]! / cnt[b]!, a = sa[b]! / cnt[b]!;
    bins.push({ lower: edges[b]!, upper: edges[b + 1]!, count: cnt[b]!, confidence: c, accuracy: a });
    ece += (cnt[b]! / m.n) * Math.abs(a - c);
    mce = Math.max(mce, Math.abs(a - c));
  }
  return { bins, ece, mce, binning, n: m.n };
}

/**
 * Expected calibration error of the top-label confidence.
 * @param options `bins` (15), `binning` (`"uniform"`; `"quantile"` = adaptive ECE)
 * @example
 * ```ts
 * expectedCalibrationError([[0.9, 0.1], [0.6, 0.4]], [0, 1]); // 0.25·… per bin
 * ```
 */
export function expectedCalibrationError(probs: MatrixInput, labels: ArrayLike<number>, options: Omit<ReliabilityOptions, "target"> = {}): number {
  return reliability(probs, labels, options).ece;
}

/**
 * Maximum calibration error of the top-label confidence (largest |accuracy − confidence| over non-empty bins).
 * @example
 * ```ts
 * maxCalibrationError(probs, labels, { bins: 10 });
 * ```
 */
export function maxCalibrationError(probs: MatrixInput, labels: ArrayLike<number>, options: Omit<ReliabilityOptions, "target"> = {}): number {
  return reliability(probs, labels, options).mce;
}

/**
 * Multi-class Brier score: mean over samples of Σ_k (p_k − 1[y = k])² (Brier 1950; range [0, 2]).
 * For two classes this is twice scikit-learn's `brier_score_loss` of the positive class.
 * @example
 * ```ts
 * brierScore([[0.8, 0.2]], [0]); // 0.08
 * ```
 */
export function brierScore(probs: MatrixInput, labels: ArrayLike<number>): number {
  const m = toProbabilities(probs);
  const y = toLabels(labels, m.n, m.k);
  let s = 0;
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.k; j++) {
      const d = m.data[i * m.k + j]! - (y[i] === j ? 1 : 0);
      s += d * d;
    }
  }
  return s / m.n;
}

/**
 * Mean negative log-likelihood (cross-entropy, nats) of the true class; probabilities are clipped
 * to [1e-15, 1] like scikit-learn's `log_loss`.
 * @example
 * ```ts
 * negativeLogLikelihood([[0.5, 0.5]], [1]); // ln 2
 * ```
 */
export function negativeLogLikelihood(probs: MatrixInput, labels: ArrayLike<number>): number {
  const m = toProbabilities(probs);
  const y = toLabels(labels, m.n, m.k);
  let s = 0;
  for (let i = 0; i < m.n; i++) s -= Math.log(Math.max(1e-15, m.data[i * m.k + y[i]!]!));
  return s / m.n;
}

/**
 * A calibration summary that displays itself (table + reliability diagram).
 * @example
 * ```ts
 * const r = calibrationReport(probs, labels);
 * r.ece; r.toJSON();
 * ```
 */
export class CalibrationReport {
  readonly n: number;
  readonly accuracy: number;
  readonly ece: number;
  readonly adaptiveEce: number;
  readonly mce: number;
  readonly brier: number;
  readonly nll: number;
  /** Equal-width reliability diagram data. */
  readonly reliability: Reliability;

  constructor(init: Omit<CalibrationReport, typeof DISPLAY | "toJSON">) {
    this.n = init.n; this.accuracy = init.accuracy; this.ece = init.ece; this.adaptiveEce = init.adaptiveEce;
    this.mce = init.mce; this.brier = init.brier; this.nll = init.nll; this.reliability = init.reliability;
  }

  /** Plain numbers (for tables and JSON). */
  toJSON(): Record<string, number> {
    return { n: this.n, accuracy: this.accuracy, ece: this.ece, adaptiveEce: this.adaptiveEce, mce: this.mce, brier: this.brier, nll: this.nll };
  }

  /** Mime bundle: metrics table and an SVG reliability diagram. */
  [DISPLAY](): Record<string, string> {
    const rows = Object.entries(this.toJSON()).map(([k, v]) => [k, v] as [string, number]);
    const caption = "Calibration";
    const bins = this.reliability.bins;
    const svg = svgLines("Reliability diagram", [
      { name: "perfect", x: [0, 1], y: [0, 1], color: "#999", dash: true },
      { name: "model", x: bins.map((b) => b.confidence), y: bins.map((b) => b.accuracy) },
    ], { xLabel: "confidence", yLabel: "accuracy", xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
    return {
      "text/plain": textTable(caption, ["metric", "value"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(caption, ["metric", "value"], rows)}${svg}</div>`,
      "image/svg+xml": svg,
    };
  }
}

/**
 * All calibration metrics at once: accuracy, ECE (equal-width), adaptive ECE (equal-mass), MCE,
 * Brier, NLL and the reliability diagram.
 * @param options `bins` (default 15)
 * @example
 * ```ts
 * calibrationReport(probs, labels); // displays a table and a reliability diagram
 * ```
 */
export function calibrationReport(probs: MatrixInput, labels: ArrayLike<number>, options: { bins?: number } = {}): CalibrationReport {
  const m = toProbabilities(probs);
  const y = toLabels(labels, m.n, m.k);
  const rel = reliability(m, y, { bins: options.bins ?? 15 });
  const ada = reliability(m, y, { bins: options.bins ?? 15, binning: "quantile" });
  let correct = 0;
  for (let i = 0; i < m.n; i++) if (argmaxRow(m, i) === y[i]) correct++;
  return new CalibrationReport({
    n: m.n, accuracy: correct / m.n, ece: rel.ece, adaptiveEce: ada.ece, mce: rel.mce,
    brier: brierScore(m, y), nll: negativeLogLikelihood(m, y), reliability: rel,
  });
}
