/**
 * Out-of-distribution detection: per-sample scores (higher = more likely OOD) and their
 * evaluation on in- vs out-of-distribution sets (AUROC, AUPR, FPR at 95% TPR).
 * @module
 */
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, svgLines, textTable } from "./html.js";
import { checkTemperature, toMatrix, toProbabilities, toVector, type MatrixInput } from "./matrix.js";
import { describeValue } from "../../util/describe-value.js";
import type { PredictiveDistribution } from "./predictive.js";

/**
 * Max-softmax OOD score `1 − max_k p_k` (Hendrycks & Gimpel 2017).
 * @example
 * ```ts
 * maxSoftmaxScore([[0.9, 0.1]]); // Float64Array [0.1]
 * ```
 */
export function maxSoftmaxScore(probs: MatrixInput): Float64Array {
  const m = toProbabilities(probs);
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let mx = 0;
    for (let j = 0; j < m.k; j++) mx = Math.max(mx, m.data[i * m.k + j]!);
    out[i] = 1 - mx;
  }
  return out;
}

/**
 * Predictive-entropy OOD score `−Σ p log p` (nats).
 * @example
 * ```ts
 * entropyScore([[0.5, 0.5]]); // Float64Array [0.693…]
 * ```
 */
export function entropyScore(probs: MatrixInput): Float64Array {
  const m = toProbabilities(probs);
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let h = 0;
    for (let j = 0; j < m.k; j++) {
      const p = m.data[i * m.k + j]!;
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = h;
  }
  return out;
}

/**
 * Energy OOD score `E(x) = −T · logsumexp(z / T)` on logits (Liu et al. 2020); higher = more OOD.
 * @param logits `N×K` logits (not probabilities)
 * @param temperature T; default 1
 * @example
 * ```ts
 * energyScore([[0, 0]]); // Float64Array [−ln 2]
 * ```
 */
export function energyScore(logits: MatrixInput, temperature = 1): Float64Array {
  checkTemperature(temperature);
  const m = toMatrix(logits, "logits");
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      throw new UncertaintyInputError(
        `logits row ${Math.floor(i / m.k)} class ${i % m.k} is ${m.data[i]}; the energy score needs finite logits (check the input patch for NaN/nodata).`,
        { row: Math.floor(i / m.k), value: m.data[i] },
      );
    }
  }
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let mx = -Infinity;
    for (let j = 0; j < m.k; j++) mx = Math.max(mx, m.data[i * m.k + j]! / temperature);
    let s = 0;
    for (let j = 0; j < m.k; j++) s += Math.exp(m.data[i * m.k + j]! / temperature - mx);
    out[i] = -temperature * (mx + Math.log(s));
  }
  return out;
}

/**
 * Mutual-information (BALD) OOD score from a predictive distribution (MC dropout or ensemble).
 * @example
 * ```ts
 * mutualInformationScore(await mcDropout(model, x, { samples: 20 }));
 * ```
 */
export function mutualInformationScore(dist: PredictiveDistribution): Float64Array {
  return Float64Array.from(dist.classification.mutualInformation.data);
}

function nonEmpty(values: ArrayLike<number>, name: string, other: string): void {
  if (values !== null && typeof values === "object" && values.length === 0) {
    throw new UncertaintyInputError(`${name} are empty: ranking metrics need at least one ${name.replace(/ scores$/, "")} and one ${other} score.`, { name });
  }
}

interface Curve { fpr: number[]; tpr: number[]; precision: number[]; recall: number[] }

function curves(pos: Float64Array, neg: Float64Array): Curve {
  // Thresholds at distinct scores, descending (scikit-learn's roc_curve / precision_recall_curve).
  const all = [...Array.from(pos, (s) => [s, 1] as const), ...Array.from(neg, (s) => [s, 0] as const)].sort((a, b) => b[0] - a[0]);
  const P = pos.length, N = neg.length;
  const fpr = [0], tpr = [0], precision: number[] = [], recall: number[] = [];
  let tp = 0, fp = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]![1] === 1) tp++; else fp++;
    if (i + 1 < all.length && all[i + 1]![0] === all[i]![0]) continue;
    fpr.push(fp / N);
    tpr.push(tp / P);
    precision.push(tp / (tp + fp));
    recall.push(tp / P);
  }
  return { fpr, tpr, precision, recall };
}

/**
 * Area under the ROC curve of scores where `positive` should score higher (trapezoidal, ties
 * handled as scikit-learn's `roc_auc_score`).
 * @example
 * ```ts
 * rocAuc([0.9, 0.8], [0.1, 0.85]); // 0.75
 * ```
 */
export function rocAuc(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  nonEmpty(positive, "positive scores", "negative"); nonEmpty(negative, "negative scores", "positive");
  const c = curves(toVector(positive, undefined, "positive scores"), toVector(negative, undefined, "negative scores"));
  let a = 0;
  for (let i = 1; i < c.fpr.length; i++) a += (c.fpr[i]! - c.fpr[i - 1]!) * (c.tpr[i]! + c.tpr[i - 1]!) / 2;
  return a;
}

/**
 * Average precision Σ (R_n − R_{n−1}) P_n with `positive` as the positive class, as scikit-learn's
 * `average_precision_score`.
 * @example
 * ```ts
 * averagePrecision([0.9, 0.8], [0.1, 0.85]);
 * ```
 */
export function averagePrecision(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  nonEmpty(positive, "positive scores", "negative"); nonEmpty(negative, "negative scores", "positive");
  const c = curves(toVector(positive, undefined, "positive scores"), toVector(negative, undefined, "negative scores"));
  let ap = 0, prev = 0;
  for (let i = 0; i < c.recall.length; i++) {
    ap += (c.recall[i]! - prev) * c.precision[i]!;
    prev = c.recall[i]!;
  }
  return ap;
}

/**
 * False-positive rate at 95% true-positive rate with in-distribution as the positive class:
 * the fraction of OOD samples accepted when the threshold accepts 95% of in-distribution samples.
 * @param idScores OOD scores of in-distribution samples (should be low)
 * @param oodScores OOD scores of out-of-distribution samples (should be high)
 * @example
 * ```ts
 * fprAtTpr(idScores, oodScores, 0.95);
 * ```
 */
export function fprAtTpr(idScores: ArrayLike<number>, oodScores: ArrayLike<number>, tpr = 0.95): number {
  // ID positive with score −s; roc points from the curve; first point reaching tpr.
  if (typeof tpr !== "number" || !(tpr > 0 && tpr <= 1)) {
    throw new UncertaintyInputError(`tpr must be a rate in (0, 1], got ${describeValue(tpr)}; e.g. 0.95 for FPR at 95% TPR.`, { tpr });
  }
  nonEmpty(idScores, "in-distribution scores", "OOD"); nonEmpty(oodScores, "OOD scores", "in-distribution");
  const id = toVector(idScores, undefined, "in-distribution scores").map((v) => -v);
  const ood = toVector(oodScores, undefined, "OOD scores").map((v) => -v);
  const c = curves(id, ood);
  for (let i = 0; i < c.tpr.length; i++) if (c.tpr[i]! >= tpr - 1e-12) return c.fpr[i]!;
  return 1;
}

/**
 * OOD detection figures of one score on an in- vs out-of-distribution set.
 * @example
 * ```ts
 * const ev = evaluateOod(idScores, oodScores, "entropy");
 * ev.auroc; ev.fpr95;
 * ```
 */
export class OodEvaluation {
  /** Score name, e.g. `"max softmax"`. */
  readonly score: string;
  /** AUROC with OOD as the positive class. */
  readonly auroc: number;
  /** AUPR with OOD as the positive class ("AUPR-out"). */
  readonly auprOut: number;
  /** AUPR with in-distribution as the positive class ("AUPR-in", negated scores). */
  readonly auprIn: number;
  /** FPR at 95% TPR (in-distribution positive). */
  readonly fpr95: number;
  readonly nIn: number;
  readonly nOut: number;
  /** ROC curve points (OOD positive), for plotting. */
  readonly roc: { fpr: number[]; tpr: number[] };

  constructor(init: Omit<OodEvaluation, typeof DISPLAY>) {
    this.score = init.score; this.auroc = init.auroc; this.auprOut = init.auprOut; this.auprIn = init.auprIn;
    this.fpr95 = init.fpr95; this.nIn = init.nIn; this.nOut = init.nOut; this.roc = init.roc;
  }

  [DISPLAY](): Record<string, string> {
    const rows: [string, number][] = [["AUROC", this.auroc], ["AUPR-out", this.auprOut], ["AUPR-in", this.auprIn], ["FPR@95TPR", this.fpr95], ["in-distribution samples", this.nIn], ["OOD samples", this.nOut]];
    const cap = `OOD detection: ${this.score}`;
    const svg = svgLines(`ROC (${this.score})`, [
      { name: "chance", x: [0, 1], y: [0, 1], color: "#999", dash: true },
      { name: `AUROC ${this.auroc.toFixed(3)}`, x: this.roc.fpr, y: this.roc.tpr },
    ], { xLabel: "false-positive rate", yLabel: "true-positive rate", xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
    return {
      "text/plain": textTable(cap, ["", "value"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["", "value"], rows)}${svg}</div>`,
    };
  }
}

/**
 * Evaluates an OOD score (higher = more OOD) on in- and out-of-distribution samples.
 * @param idScores scores of in-distribution samples
 * @param oodScores scores of out-of-distribution samples
 * @param name the score's name for display; default `"score"`
 * @example
 * ```ts
 * const ev = evaluateOod(maxSoftmaxScore(idProbs), maxSoftmaxScore(oodProbs), "max softmax");
 * ev.auroc; ev.fpr95;
 * ```
 */
export function evaluateOod(idScores: ArrayLike<number>, oodScores: ArrayLike<number>, name = "score"): OodEvaluation {
  if (idScores.length === 0 || oodScores.length === 0) {
    throw new UncertaintyInputError(`OOD evaluation needs both sets: got ${idScores.length} in-distribution and ${oodScores.length} OOD scores.`);
  }
  const id = toVector(idScores, undefined, "in-distribution scores");
  const ood = toVector(oodScores, undefined, "OOD scores");
  const c = curves(ood, id);
  return new OodEvaluation({
    score: name, auroc: rocAuc(ood, id), auprOut: averagePrecision(ood, id),
    auprIn: averagePrecision(id.map((v) => -v), ood.map((v) => -v)), fpr95: fprAtTpr(id, ood),
    nIn: id.length, nOut: ood.length, roc: { fpr: c.fpr, tpr: c.tpr },
  });
}
