/**
 * Batch classification of patches (or dataset samples) into an arquero table plus typed arrays.
 * @module
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../lazy-deps.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";
import { progress as startProgress } from "../progress.js";
import { Raster } from "../raster/raster.js";
import { describeValue } from "../../util/describe-value.js";
import type { Model } from "./load-model.js";
import { ModelInputError, ModelOutputError } from "./errors.js";
import { selectBands, softmaxAxis1, writeNormalized, type BandSelection } from "./prepare.js";

/** A patch to classify: a raster, or a sample with an id and optionally its true label. */
export type PatchInput = Raster | { id?: string | number; raster: Raster; label?: number | null };

/** Options of {@link classify}. */
export interface ClassifyOptions {
  /** Patches per onnxruntime call. Default 64. */
  batchSize?: number;
  /** Bands to feed, in card order (numbers or names); default chosen by {@link selectBands}. */
  bands?: BandSelection;
  /** Run with Dropout active (one MC-dropout sample). Default false. */
  mcDropout?: boolean;
  /** What to do with a patch holding nodata/NaN pixels: "error" (default) or "skip" (listed in `skipped`). */
  invalid?: "error" | "skip";
  /** Show a progress display. Default true. */
  progress?: boolean;
  /** Aborts between batches (a kernel interrupt triggers it). */
  signal?: AbortSignal;
}

/**
 * The result of {@link classify}: typed arrays plus an arquero table
 * (`id`, `label`, `class`, `confidence`, `p_<class>` per class, and `truth` when labels were given).
 * @example
 * ```ts
 * const res = await classify(model, patches);
 * res.labels; // Int32Array of class indices
 * res.table.filter((d) => d.confidence < 0.6); // uncertain patches
 * ```
 */
export class ClassificationResult {
  constructor(
    /** Sample ids, in input order (skipped samples excluded). */
    readonly ids: (string | number)[],
    /** Predicted class index per sample. */
    readonly labels: Int32Array,
    /** N×K softmax probabilities, row-major. */
    readonly probabilities: Float32Array,
    /** N×K raw logits, row-major. */
    readonly logits: Float32Array,
    /** Class names from the card. */
    readonly classes: string[],
    /** True labels when the inputs carried them (−1 where unknown), else null. */
    readonly truth: Int32Array | null,
    /** Samples left out (`invalid: "skip"`), with the reason. */
    readonly skipped: { id: string | number; reason: string }[],
  ) {}

  /** Number of classified samples. */
  get length(): number {
    return this.labels.length;
  }

  /** Max probability per sample. */
  get confidence(): Float32Array {
    const k = this.classes.length;
    return Float32Array.from(this.labels, (_, i) => {
      let m = 0;
      for (let j = 0; j < k; j++) m = Math.max(m, this.probabilities[i * k + j]!);
      return m;
    });
  }

  /** The results as an arquero table. */
  get table(): ColumnTable {
    const k = this.classes.length;
    const cols: Record<string, unknown> = {
      id: this.ids,
      label: Array.from(this.labels),
      class: Array.from(this.labels, (l) => this.classes[l]!),
      confidence: this.confidence,
    };
    this.classes.forEach((name, j) => {
      cols[`p_${name.replace(/\W+/g, "_")}`] = Float32Array.from(this.labels, (_, i) => this.probabilities[i * k + j]!);
    });
    if (this.truth) cols.truth = Array.from(this.truth);
    return arquero().table(cols as Record<string, unknown[]>);
  }

  /** Displays the first rows of the table and the class counts. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const counts = this.classes.map((c, j) => `${c}: ${this.labels.filter((l) => l === j).length}`).join(", ");
    const head = `${this.length} patches classified (${counts})${this.skipped.length ? `; ${this.skipped.length} skipped` : ""}`;
    return { "text/plain": head, "text/html": `<p>${head}</p>${this.table.toHTML({ limit: 10 })}` };
  }
}

function isRaster(p: PatchInput): p is Raster {
  return p instanceof Raster;
}

/**
 * Classifies patches in batches: picks the card's bands, normalizes as the card says, runs the
 * model, and returns labels, probabilities and a table.
 *
 * @param model a patch classifier (card task "classification")
 * @param patches rasters of the card's patch size, or samples `{ id, raster, label }` (sync or async iterable)
 * @param options {@link ClassifyOptions}
 * @throws {ModelInputError} for a wrong task, band set, patch size, batchSize that is not a positive whole number,
 *   or (with `invalid: "error"`) nodata in a patch
 * @example
 * ```ts
 * const model = await loadModel("data/models/olinda-patch-classifier.onnx");
 * const res = await classify(model, patches);
 * res.table.groupby("class").count();
 * ```
 */
export async function classify(
  model: Model,
  patches: Iterable<PatchInput> | AsyncIterable<PatchInput>,
  options: ClassifyOptions = {},
): Promise<ClassificationResult> {
  const card = model.card;
  if (card.task !== "classification") {
    throw new ModelInputError(`classify needs a patch classifier; model ${card.name} is a ${card.task} model (use predictScene).`, "classification", card.task);
  }
  const [ph, pw] = card.input.patchSize!;
  const c = card.bands.length;
  const k = card.classes!.length;
  const bs = options.batchSize ?? 64;
  if (!(typeof bs === "number" && Number.isSafeInteger(bs) && bs >= 1)) {
    throw new ModelInputError(`batchSize must be a positive whole number of patches per onnxruntime call (default 64), got ${describeValue(bs)}.`, "a positive whole number", bs);
  }
  const per = c * ph * pw;
  const total = Array.isArray(patches) ? patches.length : undefined;
  const bar = options.progress === false ? null : startProgress({ total, label: `classify ${card.name}`, unit: "patches" });
  const ids: (string | number)[] = [];
  const labels: number[] = [];
  const truth: number[] = [];
  let anyTruth = false;
  const probs: Float32Array[] = [];
  const logits: Float32Array[] = [];
  const skipped: { id: string | number; reason: string }[] = [];
  let batch = new Float32Array(bs * per);
  let inBatch = 0;
  let seen = 0;
  const valid = new Uint8Array(ph * pw);

  const flush = async (): Promise<void> => {
    if (inBatch === 0) return;
    options.signal?.throwIfAborted();
    const out = await model.predict({ data: batch.subarray(0, inBatch * per), dims: [inBatch, c, ph, pw] }, { mcDropout: options.mcDropout, signal: options.signal });
    if (out.data.length !== inBatch * k) {
      throw new ModelOutputError(
        `Model ${card.name} returned ${out.data.length} values (shape [${out.dims.join(", ")}]) for a batch of ${inBatch} patches; classify needs shape [${inBatch}, ${k}]: ` +
        `one score for each of the card's ${k} classes per patch. Check the ONNX graph's output "${card.output.name}" against the card (${model.path}).`, out.dims, [inBatch, k]);
    }
    logits.push(out.data.slice());
    probs.push(softmaxAxis1(out).data);
    for (let i = 0; i < inBatch; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (out.data[i * k + j]! > out.data[i * k + best]!) best = j;
      labels.push(best);
    }
    bar?.tick(inBatch);
    inBatch = 0;
    batch = new Float32Array(bs * per);
  };

  try {
    for await (const p of patches as AsyncIterable<PatchInput>) {
      const raster = isRaster(p) ? p : p.raster;
      const id = isRaster(p) ? seen : (p.id ?? seen);
      const label = isRaster(p) ? null : (p.label ?? null);
      seen++;
      if (raster.width !== pw || raster.height !== ph) {
        throw new ModelInputError(`Model ${card.name} classifies ${ph}×${pw} patches; patch ${id} is ${raster.height}×${raster.width}.`, [ph, pw], [raster.height, raster.width]);
      }
      const sel = selectBands(raster, card, options.bands);
      const r = sel.every((b, i) => b === i + 1) && raster.count === c ? raster : await raster.read({ bands: sel });
      const bad = writeNormalized(batch, inBatch, r, card, valid);
      if (bad > 0) {
        const reason = `${bad} of ${ph * pw} pixels are nodata or NaN`;
        if (options.invalid === "skip") {
          skipped.push({ id, reason });
          continue;
        }
        throw new ModelInputError(`Patch ${id}: ${reason}. Pass invalid: "skip" to leave such patches out, or fill them first.`, "valid pixels", reason);
      }
      ids.push(id);
      truth.push(label ?? -1);
      if (label !== null) anyTruth = true;
      inBatch++;
      if (inBatch === bs) await flush();
    }
    await flush();
  } finally {
    bar?.done();
  }
  const cat = (parts: Float32Array[]): Float32Array => {
    const o = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      o.set(p, off);
      off += p.length;
    }
    return o;
  };
  return new ClassificationResult(ids, Int32Array.from(labels), cat(probs), cat(logits), card.classes!.map((x) => x.name),
    anyTruth ? Int32Array.from(truth) : null, skipped);
}
