/**
 * Confusion matrix and the classification metrics derived from it, computed exactly as
 * scikit-learn computes them (accuracy_score, precision_recall_fscore_support with
 * zero_division=0, cohen_kappa_score, jaccard_score).
 * @module
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../lazy-deps.js";
import { Ai4eoError } from "../errors.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";

/**
 * Labels passed to a metric are invalid (lengths differ, out of range, not integers).
 * @example
 * ```ts
 * try { confusionMatrix([0, 1], [0]); } catch (e) { if (e instanceof MetricInputError) console.log(e.message); }
 * ```
 */
export class MetricInputError extends Ai4eoError {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** Integer class labels: a typed array or a number array. */
export type LabelArray = ArrayLike<number>;

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Number of classes K (labels 0..K−1). Default: 1 + the largest label seen. */
  numClasses?: number;
  /** Class names for tables and display. Default `"0"`, `"1"`, … */
  classNames?: string[];
  /** Label value(s) to skip in either array, e.g. 255 for unlabelled pixels. Default none. */
  ignore?: number | number[];
  /** Per-sample weights. Default 1 for every sample. */
  sampleWeight?: ArrayLike<number>;
}

/** Per-class precision, recall, F1, IoU and support. */
export interface PerClassMetrics {
  class: string;
  index: number;
  precision: number;
  recall: number;
  f1: number;
  iou: number;
  support: number;
}

/** The summary numbers of a confusion matrix. */
export interface ClassificationSummary {
  overallAccuracy: number;
  kappa: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  weightedF1: number;
  meanIoU: number;
  samples: number;
}

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * A K×K confusion matrix: `counts[t * K + p]` is the (weighted) number of samples of true class
 * `t` predicted as `p` (rows = truth, columns = prediction, as in scikit-learn).
 *
 * @example
 * ```ts
 * const cm = confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], { classNames: ["water", "forest", "urban"] });
 * cm.overallAccuracy; // 0.75
 * cm.perClass()[2].precision; // 0.5
 * cm; // displays as a shaded table with per-class metrics
 * ```
 */
export class ConfusionMatrix {
  constructor(
    /** Row-major K×K counts. */
    readonly counts: Float64Array,
    /** Number of classes. */
    readonly k: number,
    /** Class names, length K. */
    readonly classNames: string[],
  ) {}

  /** Count of true class `t` predicted as `p`. */
  at(t: number, p: number): number {
    return this.counts[t * this.k + p]!;
  }

  /** Total (weighted) number of samples. */
  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** Row sums: samples per true class (support). */
  get support(): number[] {
    return Array.from({ length: this.k }, (_, t) => {
      let s = 0;
      for (let p = 0; p < this.k; p++) s += this.at(t, p);
      return s;
    });
  }

  /** Column sums: samples per predicted class. */
  get predicted(): number[] {
    return Array.from({ length: this.k }, (_, p) => {
      let s = 0;
      for (let t = 0; t < this.k; t++) s += this.at(t, p);
      return s;
    });
  }

  /** Fraction of samples on the diagonal (scikit-learn `accuracy_score`). */
  get overallAccuracy(): number {
    let d = 0;
    for (let i = 0; i < this.k; i++) d += this.at(i, i);
    return div(d, this.total);
  }

  /** Cohen's kappa (scikit-learn `cohen_kappa_score`, unweighted). NaN when chance agreement is 1. */
  get kappa(): number {
    const n = this.total;
    const rows = this.support;
    const cols = this.predicted;
    let po = 0;
    let pe = 0;
    for (let i = 0; i < this.k; i++) {
      po += this.at(i, i) / n;
      pe += (rows[i]! / n) * (cols[i]! / n);
    }
    return (po - pe) / (1 - pe);
  }

  /** Precision, recall, F1, IoU and support per class (zero where undefined, like `zero_division=0`). */
  perClass(): PerClassMetrics[] {
    const rows = this.support;
    const cols = this.predicted;
    return Array.from({ length: this.k }, (_, i) => {
      const tp = this.at(i, i);
      const precision = div(tp, cols[i]!);
      const recall = div(tp, rows[i]!);
      return {
        class: this.classNames[i]!,
        index: i,
        precision,
        recall,
        f1: div(2 * tp, cols[i]! + rows[i]!),
        iou: div(tp, rows[i]! + cols[i]! - tp),
        support: rows[i]!,
      };
    });
  }

  /** Intersection over union per class. */
  get iou(): number[] {
    return this.perClass().map((c) => c.iou);
  }

  /** Mean IoU over all K classes (scikit-learn `jaccard_score(average="macro")`). */
  get meanIoU(): number {
    return this.iou.reduce((a, b) => a + b, 0) / this.k;
  }

  /** The summary numbers. */
  summary(): ClassificationSummary {
    const pc = this.perClass();
    const mean = (f: (c: PerClassMetrics) => number): number => pc.reduce((a, c) => a + f(c), 0) / this.k;
    const n = this.total;
    return {
      overallAccuracy: this.overallAccuracy,
      kappa: this.kappa,
      macroPrecision: mean((c) => c.precision),
      macroRecall: mean((c) => c.recall),
      macroF1: mean((c) => c.f1),
      weightedF1: div(pc.reduce((a, c) => a + c.f1 * c.support, 0), n),
      meanIoU: mean((c) => c.iou),
      samples: n,
    };
  }

  /** The matrix as a nested array (rows = truth). */
  toArray(): number[][] {
    return Array.from({ length: this.k }, (_, t) => Array.from({ length: this.k }, (_, p) => this.at(t, p)));
  }

  /** Per-class metrics as an arquero table (columns class, index, precision, recall, f1, iou, support). */
  toTable(): ColumnTable {
    const pc = this.perClass();
    return arquero().table({
      class: pc.map((c) => c.class), index: pc.map((c) => c.index), precision: pc.map((c) => c.precision),
      recall: pc.map((c) => c.recall), f1: pc.map((c) => c.f1), iou: pc.map((c) => c.iou), support: pc.map((c) => c.support),
    });
  }

  /** The matrix itself as an arquero table: one row per true class, one column per predicted class. */
  matrixTable(): ColumnTable {
    const cols: Record<string, unknown[]> = { truth: this.classNames.slice() };
    this.classNames.forEach((name, p) => {
      cols[name] = Array.from({ length: this.k }, (_, t) => this.at(t, p));
    });
    return arquero().table(cols);
  }

  /** HTML: the matrix shaded by row-normalized counts, per-class metrics, and the summary. */
  toHTML(): string {
    const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const rows = this.support;
    const pc = this.perClass();
    const s = this.summary();
    const f = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(3));
    const head = `<tr><th>truth \\ predicted</th>${this.classNames.map((c) => `<th>${esc(c)}</th>`).join("")}<th>recall</th></tr>`;
    const body = this.classNames.map((name, t) => {
      const cells = this.classNames.map((_, p) => {
        const v = this.at(t, p);
        const a = rows[t]! > 0 ? v / rows[t]! : 0;
        const bg = t === p ? `rgba(46,139,58,${a.toFixed(3)})` : `rgba(200,85,61,${a.toFixed(3)})`;
        return `<td style="text-align:right;background:${bg}">${f(v)}</td>`;
      }).join("");
      return `<tr><th style="text-align:left">${esc(name)}</th>${cells}<td style="text-align:right">${pc[t]!.recall.toFixed(3)}</td></tr>`;
    }).join("");
    const prec = `<tr><th style="text-align:left">precision</th>${pc.map((c) => `<td style="text-align:right">${c.precision.toFixed(3)}</td>`).join("")}<td></td></tr>`;
    const sum = `<p>overall accuracy ${s.overallAccuracy.toFixed(4)} · kappa ${s.kappa.toFixed(4)} · macro F1 ${s.macroF1.toFixed(4)} · mIoU ${s.meanIoU.toFixed(4)} · n = ${f(s.samples)}</p>`;
    return `<div class="ai4eo-confusion"><table>${head}${body}${prec}</table>${sum}</div>`;
  }

  /** Displays as the shaded matrix and summary. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const s = this.summary();
    return {
      "text/plain": `ConfusionMatrix ${this.k}×${this.k}, n=${s.samples}: OA ${s.overallAccuracy.toFixed(4)}, kappa ${s.kappa.toFixed(4)}, macro F1 ${s.macroF1.toFixed(4)}, mIoU ${s.meanIoU.toFixed(4)}`,
      "text/html": this.toHTML(),
    };
  }
}

/**
 * Builds a confusion matrix from true and predicted integer labels.
 * @param yTrue true labels
 * @param yPred predicted labels (same length)
 * @param options {@link ConfusionMatrixOptions}
 * @throws {MetricInputError} when lengths differ or a label is not an integer in 0..K−1
 * @example
 * ```ts
 * const cm = confusionMatrix(labels, predictions, { numClasses: 4, ignore: 255 });
 * cm.summary().kappa;
 * ```
 */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, options: ConfusionMatrixOptions = {}): ConfusionMatrix {
  if (yTrue.length !== yPred.length) {
    throw new MetricInputError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; pass one prediction per sample.`, { yTrue: yTrue.length, yPred: yPred.length });
  }
  const w = options.sampleWeight;
  if (w && w.length !== yTrue.length) {
    throw new MetricInputError(`sampleWeight has ${w.length} values but there are ${yTrue.length} samples.`);
  }
  const ignore = new Set(options.ignore === undefined ? [] : Array.isArray(options.ignore) ? options.ignore : [options.ignore]);
  let k = options.numClasses ?? options.classNames?.length ?? 0;
  if (options.numClasses === undefined && options.classNames === undefined) {
    for (let i = 0; i < yTrue.length; i++) {
      if (!ignore.has(yTrue[i]!) && !ignore.has(yPred[i]!)) k = Math.max(k, yTrue[i]! + 1, yPred[i]! + 1);
    }
  }
  if (!Number.isInteger(k) || k <= 0) throw new MetricInputError(`Cannot build a confusion matrix with ${k} classes; pass numClasses.`);
  const names = options.classNames ?? Array.from({ length: k }, (_, i) => String(i));
  if (names.length !== k) throw new MetricInputError(`classNames has ${names.length} names but there are ${k} classes.`);
  const counts = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (ignore.has(t) || ignore.has(p)) continue;
    if (!Number.isInteger(t) || t < 0 || t >= k || !Number.isInteger(p) || p < 0 || p >= k) {
      throw new MetricInputError(
        `Sample ${i}: labels must be integers in 0..${k - 1}, got true ${t}, predicted ${p}. Pass numClasses, or ignore for unlabelled values.`,
        { index: i, true: t, predicted: p },
      );
    }
    counts[t * k + p]! += w ? w[i]! : 1;
  }
  return new ConfusionMatrix(counts, k, names);
}
