/**
 * Confusion matrix and the classification metrics derived from it, computed exactly as
 * scikit-learn computes them (accuracy_score, precision_recall_fscore_support with
 * zero_division=0, cohen_kappa_score, jaccard_score).
 * @module
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../lazy-deps.js";
import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";

/**
 * Inputs passed to a metric are invalid (not arrays of numbers, lengths differ, a label that is not
 * a class index, a negative weight or σ). The message names the argument, the sample and the value
 * and says what to do; `details` carries them (`{ argument, index, value }` for one bad value).
 * @example
 * ```ts
 * try { confusionMatrix([0, 1], [0]); } catch (e) { if (e instanceof MetricInputError) console.log(e.message); }
 * ```
 */
export class MetricInputError extends Ai4eoError {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }

  /**
   * The error for one bad value: "`argument[index]` is `value``problem`. `fix`".
   * @example
   * ```ts
   * throw MetricInputError.atSample("std", 3, -1, ", a negative standard deviation", "Pass σ ≥ 0.");
   * ```
   */
  static atSample(argument: string, index: number, value: unknown, problem: string, fix: string): MetricInputError {
    return new MetricInputError(`${argument}[${index}] is ${describeValue(value)}${problem}. ${fix}`, { argument, index, value });
  }

  /**
   * Checks that `values` is an array or a typed array of numbers (any number: NaN too).
   * @param argument the argument's name, e.g. `"yTrue"`
   * @param values what was passed
   * @param fn the function checked, e.g. `"confusionMatrix"`
   * @param what what one element is: a class `"label"`, a `"weight"` or a `"value"`; picks the advice
   * @throws {MetricInputError} naming the argument, or the first sample that is not a number
   * @example
   * ```ts
   * MetricInputError.checkNumbers("yPred", undefined, "regressionMetrics", "value"); // throws
   * ```
   */
  static checkNumbers(argument: string, values: unknown, fn: string, what: "label" | "weight" | "value"): void {
    if (ArrayBuffer.isView(values)) {
      if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array) {
        throw new MetricInputError(`${fn}: ${argument} is ${describeValue(values)}; pass an array or a typed array of numbers (e.g. Float64Array.from(values, Number)).`, { argument });
      }
      return; // every element of a number typed array is a number
    }
    const len = typeof values === "object" && values !== null ? (values as { length?: unknown }).length : undefined;
    if (typeof len !== "number" || !Number.isSafeInteger(len) || len < 0) {
      throw new MetricInputError(`${fn}: ${argument} is ${describeValue(values)}, not an array of numbers; pass one ${what} per sample as an array or a typed array (e.g. raster.band(1)).`, { argument, value: values });
    }
    const a = values as ArrayLike<unknown>;
    for (let i = 0; i < len; i++) {
      const v = a[i];
      if (typeof v === "number") continue;
      let fix: string;
      if (Array.isArray(v) || ArrayBuffer.isView(v)) fix = `Pass one ${what} per sample: flatten nested arrays first (e.g. values.flat()).`;
      else if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") {
        fix = `Pass numbers: convert with Number() first${what === "label" ? " (class names go in classNames; the labels are their indices 0..K−1)" : ""}.`;
      } else {
        fix = what === "label" ? "Pass a number for every sample; mark a sample without a label with NaN and pass ignore: NaN."
          : what === "weight" ? "Pass a number for every sample; give weight 0 to a sample that should not count."
            : "Pass a number for every sample; use NaN for a missing value (samples with a non-finite value are skipped).";
      }
      throw MetricInputError.atSample(argument, i, v, ", not a number", fix);
    }
  }
}

/**
 * The largest number of classes K a confusion matrix accepts: its K×K counts take 8·K² bytes
 * (128 MiB at 4096). Inferred from the labels, K is 1 + the largest label, so labels must be ≤ 4095.
 */
const MAX_CLASSES = 4096;

/** Memory of a K×K float64 matrix, for messages. */
const matrixSize = (k: number): string => `${Number(((k * k * 8) / 1e9).toPrecision(2))} GB`;

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

  /**
   * Fraction of samples on the diagonal (scikit-learn `accuracy_score`). NaN when the matrix holds
   * no sample (all ignored, or zero total weight), as scikit-learn's `accuracy_score([], [])`.
   */
  get overallAccuracy(): number {
    let d = 0;
    for (let i = 0; i < this.k; i++) d += this.at(i, i);
    const n = this.total;
    return n === 0 ? NaN : d / n;
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
 *
 * Labels are class indices 0..K−1. Without `numClasses` (or `classNames`), K is 1 + the largest
 * label that is not ignored, and labels above 4095 are an error: such a label is usually a nodata
 * value (65535 in uint16 label rasters), and a K×K matrix of 65536 classes would need 34 GB. Pass
 * `ignore` for nodata values, or `numClasses` (at most 4096).
 *
 * Samples with an ignored label in either array are skipped. When no sample remains (empty input,
 * all ignored, or all weights 0) and K is known, the matrix is all zeros and the metrics are
 * scikit-learn's on empty input: `overallAccuracy` and `kappa` NaN, per-class precision, recall,
 * F1 and IoU 0 (`zero_division=0`); without `numClasses` or `classNames` K cannot be inferred and
 * it is an error.
 *
 * @param yTrue true labels: an array or typed array of integers 0..K−1 (or ignored values)
 * @param yPred predicted labels (same length)
 * @param options {@link ConfusionMatrixOptions}
 * @throws {MetricInputError} naming the argument, the sample and the value when: an argument is not
 * an array of numbers; the lengths differ; a label that is not ignored is NaN, not an integer,
 * negative, or not below K (above 4095 when K is inferred); `numClasses` is not an integer in
 * 1..4096; `classNames` is not one string per class; a sample weight is negative or not finite
 * (scikit-learn 1.2 returns NaN metrics, or drops the sample from `confusion_matrix`, for a NaN
 * weight; here it is an error).
 * @example
 * ```ts
 * const cm = confusionMatrix(labels, predictions, { numClasses: 4, ignore: 255 });
 * cm.summary().kappa;
 * ```
 */
export function confusionMatrix(yTrue: LabelArray, yPred: LabelArray, options: ConfusionMatrixOptions = {}): ConfusionMatrix {
  const fn = "confusionMatrix";
  MetricInputError.checkNumbers("yTrue", yTrue, fn, "label");
  MetricInputError.checkNumbers("yPred", yPred, fn, "label");
  if (yTrue.length !== yPred.length) {
    throw new MetricInputError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; pass one prediction per sample.`, { yTrue: yTrue.length, yPred: yPred.length });
  }
  const { numClasses, classNames } = options;
  if (numClasses !== undefined && (typeof numClasses !== "number" || !Number.isInteger(numClasses) || numClasses < 1 || numClasses > MAX_CLASSES)) {
    const big = typeof numClasses === "number" && Number.isInteger(numClasses) && numClasses > MAX_CLASSES;
    throw new MetricInputError(
      big
        ? `numClasses is ${numClasses}, above the limit of ${MAX_CLASSES} classes (the ${numClasses}×${numClasses} matrix would need ${matrixSize(numClasses)}). Map the labels to class indices 0..K−1 with K ≤ ${MAX_CLASSES}.`
        : `numClasses is ${describeValue(numClasses)}; pass the number of classes K, an integer in 1..${MAX_CLASSES} (labels are 0..K−1).`,
      { argument: "numClasses", value: numClasses },
    );
  }
  if (classNames !== undefined) {
    if (!Array.isArray(classNames)) {
      throw new MetricInputError(`classNames is ${describeValue(classNames)}; pass an array of strings, one name per class.`, { argument: "classNames", value: classNames });
    }
    const bad = classNames.findIndex((c) => typeof c !== "string");
    if (bad >= 0) throw MetricInputError.atSample("classNames", bad, classNames[bad], ", not a string", "Pass one string per class (e.g. classNames.map(String)).");
    if (numClasses !== undefined && classNames.length !== numClasses) {
      throw new MetricInputError(`classNames has ${classNames.length} names but numClasses is ${numClasses}; pass one name per class.`, { classNames: classNames.length, numClasses });
    }
    if (numClasses === undefined && (classNames.length < 1 || classNames.length > MAX_CLASSES)) {
      throw new MetricInputError(`classNames has ${classNames.length} names; pass one name per class, 1..${MAX_CLASSES} classes.`, { classNames: classNames.length });
    }
  }
  const w = options.sampleWeight;
  if (w !== undefined) {
    MetricInputError.checkNumbers("sampleWeight", w, fn, "weight");
    if (w.length !== yTrue.length) throw new MetricInputError(`sampleWeight has ${w.length} values but there are ${yTrue.length} samples.`);
  }
  const ignoreList: unknown[] = options.ignore === undefined ? [] : Array.isArray(options.ignore) ? options.ignore : [options.ignore];
  const badIgnore = ignoreList.findIndex((v) => typeof v !== "number");
  if (badIgnore >= 0) {
    throw new MetricInputError(`ignore holds ${describeValue(ignoreList[badIgnore])}; pass the label value(s) to skip as numbers (e.g. ignore: 255 or ignore: [255, NaN]).`, { argument: "ignore", value: ignoreList[badIgnore] });
  }
  const ignore = new Set(ignoreList);
  const fixedK = numClasses ?? classNames?.length;
  const kLimit = fixedK ?? MAX_CLASSES;
  /** Throws the error for label `v` of `argument` at sample `i` (called only when it is not a class index). */
  const fail = (argument: string, i: number, v: number, t: number, p: number): never => {
    if (Number.isNaN(v)) throw MetricInputError.atSample(argument, i, v, "", "Pass ignore: NaN to skip samples without a label.");
    if (!Number.isFinite(v)) throw MetricInputError.atSample(argument, i, v, ", not a class index", `Labels are integers 0..K−1; pass ignore: ${v} to skip these samples.`);
    if (!Number.isInteger(v)) {
      throw MetricInputError.atSample(argument, i, v, ", not an integer class index", "Pass class labels (e.g. the argmax over the class scores), not scores or probabilities.");
    }
    if (v < 0) throw MetricInputError.atSample(argument, i, v, ", a negative label", `Labels are class indices 0..K−1; pass ignore: ${v} if ${v} marks samples without a label.`);
    if (numClasses !== undefined) {
      throw new MetricInputError(
        `Sample ${i}: labels must be integers in 0..${numClasses - 1}, got true ${t}, predicted ${p}: ${argument}[${i}] = ${v} is not a class index (numClasses is ${numClasses}). ` +
          (v < MAX_CLASSES ? `Pass numClasses: ${v + 1} or more, or ignore: ${v} if ${v} marks samples without a label.` : `Pass ignore: ${v} if ${v} marks samples without a label, or map the labels to 0..${numClasses - 1}.`),
        { argument, index: i, value: v, true: t, predicted: p },
      );
    }
    if (classNames !== undefined) {
      throw MetricInputError.atSample(argument, i, v, `, but classNames has ${classNames.length} names (classes 0..${classNames.length - 1})`,
        `Pass one name per class${v < MAX_CLASSES ? ` (at least ${v + 1} names)` : ""}, or ignore: ${v} if ${v} marks samples without a label.`);
    }
    throw MetricInputError.atSample(argument, i, v, `, above ${MAX_CLASSES - 1}, the largest label accepted without numClasses (K would be ${v + 1} and the K×K matrix ${matrixSize(v + 1)})`,
      `If ${v} marks samples without a label (a common nodata value), pass ignore: ${v}; otherwise map the labels to class indices 0..K−1 with K ≤ ${MAX_CLASSES} and pass numClasses.`);
  };
  // One pass validates and, when K is known, counts; an inferred K needs a second pass to count.
  const skip = ignore.size > 0;
  const counts = fixedK === undefined ? undefined : new Float64Array(fixedK * fixedK);
  let maxLabel = -1;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (skip && (ignore.has(t) || ignore.has(p))) continue;
    if (!(Number.isInteger(t) && t >= 0 && t < kLimit)) fail("yTrue", i, t, t, p);
    if (!(Number.isInteger(p) && p >= 0 && p < kLimit)) fail("yPred", i, p, t, p);
    let wi = 1;
    if (w) {
      wi = w[i]!;
      if (!(wi >= 0 && wi < Infinity)) {
        throw MetricInputError.atSample("sampleWeight", i, wi, Number.isNaN(wi) ? "" : wi < 0 ? ", a negative weight" : ", not a finite weight",
          "Weights must be finite and ≥ 0: give weight 0 to a sample that should not count.");
      }
    }
    if (counts) counts[t * fixedK! + p]! += wi;
    else {
      if (t > maxLabel) maxLabel = t;
      if (p > maxLabel) maxLabel = p;
    }
  }
  const names = (k: number): string[] => (classNames ? classNames.slice() : Array.from({ length: k }, (_, i) => String(i)));
  if (counts) return new ConfusionMatrix(counts, fixedK!, names(fixedK!));
  const k = maxLabel + 1;
  if (k === 0) {
    const n = yTrue.length;
    throw new MetricInputError(
      `Cannot infer the number of classes: ${n === 0 ? "yTrue and yPred are empty" : `all ${n} samples are ignored`}. Pass numClasses (the matrix is then all zeros and overallAccuracy NaN, as in scikit-learn).`,
      { samples: n },
    );
  }
  const inferred = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (skip && (ignore.has(t) || ignore.has(p))) continue;
    inferred[t * k + p]! += w ? w[i]! : 1;
  }
  return new ConfusionMatrix(inferred, k, names(k));
}
