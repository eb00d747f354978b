/**
 * Permutation importance for tabular/vector inputs (Breiman 2001; scikit-learn's
 * `permutation_importance`): shuffle one feature column across samples and measure how much the
 * model's score gets worse, with repeats and their spread.
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { predictBatched } from "../uncertainty/predictive.js";
import { seededRandom, shuffleInPlace } from "../uncertainty/random.js";
import { reporter, reportingOptionsProblem, type ReportingOptions } from "../uncertainty/reporter.js";
import { DISPLAY, htmlTable, svgBars, textTable } from "../uncertainty/html.js";
import { UncertaintyInputError } from "../uncertainty/errors.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError } from "./errors.js";
import { checkPositiveInteger, checkSeed } from "./target.js";

/** A metric of predictions against targets, where larger is better. */
export type Metric = (output: Tensor, y: ArrayLike<number>) => number;

/**
 * Negative mean squared error of output channel 0 (regression).
 * @example
 * ```ts
 * await permutationImportance(model, X, y, { metric: negMeanSquaredError });
 * ```
 */
export const negMeanSquaredError: Metric = (out, y) => {
  const N = out.dims[0]!;
  const K = out.data.length / N;
  let s = 0;
  for (let i = 0; i < N; i++) s += (out.data[i * K]! - y[i]!) ** 2;
  return -s / N;
};

/**
 * Accuracy of the argmax over output channels (classification).
 * @example
 * ```ts
 * await permutationImportance(model, X, labels, { metric: accuracyMetric });
 * ```
 */
export const accuracyMetric: Metric = (out, y) => {
  const N = out.dims[0]!;
  const K = out.data.length / N;
  let c = 0;
  for (let i = 0; i < N; i++) {
    let b = 0;
    for (let k = 1; k < K; k++) if (out.data[i * K + k]! > out.data[i * K + b]!) b = k;
    if (b === y[i]) c++;
  }
  return c / N;
};

/** Options of {@link permutationImportance}. */
export interface PermutationOptions extends ReportingOptions {
  /** Shuffles per feature; default 5. */
  repeats?: number;
  /** Seed of the shuffles; default 0. */
  seed?: number;
  /** `"mse"` (default for 1-output models: negative MSE), `"accuracy"` (default for K > 1) or a function (larger = better). */
  metric?: "mse" | "accuracy" | Metric;
  /** Feature names; default `feature 0…`. */
  featureNames?: readonly string[];
  /** Maximum rows per forward pass; default 1024. */
  maxBatch?: number;
  signal?: AbortSignal;
}

/**
 * Permutation importances: mean and std over repeats of the score drop per feature.
 * @example
 * ```ts
 * const imp = await permutationImportance(model, X, y);
 * imp.mean; imp.std;
 * ```
 */
export class PermutationImportance {
  readonly features: readonly string[];
  /** Score of the unshuffled data. */
  readonly baselineScore: number;
  /** Mean drop per feature. */
  readonly mean: Float64Array;
  /** Standard deviation (population, as scikit-learn) of the drop per feature. */
  readonly std: Float64Array;
  /** `F×repeats` drops. */
  readonly values: Float64Array;
  readonly repeats: number;

  constructor(init: { features: readonly string[]; baselineScore: number; mean: Float64Array; std: Float64Array; values: Float64Array; repeats: number }) {
    this.features = init.features; this.baselineScore = init.baselineScore; this.mean = init.mean;
    this.std = init.std; this.values = init.values; this.repeats = init.repeats;
  }

  [DISPLAY](): Record<string, string> {
    const cap = `Permutation importance (${this.repeats} repeats, baseline score ${this.baselineScore.toPrecision(4)})`;
    const rows = this.features.map((f, i) => [f, this.mean[i]!, this.std[i]!] as (string | number)[]);
    const svg = svgBars("Permutation importance (mean ± std)", this.features, Array.from(this.mean), Array.from(this.std));
    return {
      "text/plain": textTable(cap, ["feature", "mean", "std"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["feature", "mean", "std"], rows)}${svg}</div>`,
      "image/svg+xml": svg,
    };
  }
}

/**
 * Permutation importance of each column of an `N×F` input.
 * @param input `N×F` features (as the model expects them)
 * @param y targets (values for regression, class indices for classification)
 * @example
 * ```ts
 * const imp = await permutationImportance(model, X, y, { repeats: 10, featureNames: ["NDVI", "slope", "elev"] });
 * ```
 */
export async function permutationImportance(predictor: Predictor, input: Tensor, y: ArrayLike<number>, options: PermutationOptions = {}): Promise<PermutationImportance> {
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { repeats: 5 }, got ${describeValue(options)}.`);
  if (predictor === null || typeof predictor !== "object" || typeof predictor.predict !== "function") {
    throw new ExplainInputError(`The model must be an object with a predict() method (e.g. from loadModel()), got ${describeValue(predictor)}.`);
  }
  if (input === null || typeof input !== "object" || !Array.isArray(input.dims) || !ArrayBuffer.isView(input.data)) {
    throw new ExplainInputError(`permutationImportance needs an N×F tensor { data: Float32Array, dims: [N, F] }, got ${describeValue(input)}.`);
  }
  if (input.dims.length !== 2) throw new ExplainInputError(`permutationImportance needs an N×F table, got dims [${input.dims.join(", ")}].`);
  const [N, F] = input.dims as [number, number];
  if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(F) && F >= 1)) {
    throw new ExplainInputError(`permutationImportance needs at least one row and one feature, got dims [${N}, ${F}].`, { dims: input.dims });
  }
  if (input.data.length !== N * F) {
    throw new ExplainInputError(`The input has ${input.data.length} values but dims [${N}, ${F}] need ${N * F}.`, { dims: input.dims, values: input.data.length });
  }
  if (N < 2) throw new ExplainInputError(`permutationImportance needs at least 2 rows: shuffling a single row changes nothing (every importance would be 0), got ${N}.`, { rows: N });
  for (let i = 0; i < input.data.length; i++) {
    if (!Number.isFinite(input.data[i]!)) {
      throw new ExplainInputError(
        `The input row ${Math.floor(i / F)} feature ${i % F} is ${input.data[i]}; importances would be NaN. Fill or drop missing values first.`,
        { row: Math.floor(i / F), feature: i % F },
      );
    }
  }
  if (!(Array.isArray(y) || ArrayBuffer.isView(y))) throw new ExplainInputError(`y must be an array of ${N} targets, got ${describeValue(y)}.`);
  if (y.length !== N) throw new ExplainInputError(`y has ${y.length} entries but the input has ${N} rows.`, { n: N, y: y.length });
  for (let i = 0; i < N; i++) {
    if (typeof y[i] !== "number" || !Number.isFinite(y[i]!)) {
      throw new ExplainInputError(`y[${i}] is ${describeValue(y[i])}; every target must be a finite number (drop samples without a target).`, { index: i });
    }
  }
  const R = options.repeats ?? 5;
  if (typeof R !== "number" || !Number.isInteger(R) || R < 1) throw new ExplainInputError(`repeats must be a positive integer, got ${describeValue(R)}.`);
  checkSeed(options.seed);
  checkPositiveInteger(options.maxBatch, "maxBatch", "rows per forward pass");
  if (options.metric !== undefined && typeof options.metric !== "function" && options.metric !== "mse" && options.metric !== "accuracy") {
    throw new ExplainInputError(`metric must be "mse", "accuracy" or a function (output, y) => score (larger = better), got ${describeValue(options.metric)}.`, { metric: describeValue(options.metric) });
  }
  if (options.featureNames !== undefined && !(Array.isArray(options.featureNames) && options.featureNames.every((n) => typeof n === "string"))) {
    throw new ExplainInputError(`featureNames must be an array of ${F} strings (one name per column), got ${describeValue(options.featureNames)}${Array.isArray(options.featureNames) ? " with non-strings" : ""}.`);
  }
  const names = options.featureNames ?? Array.from({ length: F }, (_, i) => `feature ${i}`);
  if (names.length !== F) throw new ExplainInputError(`featureNames lists ${names.length} names but the input has ${F} columns.`);
  const problem = reportingOptionsProblem(options);
  if (problem) throw new ExplainInputError(problem);
  const batchOpts = { maxBatch: options.maxBatch ?? 1024, ...(options.signal ? { signal: options.signal } : {}) };
  const predict = async (x: Tensor, what: string): Promise<Tensor> => {
    let out: Tensor;
    try {
      out = await predictBatched(predictor, x, batchOpts);
    } catch (e) {
      if (e instanceof UncertaintyInputError) throw new ExplainInputError(e.message, e.details);
      throw e;
    }
    const bad = out.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ExplainInputError(`The model returned ${out.data[bad]} for row ${Math.floor(bad / (out.data.length / N))} of ${what}; the scores would be NaN. Check the model and its input scaling.`);
    }
    return out;
  };
  const scored = (out: Tensor, what: string): number => {
    const v = metric(out, y);
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ExplainInputError(`The metric returned ${describeValue(v)} for ${what}; it must return a finite number (larger = better).`);
    }
    return v;
  };
  const base = await predict(input, "the input");
  const K = base.data.length / N;
  const metric: Metric = typeof options.metric === "function" ? options.metric
    : (options.metric ?? (K === 1 ? "mse" : "accuracy")) === "mse" ? negMeanSquaredError : accuracyMetric;
  if (metric === accuracyMetric) {
    for (let i = 0; i < N; i++) {
      if (!(Number.isInteger(y[i]) && y[i]! >= 0 && y[i]! < K)) {
        throw new ExplainInputError(`y[${i}] is ${y[i]}, not a class index in 0..${K - 1} of this ${K}-output model; the accuracy metric needs class labels (use metric: "mse" for regression targets).`, { index: i, classes: K });
      }
    }
  }
  const baselineScore = scored(base, "the unshuffled data");
  const rand = seededRandom(options.seed ?? 0);
  const values = new Float64Array(F * R);
  const rep = reporter(options, "permutation importance", F * R);
  const perm = new Int32Array(N);
  const data = new Float32Array(input.data.length);
  for (let f = 0; f < F; f++) {
    for (let r = 0; r < R; r++) {
      options.signal?.throwIfAborted();
      for (let i = 0; i < N; i++) perm[i] = i;
      shuffleInPlace(perm, rand);
      data.set(input.data);
      for (let i = 0; i < N; i++) data[i * F + f] = input.data[perm[i]! * F + f]!;
      const out = await predict({ data, dims: [N, F] }, `the data with ${names[f]} shuffled`);
      values[f * R + r] = baselineScore - scored(out, `the data with ${names[f]} shuffled (repeat ${r})`);
      rep.tick();
    }
  }
  rep.done();
  const mean = new Float64Array(F), std = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let s = 0;
    for (let r = 0; r < R; r++) s += values[f * R + r]!;
    mean[f] = s / R;
    let v = 0;
    for (let r = 0; r < R; r++) v += (values[f * R + r]! - mean[f]!) ** 2;
    std[f] = Math.sqrt(v / R);
  }
  return new PermutationImportance({ features: names, baselineScore, mean, std, values, repeats: R });
}
