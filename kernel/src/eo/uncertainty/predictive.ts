/**
 * Predictive distributions from any {@link Predictor}: MC dropout (N seeded stochastic passes,
 * several samples per forward pass), deep ensembles (several predictors) and test-time
 * augmentation (flips/rotations, inverted back for segmentation outputs).
 * @module
 */
import type { PredictOptions, Predictor, Tensor } from "../model/tensor.js";
import { Raster } from "../raster/raster.js";
import type { CRS, GeoTransform, RasterSourceLike } from "../raster/types.js";
import { UncertaintyInputError } from "./errors.js";
import { reporter, reportingOptionsProblem, type ReportingOptions } from "./reporter.js";
import { DISPLAY, htmlTable, stats, textTable } from "./html.js";
import { checkProbabilities, softmax, toMatrix } from "./matrix.js";
import { describeValue } from "../../util/describe-value.js";
import { classificationMeasures, regressionMeasures, type ClassificationMeasures, type RegressionMeasures } from "./measures.js";
import {
  augment, checkAugmentation, concatBatch, DEFAULT_AUGMENTATIONS, inverseAugmentation, itemSize, MAX_REPEAT_VALUES, repeatBatch, sliceBatch, type Augmentation,
} from "./tensor-ops.js";

/**
 * Predict options with a seed for the stochastic passes. `seed` resets the model's dropout random
 * generator before this pass; later passes without a seed continue the same stream, so a run of
 * passes that starts with the same seed gives the same samples. (For ONNX Runtime models this is a
 * fresh session whose Dropout nodes carry that `seed` attribute: ORT then draws the same masks.)
 * Predictors without seeded dropout ignore it.
 */
export interface SeededPredictOptions extends PredictOptions {
  /** Reset the dropout random generator to this seed before this pass. */
  seed?: number;
}

/** Options shared by the predictive-distribution builders. */
export interface PredictiveOptions extends ReportingOptions {
  /**
   * `"classification"` (default; also segmentation: outputs `N×K(×H×W)` logits) or `"regression"`
   * (outputs `N×C(×H×W)`, channel 0 the mean, channel 1 the log-variance when present).
   */
  task?: "classification" | "regression";
  /** What the predictor returns for classification: `"logits"` (default, softmax is applied) or `"probabilities"`. */
  output?: "logits" | "probabilities";
  /** Class names (for display and raster band names); default `class 0…`. */
  classes?: readonly string[];
  /** Maximum number of items per forward pass; default 32. */
  maxBatch?: number;
  /** Aborts between (and inside) forward passes. */
  signal?: AbortSignal;
}

/**
 * Largest number of sample values (samples × items × output values per item) {@link mcDropout}
 * holds at once: 2^28 float32 values, 1 GiB (the budget of RISE's masks, `MAX_RISE_MASK_VALUES`).
 * @example
 * ```ts
 * const most = Math.floor(MAX_MC_SAMPLE_VALUES / (patches.dims[0] * 4)); // samples of a 4-class patch classifier
 * ```
 */
export const MAX_MC_SAMPLE_VALUES = 2 ** 28;

/** Options of {@link mcDropout}. */
export interface McDropoutOptions extends PredictiveOptions {
  /** Number of stochastic samples S; default 20. */
  samples?: number;
  /**
   * Seed given to the first pass (resetting the model's dropout generator); default 0. `null`
   * continues the model's current random stream (e.g. for the next tile of a scene).
   */
  seed?: number | null;
}

/**
 * The predictive distribution of a model on a batch: `S` samples of its (softmaxed) outputs, with
 * per-sample or per-pixel uncertainty measures computed on demand.
 * @example
 * ```ts
 * const dist = await mcDropout(model, patches, { samples: 20 });
 * dist.classification.mutualInformation;
 * ```
 */
export class PredictiveDistribution {
  /** `S×N×K(×H×W)` probabilities (classification) or raw outputs (regression). */
  readonly samples: Tensor;
  readonly task: "classification" | "regression";
  /** How the samples were drawn, e.g. `"MC dropout (20 passes, seed 0)"`. */
  readonly method: string;
  readonly classes: readonly string[];
  #cls?: ClassificationMeasures;
  #reg?: RegressionMeasures;

  constructor(samples: Tensor, init: { task?: "classification" | "regression"; method: string; classes?: readonly string[] }) {
    if (samples.dims.length < 3) {
      throw new UncertaintyInputError(`Predictive samples must be S×N×K(×H×W), got dims [${samples.dims.join(", ")}].`);
    }
    this.samples = samples;
    this.task = init.task ?? "classification";
    this.method = init.method;
    const K = samples.dims[2]!;
    this.classes = init.classes ?? Array.from({ length: K }, (_, i) => `class ${i}`);
  }

  /** Number of samples S. */
  get size(): number {
    return this.samples.dims[0]!;
  }

  /** Classification measures (mean probabilities, entropy, expected entropy, MI, variance, std). */
  get classification(): ClassificationMeasures {
    if (this.task !== "classification") throw new UncertaintyInputError(`This is a ${this.task} distribution; use .regression.`);
    return (this.#cls ??= classificationMeasures(this.samples));
  }

  /** Regression measures (mean, aleatoric/epistemic/total std, 90% interval). */
  get regression(): RegressionMeasures {
    if (this.task !== "regression") throw new UncertaintyInputError(`This is a ${this.task} distribution; use .classification.`);
    return (this.#reg ??= regressionMeasures(this.samples));
  }

  /** Regression measures at another interval level (e.g. 0.95). */
  regressionAt(level: number): RegressionMeasures {
    if (this.task !== "regression") throw new UncertaintyInputError(`This is a ${this.task} distribution; use .classification.`);
    return regressionMeasures(this.samples, { level });
  }

  /**
   * Per-pixel outputs of item `index` as georeferenced rasters (segmentation/dense regression only):
   * classification → `mean` (K bands), `predicted`, `confidence`, `predictiveEntropy`,
   * `expectedEntropy`, `mutualInformation`, `std`; regression → `mean`, `aleatoricStd`,
   * `epistemicStd`, `totalStd`, `lower`, `upper`.
   * @param options `index` of the batch item (default 0); georeference from `like` or `transform`/`crs`
   * @example
   * ```ts
   * const maps = dist.toRasters({ like: tile });
   * maps.mutualInformation.band(1);
   * ```
   */
  toRasters(options: { index?: number; like?: RasterSourceLike; transform?: GeoTransform; crs?: CRS } = {}): Record<string, Raster> {
    const dims = this.samples.dims;
    if (dims.length !== 5) {
      throw new UncertaintyInputError(`toRasters needs per-pixel samples S×N×K×H×W, got dims [${dims.join(", ")}]; per-sample results have no map.`);
    }
    const N = dims[1]!, K = dims[2]!, H = dims[3]!, W = dims[4]!;
    const idx = options.index ?? 0;
    if (!(typeof idx === "number" && Number.isInteger(idx) && idx >= 0 && idx < N)) {
      throw new UncertaintyInputError(`index ${describeValue(idx)} is not an item of the batch of ${N}: use an integer in 0..${N - 1}.`, { index: idx });
    }
    const transform = options.like?.transform ?? options.transform;
    const crs = options.like?.crs ?? options.crs;
    if (options.like && (options.like.width !== W || options.like.height !== H)) {
      throw new UncertaintyInputError(`like is ${options.like.width}×${options.like.height} but the outputs are ${W}×${H}.`);
    }
    const P = H * W;
    const one = (t: Tensor, name: string): Raster => new Raster({
      width: W, height: H, dtype: "float32", bands: [Float32Array.from(t.data.subarray(idx * P, (idx + 1) * P))],
      ...(transform ? { transform } : {}), ...(crs ? { crs } : {}), descriptions: [name],
    });
    const out: Record<string, Raster> = {};
    if (this.task === "classification") {
      const m = this.classification;
      out.mean = new Raster({
        width: W, height: H, dtype: "float32",
        bands: Array.from({ length: K }, (_, c) => Float32Array.from(m.mean.data.subarray((idx * K + c) * P, (idx * K + c + 1) * P))),
        ...(transform ? { transform } : {}), ...(crs ? { crs } : {}), descriptions: [...this.classes],
      });
      out.predicted = new Raster({
        width: W, height: H, dtype: "int32", bands: [Int32Array.from(m.predicted.data.subarray(idx * P, (idx + 1) * P))],
        ...(transform ? { transform } : {}), ...(crs ? { crs } : {}), descriptions: ["predicted class"],
      });
      for (const f of ["confidence", "predictiveEntropy", "expectedEntropy", "mutualInformation", "std"] as const) out[f] = one(m[f], f);
    } else {
      const r = this.regression;
      for (const f of ["mean", "aleatoricStd", "epistemicStd", "totalStd", "lower", "upper"] as const) out[f] = one(r[f], f);
    }
    return out;
  }

  /** Mime bundle: a summary table of the measures (per item for small batches, statistics for maps). */
  [DISPLAY](): Record<string, string> {
    const dims = this.samples.dims;
    const caption = `${this.method}: ${this.task}, ${dims[0]} samples of [${dims.slice(1).join("×")}]`;
    let header: string[];
    let rows: (string | number)[][];
    if (this.task === "classification") {
      const m = this.classification;
      if (dims.length === 3) {
        header = ["item", "predicted", "confidence", "entropy", "expected entropy", "MI (BALD)", "std"];
        rows = Array.from({ length: Math.min(20, dims[1]!) }, (_, i) => [
          i, this.classes[m.predicted.data[i]!]!, m.confidence.data[i]!, m.predictiveEntropy.data[i]!,
          m.expectedEntropy.data[i]!, m.mutualInformation.data[i]!, m.std.data[i]!,
        ]);
      } else {
        header = ["measure", "min", "mean", "max"];
        rows = (["confidence", "predictiveEntropy", "expectedEntropy", "mutualInformation", "std"] as const).map((f) => {
          const s = stats(m[f].data);
          return [f, s.min, s.mean, s.max];
        });
      }
    } else {
      const r = this.regression;
      header = ["measure", "min", "mean", "max"];
      rows = (["mean", "aleatoricStd", "epistemicStd", "totalStd"] as const).map((f) => {
        const s = stats(r[f].data);
        return [f, s.min, s.mean, s.max];
      });
    }
    return { "text/plain": textTable(caption, header, rows), "text/html": htmlTable(caption, header, rows) };
  }
}

function toProbs(out: Tensor, opts: PredictiveOptions): Tensor {
  if ((opts.task ?? "classification") !== "classification") return out;
  if ((opts.output ?? "logits") === "logits") return softmax(out);
  checkProbabilities(toMatrix(out, "model output"), "model output (output: \"probabilities\")");
  return out;
}

/**
 * Checks the options shared by the predictive-distribution builders and the predictor and input.
 * @throws {UncertaintyInputError} naming the option and what to give instead.
 */
function checkPredictive(predictor: unknown, input: unknown, options: PredictiveOptions, fn: string): void {
  if (predictor === null || typeof predictor !== "object" || typeof (predictor as Predictor).predict !== "function") {
    throw new UncertaintyInputError(`${fn} needs a model (an object with a predict() method, e.g. from loadModel()), got ${describeValue(predictor)}.`);
  }
  checkTensor(input, fn);
  if (options.task !== undefined && options.task !== "classification" && options.task !== "regression") {
    throw new UncertaintyInputError(
      `task must be "classification" (also for segmentation outputs N×K×H×W) or "regression", got ${describeValue(options.task)}.`, { task: options.task },
    );
  }
  if (options.output !== undefined && options.output !== "logits" && options.output !== "probabilities") {
    throw new UncertaintyInputError(`output must be "logits" (softmax is applied) or "probabilities", got ${describeValue(options.output)}.`, { output: options.output });
  }
  if (options.maxBatch !== undefined && !(typeof options.maxBatch === "number" && Number.isInteger(options.maxBatch) && options.maxBatch >= 1)) {
    throw new UncertaintyInputError(`maxBatch must be a positive integer (items per forward pass), got ${describeValue(options.maxBatch)}.`, { maxBatch: options.maxBatch });
  }
  if (options.classes !== undefined && !Array.isArray(options.classes)) {
    throw new UncertaintyInputError(`classes must be an array of class names, got ${describeValue(options.classes)}.`);
  }
  const problem = reportingOptionsProblem(options);
  if (problem) throw new UncertaintyInputError(problem);
}

function checkTensor(input: unknown, fn: string): asserts input is Tensor {
  const t = input as Tensor;
  if (t === null || typeof t !== "object" || !Array.isArray(t.dims) || !ArrayBuffer.isView(t.data)) {
    throw new UncertaintyInputError(`${fn} needs an input tensor { data: Float32Array, dims: [N, C, H, W] }, got ${describeValue(input)}.`);
  }
  const total = t.dims.reduce((a, b) => a * b, 1);
  if (t.dims.length === 0 || !t.dims.every((d) => Number.isInteger(d) && d >= 1) || t.data.length !== total) {
    throw new UncertaintyInputError(`${fn}: the input has ${t.data.length} values and dims [${t.dims.join(", ")}]; dims must be positive integers whose product is the number of values.`, { dims: t.dims });
  }
}

function checkClasses(dist: PredictiveDistribution, classes: readonly string[] | undefined): void {
  const K = dist.samples.dims[2]!;
  if (dist.task === "classification" && classes !== undefined && classes.length !== K) {
    throw new UncertaintyInputError(`classes lists ${classes.length} names but the model outputs ${K} classes; give one name per output class.`, { classes: classes.length, outputs: K });
  }
}

function checkOutput(out: Tensor, n: number, what: string): void {
  if (out === null || typeof out !== "object" || !Array.isArray(out.dims) || !ArrayBuffer.isView(out.data)) {
    throw new UncertaintyInputError(`${what} returned ${describeValue(out)}; a Predictor must return a tensor { data: Float32Array, dims: [N, …] }.`);
  }
  if (out.dims[0] !== n) {
    throw new UncertaintyInputError(`${what} returned a batch of ${out.dims[0]} for an input batch of ${n}; a Predictor must return one output per input item.`);
  }
}

function stack(samples: Tensor[]): Tensor {
  const first = samples[0]!;
  const out = new Float32Array(first.data.length * samples.length);
  samples.forEach((s, i) => {
    if (s.data.length !== first.data.length) {
      throw new UncertaintyInputError(`Sample ${i} has dims [${s.dims.join(", ")}] but sample 0 has [${first.dims.join(", ")}].`);
    }
    out.set(s.data, i * first.data.length);
  });
  return { data: out, dims: [samples.length, ...first.dims] };
}

/**
 * The number of values of `S` samples of `N` items with `perItem` output values each, refused when
 * over {@link MAX_MC_SAMPLE_VALUES}.
 */
function checkSampleBudget(S: number, N: number, perItem: number): number {
  const values = S * N * perItem;
  if (values > MAX_MC_SAMPLE_VALUES) {
    const fit = Math.floor(MAX_MC_SAMPLE_VALUES / (N * perItem));
    throw new UncertaintyInputError(
      `MC dropout with ${S} samples of ${N} item${N === 1 ? "" : "s"} × ${perItem} output values needs ${values} values ` +
        `(${((values * 4) / 2 ** 30).toFixed(1)} GiB of float32), more than it holds at once (MAX_MC_SAMPLE_VALUES = ${MAX_MC_SAMPLE_VALUES}, 1 GiB); ` +
        (fit >= 1 ? `use at most ${fit} samples, or ` : "") +
        `pass fewer items per call (split the batch; sceneUncertainty() goes through a scene strip by strip).`,
      { samples: S, items: N, perItem, values, bytes: values * 4, budget: MAX_MC_SAMPLE_VALUES * 4 },
    );
  }
  return values;
}

/**
 * MC dropout: `samples` stochastic forward passes with Dropout active. Several samples share one
 * forward pass (the batch is repeated up to `maxBatch` items and {@link MAX_REPEAT_VALUES} values), so 20
 * samples of one patch cost one or two passes rather than twenty. The first pass carries `seed` (see {@link SeededPredictOptions}).
 *
 * @param predictor a model whose `predict` honours `{ mcDropout: true }`
 * @param input `N×C×H×W` batch, normalized as the model expects
 * @param options {@link McDropoutOptions}: `samples` (20), `seed` (0), `maxBatch` (32), `task`, `output`
 * @throws {UncertaintyInputError} when the samples would need more than {@link MAX_MC_SAMPLE_VALUES}
 *   values (checked after the first pass, which tells the output size), naming the memory and how many samples fit
 * @example
 * ```ts
 * const dist = await mcDropout(model, patches, { samples: 20, seed: 1 });
 * dist.classification.mutualInformation; // BALD per patch
 * ```
 */
export async function mcDropout(predictor: Predictor, input: Tensor, options: McDropoutOptions = {}): Promise<PredictiveDistribution> {
  checkPredictive(predictor, input, options, "mcDropout");
  const S = options.samples ?? 20;
  const seed = options.seed === null ? undefined : options.seed ?? 0;
  if (typeof S !== "number" || !Number.isInteger(S) || S < 1) throw new UncertaintyInputError(`samples must be a positive integer, got ${describeValue(S)}.`, { samples: S });
  if (seed !== undefined && !(typeof seed === "number" && Number.isSafeInteger(seed))) {
    throw new UncertaintyInputError(`seed must be an integer (or null to continue the model's random stream), got ${describeValue(seed)}.`, { seed });
  }
  const N = input.dims[0]!;
  const maxBatch = options.maxBatch ?? 32;
  // Samples per pass: at most maxBatch items, and a repeated batch of at most MAX_REPEAT_VALUES values.
  const perPass = Math.max(1, Math.min(S, Math.floor(maxBatch / Math.max(1, N)), Math.floor(MAX_REPEAT_VALUES / input.data.length)));
  const passes = Math.ceil(S / perPass);
  // The S samples go straight into one array, allocated after the first pass tells the output size
  // (checked against MAX_MC_SAMPLE_VALUES): no per-sample objects, no second copy.
  let all: Float32Array | undefined;
  let sampleDims: number[] = [];
  const rep = reporter(options, "MC dropout", passes);
  for (let pass = 0; pass < passes; pass++) {
    options.signal?.throwIfAborted();
    const r = Math.min(perPass, S - pass * perPass);
    const batch = r === 1 ? input : repeatBatch(input, r);
    const opts: SeededPredictOptions = {
      mcDropout: true, ...(pass === 0 && seed !== undefined ? { seed } : {}), ...(options.signal ? { signal: options.signal } : {}),
    };
    const out = await predictor.predict(batch, opts);
    checkOutput(out, N * r, "MC dropout pass");
    const probs = toProbs(out, options);
    const dims = [N, ...probs.dims.slice(1)];
    if (all === undefined) {
      sampleDims = dims;
      all = new Float32Array(checkSampleBudget(S, N, itemSize(probs)));
    } else if (dims.join("x") !== sampleDims.join("x")) {
      throw new UncertaintyInputError(`Sample ${pass * perPass} has dims [${dims.join(", ")}] but sample 0 has [${sampleDims.join(", ")}].`);
    }
    all.set(probs.data, pass * perPass * (all.length / S));
    rep.tick();
  }
  rep.done();
  return checked(new PredictiveDistribution({ data: all!, dims: [S, ...sampleDims] }, {
    ...(options.task ? { task: options.task } : {}), ...(options.classes ? { classes: options.classes } : {}),
    method: `MC dropout (${S} samples in ${passes} passes${seed === undefined ? "" : `, seed ${seed}`})`,
  }), options.classes);
}

/**
 * Deep ensemble: one deterministic forward pass per member (in batches of `maxBatch` items).
 * @param predictors the ensemble members (same task, same output shape)
 * @param input `N×C×H×W` batch
 * @example
 * ```ts
 * const dist = await deepEnsemble([m1, m2, m3], patches);
 * dist.classification.predictiveEntropy;
 * ```
 */
export async function deepEnsemble(predictors: readonly Predictor[], input: Tensor, options: PredictiveOptions = {}): Promise<PredictiveDistribution> {
  if (!Array.isArray(predictors)) {
    throw new UncertaintyInputError(`deepEnsemble needs an array of models ([model1, model2, …]), got ${describeValue(predictors)}.`);
  }
  if (predictors.length === 0) throw new UncertaintyInputError("deepEnsemble needs at least one predictor.");
  predictors.forEach((p, i) => checkPredictive(p, input, options, `deepEnsemble member ${i}`));
  const outs: Tensor[] = [];
  const rep = reporter(options, "ensemble", predictors.length);
  for (const p of predictors) {
    outs.push(toProbs(await predictBatched(p, input, options), options));
    rep.tick();
  }
  rep.done();
  return checked(new PredictiveDistribution(stack(outs), {
    ...(options.task ? { task: options.task } : {}), ...(options.classes ? { classes: options.classes } : {}),
    method: `Deep ensemble (${predictors.length} members)`,
  }), options.classes);
}

/**
 * Runs a predictor over a batch in chunks of `maxBatch` items and concatenates the outputs.
 * @example
 * ```ts
 * const logits = await predictBatched(model, patches, { maxBatch: 16 });
 * ```
 */
export async function predictBatched(
  predictor: Predictor, input: Tensor, options: { maxBatch?: number; signal?: AbortSignal; mcDropout?: boolean } = {},
): Promise<Tensor> {
  const N = input.dims[0]!;
  if (options.maxBatch !== undefined && !(typeof options.maxBatch === "number" && Number.isInteger(options.maxBatch) && options.maxBatch >= 1)) {
    throw new UncertaintyInputError(`maxBatch must be a positive integer (items per forward pass), got ${describeValue(options.maxBatch)}.`, { maxBatch: options.maxBatch });
  }
  const maxBatch = options.maxBatch ?? 32;
  const parts: Tensor[] = [];
  for (let s = 0; s < N; s += maxBatch) {
    options.signal?.throwIfAborted();
    const n = Math.min(maxBatch, N - s);
    const out = await predictor.predict(sliceBatch(input, s, n), {
      ...(options.signal ? { signal: options.signal } : {}), ...(options.mcDropout ? { mcDropout: true } : {}),
    });
    checkOutput(out, n, "predict");
    parts.push(out);
  }
  return parts.length === 1 ? parts[0]! : concatBatch(parts);
}

/** Options of {@link testTimeAugmentation}. */
export interface TtaOptions extends PredictiveOptions {
  /** The augmentations, default identity, h/v flips and the three 90° rotations. */
  augmentations?: readonly Augmentation[];
}

/**
 * Test-time augmentation: the model sees flipped/rotated copies of the input (batched together
 * where shapes allow). Dense outputs (`N×K×H×W`) are transformed back to the original orientation
 * before averaging; per-patch outputs (`N×K`) are used as they are.
 * @param input `N×C×H×W` batch (square patches for 90° rotations of fixed-size models)
 * @example
 * ```ts
 * const dist = await testTimeAugmentation(segModel, tile, { augmentations: ["identity", "hflip", "rot90"] });
 * dist.toRasters({ like: tileRaster }).predictiveEntropy;
 * ```
 */
export async function testTimeAugmentation(predictor: Predictor, input: Tensor, options: TtaOptions = {}): Promise<PredictiveDistribution> {
  checkPredictive(predictor, input, options, "testTimeAugmentation");
  const augs = options.augmentations ?? DEFAULT_AUGMENTATIONS;
  if (!Array.isArray(augs)) {
    throw new UncertaintyInputError(`augmentations must be an array such as ["identity", "hflip"], got ${describeValue(augs)}.`);
  }
  augs.forEach((a) => checkAugmentation(a));
  if (augs.length === 0) throw new UncertaintyInputError("testTimeAugmentation needs at least one augmentation.");
  if (input.dims.length !== 4) throw new UncertaintyInputError(`testTimeAugmentation needs an N×C×H×W input, got dims [${input.dims.join(", ")}].`);
  const N = input.dims[0]!;
  const views = augs.map((a) => augment(input, a));
  const maxBatch = options.maxBatch ?? 32;
  const outs: Tensor[] = new Array(augs.length);
  // Group views of equal shape and run them together, at most maxBatch items per pass.
  const groups = new Map<string, number[]>();
  views.forEach((v, i) => {
    const key = v.dims.join("x");
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const perPass = Math.max(1, Math.floor(maxBatch / Math.max(1, N)));
  let total = 0;
  for (const idx of groups.values()) total += Math.ceil(idx.length / perPass);
  const rep = reporter(options, "test-time augmentation", total);
  for (const idx of groups.values()) {
    for (let s = 0; s < idx.length; s += perPass) {
      options.signal?.throwIfAborted();
      const chunk = idx.slice(s, s + perPass);
      const out = await predictor.predict(concatBatch(chunk.map((i) => views[i]!)), options.signal ? { signal: options.signal } : {});
      checkOutput(out, N * chunk.length, "test-time augmentation pass");
      chunk.forEach((i, j) => {
        let o = sliceBatch(out, j * N, N);
        if (o.dims.length >= 4) o = augment(o, inverseAugmentation(augs[i]!));
        else o = { data: o.data.slice(), dims: o.dims };
        outs[i] = toProbs(o, options);
      });
      rep.tick();
    }
  }
  rep.done();
  return checked(new PredictiveDistribution(stack(outs), {
    ...(options.task ? { task: options.task } : {}), ...(options.classes ? { classes: options.classes } : {}),
    method: `Test-time augmentation (${augs.join(", ")})`,
  }), options.classes);
}

function checked(dist: PredictiveDistribution, classes: readonly string[] | undefined): PredictiveDistribution {
  checkClasses(dist, classes);
  return dist;
}

/** Re-exported for callers that batch their own passes. */
export { itemSize };
