/**
 * Loading an ONNX model that exports its own input gradient (the recipe in
 * test/eo/explain/fixtures/make_models.py): inputs `input` (N×C×H×W) and `target` (N×K weights,
 * one-hot for a class), outputs `logits` and `input_grad` = d(Σ_k target[k]·logits[k]) / d(input).
 * @module
 */
import type ort from "onnxruntime-node";
import { onnxruntime } from "../lazy-deps.js";
import type { PredictOptions, Tensor } from "../model/tensor.js";
import { ExplainInputError, GradientUnavailableError } from "./errors.js";
import type { GradientPredictor } from "./gradients.js";

/** Options of {@link loadGradientModel}. */
export interface GradientModelOptions {
  /** Name of the image input; default `"input"`. */
  input?: string;
  /** Name of the target-weights input; default `"target"`. */
  target?: string;
  /** Name of the logits output; default `"logits"`. */
  logits?: string;
  /** Name of the gradient output; default `"input_grad"`. */
  gradient?: string;
  /** Threads per operator; default 1. */
  threads?: number;
}

/** A model with an input-gradient output, usable by {@link saliency} and {@link integratedGradients}. */
export class GradientModel implements GradientPredictor {
  readonly session: ort.InferenceSession;
  /** Number of output classes K (from the target input's shape). */
  readonly classes: number;
  readonly #names: Required<Omit<GradientModelOptions, "threads">>;

  constructor(session: ort.InferenceSession, classes: number, names: Required<Omit<GradientModelOptions, "threads">>) {
    this.session = session;
    this.classes = classes;
    this.#names = names;
  }

  async #run(input: Tensor, weights: Float32Array, signal?: AbortSignal): Promise<ort.InferenceSession.OnnxValueMapType> {
    signal?.throwIfAborted();
    const n = input.dims[0]!;
    return this.session.run({
      [this.#names.input]: new (onnxruntime().Tensor)("float32", input.data, [...input.dims]),
      [this.#names.target]: new (onnxruntime().Tensor)("float32", weights, [n, this.classes]),
    });
  }

  /** Logits of a normalized N×C×H×W batch. */
  async predict(input: Tensor, options: PredictOptions = {}): Promise<Tensor> {
    if (options.mcDropout) throw new ExplainInputError("This gradient model has no MC-dropout switch.");
    const out = (await this.#run(input, new Float32Array(input.dims[0]! * this.classes), options.signal))[this.#names.logits]!;
    return { data: Float32Array.from(out.data as Float32Array), dims: out.dims.map(Number) };
  }

  /** d(Σ_k weights[n,k]·logits[n,k]) / d(input) for each item. */
  async inputGradient(input: Tensor, weights: Tensor, options: { signal?: AbortSignal } = {}): Promise<Tensor> {
    if (weights.dims[1] !== this.classes || weights.dims[0] !== input.dims[0]) {
      throw new ExplainInputError(`Target weights must be ${input.dims[0]}×${this.classes}, got [${weights.dims.join(", ")}].`);
    }
    const out = (await this.#run(input, weights.data, options.signal))[this.#names.gradient]!;
    return { data: Float32Array.from(out.data as Float32Array), dims: out.dims.map(Number) };
  }
}

/**
 * Loads an ONNX model that exports an input gradient.
 * @param source path or bytes of the `.onnx` file
 * @throws {GradientUnavailableError} when the graph lacks the gradient output or the target input
 * @example
 * ```ts
 * const model = await loadGradientModel("my-model-with-grad.onnx");
 * const ig = await integratedGradients(model, patch, { steps: 64 });
 * ```
 */
export async function loadGradientModel(source: string | Uint8Array, options: GradientModelOptions = {}): Promise<GradientModel> {
  const names = {
    input: options.input ?? "input", target: options.target ?? "target",
    logits: options.logits ?? "logits", gradient: options.gradient ?? "input_grad",
  };
  const session = typeof source === "string"
    ? await onnxruntime().InferenceSession.create(source, { intraOpNumThreads: options.threads ?? 1 })
    : await onnxruntime().InferenceSession.create(source, { intraOpNumThreads: options.threads ?? 1 });
  const missing = [
    ...[names.input, names.target].filter((n) => !session.inputNames.includes(n)).map((n) => `input "${n}"`),
    ...[names.logits, names.gradient].filter((n) => !session.outputNames.includes(n)).map((n) => `output "${n}"`),
  ];
  if (missing.length) {
    await session.release();
    throw new GradientUnavailableError("loadGradientModel", `the graph lacks ${missing.join(" and ")}; it has inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}]`);
  }
  const meta = session.inputMetadata.find((m) => m.name === names.target);
  const k = meta && meta.isTensor ? Number(meta.shape[1]) : NaN;
  if (!Number.isInteger(k) || k < 1) {
    await session.release();
    throw new ExplainInputError(`The "${names.target}" input must have a fixed class dimension (N×K); its shape is ${JSON.stringify(meta && meta.isTensor ? meta.shape : null)}.`);
  }
  return new GradientModel(session, k, names);
}
