/**
 * Confusion matrix of a classification (counts or row-normalised), as an annotated heatmap.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure } from "../figure.js";
import { ShapedArray } from "../wire.js";

/**
 * Most classes {@link confusionMatrix} takes: the matrix has classes² cells, each with a label sent
 * to the browser (1024² is about a million).
 */
export const MAX_CONFUSION_CLASSES = 1024;

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Class ids in matrix order, at most {@link MAX_CONFUSION_CLASSES}; default the sorted union of ids in yTrue and yPred (as scikit-learn). */
  labels?: readonly number[];
  /** Names shown for the classes (same order as `labels`); default the ids. */
  classNames?: readonly string[];
  /** "true" divides each row by its total (recall per class); default "none" (counts). */
  normalize?: "none" | "true";
  /** Ignore samples whose true class is this (e.g. unlabelled 0); default none. */
  ignore?: number | null;
  title?: string;
}

/** What {@link confusionMatrix} computed. */
export interface ConfusionStats {
  labels: number[];
  /** Counts, row = true class, column = predicted, row-major `k × k`. */
  counts: Float64Array;
  /** Overall accuracy (trace / total). */
  accuracy: number;
  /** Samples counted. */
  total: number;
}

/**
 * Count `(true, predicted)` pairs into a `k × k` matrix (rows: true class, columns: predicted),
 * matching `sklearn.metrics.confusion_matrix(y_true, y_pred, labels=...)`. Pairs whose classes are
 * not in `labels` are skipped.
 * @example
 * ```ts
 * const fig = confusionMatrix(labels.band(1), prediction.band(1), { classNames: ["water", "urban", "forest"], normalize: "true" });
 * fig.stats.accuracy;
 * ```
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: ConfusionMatrixOptions = {}): Figure<ConfusionStats> {
  if (yTrue.length !== yPred.length) throw new WidgetPropertyError("confusionMatrix", "yPred", `${yTrue.length} values like yTrue`, yPred);
  const ignore = options.ignore ?? null;
  let labels = options.labels ? [...options.labels] : undefined;
  if (!labels) {
    const s = new Set<number>();
    for (let i = 0; i < yTrue.length; i++) {
      if (yTrue[i] === ignore) continue;
      s.add(yTrue[i]!); s.add(yPred[i]!);
    }
    labels = [...s].sort((a, b) => a - b);
  }
  if (labels.length > MAX_CONFUSION_CLASSES) {
    throw new WidgetPropertyError(
      "confusionMatrix", options.labels ? "labels" : "yTrue/yPred",
      `at most ${MAX_CONFUSION_CLASSES} classes (MAX_CONFUSION_CLASSES), but ${options.labels ? "labels has" : "yTrue and yPred hold"} ${labels.length} distinct values: ` +
      "pass class ids (e.g. an argmax map, not probabilities or reflectances), or the classes to show as labels",
      options.labels ?? labels.length,
    );
  }
  if (options.classNames && options.classNames.length !== labels.length) {
    throw new WidgetPropertyError("confusionMatrix", "classNames", `${labels.length} names (one per label: ${labels.join(", ")})`, options.classNames);
  }
  const k = labels.length;
  const pos = new Map(labels.map((l, i) => [l, i]));
  const counts = new Float64Array(k * k);
  let total = 0, diag = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    if (t === ignore) continue;
    const a = pos.get(t), b = pos.get(yPred[i]!);
    if (a === undefined || b === undefined) continue;
    counts[a * k + b]!++;
    total++;
    if (a === b) diag++;
  }
  const norm = options.normalize === "true";
  const z = new Float32Array(k * k);
  const text: string[][] = [];
  for (let r = 0; r < k; r++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += counts[r * k + c]!;
    const row: string[] = [];
    for (let c = 0; c < k; c++) {
      const n = counts[r * k + c]!;
      z[r * k + c] = norm ? (rowSum > 0 ? n / rowSum : 0) : n;
      row.push(norm ? `${(rowSum > 0 ? (100 * n) / rowSum : 0).toFixed(1)}%<br>(${n})` : String(n));
    }
    text.push(row);
  }
  const names = options.classNames ? [...options.classNames] : labels.map(String);
  const accuracy = total > 0 ? diag / total : NaN;
  return new Figure({
    data: [{
      type: "heatmap", z: new ShapedArray(z, [k, k]), x: names, y: names, text, texttemplate: "%{text}",
      colorscale: "Blues", reversescale: true, zmin: 0, zmax: norm ? 1 : undefined, showscale: true,
      hovertemplate: "true %{y}, predicted %{x}: %{text}<extra></extra>",
    }],
    layout: {
      title: { text: options.title ?? `Confusion matrix (accuracy ${(100 * accuracy).toFixed(1)}%)` },
      xaxis: { title: { text: "predicted" }, type: "category", side: "bottom" },
      yaxis: { title: { text: "true" }, type: "category", autorange: "reversed" },
      margin: { t: 48, r: 16, b: 64, l: 80 },
    },
  }, { labels, counts, accuracy, total });
}
