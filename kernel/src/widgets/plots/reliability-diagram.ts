/**
 * Reliability diagram: accuracy against confidence per bin, with the expected calibration error.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure } from "../figure.js";

/** Most confidence bins {@link reliabilityDiagram} takes (six arrays of this many numbers are built). */
export const MAX_RELIABILITY_BINS = 1_000_000;

/** Options of {@link reliabilityDiagram}. */
export interface ReliabilityOptions {
  /** Equal-width confidence bins on [0, 1], 1..{@link MAX_RELIABILITY_BINS}; default 10. */
  bins?: number;
  title?: string;
}

/** What {@link reliabilityDiagram} computed. */
export interface ReliabilityStats {
  /** Bin edges (bins + 1). */
  edges: Float64Array;
  /** Samples per bin. */
  counts: Float64Array;
  /** Mean confidence per bin (NaN when empty). */
  confidence: Float64Array;
  /** Fraction correct per bin (NaN when empty). */
  accuracy: Float64Array;
  /** Expected calibration error: Σ n_b/N · |acc_b − conf_b|. */
  ece: number;
  /** Largest gap |acc_b − conf_b| over non-empty bins. */
  mce: number;
}

/**
 * How well predicted confidences match observed accuracy. Bins follow
 * `sklearn.calibration.calibration_curve(correct, confidence, n_bins, strategy="uniform")`: bin b
 * holds confidences in `(e_b, e_b+1]` (the first also holds 0).
 * @param confidence predicted probability of the predicted class (or of the positive class), in [0, 1]
 * @param correct 1/true where the prediction was right (or the true label was positive)
 * @example
 * ```ts
 * const fig = reliabilityDiagram(maxProb, pred.map((p, i) => +(p === truth[i])), { bins: 15 });
 * fig.stats.ece; // expected calibration error
 * ```
 */
export function reliabilityDiagram(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, options: ReliabilityOptions = {}): Figure<ReliabilityStats> {
  if (confidence.length !== correct.length) throw new WidgetPropertyError("reliabilityDiagram", "correct", `${confidence.length} values like confidence`, correct);
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_RELIABILITY_BINS) {
    throw new WidgetPropertyError("reliabilityDiagram", "bins", `a whole number of bins from 1 to ${MAX_RELIABILITY_BINS} (MAX_RELIABILITY_BINS), e.g. 10 or 15`, bins);
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => k / bins);
  const counts = new Float64Array(bins), sumConf = new Float64Array(bins), sumOk = new Float64Array(bins);
  let n = 0;
  for (let i = 0; i < confidence.length; i++) {
    const p = confidence[i]!;
    if (!Number.isFinite(p)) continue;
    if (p < 0 || p > 1) throw new WidgetPropertyError("reliabilityDiagram", `confidence[${i}]`, "a probability in [0, 1]", p);
    // number of inner edges strictly below p (numpy searchsorted side="left" on edges[1:-1]),
    // by bisection so many bins stay fast
    let b = 0, hiB = bins - 1;
    while (b < hiB) {
      const mid = (b + hiB) >>> 1;
      if (edges[mid + 1]! < p) b = mid + 1;
      else hiB = mid;
    }
    counts[b]!++;
    sumConf[b]! += p;
    sumOk[b]! += Number(correct[i]);
    n++;
  }
  const conf = new Float64Array(bins), acc = new Float64Array(bins);
  let ece = 0, mce = 0;
  for (let b = 0; b < bins; b++) {
    conf[b] = counts[b]! > 0 ? sumConf[b]! / counts[b]! : NaN;
    acc[b] = counts[b]! > 0 ? sumOk[b]! / counts[b]! : NaN;
    if (counts[b]! > 0) {
      const gap = Math.abs(acc[b]! - conf[b]!);
      ece += (counts[b]! / n) * gap;
      mce = Math.max(mce, gap);
    }
  }
  const centers = Float64Array.from({ length: bins }, (_, k) => (edges[k]! + edges[k + 1]!) / 2);
  return new Figure({
    data: [
      { type: "bar", name: "accuracy", x: centers, y: acc, width: 1 / bins, marker: { color: "#4e79a7" }, customdata: counts,
        hovertemplate: "confidence %{x:.2f}: accuracy %{y:.3f} (%{customdata} samples)<extra></extra>" },
      { type: "scatter", mode: "markers", name: "mean confidence", x: conf, y: acc, marker: { color: "#e15759", size: 7 } },
      { type: "scatter", mode: "lines", name: "perfect calibration", x: [0, 1], y: [0, 1], line: { dash: "dash", color: "#888" } },
    ],
    layout: {
      title: { text: options.title ?? `Reliability diagram (ECE ${(100 * ece).toFixed(2)}%)` },
      xaxis: { title: { text: "confidence" }, range: [0, 1] }, yaxis: { title: { text: "accuracy" }, range: [0, 1] },
      bargap: 0.05, margin: { t: 48, r: 16, b: 48, l: 64 },
    },
  }, { edges, counts, confidence: conf, accuracy: acc, ece, mce });
}
