/**
 * Loading an ONNX model that exports its own input gradient (the recipe in
 * test/eo/explain/fixtures/make_models.py): inputs `input` (N×C×H×W) and `target` (N×K weights,
 * one-hot for a class), outputs `logits` and `input_grad` = d(Σ_k target[k]·logits[k]) / d(input).
 * @module
 */
import type ort from "onnxruntime-node";
import { onnxruntime } from "../lazy-deps.js";
import { ModelLoadError } from "../model/errors.js";
import { MAX_MODEL_THREADS } from "../model/load-model.js";
import { recordInput } from "../provenance.js";
import { readModelBytes } from "../model/read-model-bytes.js";
import type { PredictOptions, Tensor } from "../model/tensor.js";
import { describeValue } from "../../util/describe-value.js";
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
  /** Threads per operator, at most {@link MAX_MODEL_THREADS}; default 1 (0 lets onnxruntime choose). */
  threads?: number;
}

/** A model with an input-gradient output, usable by {@link saliency} and {@link integratedGradients}. */
export class GradientModel implements GradientPredictor {
  readonly session: ort.InferenceSession;
  /** Number of output classes K (from the target input's shape). */
  readonly classes: number;
  readonly #names: Required<Omit<GradientModelOptions, "threads">>;
  #disposed = false;

  constructor(session: ort.InferenceSession, classes: number, names: Required<Omit<GradientModelOptions, "threads">>) {
    this.session = session;
    this.classes = classes;
    this.#names = names;
  }

  /** Checks a batch against the graph's input: a float32 N×C×H×W tensor with the graph's fixed dims. */
  #check(input: unknown): asserts input is Tensor {
    if (this.#disposed) throw new ExplainInputError("This gradient model was disposed; load it again with loadGradientModel.");
    const t = input as Tensor;
    if (t === null || typeof t !== "object" || !Array.isArray(t.dims) || !(t.data instanceof Float32Array)) {
      throw new ExplainInputError(`This gradient model needs a tensor { data: Float32Array, dims: [N, C, H, W] }, got ${describeValue(input)}${t !== null && typeof t === "object" && ArrayBuffer.isView(t.data) ? ` with a ${t.data.constructor.name} (convert it to Float32Array)` : ""}.`);
    }
    const meta = this.session.inputMetadata.find((m) => m.name === this.#names.input);
    const shape = meta && meta.isTensor ? meta.shape : [];
    const want = shape.map((d, i) => (i === 0 ? "N" : typeof d === "number" ? String(d) : "?")).join("×");
    const d = t.dims;
    const bad = d.length !== shape.length || !d.every((v) => Number.isInteger(v) && v >= 1) || shape.some((s, i) => i > 0 && typeof s === "number" && s !== d[i]);
    if (bad) {
      const what = d.length === 4 && shape.length === 4 && typeof shape[1] === "number" && d[1] !== shape[1] ? `${d[1]} bands where the model takes ${shape[1]} (dims [${d.join(", ")}])`
        : d.length === 4 && shape.length === 4 ? `patches of ${d[2]}×${d[3]} (dims [${d.join(", ")}])` : `dims [${d.join(", ")}]`;
      throw new ExplainInputError(`This gradient model takes ${want} input ("${this.#names.input}"), got ${what}.`, { dims: d, expected: shape });
    }
    const n = d.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new ExplainInputError(`The input has ${t.data.length} values but dims [${d.join(", ")}] need ${n}.`, { dims: d });
  }

  async #run(input: Tensor, weights: Float32Array, signal?: AbortSignal): Promise<ort.InferenceSession.OnnxValueMapType> {
    signal?.throwIfAborted();
    this.#check(input);
    const n = input.dims[0]!;
    return this.session.run({
      [this.#names.input]: new (onnxruntime().Tensor)("float32", input.data, [...input.dims]),
      [this.#names.target]: new (onnxruntime().Tensor)("float32", weights, [n, this.classes]),
    });
  }

  /** Logits of a normalized N×C×H×W batch. */
  async predict(input: Tensor, options: PredictOptions = {}): Promise<Tensor> {
    if (options.mcDropout) throw new ExplainInputError("This gradient model has no MC-dropout switch.");
    this.#check(input);
    const out = (await this.#run(input, new Float32Array(input.dims[0]! * this.classes), options.signal))[this.#names.logits]!;
    return { data: Float32Array.from(out.data as Float32Array), dims: out.dims.map(Number) };
  }

  /** d(Σ_k weights[n,k]·logits[n,k]) / d(input) for each item. */
  async inputGradient(input: Tensor, weights: Tensor, options: { signal?: AbortSignal } = {}): Promise<Tensor> {
    this.#check(input);
    if (weights === null || typeof weights !== "object" || !Array.isArray(weights.dims) || !(weights.data instanceof Float32Array)) {
      throw new ExplainInputError(`Target weights must be a tensor { data: Float32Array, dims: [${input.dims[0]}, ${this.classes}] } (one-hot for a class), got ${describeValue(weights)}.`);
    }
    if (weights.dims.length !== 2 || weights.dims[1] !== this.classes || weights.dims[0] !== input.dims[0] || weights.data.length !== input.dims[0]! * this.classes) {
      throw new ExplainInputError(`Target weights must be ${input.dims[0]}×${this.classes}, got [${weights.dims.join(", ")}] with ${weights.data.length} values.`);
    }
    const w = weights.data.findIndex((v) => !Number.isFinite(v));
    if (w >= 0) throw new ExplainInputError(`Target weight ${w} (item ${Math.floor(w / this.classes)}, class ${w % this.classes}) is ${weights.data[w]}; weights must be finite.`);
    const out = (await this.#run(input, weights.data, options.signal))[this.#names.gradient]!;
    return { data: Float32Array.from(out.data as Float32Array), dims: out.dims.map(Number) };
  }

  /**
   * Releases the onnxruntime session (its weights and buffers); later calls are refused. Twice is harmless.
   * @example
   * ```ts
   * const model = await loadGradientModel("my-model-with-grad.onnx");
   * const maps = await saliency(model, patches);
   * await model.dispose();
   * ```
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
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
  if (typeof source !== "string" && !(source instanceof Uint8Array)) {
    throw new ExplainInputError(`loadGradientModel needs the path of an .onnx file or its bytes (a Uint8Array), got ${describeValue(source)}.`);
  }
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { gradient: "input_grad" }, got ${describeValue(options)}.`);
  for (const k of ["input", "target", "logits", "gradient"] as const) {
    if (options[k] !== undefined && (typeof options[k] !== "string" || options[k] === "")) {
      throw new ExplainInputError(`${k} must be the name of a graph ${k === "input" || k === "target" ? "input" : "output"} (a string), got ${describeValue(options[k])}.`, { [k]: options[k] });
    }
  }
  const threads = options.threads ?? 1;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 0 || threads > MAX_MODEL_THREADS) {
    throw new ExplainInputError(`threads must be a whole number from 0 to ${MAX_MODEL_THREADS} (threads per operator; 0 lets onnxruntime choose), got ${describeValue(threads)}.`, { threads });
  }
  const names = {
    input: options.input ?? "input", target: options.target ?? "target",
    logits: options.logits ?? "logits", gradient: options.gradient ?? "input_grad",
  };
  const path = typeof source === "string" ? source : "<bytes>";
  const bytes = await readModelBytes(source);
  let session: ort.InferenceSession;
  try {
    session = await onnxruntime().InferenceSession.create(bytes, { intraOpNumThreads: threads });
  } catch (e) {
    throw new ModelLoadError(`onnxruntime cannot load ${path}: ${(e as Error).message}`, path, { cause: e });
  }
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
  recordInput("model", source, bytes);
  return new GradientModel(session, k, names);
}
