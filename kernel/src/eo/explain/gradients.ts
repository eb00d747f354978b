/**
 * Gradient attributions for models that export an input gradient: Saliency (Simonyan et al. 2014)
 * and Integrated Gradients (Sundararajan et al. 2017). ONNX Runtime has no autograd, so the model
 * must provide d(score)/d(input) itself — see the recipe in test/eo/explain/fixtures/make_models.py
 * (an `input_grad` output computed by an explicit backward pass in the exported graph).
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import { AttributionMap } from "./attribution.js";
import { ExplainInputError, GradientUnavailableError } from "./errors.js";
import { baselineImage, type Baseline } from "./occlusion.js";
import { checkExplainOptions, checkPositiveInteger, imageDims, resolveTargets, scoresOf, type ExplainOptions } from "./target.js";
import { describeValue } from "../../util/describe-value.js";
import { reporter } from "../uncertainty/reporter.js";

/** A predictor that can also return d(Σ_k weights[n,k]·output[n,k]) / d(input). */
export interface GradientPredictor extends Predictor {
  /**
   * Input gradient of the weighted outputs: `weights` is `N×K` (one-hot for a target class).
   * Returns a tensor with the input's dims.
   */
  inputGradient(input: Tensor, weights: Tensor, options?: { signal?: AbortSignal }): Promise<Tensor>;
}

/**
 * Does this predictor provide input gradients?
 * @example
 * ```ts
 * const attr = hasInputGradient(model) ? await saliency(model, patch) : await occlusion(model, patch);
 * ```
 */
export function hasInputGradient(p: Predictor): p is GradientPredictor {
  return p !== null && typeof p === "object" && typeof (p as Partial<GradientPredictor>).inputGradient === "function";
}

/**
 * Checks the model and the options of a gradient method: the gradient is of the model's raw
 * output for whole items, so `score: "probability"` and `region` cannot be honoured.
 */
function checkGradientOptions(predictor: Predictor, options: ExplainOptions, method: string): asserts predictor is GradientPredictor {
  if (options === null || typeof options !== "object") {
    throw new ExplainInputError(`options must be an object such as { target: 0 }, got ${describeValue(options)}.`);
  }
  checkExplainOptions(predictor, options);
  if (!hasInputGradient(predictor)) throw new GradientUnavailableError(method);
  if (options.score === "probability") {
    throw new ExplainInputError(
      `${method} explains the raw output (the model's input gradient is of its logits), so score "probability" cannot be used; ` +
        `omit score, or use occlusion() or rise() for probabilities.`, { score: options.score },
    );
  }
  if (options.region !== undefined) {
    throw new ExplainInputError(
      `${method} cannot explain a region: the model's input gradient is of whole-item outputs (N×K target weights). Omit region, or use occlusion() or rise() with it.`,
    );
  }
}

/** Checks what `inputGradient` returned for an input of dims `dims`: a tensor of the same dims, all finite. */
function checkGradient(g: unknown, dims: readonly number[]): Tensor {
  const t = g as Tensor;
  if (t === null || typeof t !== "object" || !Array.isArray(t.dims) || !ArrayBuffer.isView(t.data)) {
    throw new ExplainInputError(`The model's inputGradient() returned ${describeValue(g)}; it must return a tensor { data, dims } with the input's dims [${dims.join(", ")}].`);
  }
  const n = dims.reduce((a, b) => a * b, 1);
  if (t.dims.join("x") !== dims.join("x") || t.data.length !== n) {
    throw new ExplainInputError(
      `The model's inputGradient() returned dims [${t.dims.join(", ")}] (${t.data.length} values) for an input of dims [${dims.join(", ")}]; ` +
        "the gradient must have the input's shape (check the model's input_grad output).",
      { dims: t.dims, expected: dims },
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t.data[i]!)) {
      const P = dims[2]! * dims[3]!;
      throw new ExplainInputError(
        `The model's input gradient is ${t.data[i]} at item ${Math.floor(i / (dims[1]! * P))} band ${Math.floor(i / P) % dims[1]!} (row ${Math.floor((i % P) / dims[3]!)}, col ${i % dims[3]!}); ` +
          "attributions would be NaN. Check the model's input_grad output.",
        { index: i },
      );
    }
  }
  return t;
}

function oneHot(targets: Int32Array, K: number): Tensor {
  const d = new Float32Array(targets.length * K);
  targets.forEach((t, i) => (d[i * K + t] = 1));
  return { data: d, dims: [targets.length, K] };
}

/** Options of {@link saliency}. */
export interface SaliencyOptions extends ExplainOptions {
  /** How bands are combined per pixel: `"maxabs"` (default, as Simonyan et al.) or `"sum"` (signed). */
  aggregate?: "maxabs" | "sum";
}

/**
 * Saliency map: the input gradient of the explained output, max |·| over bands per pixel.
 * @throws {GradientUnavailableError} when the model has no input-gradient output
 * @example
 * ```ts
 * if (hasInputGradient(model)) display(await saliency(model, patch));
 * ```
 */
export async function saliency(predictor: Predictor, input: Tensor, options: SaliencyOptions = {}): Promise<AttributionMap> {
  checkGradientOptions(predictor, options, "Saliency");
  if (options.aggregate !== undefined && options.aggregate !== "maxabs" && options.aggregate !== "sum") {
    throw new ExplainInputError(`aggregate must be "maxabs" (max |gradient| over bands) or "sum" (signed sum), got ${describeValue(options.aggregate)}.`, { aggregate: options.aggregate });
  }
  const [N, C, H, W] = imageDims(input);
  const { targets, baseScores, classes } = await resolveTargets(predictor, input, options);
  options.signal?.throwIfAborted();
  const g = checkGradient(await predictor.inputGradient(input, oneHot(targets, classes), options.signal ? { signal: options.signal } : {}), input.dims);
  const P = H * W;
  const data = new Float32Array(N * P);
  for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) {
    let v = options.aggregate === "sum" ? 0 : -Infinity;
    for (let c = 0; c < C; c++) {
      const x = g.data[(n * C + c) * P + p]!;
      v = options.aggregate === "sum" ? v + x : Math.max(v, Math.abs(x));
    }
    data[n * P + p] = v;
  }
  return new AttributionMap({ method: "Saliency", data, dims: [N, H, W], targets, baseScores, passes: 2 });
}

/** Options of {@link integratedGradients}. */
export interface IntegratedGradientsOptions extends ExplainOptions {
  /** The reference input: a number (default 0), one per band, `"mean"` or `"blur"`. */
  baseline?: Baseline;
  /** Riemann steps along the path (midpoint rule); default 32. */
  steps?: number;
}

/** Integrated Gradients result: the per-pixel map (summed over bands), per-band values and the completeness gap. */
export interface IntegratedGradientsResult {
  /** Per-pixel attribution (sum over bands). */
  map: AttributionMap;
  /** `N×C×H×W` attributions. */
  attributions: Tensor;
  /** Per item: Σ attributions − (f(x) − f(baseline)); near 0 when `steps` is large enough. */
  delta: Float64Array;
}

/**
 * Integrated Gradients: (x − x′) ⊙ the mean gradient along the straight path from the baseline x′
 * to x (midpoint Riemann sum, `steps` points, batched).
 * @throws {GradientUnavailableError} when the model has no input-gradient output
 * @example
 * ```ts
 * const ig = await integratedGradients(model, patch, { steps: 64 });
 * ig.delta; // completeness check
 * ```
 */
export async function integratedGradients(predictor: Predictor, input: Tensor, options: IntegratedGradientsOptions = {}): Promise<IntegratedGradientsResult> {
  checkGradientOptions(predictor, options, "Integrated Gradients");
  checkPositiveInteger(options.steps, "steps", "Riemann steps along the path, e.g. 32");
  const [N, C, H, W] = imageDims(input);
  const steps = options.steps ?? 32;
  const { targets, baseScores, classes } = await resolveTargets(predictor, input, options);
  const size = C * H * W;
  const base = new Float32Array(N * size);
  for (let n = 0; n < N; n++) base.set(baselineImage(input.data.subarray(n * size, (n + 1) * size), C, H, W, options.baseline ?? 0, 2), n * size);
  const perPass = Math.max(1, Math.floor((options.maxBatch ?? 64) / N));
  const grad = new Float64Array(N * size);
  const rep = reporter(options, "integrated gradients", Math.ceil(steps / perPass));
  for (let s0 = 0; s0 < steps; s0 += perPass) {
    options.signal?.throwIfAborted();
    const r = Math.min(perPass, steps - s0);
    const data = new Float32Array(r * N * size);
    const tg = new Int32Array(r * N);
    for (let j = 0; j < r; j++) {
      const a = (s0 + j + 0.5) / steps;
      for (let i = 0; i < N * size; i++) data[j * N * size + i] = base[i]! + a * (input.data[i]! - base[i]!);
      tg.set(targets, j * N);
    }
    const g = checkGradient(await predictor.inputGradient({ data, dims: [r * N, C, H, W] }, oneHot(tg, classes), options.signal ? { signal: options.signal } : {}), [r * N, C, H, W]);
    for (let j = 0; j < r; j++) for (let i = 0; i < N * size; i++) grad[i]! += g.data[j * N * size + i]!;
    rep.tick();
  }
  rep.done();
  const attr = new Float32Array(N * size);
  for (let i = 0; i < attr.length; i++) attr[i] = ((input.data[i]! - base[i]!) * grad[i]!) / steps;
  const P = H * W;
  const map = new Float32Array(N * P);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) map[n * P + p]! += attr[(n * C + c) * P + p]!;
  const baseOut = scoresOf(await predictor.predict({ data: base, dims: [N, C, H, W] }, options.signal ? { signal: options.signal } : {}), targets, "raw");
  baseOut.forEach((v, n) => {
    if (!Number.isFinite(v)) {
      throw new ExplainInputError(`The model's output for the baseline of item ${n} is ${v}: the completeness gap would be NaN. Use another baseline (e.g. 0 or "blur").`, { item: n });
    }
  });
  const delta = Float64Array.from({ length: N }, (_, n) => {
    let s = 0;
    for (let i = 0; i < size; i++) s += attr[n * size + i]!;
    return s - (baseScores[n]! - baseOut[n]!);
  });
  return {
    map: new AttributionMap({ method: `Integrated Gradients (${steps} steps)`, data: map, dims: [N, H, W], targets, baseScores, passes: 2 + Math.ceil(steps / perPass) }),
    attributions: { data: attr, dims: [N, C, H, W] },
    delta,
  };
}
