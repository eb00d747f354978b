/**
 * Shared machinery of the perturbation methods: resolving the explained output (class per item or
 * regression output), scoring model outputs, and running many perturbed copies of an input in
 * batched forward passes with progress and abort.
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { predictBatched } from "../uncertainty/predictive.js";
import { reporter, reportingOptionsProblem, type ReportingOptions } from "../uncertainty/reporter.js";
import { softmax } from "../uncertainty/matrix.js";
import { describeValue } from "../../util/describe-value.js";
import { UncertaintyInputError } from "../uncertainty/errors.js";
import { ExplainInputError, TargetMismatchError } from "./errors.js";

/** Options shared by every attribution method. */
export interface ExplainOptions extends ReportingOptions {
  /**
   * What to explain: a class index (all items), one class index per item, or `"predicted"` (default:
   * each item's predicted class; output 0 — the mean — for regression models and single-output models).
   */
  target?: number | readonly number[] | "predicted";
  /**
   * Which number is explained: `"raw"` (default; the model's output, e.g. logits or the regressed
   * value) or `"probability"` (softmax over classes first). Dense outputs (`N×K×H×W`) are averaged over pixels.
   */
  score?: "raw" | "probability";
  /**
   * Dense outputs (`N×K×H×W`) only: the pixels whose predictions are explained, as an `H×W` mask
   * (non-zero = in the region), e.g. one field or one building. Default: the whole output.
   */
  region?: ArrayLike<number>;
  /** Maximum perturbed items per forward pass; default 64. */
  maxBatch?: number;
  /** Aborts between forward passes. */
  signal?: AbortSignal;
}

/** The explained outputs of a batch. */
export interface ResolvedTargets {
  /** Class (output channel) explained per item. */
  targets: Int32Array;
  /** The explained score of each unperturbed item. */
  baseScores: Float64Array;
  /** Number of output channels K. */
  classes: number;
  /** The model's output for the unperturbed batch. */
  output: Tensor;
}

/**
 * Checks an input is N×C×H×W and returns its dims.
 * @example
 * ```ts
 * const [n, c, h, w] = imageDims(patches);
 * ```
 */
export function imageDims(input: Tensor, what = "input"): [number, number, number, number] {
  if (input === null || typeof input !== "object" || !Array.isArray(input.dims) || !ArrayBuffer.isView(input.data)) {
    throw new ExplainInputError(`${what} must be an N×C×H×W tensor { data: Float32Array, dims }, got ${describeValue(input)}.`);
  }
  if (input.dims.length !== 4) {
    throw new ExplainInputError(`${what} must be an N×C×H×W batch, got dims [${input.dims.join(", ")}].`, { dims: input.dims });
  }
  const [n, c, h, w] = input.dims as [number, number, number, number];
  if (input.data.length !== n * c * h * w) {
    throw new ExplainInputError(`${what} has ${input.data.length} values but dims [${input.dims.join(", ")}] need ${n * c * h * w}.`);
  }
  if (!input.dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ExplainInputError(`${what} has dims [${input.dims.join(", ")}]; every dimension must be a positive integer.`, { dims: input.dims });
  }
  const P = h * w;
  for (let i = 0; i < input.data.length; i++) {
    if (!Number.isFinite(input.data[i]!)) {
      const item = Math.floor(i / (c * P)), band = Math.floor(i / P) % c, p = i % P;
      throw new ExplainInputError(
        `${what} item ${item} band ${band} pixel (row ${Math.floor(p / w)}, col ${p % w}) is ${input.data[i]}: attributions of non-finite inputs are NaN. ` +
          `Fill nodata first (e.g. with the band mean, 0 after normalization) or pick a patch without it.`,
        { item, band, row: Math.floor(p / w), col: p % w },
      );
    }
  }
  return [n, c, h, w];
}

/**
 * Scores of each item of an output batch for the given targets: the target channel, averaged over
 * the pixels (or over the `region` mask's pixels) for dense outputs.
 * @example
 * ```ts
 * scoresOf(await model.predict(x), Int32Array.from([2])); // logit of class 2
 * ```
 */
export function scoresOf(output: Tensor, targets: Int32Array, score: "raw" | "probability" = "raw", region?: ArrayLike<number>): Float64Array {
  const o = score === "probability" ? softmax(output) : output;
  const N = o.dims[0]!;
  const K = o.dims.length > 1 ? o.dims[1]! : 1;
  const P = o.data.length / (N * K);
  if (region && P === 1) {
    throw new ExplainInputError(
      `region selects pixels of dense outputs (N×K×H×W), but this model outputs [${o.dims.join(", ")}], one value per class and item; omit region (to explain a part of a patch, occlude the rest, e.g. with a baseline).`,
    );
  }
  if (region && region.length !== P) {
    throw new ExplainInputError(`The region mask has ${region.length} values but the model's output has ${P} pixels per item; give one value per output pixel.`);
  }
  let inRegion = P;
  if (region) {
    inRegion = 0;
    for (let p = 0; p < P; p++) if (region[p]) inRegion++;
    if (inRegion === 0) throw new ExplainInputError("The region mask selects no pixel; mark the pixels to explain with non-zero values.");
  }
  const out = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const base = (n * K + targets[n]!) * P;
    let s = 0;
    for (let p = 0; p < P; p++) if (!region || region[p]) s += o.data[base + p]!;
    out[n] = s / inRegion;
  }
  return out;
}

/**
 * Refuses options that are not an object (null, a number, an array), which would otherwise fail as
 * a bare TypeError on the first option read.
 * @throws {ExplainInputError}
 * @example
 * ```ts
 * checkOptionsObject({ target: 2 }); // fine; checkOptionsObject(null) throws
 * ```
 */
export function checkOptionsObject(options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ExplainInputError(`options must be an object such as { target: "predicted" } (or left out), got ${describeValue(options)}.`, { options });
  }
}

/**
 * Checks the model and the options shared by every attribution method (target, score, maxBatch).
 * @throws {ExplainInputError} naming the option and what to give instead.
 * @example
 * ```ts
 * checkExplainOptions(model, { target: 2, score: "probability" });
 * ```
 */
export function checkExplainOptions(predictor: Predictor, options: ExplainOptions): void {
  if (predictor === null || typeof predictor !== "object" || typeof predictor.predict !== "function") {
    throw new ExplainInputError(`The model must be an object with a predict() method (e.g. from loadModel()), got ${describeValue(predictor)}.`);
  }
  checkOptionsObject(options);
  const t = options.target;
  if (t !== undefined && t !== "predicted" && typeof t !== "number" && !Array.isArray(t) && !ArrayBuffer.isView(t)) {
    throw new ExplainInputError(`target must be "predicted", a class index or one class index per item, got ${describeValue(t)}.`, { target: t });
  }
  if (options.score !== undefined && options.score !== "raw" && options.score !== "probability") {
    throw new ExplainInputError(`score must be "raw" (the model's output) or "probability" (softmax first), got ${describeValue(options.score)}.`, { score: options.score });
  }
  checkPositiveInteger(options.maxBatch, "maxBatch", "perturbed items per forward pass");
  const region = options.region;
  if (region !== undefined && !((Array.isArray(region) || (ArrayBuffer.isView(region) && !(region instanceof DataView))) && Array.prototype.every.call(region, (v: unknown) => typeof v === "number"))) {
    throw new ExplainInputError(`region must be an H×W mask of numbers (an array or typed array, non-zero = explain this pixel), got ${describeValue(region)}.`);
  }
  const problem = reportingOptionsProblem(options);
  if (problem) throw new ExplainInputError(problem);
}

/**
 * Checks what a model's predict() returned for a batch of `n` items: a tensor with `n` items whose
 * dims match its values, all finite.
 * @param what the batch, for messages, e.g. "the input" or "a perturbed copy of item 3"
 */
function checkModelOutput(out: unknown, n: number, what: (index: number) => string): asserts out is Tensor {
  const o = out as Tensor;
  if (o === null || typeof o !== "object" || !Array.isArray(o.dims) || !ArrayBuffer.isView(o.data)) {
    throw new ExplainInputError(`The model's predict() returned ${describeValue(out)}; a Predictor must return a tensor { data: Float32Array, dims: [N, K(, H, W)] }.`);
  }
  if (o.dims[0] !== n) throw new ExplainInputError(`The model returned ${o.dims[0]} outputs for a batch of ${n}.`);
  const total = o.dims.reduce((a, b) => a * b, 1);
  if (o.data.length !== total) {
    throw new ExplainInputError(`The model returned ${o.data.length} values with dims [${o.dims.join(", ")}], which need ${total}; its output tensor is inconsistent.`);
  }
  const per = total / n;
  for (let i = 0; i < o.data.length; i++) {
    if (!Number.isFinite(o.data[i]!)) {
      throw new ExplainInputError(
        `The model returned ${o.data[i]} for ${what(Math.floor(i / per))} (output value ${i % per} of the item): attributions would be NaN. ` +
          "The inputs are finite, so check the model (and its normalization), or a baseline it cannot handle.",
        { item: Math.floor(i / per), index: i % per },
      );
    }
  }
}

/**
 * Checks an optional positive-integer option.
 * @example
 * ```ts
 * checkPositiveInteger(options.masks, "masks", "random masks");
 * ```
 */
export function checkPositiveInteger(v: unknown, name: string, what: string): void {
  if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= 1)) {
    throw new ExplainInputError(`${name} must be a positive integer (${what}), got ${describeValue(v)}.`, { [name]: v });
  }
}

/**
 * Checks an optional seed: an integer in [0, 2³²) (the generator has 32 bits of state; larger
 * seeds would silently repeat smaller ones).
 * @example
 * ```ts
 * checkSeed(options.seed); // ok for undefined, 0, 42
 * ```
 */
export function checkSeed(seed: unknown, name = "seed"): void {
  if (seed !== undefined && !(typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new ExplainInputError(`${name} must be an integer in 0..4294967295 (the generator has 32 bits of state), got ${describeValue(seed)}.`, { seed });
  }
}

/**
 * Runs the unperturbed batch and resolves the explained target of each item.
 * @example
 * ```ts
 * const { targets, baseScores } = await resolveTargets(model, patches, { target: "predicted" });
 * ```
 */
export async function resolveTargets(predictor: Predictor, input: Tensor, options: ExplainOptions): Promise<ResolvedTargets> {
  checkExplainOptions(predictor, options);
  const N = input.dims[0]!;
  let out: Tensor;
  try {
    out = await predictBatched(predictor, input, { maxBatch: options.maxBatch ?? 64, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (e) {
    // predictBatched checks the batch sizes the model returns; its errors are this module's here.
    if (e instanceof UncertaintyInputError) throw new ExplainInputError(e.message, e.details);
    throw e;
  }
  checkModelOutput(out, N, (i) => `item ${i} of the input`);
  const K = out.dims.length > 1 ? out.dims[1]! : 1;
  if (options.score === "probability" && K === 1) {
    throw new ExplainInputError(`score "probability" needs a model with several classes; this one has a single output, whose softmax is always 1 (every attribution would be 0). Use score "raw".`);
  }
  const P = out.data.length / (N * K);
  // Regression models explain their first output (the mean), never an argmax over mean/log-variance.
  const task = (predictor as { card?: { task?: string } }).card?.task;
  const t = options.target ?? (task === "regression" ? 0 : "predicted");
  const targets = new Int32Array(N);
  if (t === "predicted") {
    for (let n = 0; n < N; n++) {
      let best = 0, bv = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let p = 0; p < P; p++) if (!options.region || options.region[p]) s += out.data[(n * K + k) * P + p]!;
        if (s > bv) { bv = s; best = k; }
      }
      targets[n] = best;
    }
  } else {
    const arr = typeof t === "number" ? Array.from({ length: N }, () => t) : Array.from(t);
    if (arr.length !== N) {
      throw new TargetMismatchError(`${arr.length} targets were given for a batch of ${N} items; give one class per item or a single class.`, K);
    }
    arr.forEach((v, i) => {
      if (typeof v !== "number") {
        throw new TargetMismatchError(`Target of item ${i} is ${describeValue(v)}, not a class index; give numbers (0..${K - 1}).`, K);
      }
      if (!Number.isInteger(v) || v < 0 || v >= K) {
        throw new TargetMismatchError(`Target class ${v} (item ${i}) does not exist: the model outputs ${K} class${K === 1 ? "" : "es"} (0..${K - 1}).`, K);
      }
      targets[i] = v;
    });
  }
  return { targets, baseScores: scoresOf(out, targets, options.score, options.region), classes: K, output: out };
}

/** One perturbed copy of item `item`, written into `dst` (length C·H·W) by `fill`. */
export interface Perturbation {
  item: number;
  fill: (dst: Float32Array) => void;
}

/**
 * Runs many perturbed copies in batches of `maxBatch` (one forward pass per batch), with progress
 * and abort, handing each batch's output to `onOutput(output, firstJob, count)`.
 * @example
 * ```ts
 * await runPerturbations(model, [6, 8, 8], jobs, {}, "my method", (out, start, n) => console.log(start, n, out.dims));
 * ```
 */
export async function runPerturbations(
  predictor: Predictor, itemDims: readonly number[], jobs: readonly Perturbation[] | { length: number; get(i: number): Perturbation },
  options: ExplainOptions, label: string, onOutput: (output: Tensor, start: number, count: number) => void,
): Promise<number> {
  const size = itemDims.reduce((a, b) => a * b, 1);
  const maxBatch = Math.max(1, options.maxBatch ?? 64);
  const count = jobs.length;
  const get = Array.isArray(jobs) ? (i: number) => (jobs as readonly Perturbation[])[i]! : (jobs as { get(i: number): Perturbation }).get;
  const passes = Math.ceil(count / maxBatch);
  const rep = reporter(options, label, passes);
  try {
    for (let start = 0; start < count; start += maxBatch) {
      options.signal?.throwIfAborted();
      const n = Math.min(maxBatch, count - start);
      const data = new Float32Array(n * size);
      for (let j = 0; j < n; j++) get(start + j).fill(data.subarray(j * size, (j + 1) * size));
      const out = await predictor.predict({ data, dims: [n, ...itemDims] }, options.signal ? { signal: options.signal } : {});
      checkModelOutput(out, n, (j) => `a perturbed copy of item ${get(start + j).item} (${label})`);
      onOutput(out, start, n);
      rep.tick();
    }
  } finally {
    rep.done();
  }
  return passes;
}

/**
 * Scores many perturbed copies in batches of `maxBatch` (one forward pass per batch), with progress
 * and abort. Returns one score per perturbation, for its item's target.
 * @example
 * ```ts
 * const scores = await scorePerturbations(model, [6, 8, 8], jobs, targets, { maxBatch: 64 }, "my method");
 * ```
 */
export async function scorePerturbations(
  predictor: Predictor, itemDims: readonly number[], jobs: readonly Perturbation[] | { length: number; get(i: number): Perturbation },
  targets: Int32Array, options: ExplainOptions, label: string,
): Promise<Float64Array> {
  const get = Array.isArray(jobs) ? (i: number) => (jobs as readonly Perturbation[])[i]! : (jobs as { get(i: number): Perturbation }).get;
  const scores = new Float64Array(jobs.length);
  await runPerturbations(predictor, itemDims, jobs, options, label, (out, start, n) => {
    const t = new Int32Array(n);
    for (let j = 0; j < n; j++) t[j] = targets[get(start + j).item]!;
    scores.set(scoresOf(out, t, options.score, options.region), start);
  });
  return scores;
}
