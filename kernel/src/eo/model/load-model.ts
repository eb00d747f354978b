/**
 * Loading ONNX models with their cards, on onnxruntime-node (CPU).
 * @module
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type ort from "onnxruntime-node";
import { onnxruntime } from "../lazy-deps.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";
import { cardHtml, cardMarkdown, parseModelCard, type ModelCard } from "./card.js";
import { ModelCardError, ModelInputError, ModelLoadError } from "./errors.js";
import { readModelBytes } from "./read-model-bytes.js";
import { readOnnxModelInfo, type OnnxModelInfo } from "./onnx-metadata.js";
import { withDropoutSeed } from "./onnx-dropout-seed.js";
import { recordInput, recordSeed } from "../provenance.js";
import type { PredictOptions, Predictor, Tensor } from "./tensor.js";
import { WorkerRunner } from "./worker-runner.js";
import { SceneKernels } from "./scene-kernels.js";
import { describeValue } from "../../util/describe-value.js";

/** The `metadata_props` key that holds the card JSON. */
export const CARD_METADATA_KEY = "ai4eo.card";

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * The model card: an object, or a path to a card JSON file. Default: the ONNX `metadata_props`
   * key `ai4eo.card`, else a sidecar file `<model without .onnx>.card.json`.
   */
  card?: ModelCard | string;
  /**
   * Threads onnxruntime uses inside one operator: an integer from 1 to {@link MAX_MODEL_THREADS}.
   * Default `os.availableParallelism()`.
   */
  threads?: number;
  /**
   * onnxruntime graph optimization level. Default `"all"`. For models with an MC-dropout switch the
   * `EliminateDropout` rewrite is always disabled (it would delete Dropout even in training mode,
   * so every MC sample would be identical); all other optimizations stay on.
   */
  optimization?: "disabled" | "basic" | "extended" | "all";
}

/**
 * A loaded ONNX model and its card. Implements {@link Predictor}: `predict` takes an already
 * normalized N×C×H×W float32 batch and returns the card's primary output. Displays its card.
 *
 * @example
 * ```ts
 * const model = await loadModel("data/models/olinda-patch-classifier.onnx");
 * const logits = await model.predict({ data: new Float32Array(6 * 8 * 8), dims: [1, 6, 8, 8] });
 * const sample = await model.predict(input, { mcDropout: true }); // a stochastic MC-dropout pass
 * const a = await model.predict(input, { mcDropout: true, seed: 3 }); // seeded: repeats for seed 3
 * ```
 */
export class Model implements Predictor {
  /** The onnxruntime session (for advanced use, e.g. benchmarks against bare `session.run`). */
  readonly session: ort.InferenceSession;
  /** Model bytes with seeded Dropout nodes, per seed (a few recent seeds). */
  #seededBytes = new Map<number, Uint8Array>();
  /** The session of the current seeded dropout stream (made fresh at each seeded pass). */
  #stream: SeededSession | null = null;
  /** The same session in worker threads, for predictScene; started on first use, kept until dispose. */
  #workers: Promise<WorkerRunner[]> | null = null;
  /** predictScene's kernel memory, given back by the last call that finished, kept until dispose. */
  #sceneKernels: SceneKernels | null = null;

  constructor(
    session: ort.InferenceSession,
    /** The model card. */
    readonly card: ModelCard,
    /** Where the model came from. */
    readonly path: string,
    /** Top-level ONNX facts (producer, opsets, metadata). */
    readonly info: OnnxModelInfo,
    /** The model bytes and session options, so the same session can be made elsewhere (e.g. a worker thread). */
    readonly source?: { bytes: Uint8Array; sessionOptions: ort.InferenceSession.SessionOptions },
  ) {
    this.session = session;
  }

  /** ONNX input names. */
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** ONNX output names. */
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Number of input bands the card asks for. */
  get bandCount(): number {
    return this.card.bands.length;
  }

  /**
   * Checks a batch against the card: 4-D N×C×H×W, C equal to the card's band count, H×W equal to
   * the patch size (patch models), data length equal to the shape, no NaN or infinite values.
   * @throws {ModelInputError} saying what the model expects and what it got
   * @example
   * ```ts
   * model.checkInput({ data: new Float32Array(6 * 64), dims: [1, 6, 8, 8] }); // ok
   * ```
   */
  checkInput(input: Tensor): void {
    checkInput(this.card, input);
  }

  /**
   * One forward pass on an already normalized batch.
   * @param input N×C×H×W float32 (see the card for C, H, W and normalization)
   * @param options `mcDropout: true` keeps Dropout active (models whose card names an MC-dropout input); `seed` (MC passes only)
   *   starts a new dropout stream from that seed on a fresh session whose Dropout nodes carry the seed, and later MC passes
   *   without a seed continue it; `signal` aborts before the run
   * @returns the output named in the card (logits N×K, logits N×K×H×W, or mean/log-variance N×2×H×W)
   * @throws {ModelInputError} when the batch does not match the card, or MC dropout is asked of a model without the switch
   * @example
   * ```ts
   * const out = await model.predict(batch);
   * out.dims; // [n, 4]
   * ```
   */
  async predict(input: Tensor, options: PredictOptions = {}): Promise<Tensor> {
    options.signal?.throwIfAborted();
    if (options.checkInput !== false) this.checkInput(input);
    else if (input.dims[1] !== this.card.bands.length) checkInput(this.card, input);
    const feeds: Record<string, ort.Tensor> = {
      [this.card.input.name]: new (onnxruntime().Tensor)("float32", input.data, input.dims as number[]),
    };
    const mc = this.card.mcDropout;
    if (options.mcDropout && !mc) {
      throw new ModelInputError(
        `Model ${this.card.name} has no MC-dropout switch (its card has no "mcDropout" input), so mcDropout: true cannot be honoured. Use a model exported with a boolean mc_dropout input, or drop the option.`,
        "mcDropout: false", "mcDropout: true",
      );
    }
    if (mc) feeds[mc.input] = new (onnxruntime().Tensor)("bool", [Boolean(options.mcDropout)], []);
    let result: ort.InferenceSession.OnnxValueMapType;
    if (options.mcDropout && options.seed !== undefined) await this.#reseed(options.seed);
    const stream = options.mcDropout ? this.#stream : null;
    if (stream) {
      stream.running++;
      try {
        result = await (await stream.session).run(feeds);
      } finally {
        stream.running--;
        if (stream.retired && stream.running === 0) void stream.session.then((s) => s.release());
      }
    } else result = await this.session.run(feeds);
    options.signal?.throwIfAborted();
    const out = result[this.card.output.name]!;
    const data = out.data;
    if (!(data instanceof Float32Array)) {
      throw new ModelCardError(`Model ${this.card.name}: output "${this.card.output.name}" is ${out.type}, but ai4eo needs float32 outputs.`, this.path, "output.name");
    }
    return { data, dims: out.dims.slice() };
  }

  /**
   * Starts a new seeded dropout stream: a fresh session made from the model bytes with every
   * Dropout node's `seed` attribute set (onnxruntime seeds each Dropout kernel when the session is
   * created, so fresh sessions repeat the masks). The previous stream's session is released once
   * its running passes finish.
   */
  async #reseed(seed: number): Promise<void> {
    if (!Number.isSafeInteger(seed)) {
      throw new ModelInputError(`Model ${this.card.name}: the MC-dropout seed must be an integer, got ${seed}.`, "an integer seed", seed);
    }
    if (!this.source) {
      throw new ModelInputError(
        `Model ${this.card.name} was made without its bytes (Model.source), so a seeded MC-dropout session cannot be built. Load it with loadModel, or drop the seed option.`,
        "a model from loadModel", "no source",
      );
    }
    recordSeed(seed, `MC dropout (${this.card.name})`);
    let bytes = this.#seededBytes.get(seed);
    if (!bytes) {
      bytes = withDropoutSeed(this.source.bytes, seed, this.path).bytes;
      if (this.#seededBytes.size >= 4) this.#seededBytes.delete(this.#seededBytes.keys().next().value!);
    } else this.#seededBytes.delete(seed); // re-insert as most recent
    this.#seededBytes.set(seed, bytes);
    const old = this.#stream;
    const next: SeededSession = { session: onnxruntime().InferenceSession.create(bytes, this.source.sessionOptions), running: 0, retired: false };
    this.#stream = next;
    if (old) {
      old.retired = true;
      if (old.running === 0) await (await old.session).release();
    }
    try {
      await next.session;
    } catch (e) {
      if (this.#stream === next) this.#stream = null;
      throw new ModelLoadError(`onnxruntime cannot load the seeded copy of ${this.path}: ${(e as Error).message}`, this.path, { cause: e });
    }
  }

  /**
   * The model's session in worker threads, for `predictScene` to infer while the main thread reads
   * and blends: the model's intra-op threads are split between {@link Model.sceneWorkerCount}
   * workers, each with its own session (2 threads: two single-threaded sessions on alternate
   * batches, which keeps both cores busier than one session's threads that wait for each other at
   * every operator).
   * Started on the first call and kept — idle workers do not keep the process alive — until
   * {@link Model.dispose}; empty when the model has no `source` to re-create its session from.
   * @example
   * ```ts
   * const runners = await model.sceneWorkers(); // later calls return the same workers
   * ```
   */
  async sceneWorkers(): Promise<WorkerRunner[]> {
    if (this.#workers) {
      const rs = await this.#workers;
      if (rs.every((r) => r.alive)) return rs;
      this.#workers = null; // one stopped (failed or was closed): start them again
      await Promise.all(rs.map((r) => r.close()));
    }
    this.#workers ??= (async () => {
      const threads = Math.max(1, this.source?.sessionOptions.intraOpNumThreads ?? 1);
      const n = this.sceneWorkerCount();
      const started = await Promise.all(Array.from({ length: n }, (_, i) =>
        WorkerRunner.start(this, Math.floor(threads / n) + (i < threads % n ? 1 : 0)).catch(() => null)));
      const ok = started.filter((r): r is WorkerRunner => r !== null);
      if (ok.length < n) {
        await Promise.all(ok.map((r) => r.close()));
        return [];
      }
      return ok;
    })();
    return this.#workers;
  }

  /**
   * How many workers {@link Model.sceneWorkers} starts: the model's intra-op threads, at most 4,
   * and one for a model file over 64 MiB (every worker holds its own copy of the weights).
   * @example
   * ```ts
   * (await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 })).sceneWorkerCount(); // 2
   * ```
   */
  sceneWorkerCount(): number {
    if ((this.source?.bytes.byteLength ?? 0) > 64 * 2 ** 20) return 1;
    return Math.min(Math.max(1, this.source?.sessionOptions.intraOpNumThreads ?? 1), 4);
  }

  /**
   * Kernel memory of at least `bytes` bytes for `predictScene`: the memory an earlier call gave
   * back ({@link Model.giveBackSceneKernels}) when it is large enough, reset, else a new one; null
   * where WebAssembly SIMD or shared memory is not available. A memory is had by one call at a time.
   * Reusing it spares each later call the first-touch page faults of its strips, batches and
   * outputs (tens of megabytes for a large scene).
   * @internal
   * @example
   * ```ts
   * import { SceneKernels } from "./scene-kernels.js";
   * const k = model.takeSceneKernels(SceneKernels.bytes(1 << 20));
   * if (k) model.giveBackSceneKernels(k); // the next call gets it again
   * ```
   */
  takeSceneKernels(bytes: number): SceneKernels | null {
    const kept = this.#sceneKernels;
    if (kept && kept.buffer.byteLength >= bytes) {
      this.#sceneKernels = null;
      kept.reset();
      return kept;
    }
    return SceneKernels.create(bytes);
  }

  /**
   * Keeps `kernels` (taken with {@link Model.takeSceneKernels}, no longer used by the caller, nor by a
   * worker) for the next `predictScene` call, unless a larger memory is kept already. Freed by
   * {@link Model.dispose}.
   * @internal
   */
  giveBackSceneKernels(kernels: SceneKernels): void {
    if (!this.#sceneKernels || this.#sceneKernels.buffer.byteLength < kernels.buffer.byteLength) this.#sceneKernels = kernels;
  }

  /**
   * Releases the onnxruntime sessions, stops the scene worker threads if they were started, and
   * drops the scene kernel memory kept between `predictScene` calls.
   */
  async dispose(): Promise<void> {
    this.#sceneKernels = null;
    const workers = this.#workers;
    this.#workers = null;
    await Promise.all((workers ? await workers : []).map((w) => w.close()));
    const stream = this.#stream;
    this.#stream = null;
    if (stream) await (await stream.session).release();
    await this.session.release();
  }

  /** The card as a mime bundle (Markdown, HTML, plain text). */
  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      "text/plain": `Model ${this.card.name} (${this.card.task}; bands ${this.card.bands.join(",")}) from ${this.path}`,
      "text/markdown": cardMarkdown(this.card),
      "text/html": cardHtml(this.card),
    };
  }
}

interface SeededSession {
  session: Promise<ort.InferenceSession>;
  running: number;
  retired: boolean;
}

/**
 * Checks an input batch against a card (see {@link Model.checkInput}).
 * @throws {ModelInputError}
 * @example
 * ```ts
 * checkInput(model.card, { data: new Float32Array(6 * 64), dims: [1, 6, 8, 8] });
 * ```
 */
export function checkInput(card: ModelCard, input: Tensor): void {
  const d = input.dims;
  const c = card.bands.length;
  const ps = card.input.patchSize;
  const want = `N×${c}×${ps ? `${ps[0]}×${ps[1]}` : "H×W"} float32 (bands ${card.bands.join(", ")})`;
  if (!(input.data instanceof Float32Array)) {
    throw new ModelInputError(`Model ${card.name} expects ${want}, but the data are a ${(input.data as object)?.constructor?.name ?? typeof input.data}. Convert to Float32Array.`, "Float32Array", String((input.data as object)?.constructor?.name));
  }
  if (d.length !== 4 || d.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ModelInputError(`Model ${card.name} expects a 4-D batch ${want}, got shape [${d.join(", ")}].`, want, d);
  }
  if (d[1] !== c) {
    throw new ModelInputError(
      `Model ${card.name} expects ${c} bands (${card.bands.join(", ")}), got ${d[1]} (shape [${d.join(", ")}]). Select the bands the card lists, in that order.`,
      card.bands, d[1],
    );
  }
  if (ps && (d[2] !== ps[0] || d[3] !== ps[1])) {
    throw new ModelInputError(
      `Model ${card.name} expects ${ps[0]}×${ps[1]} patches, got ${d[2]}×${d[3]} (shape [${d.join(", ")}]). Cut patches of the card's patch size.`,
      ps, [d[2], d[3]],
    );
  }
  const n = d.reduce((a, b) => a * b, 1);
  if (input.data.length !== n) {
    throw new ModelInputError(`Model ${card.name}: shape [${d.join(", ")}] needs ${n} values, the data have ${input.data.length}.`, n, input.data.length);
  }
  const data = input.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const per = d[2]! * d[3]!;
      const sample = Math.floor(i / (c * per));
      const band = Math.floor(i / per) % c;
      const pix = i % per;
      throw new ModelInputError(
        `Model ${card.name}: input has ${Number.isNaN(data[i]!) ? "NaN" : "an infinite value"} at sample ${sample}, band ${card.bands[band]} (channel ${band}), row ${Math.floor(pix / d[3]!)}, column ${pix % d[3]!}. Mask or fill nodata before inference (predictScene does this with its nodata option).`,
        "finite values", data[i],
      );
    }
  }
}

async function readCardFile(path: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ModelCardError(`Cannot read the model card ${path}: ${(e as Error).message}.`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelCardError(`Model card ${path} is not valid JSON: ${(e as Error).message}.`, path);
  }
  return parseModelCard(json, path);
}

function checkCardAgainstGraph(card: ModelCard, session: ort.InferenceSession, source: string): void {
  const inputs = session.inputMetadata;
  const input = inputs.find((m) => m.name === card.input.name);
  if (!input) {
    throw new ModelCardError(`Model card ${source} names input "${card.input.name}", but the ONNX graph's inputs are ${session.inputNames.map((n) => `"${n}"`).join(", ")}.`, source, "input.name");
  }
  if (input.isTensor) {
    if (input.type !== "float32") throw new ModelCardError(`Model ${card.name}: ONNX input "${input.name}" is ${input.type}; ai4eo feeds float32.`, source, "input.dtype");
    const s = input.shape;
    if (s.length !== 4) throw new ModelCardError(`Model ${card.name}: ONNX input "${input.name}" has rank ${s.length}, the card says NCHW (rank 4).`, source, "input.layout");
    if (typeof s[1] === "number" && s[1] !== card.bands.length) {
      throw new ModelCardError(`Model ${card.name}: the ONNX graph takes ${s[1]} channels but the card lists ${card.bands.length} bands (${card.bands.join(", ")}).`, source, "bands");
    }
    const ps = card.input.patchSize;
    if (ps && typeof s[2] === "number" && typeof s[3] === "number" && (s[2] !== ps[0] || s[3] !== ps[1])) {
      throw new ModelCardError(`Model ${card.name}: the ONNX graph takes ${s[2]}×${s[3]} inputs but the card says patchSize ${ps[0]}×${ps[1]}.`, source, "input.patchSize");
    }
  }
  if (!session.outputNames.includes(card.output.name)) {
    throw new ModelCardError(`Model card ${source} names output "${card.output.name}", but the ONNX graph's outputs are ${session.outputNames.map((n) => `"${n}"`).join(", ")}.`, source, "output.name");
  }
  // a fixed second dimension of the output (classes, or the regression's 1 or 2 values) must be the card's
  const output = session.outputMetadata.find((m) => m.name === card.output.name);
  const layout = card.output.layout;
  const perClass = layout.startsWith("NK");
  const k = perClass ? card.classes?.length : Number(layout[1]);
  if (output?.isTensor && output.shape.length === (layout.endsWith("HW") ? 4 : 2) && typeof output.shape[1] === "number" && k !== undefined && output.shape[1] !== k) {
    throw new ModelCardError(
      `Model ${card.name}: ONNX output "${card.output.name}" (shape [${output.shape.join(", ")}]) has ${output.shape[1]} ${perClass ? "class scores" : "values"} per ${layout.endsWith("HW") ? "pixel" : "sample"}, ` +
      `but the card ${perClass ? `lists ${k} classes (${card.classes!.map((c) => c.name).join(", ")})` : `says layout ${layout} (${k})`}.`, source, perClass ? "classes" : "output.layout");
  }
  if (card.mcDropout) {
    const m = inputs.find((v) => v.name === card.mcDropout!.input);
    if (!m || (m.isTensor && m.type !== "bool")) {
      throw new ModelCardError(`Model card ${source} names MC-dropout input "${card.mcDropout.input}", but the graph has no boolean input of that name.`, source, "mcDropout.input");
    }
  }
  const extra = session.inputNames.filter((n) => n !== card.input.name && n !== card.mcDropout?.input);
  if (extra.length) {
    throw new ModelCardError(`Model ${card.name}: the ONNX graph has inputs ${extra.map((n) => `"${n}"`).join(", ")} that the card does not describe.`, source, "input");
  }
}

/** The most intra-op threads {@link loadModel} accepts (onnxruntime starts them all, whatever the cores). */
export const MAX_MODEL_THREADS = 256;

const OPTIMIZATION_LEVELS = ["disabled", "basic", "extended", "all"] as const;

/** Refuses options onnxruntime would misread: threads that are not a whole number in range (a million froze the process), an unknown optimization level. */
function checkLoadOptions(options: LoadModelOptions, path: string): LoadModelOptions {
  if (typeof options !== "object") throw new ModelLoadError(`loadModel(${path}): options must be an object such as { threads: 2 }; got ${describeValue(options)}.`, path);
  const t = options.threads;
  if (t !== undefined && !(typeof t === "number" && Number.isInteger(t) && t >= 1 && t <= MAX_MODEL_THREADS)) {
    throw new ModelLoadError(
      `loadModel(${path}): threads must be a whole number from 1 to ${MAX_MODEL_THREADS} (this machine has ${availableParallelism()} cores); got ${describeValue(t)}. Leave it out for one per core.`, path);
  }
  const o = options.optimization;
  if (o !== undefined && !(OPTIMIZATION_LEVELS as readonly unknown[]).includes(o)) {
    throw new ModelLoadError(`loadModel(${path}): optimization must be one of ${OPTIMIZATION_LEVELS.map((l) => `"${l}"`).join(", ")}; got ${JSON.stringify(o)}.`, path);
  }
  return options;
}

/**
 * Loads an ONNX model and its card. The card comes from `options.card`, else the ONNX
 * `metadata_props` key `ai4eo.card`, else the sidecar `<name>.card.json`, and is checked against
 * the graph (input/output names, channel count, patch size, MC-dropout input).
 *
 * @param source path to an .onnx file, or its bytes
 * @param options {@link LoadModelOptions}
 * @throws {ModelLoadError} when the file is missing or not an ONNX model onnxruntime can load
 * @throws {ModelCardError} when no card is found or it disagrees with the graph
 * @example
 * ```ts
 * import { loadModel } from "ai4eo";
 * const model = await loadModel("data/models/olinda-segmenter.onnx", { threads: 2 });
 * model; // displays its card
 * ```
 */
export async function loadModel(source: string | Uint8Array, options: LoadModelOptions = {}): Promise<Model> {
  const path = typeof source === "string" ? source : "<bytes>";
  options = checkLoadOptions(options ?? {}, path);
  const bytes = await readModelBytes(source);
  const info = readOnnxModelInfo(bytes, path);
  let card: ModelCard;
  let cardSource: string;
  if (options.card !== undefined && typeof options.card !== "string") {
    card = parseModelCard(options.card, "options.card");
    cardSource = "options.card";
  } else if (typeof options.card === "string") {
    card = await readCardFile(options.card);
    cardSource = options.card;
  } else if (info.metadata[CARD_METADATA_KEY] !== undefined) {
    cardSource = `${path} (metadata_props "${CARD_METADATA_KEY}")`;
    let json: unknown;
    try {
      json = JSON.parse(info.metadata[CARD_METADATA_KEY]!);
    } catch (e) {
      throw new ModelCardError(`The card in ${cardSource} is not valid JSON: ${(e as Error).message}.`, cardSource);
    }
    card = parseModelCard(json, cardSource);
  } else if (typeof source === "string") {
    const sidecar = source.replace(/\.onnx$/i, "") + ".card.json";
    try {
      card = await readCardFile(sidecar);
    } catch (e) {
      if (e instanceof ModelCardError && /Cannot read/.test(e.message)) {
        throw new ModelCardError(
          `Model ${source} has no card: no "${CARD_METADATA_KEY}" entry in its metadata_props and no sidecar ${sidecar}. Write a card (see data/models/*.card.json) or pass { card }.`,
          sidecar,
        );
      }
      throw e;
    }
    cardSource = sidecar;
  } else {
    throw new ModelCardError(`The model bytes carry no "${CARD_METADATA_KEY}" metadata; pass { card } to loadModel.`, path);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.optimization ?? "all",
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: "sequential",
  };
  if (card.mcDropout) {
    // onnxruntime's EliminateDropout removes Dropout nodes regardless of their training_mode input.
    sessionOptions.extra = { optimization: { disable_specified_optimizers: "EliminateDropout" } };
  }
  let session: ort.InferenceSession;
  try {
    session = await onnxruntime().InferenceSession.create(bytes, sessionOptions);
  } catch (e) {
    throw new ModelLoadError(`onnxruntime cannot load ${path}: ${(e as Error).message}`, path, { cause: e });
  }
  checkCardAgainstGraph(card, session, cardSource);
  recordInput("model", source, bytes);
  return new Model(session, card, path, info, { bytes, sessionOptions });
}
