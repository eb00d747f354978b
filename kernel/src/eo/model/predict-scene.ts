/**
 * Whole-scene inference: sliding tiles with overlap and weighted blending (no seams), nodata-aware,
 * streaming strip by strip so memory stays bounded, with progress and an AbortSignal.
 * @module
 */
import { pngEncoder } from "../lazy-deps.js";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display.js";
import { progress as startProgress } from "../progress.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { ModelInputError, ModelOutputError } from "./errors.js";
import type { Model } from "./load-model.js";
import { selectBands, type BandSelection } from "./prepare.js";
import type { Tensor } from "./tensor.js";
import { SceneKernels, type KernelSource } from "./scene-kernels.js";
import { pickWorker, type WorkerRunner } from "./worker-runner.js";
import { blendWeights, tileStarts } from "./tiling.js";
import { describeValue } from "../../util/describe-value.js";

/** Scene outputs: class map, per-class probabilities, max probability, regression mean and std. */
export type SceneOutput = "class" | "probabilities" | "confidence" | "mean" | "std";

/** Rows of finished output, handed to `onStrip` as soon as no later tile touches them. */
export interface SceneStrip {
  /** First scene row of this strip. */
  row: number;
  /** Number of rows. */
  height: number;
  /** The requested outputs for these rows (georeferenced). */
  outputs: Partial<Record<SceneOutput, Raster>>;
}

/** Options of {@link predictScene}. */
export interface PredictSceneOptions {
  /**
   * Tile edge in pixels. Default 256 for fully convolutional models (clipped to the scene size);
   * patch models always use their card's patch size.
   */
  tileSize?: number;
  /**
   * Overlap between neighbouring tiles in pixels. Default: fully convolutional models
   * `max(2·halo + 2, tileSize / 8)`; patch models half the patch. Must be smaller than the tile.
   */
  overlap?: number;
  /**
   * Tiles per onnxruntime call, a whole number ≥ 1 (at most {@link MAX_BATCH_VALUES} input values). Default 4 (fully
   * convolutional) or 256 (patch models). With several scene workers the last strip's tiles go one per call, so the
   * workers finish together.
   */
  batchSize?: number;
  /** Bands to feed, in card order; default chosen by `selectBands`. */
  bands?: BandSelection;
  /**
   * Outputs to keep in memory as whole-scene rasters. Default `["class", "confidence"]` for
   * classification/segmentation and `["mean", "std"]` for regression. Pass `[]` to only stream
   * through `onStrip`.
   */
  outputs?: SceneOutput[];
  /** Receives finished rows as they complete (e.g. to write or display them); awaited. */
  onStrip?: (strip: SceneStrip) => void | Promise<void>;
  /** Outputs handed to `onStrip`. Default `["class", "confidence"]` (classification) or `["mean", "std"]` (regression). */
  stripOutputs?: SceneOutput[];
  /**
   * Nodata handling: pixels where any input band equals its nodata value (or is NaN) get no
   * prediction (class 255, NaN elsewhere). Default: the source's per-band nodata values; a number
   * overrides them for every band; `null` ignores nodata.
   */
  nodata?: number | null;
  /** Run with Dropout active (one MC-dropout sample of the whole scene). Default false. */
  mcDropout?: boolean;
  /** Show a progress display. Default true. */
  progress?: boolean;
  /**
   * Run the session in a worker thread so that reading, normalizing and blending overlap inference
   * (onnxruntime-node otherwise runs on the main thread). Default: true from 16 tiles on.
   */
  worker?: boolean;
  /**
   * Run the hot loops (normalizing tiles, blending outputs, the class-only argmax) as WebAssembly
   * SIMD kernels; results are bit-identical to the JavaScript loops, which `false` selects.
   * Default true (falls back to JavaScript where WebAssembly SIMD or shared memory is missing).
   */
  wasm?: boolean;
  /** Stops between batches (a kernel interrupt triggers it); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Whole-scene prediction rasters, georeferenced like the input.
 * @example
 * ```ts
 * const pred = await predictScene(model, scene);
 * await writeRaster("classes.tif", pred.classMap!);
 * pred; // displays a PNG preview
 * ```
 */
export class ScenePrediction {
  constructor(
    /** Class index per pixel (uint8, nodata 255). */
    readonly classMap: Raster | null,
    /** Per-class probability bands (float32, NaN where nodata); band descriptions are class names. */
    readonly probabilities: Raster | null,
    /** Max probability per pixel (float32). */
    readonly confidence: Raster | null,
    /** Regression mean (float32, card unit). */
    readonly mean: Raster | null,
    /** Regression standard deviation (float32, card unit). */
    readonly std: Raster | null,
    /** Number of tiles run. */
    readonly tiles: number,
    /** Wall time in seconds. */
    readonly seconds: number,
    /** Scene size in pixels. */
    readonly width: number,
    readonly height: number,
    /** Class colours (CSS hex) from the card, for previews. */
    readonly classColors: string[] = [],
  ) {}

  /**
   * A small PNG preview (longest side ≤ `maxSize`, nearest neighbour): the class map in the card's
   * colours (nodata transparent), else the regression mean in grey (2–98 % stretch).
   * @example
   * ```ts
   * writeFileSync("preview.png", pred.previewPng());
   * ```
   */
  previewPng(maxSize = 512): Uint8Array {
    const step = Math.max(1, Math.ceil(Math.max(this.width, this.height) / maxSize));
    const w = Math.ceil(this.width / step);
    const h = Math.ceil(this.height / step);
    const px = new Uint8Array(w * h * 4);
    if (this.classMap) {
      const c = this.classMap.band(1);
      const rgb = this.classColors.map((hex) => {
        const m = /^#?([0-9a-f]{6})$/i.exec(hex);
        const v = m ? parseInt(m[1]!, 16) : 0x888888;
        return [v >> 16, (v >> 8) & 255, v & 255];
      });
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const k = c[y * step * this.width + x * step]!;
          const o = (y * w + x) * 4;
          if (k === 255) continue;
          const col = rgb[k] ?? [(k * 67) % 256, (k * 131) % 256, (k * 199) % 256];
          px.set([col[0]!, col[1]!, col[2]!, 255], o);
        }
      }
    } else if (this.mean) {
      const m = this.mean.band(1);
      const vals: number[] = [];
      for (let i = 0; i < m.length; i += Math.max(1, Math.floor(m.length / 4096))) if (m[i] === m[i]) vals.push(m[i]!);
      vals.sort((a, b) => a - b);
      const lo = vals[Math.floor(vals.length * 0.02)] ?? 0;
      const hi = vals[Math.floor(vals.length * 0.98)] ?? 1;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = m[y * step * this.width + x * step]!;
          if (v !== v) continue;
          const g = Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo || 1)) * 255)));
          px.set([g, g, g, 255], (y * w + x) * 4);
        }
      }
    }
    return pngEncoder()({ width: w, height: h, data: px, channels: 4, depth: 8 });
  }

  /** Throughput in megapixels per second. */
  get megapixelsPerSecond(): number {
    return (this.width * this.height) / 1e6 / this.seconds;
  }

  /** Short summary. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const kept = (["classMap", "probabilities", "confidence", "mean", "std"] as const).filter((k) => this[k] !== null);
    const text = `ScenePrediction ${this.width}×${this.height}: ${this.tiles} tiles in ${this.seconds.toFixed(2)} s (${this.megapixelsPerSecond.toFixed(2)} Mpx/s); outputs ${kept.join(", ") || "(streamed)"}`;
    const bundle: MimeBundle = { "text/plain": text };
    if (this.classMap || this.mean) bundle["image/png"] = Buffer.from(this.previewPng()).toString("base64");
    return bundle;
  }
}

/** The most input values one predictScene batch may hold (float32: 1 GiB); see {@link PredictSceneOptions.batchSize}. */
export const MAX_BATCH_VALUES = 2 ** 28;

/**
 * Runs a model over a whole scene (any {@link RasterSourceLike}: an opened file or an in-memory
 * Raster). Tiles overlap and are blended with weights that ramp across the overlap (fully
 * convolutional models) or across the patch (patch classifiers, whose per-patch outputs are
 * spread over the patch), so a constant model gives a constant map. Classification logits are
 * blended (weighted mean) and then turned into probabilities with a softmax; regression means are
 * blended, and so are variances (`exp` of the log-variance head), giving `std`. Reads the scene one strip
 * of tile rows at a time and keeps only a strip of accumulators, so memory is bounded by
 * `tileSize × width` plus the outputs kept (see `outputs`, `onStrip`). The model keeps its scene
 * worker threads and that strip memory for its next call (a later call does not pay again for
 * starting sessions or for the first touch of the memory's pages); `model.dispose()` frees both.
 *
 * @param model a loaded model (segmentation, regression or patch classification)
 * @param source the scene
 * @param options {@link PredictSceneOptions}
 * @throws {ModelInputError} when bands don't match the card or the scene is smaller than a patch
 * @example
 * ```ts
 * const scene = await openRaster("data/olinda/L7_ETMs.tif");
 * const seg = await loadModel("data/models/olinda-segmenter.onnx");
 * const pred = await predictScene(seg, scene, { tileSize: 128 });
 * await writeRaster("classes.tif", pred.classMap!);
 * ```
 */
export async function predictScene(model: Model, source: RasterSourceLike, options: PredictSceneOptions = {}): Promise<ScenePrediction> {
  const t0 = performance.now();
  const card = model.card;
  const { width: W, height: H } = source;
  const bands = selectBands(source, card, options.bands);
  const C = bands.length;
  const patch = card.input.patchSize;
  const halo = card.input.halo ?? 0;
  const isReg = card.task === "regression";
  const K = isReg ? (card.output.kind === "mean-logvar" ? 2 : 1) : card.classes!.length;
  let th: number;
  let tw: number;
  if (patch) {
    [th, tw] = patch;
    if (H < th || W < tw) {
      throw new ModelInputError(`Model ${card.name} takes ${th}×${tw} patches; the scene is only ${H}×${W}.`, patch, [H, W]);
    }
  } else {
    const t = options.tileSize ?? 256;
    if (!Number.isInteger(t) || t <= 2 * halo) {
      throw new ModelInputError(`tileSize must be an integer larger than twice the model's halo (${2 * halo}); got ${t}.`, `> ${2 * halo}`, t);
    }
    th = Math.min(t, H);
    tw = Math.min(t, W);
  }
  const defOverlap = patch ? Math.floor(Math.min(th, tw) / 2) : Math.max(2 * halo + 2, Math.floor(Math.min(th, tw) / 8));
  if (options.overlap !== undefined) {
    const o = options.overlap;
    if (typeof o !== "number" || !Number.isInteger(o) || o < 0) throw new ModelInputError(`overlap must be a non-negative integer (pixels); got ${describeValue(o)}.`, ">= 0", o);
    // (a tile clipped to a small scene takes what overlap it can; one at least as large as the tile asked for is a mistake)
    const asked = patch ? Math.min(th, tw) : options.tileSize ?? 256;
    if (o >= asked) {
      throw new ModelInputError(`overlap ${o} must be smaller than the ${patch ? "patch" : "tile"} (${asked} pixels): neighbouring tiles would start at every pixel. ` +
        `The default is ${defOverlap}.`, `< ${asked}`, o);
    }
  }
  const overlap = Math.min(options.overlap ?? defOverlap, Math.min(th, tw) - 1);
  const ys = tileStarts(H, th, th - overlap);
  const xs = tileStarts(W, tw, tw - overlap);
  const wxs = xs.map((x) => blendWeights(tw, x, W, overlap, patch ? 0 : halo));
  const wys = ys.map((y) => blendWeights(th, y, H, overlap, patch ? 0 : halo));
  const outputs = new Set<SceneOutput>(options.outputs ?? (isReg ? ["mean", "std"] : ["class", "confidence"]));
  for (const o of new Set([...outputs, ...(options.stripOutputs ?? [])])) {
    const ok = isReg ? o === "mean" || (o === "std" && K === 2) : o === "class" || o === "probabilities" || o === "confidence";
    if (!ok) throw new ModelInputError(`Output "${o}" is not available for ${card.task} model ${card.name}${o === "std" ? " (it has no variance head)" : ""}.`, isReg ? ["mean", "std"] : ["class", "probabilities", "confidence"], o);
  }
  const streamed = new Set<SceneOutput>(options.onStrip ? options.stripOutputs ?? (isReg ? (K === 2 ? ["mean", "std"] : ["mean"]) : ["class", "confidence"]) : []);
  const need = (o: SceneOutput): boolean => outputs.has(o) || streamed.has(o);
  /** Only the class map: the argmax of the blended logits, for which the summed weights are not needed. */
  const classOnly = !isReg && !need("probabilities") && !need("confidence");
  const ndOverride = options.nodata;
  const nodata = bands.map((b) => (ndOverride === undefined ? source.nodata[b - 1] ?? null : ndOverride));
  const norm = card.normalization;
  const mul = new Float64Array(C);
  const add = new Float64Array(C);
  for (let b = 0; b < C; b++) {
    if (norm.type === "meanstd") [mul[b], add[b]] = [1 / norm.std[b]!, -norm.mean[b]! / norm.std[b]!];
    else if (norm.type === "scaleoffset") [mul[b], add[b]] = [norm.scale[b]!, norm.offset[b]!];
    else [mul[b], add[b]] = [1, 0];
  }
  const geo = { transform: source.transform, crs: source.crs };
  // (checked before the scene-sized outputs are allocated)
  const bs = options.batchSize ?? (patch ? 256 : 4);
  const tileLen = C * th * tw;
  if (typeof bs !== "number" || !Number.isInteger(bs) || bs < 1) {
    throw new ModelInputError(`batchSize must be a positive whole number (tiles per onnxruntime call); got ${describeValue(bs)}.`, ">= 1", bs);
  }
  if (bs * tileLen > MAX_BATCH_VALUES) {
    throw new ModelInputError(`batchSize ${bs} of ${C}×${th}×${tw} tiles is ${((bs * tileLen * 4) / 2 ** 30).toFixed(1)} GiB of float32 input per call; ` +
      `use at most ${Math.floor(MAX_BATCH_VALUES / tileLen)} (a few tiles keep every core busy).`, `<= ${Math.floor(MAX_BATCH_VALUES / tileLen)}`, bs);
  }
  const full = (o: SceneOutput, count: number, dtype: "uint8" | "float32", nd: number): Raster | null =>
    outputs.has(o)
      ? new Raster({
        width: W, height: H, dtype, nodata: nd, ...geo,
        bands: Array.from({ length: count }, () => (dtype === "uint8" ? new Uint8Array(W * H) : new Float32Array(W * H))),
        descriptions: o === "probabilities" ? card.classes!.map((c) => c.name) : o === "class" ? ["class"] : [o === "mean" || o === "std" ? `${card.output.quantity ?? "value"} ${o}${card.output.unit ? ` (${card.output.unit})` : ""}` : o],
      })
      : null;
  const classMap = full("class", 1, "uint8", 255);
  const probs = full("probabilities", K, "float32", NaN);
  const conf = full("confidence", 1, "float32", NaN);
  const meanR = full("mean", 1, "float32", NaN);
  const stdR = full("std", 1, "float32", NaN);

  const per = patch ? K : K * th * tw;
  // Long scenes run the session in worker threads so reading, normalizing and blending overlap
  // inference. The model keeps its workers for later calls; new ones start while the first strip is read.
  const total = ys.length * xs.length;
  const useWorker = options.worker ?? total >= 16;
  const runnersStart = useWorker ? model.sceneWorkers() : null;
  runnersStart?.catch(() => undefined);
  /** Workers the batches alternate between (batches are blended in the order they were launched). */
  let runners: WorkerRunner[] = [];
  // Up to DEPTH batches wait or run in the workers, so each always has the next one when it
  // finishes one; with WebAssembly kernels, the accumulators, the strip being tiled, SLOTS batches
  // and SLOTS output buffers live in one shared memory (workers read batches and write outputs
  // there), a slot being free again when it comes round.
  const DEPTH = 2 * (useWorker ? model.sceneWorkerCount() : 1);
  const SLOTS = DEPTH + 1;
  const bpe = ({ uint8: 1, uint16: 2, float32: 4 } as Record<string, number>)[source.dtype] ?? 0;
  // A source that reads whole pixels (pixel-interleaved files: openRaster's readInterleavedInto) and
  // needs no nodata checks goes into kernel memory as it is stored, two strips (one being tiled, the
  // next being read); the kernels take each band's samples from there. Otherwise bands are read
  // separately and copied in (or normalized in JavaScript).
  const readPixels = (source as { readInterleavedInto?: (t: Uint8Array, o: { window: { col: number; row: number; width: number; height: number }; signal?: AbortSignal; cache?: boolean }) => Promise<boolean> }).readInterleavedInto;
  // (a band-interleaved file would answer false: no memory is set aside for it)
  const pixelsWanted = options.wasm !== false && typeof readPixels === "function" && (source as { interleave?: string }).interleave !== "BAND" &&
    (bpe === 1 || bpe === 2) && C === source.count &&
    bands.every((b, i) => b === i + 1) && nodata.every((v) => v === null);
  // Pixel strips: one being tiled, the next being read, and with workers one more, whose tiles the
  // workers may still be reading (they normalize tiles of pixel strips themselves).
  const STRIPS = useWorker ? 3 : 2;
  // (the model keeps the memory between calls: see Model.takeSceneKernels)
  const kern = options.wasm === false ? null : model.takeSceneKernels(SceneKernels.bytes(
    K * th * W * 4, th * W * 4, tw * 8, th * W, ...Array<number>(C).fill(th * W * bpe),
    ...(pixelsWanted ? [...Array<number>(STRIPS).fill(th * W * C * bpe), C * 4, C * 4, C * C * 16 /* swizzle masks */] : []),
    ...Array<number>(SLOTS).fill(bs * tileLen * 4), ...Array<number>(SLOTS).fill(bs * per * 4),
    ...Array<number>(xs.length).fill(tw * 4), ...Array<number>(ys.length).fill(th * 4)));
  // Every tile blended by the accumulate kernel (all outputs are in kernel memory): it zeroes the
  // accumulators a strip reaches for the first time row by row, so they need not start at 0, and
  // finishStrip does not clear them.
  const kernBlends = Boolean(kern && !patch && !(isReg && K === 2));
  // (arrays every value of which is written before it is read need not be cleared when the memory is reused)
  // Accumulators for the rows [ys[i], ys[i] + th) of the current strip.
  const acc = kern ? kern.f32(K * th * W, !kernBlends) : new Float32Array(K * th * W);
  const accW = kern ? kern.f32(th * W, !kernBlends) : new Float32Array(th * W);
  const weightRow = kern ? kern.f64(tw) : new Float64Array(tw);
  const argmaxOut = kern ? kern.u8(th * W) : null;
  const rawK: KernelSource[] | null = kern && bpe
    ? Array.from({ length: C }, () => (bpe === 1 ? kern.u8(th * W, false) : bpe === 2 ? kern.u16(th * W, false) : kern.f32(th * W, false)))
    : null;
  /** STRIPS pixel-interleaved strips in kernel memory (strip yi in pixelStrips[yi % STRIPS]), while reading whole pixels works. */
  let pixelStrips: (Uint8Array | Uint16Array)[] | null = kern && pixelsWanted
    ? Array.from({ length: STRIPS }, () => (bpe === 1 ? kern.u8(th * W * C, false) : kern.u16(th * W * C, false)))
    : null;
  const mulK = kern && pixelStrips ? kern.f32(C) : null;
  const addK = kern && pixelStrips ? kern.f32(C) : null;
  if (mulK && addK) {
    mulK.set(mul);
    addK.set(add);
  }
  const inSlots = kern ? Array.from({ length: SLOTS }, () => kern.f32(bs * tileLen, false)) : null;
  const outSlots = kern ? Array.from({ length: SLOTS }, () => kern.f32(bs * per, false)) : null;
  let launched = 0;
  let batch = inSlots ? inSlots[0]! : new Float32Array(bs * tileLen);
  /** A plain (not shared) copy of the batch for onnxruntime on the main thread. */
  let plainBatch: Float32Array | null = null;
  const bar = options.progress === false ? null : startProgress({ total, label: `predictScene ${card.name}`, unit: "tiles" });
  const signal = options.signal;
  let done = 0;

  const plane = th * W;
  const argmaxScratch = kern ? null : new Float32Array(plane);
  /** The class-only output of the first n pixels of the strip, from the kernels (in argmaxOut). */
  const kernClasses = (n: number): Uint8Array => {
    // (with the interior kernels the tiles wrote them while blending)
    if (!interior) kern!.argmax(acc, plane, K, n, argmaxOut!);
    return argmaxOut!;
  };
  const finalize = async (y0: number, rows: number, invalid: Uint8Array | null): Promise<void> => {
    if (rows <= 0) return;
    const n = rows * W;
    // Outputs only kept whole are written in place (views of the scene rasters); streamed ones get own arrays.
    const target = <T extends Uint8Array | Float32Array>(o: SceneOutput, r: Raster | null, make: () => T, band = 1): T | null =>
      !need(o) ? null : r && !streamed.has(o) ? (r.band(band) as T).subarray(y0 * W, y0 * W + n) as T : make();
    const sc = target("class", classMap, () => new Uint8Array(n));
    const sp = need("probabilities") ? Array.from({ length: K }, (_, k) => target("probabilities", probs, () => new Float32Array(n), k + 1)!) : null;
    const sf = target("confidence", conf, () => new Float32Array(n));
    const sm = target("mean", meanR, () => new Float32Array(n));
    const ss = target("std", stdR, () => new Float32Array(n));
    finalizeRows(acc, accW, invalid, n, K, plane, isReg, sc, sp, sf, sm, ss, argmaxScratch,
      kern && argmaxOut && acc.buffer === kern.buffer ? kernClasses : null);
    const put = (r: Raster | null, arr: Float32Array | Uint8Array | null, band = 1): void => {
      if (r && arr && arr.buffer !== r.band(band).buffer) r.band(band).set(arr, y0 * W);
    };
    put(classMap, sc);
    put(conf, sf);
    put(meanR, sm);
    put(stdR, ss);
    if (probs && sp) sp.forEach((a, k) => put(probs, a, k + 1));
    if (options.onStrip) {
      const t = source.transform;
      const stripGeo = { transform: [t[0] + y0 * t[2], t[1], t[2], t[3] + y0 * t[5], t[4], t[5]] as const, crs: source.crs };
      const mk = (arrs: (Uint8Array | Float32Array)[], dtype: "uint8" | "float32", nd: number): Raster =>
        new Raster({ width: W, height: rows, dtype, bands: arrs, nodata: nd, ...stripGeo });
      const o: Partial<Record<SceneOutput, Raster>> = {};
      if (sc) o.class = mk([sc], "uint8", 255);
      if (sp) o.probabilities = mk(sp, "float32", NaN);
      if (sf) o.confidence = mk([sf], "float32", NaN);
      if (sm) o.mean = mk([sm], "float32", NaN);
      if (ss) o.std = mk([ss], "float32", NaN);
      await options.onStrip({ row: y0, height: rows, outputs: o });
    }
  };

  /** Adds one tile's output (at `o` in `od`) into the strip accumulators with weights wy×wx. */
  // Columns where each tile's weight is exactly 1 ([lo, hi)), and the first column no earlier tile of its strip touched.
  const ones = wxs.map((w) => {
    let lo = 0;
    while (lo < tw && w[lo] !== 1) lo++;
    let hi = lo;
    while (hi < tw && w[hi] === 1) hi++;
    return [lo, hi] as const;
  });
  const firstCols = xs.map((x, i) => (i === 0 ? 0 : xs[i - 1]! + tw - x));
  // The blending weights in kernel memory, for the accumulate kernel.
  const inKernel = (w: Float32Array): Float32Array => {
    const a = kern!.f32(w.length);
    a.set(w);
    return a;
  };
  const wxsK = kern && !patch ? wxs.map(inKernel) : null;
  const wysK = kern && !patch ? wys.map(inKernel) : null;
  // Class only, with the kernels: each tile, once blended, writes the classes (the argmax of the
  // accumulators) of the pixels it is the last to add to (rows above the next strip, columns left
  // of the next tile) into argmaxOut while they are in cache, so a strip needs no argmax pass of
  // its own; and a pixel only that tile covers gets its class straight from the tile's output,
  // without going through the accumulators.
  const interior = Boolean(kern && argmaxOut && wxsK && wysK && classOnly);
  /** Per strip: the rows no later strip covers (the rows it emits). */
  const stripRows = ys.map((y, yi) => (yi + 1 < ys.length ? ys[yi + 1]! : H) - y);
  /** Per tile: the columns no later tile of its strip covers. */
  const tileCols = xs.map((x, xi) => (xi + 1 < xs.length ? xs[xi + 1]! : W) - x);
  const accumulate = (od: Float32Array, o: number, xi: number, yi: number, firstRow: number): void => {
    const x0 = xs[xi]!;
    const wx = wxs[xi]!;
    const wy = wys[yi]!;
    if (kernBlends && od.buffer === kern!.buffer) {
      kern!.accumulate(od, o, wxsK![xi]!, wysK![yi]!, acc, accW, x0, weightRow, K, th, tw, W, firstRow, Math.max(firstCols[xi]!, ones[xi]![0]), ones[xi]![1], !classOnly, {
        classes: interior ? { out: argmaxOut!, rows: stripRows[yi]!, to: tileCols[xi]! } : undefined,
        zeroFrom: firstCols[xi]!,
      });
    } else if (kernBlends) {
      throw new Error("predictScene: a tile output outside the kernel memory cannot be blended by the kernels."); // (launch copies every output in)
    } else if (patch) accumulatePatch(od, o, x0, wx, wy, acc, accW, K, th, tw, W, isReg && K === 2);
    else {
      accumulatePlanes(od, o, x0, wx, wy, acc, accW, K, th, tw, W, isReg && K === 2, weightRow,
        firstRow, Math.max(firstCols[xi]!, ones[xi]![0]), ones[xi]![1], kern && od.buffer === kern.buffer ? kern : null);
    }
  };

  /**
   * A strip as read: raw band arrays, and which pixels are nodata/NaN (null when none). With
   * `kept` > 0 only the rows below the previous strip were read: the first `kept` rows are the
   * previous strip's last rows, which the kernel memory still holds (see toKernel).
   */
  type Strip = { raw: ArrayLike<number>[]; invalid: Uint8Array | null; kept: number; pixels?: Uint8Array | Uint16Array };
  /** Per band: the current strip's samples in kernel memory (copied when the strip's tiling starts), or null. */
  const stripK: (KernelSource | null)[] = new Array<KernelSource | null>(C).fill(null);
  /** True once a strip's bands all went to kernel memory: later strips then read only their new rows. */
  let stripsInKernel = false;
  /** The nodata flags of the previous strip (for the rows a partly read strip keeps). */
  let prevInvalid: Uint8Array | null = null;
  const toKernel = (strip: Strip, yi: number): void => {
    const k0 = strip.kept;
    if (strip.pixels) {
      // the rows this strip shares with the previous one, from the previous strip's part
      if (k0) strip.pixels.set(pixelStrips![(yi + STRIPS - 1) % STRIPS]!.subarray((th - k0) * W * C, th * W * C));
      return;
    }
    let all = true;
    for (let b = 0; b < C; b++) {
      const r = strip.raw[b]!;
      const k = rawK?.[b];
      const fits = k && ((k instanceof Uint8Array && r instanceof Uint8Array) || (k instanceof Uint16Array && r instanceof Uint16Array) || (k instanceof Float32Array && r instanceof Float32Array));
      if (fits) {
        if (k0) (k as Uint8Array).copyWithin(0, (th - k0) * W, th * W);
        (k as Uint8Array).set(r as Uint8Array, k0 * W);
      } else if (k0) {
        throw new ModelInputError(`predictScene: band ${bands[b]} of ${card.name}'s input came back as ${r.constructor.name} after earlier strips were ${k!.constructor.name}; the source must return one array type per band.`, k!.constructor.name, r.constructor.name);
      }
      stripK[b] = fits ? k : null;
      all &&= Boolean(fits);
    }
    stripsInKernel = all;
    if (k0 && (prevInvalid || strip.invalid)) {
      // nodata flags of the whole strip: the kept rows' from the previous strip, then the new rows'
      const inv = new Uint8Array(th * W);
      if (prevInvalid) inv.set(prevInvalid.subarray((th - k0) * W, th * W));
      if (strip.invalid) inv.set(strip.invalid, k0 * W);
      strip.invalid = inv;
    }
    prevInvalid = strip.invalid;
  };
  /** Reads strip `yi` (or its rows below the previous strip) and flags nodata/NaN pixels (they are fed as 0 and get no prediction). */
  const prepareStrip = async (yi: number): Promise<Strip> => {
    signal?.throwIfAborted();
    if (pixelStrips) {
      // whole pixels straight into this strip's part of kernel memory (below the rows kept from the previous strip)
      const kept = yi > 0 ? Math.max(0, ys[yi - 1]! + th - ys[yi]!) : 0;
      const px = pixelStrips[yi % STRIPS]!;
      // the workers may still be reading tiles of the strip this one replaces
      const users = queue.filter((b) => b.yi <= yi - STRIPS).map((b) => b.promise.catch(() => undefined));
      if (users.length) await Promise.all(users);
      const bytes = new Uint8Array(px.buffer, px.byteOffset + kept * W * C * bpe, (th - kept) * W * C * bpe);
      // (cached: the next strip's rows are in some of the same blocks)
      if (await readPixels!.call(source, bytes, { window: { col: 0, row: ys[yi]! + kept, width: W, height: th - kept }, signal, cache: true })) {
        return { raw: [], invalid: null, kept, pixels: px };
      }
      if (yi > 0) throw new ModelInputError(`predictScene: ${card.name}'s source stopped reading whole pixels after the first strip.`, "pixel-interleaved reads", "band reads");
      pixelStrips = null; // not stored pixel-interleaved: read bands
    }
    // the previous strip is in kernel memory: read only the rows below it
    const kept = stripsInKernel && yi > 0 ? Math.max(0, ys[yi - 1]! + th - ys[yi]!) : 0;
    const strip = await source.read({ window: { col: 0, row: ys[yi]! + kept, width: W, height: th - kept }, bands, signal, cache: true });
    let invalid: Uint8Array | null = null;
    const checkNaN = strip.dtype === "float32" || strip.dtype === "float64";
    for (let b = 0; b < C; b++) {
      const nd = nodata[b];
      if (nd === null && !checkNaN) continue;
      const raw = strip.band(b + 1);
      const ndv = nd === null ? NaN : nd;
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i]!;
        if (v !== v || v === ndv) (invalid ??= new Uint8Array((th - kept) * W))[i] = 1;
      }
    }
    return { raw: Array.from({ length: C }, (_, b) => strip.band(b + 1)), invalid, kept };
  };
  /** Whether the workers normalize `strip`'s tiles themselves (pixel strips in kernel memory): then a batch is a list of tile columns. */
  const workersTile = (strip: Strip): boolean => Boolean(strip.pixels && runners.length && outSlots && mulK && addK);
  /** Normalizes the tile at column `x0` of `strip` straight into batch slot `slot`. */
  const fillTile = (strip: Strip, x0: number, slot: number): void => {
    if (workersTile(strip)) return; // (the worker does it: see launch)
    if (strip.pixels) {
      kern!.normalizeInterleaved(strip.pixels, x0, W, C, C, batch, slot * tileLen, th, tw, mulK!, addK!);
      return;
    }
    const inv = strip.invalid;
    for (let b = 0; b < C; b++) {
      const base = slot * tileLen + b * th * tw;
      const sk = stripK[b];
      if (sk) kern!.normalize(sk, x0, W, batch, base, th, tw, mul[b]!, add[b]!);
      else normalizeRows(strip.raw[b]!, x0, W, batch, base, th, tw, mul[b]!, add[b]!);
      if (inv) {
        for (let r = 0; r < th; r++) {
          const o = base + r * tw;
          const i0 = r * W + x0;
          for (let c = 0; c < tw; c++) if (inv[i0 + c]) batch[o + c] = 0;
        }
      }
    }
  };
  const accumulateBatch = (od: Float32Array, queued: number[], yi: number): void => {
    const firstRow = yi === 0 ? 0 : ys[yi - 1]! + th - ys[yi]!;
    for (let q = 0; q < queued.length; q++) accumulate(od, q * per, queued[q]!, yi, firstRow);
    done += queued.length;
    bar?.set(done);
  };
  /**
   * The model's output for a batch of n tiles must be n·K planes of the tile's size (patch models:
   * n·K values): anything else would be blended as if it were.
   */
  const checkOutput = (values: number, dims: readonly number[], n: number, cause?: unknown): void => {
    if (values === n * per && cause === undefined) return;
    const want = patch ? [n, K] : [n, K, th, tw];
    throw new ModelOutputError(
      `Model ${card.name} returned ${values} values (shape [${dims.join(", ")}]) for a batch of ${n} ${th}×${tw} ${patch ? "patches" : "tiles"}; ` +
      `predictScene needs shape [${want.join(", ")}]: ${K} ${isReg ? "output planes" : "class scores"} per ${patch ? "patch" : "pixel, at the input's size"}. ` +
      `Check the ONNX graph's output "${card.output.name}" against the card (${model.path}).`, dims, want, cause === undefined ? undefined : { cause });
  };
  /** Tiles each worker has been given and not yet returned (batches go to the least loaded, see pickWorker). */
  const inFlight: number[] = [];
  /** Batches in the workers, oldest first; `after` finishes a strip once its last batch is blended. */
  const queue: { promise: Promise<Tensor>; queued: number[]; yi: number; after?: () => Promise<void> }[] = [];
  const drainOne = async (): Promise<void> => {
    const p = queue.shift()!;
    let out: Tensor;
    try {
      out = await p.promise;
    } catch (e) {
      // (a worker found the output larger than its slot)
      if (e instanceof ModelOutputError) checkOutput(e.dims.reduce((a, b) => a * b, 1), e.dims, p.queued.length, e);
      throw e;
    }
    checkOutput(out.data.length, out.dims, p.queued.length);
    accumulateBatch(out.data, p.queued, p.yi);
    await p.after?.();
  };
  /** An input buffer a worker handed back that holds a batch of this call (earlier calls' may be smaller). */
  const reusableBatch = (): Float32Array | undefined => {
    for (const r of runners) {
      while (r.returned.length) {
        const b = r.returned.pop()!;
        if (b.length >= bs * tileLen) return b;
      }
    }
    return undefined;
  };
  const launch = async (queued: number[], yi: number, strip: Strip): Promise<void> => {
    signal?.throwIfAborted();
    const n = queued.length;
    const input = { data: batch.subarray(0, n * tileLen), dims: [n, C, th, tw] };
    while (inFlight.length < runners.length) inFlight.push(0);
    const w = runners.length ? pickWorker(inFlight, launched) : -1;
    const runner = w >= 0 ? runners[w]! : null;
    const track = (promise: Promise<unknown>): void => {
      inFlight[w]! += n;
      promise.then(() => { inFlight[w]! -= n; }, () => { inFlight[w]! -= n; });
    };
    if (runner && outSlots && workersTile(strip)) {
      // The worker takes the tiles out of the pixel strip in shared memory and normalizes them into
      // memory onnxruntime reads: no float batch is written here, nor copied there.
      const slot = launched % SLOTS;
      const promise = runner.predictTiles(strip.pixels!, W, C, C, th, tw, queued.map((xi) => xs[xi]!), mulK!, addK!, outSlots[slot]!, Boolean(options.mcDropout));
      promise.catch(() => undefined); // rejections surface where it is awaited
      track(promise);
      launched++;
      queue.push({ promise, queued, yi });
      while (queue.length > DEPTH) await drainOne();
    } else if (runner && inSlots && outSlots) {
      // The worker reads the batch from and writes the output into shared memory; SLOTS buffers
      // of each rotate (at most DEPTH batches wait, so a slot is free again when it comes round).
      const slot = launched % SLOTS;
      const promise = runner.predictShared(batch.subarray(0, n * tileLen), input.dims, outSlots[slot]!, Boolean(options.mcDropout));
      promise.catch(() => undefined); // rejections surface where it is awaited
      track(promise);
      launched++;
      batch = inSlots[launched % SLOTS]!;
      queue.push({ promise, queued, yi });
      while (queue.length > DEPTH) await drainOne();
    } else if (runner) {
      // The batch buffer moves to the worker without a copy; fill the next batch into a returned one.
      const promise = runner.predictTransfer(batch, n * tileLen, input.dims, Boolean(options.mcDropout));
      promise.catch(() => undefined); // rejections surface where it is awaited
      track(promise);
      launched++;
      batch = reusableBatch() ?? new Float32Array(bs * tileLen);
      queue.push({ promise, queued, yi });
      while (queue.length > DEPTH) await drainOne();
    } else {
      if (kern) {
        // onnxruntime takes no SharedArrayBuffer views: copy the batch out, and the output in for the kernels.
        if (plainBatch?.length !== n * tileLen) plainBatch = new Float32Array(n * tileLen);
        plainBatch.set(input.data);
        input.data = plainBatch;
      }
      const out = await model.predict(input, { mcDropout: options.mcDropout, signal, checkInput: false });
      checkOutput(out.data.length, out.dims, n);
      let od = out.data as Float32Array;
      if (outSlots) {
        outSlots[0]!.set(od);
        od = outSlots[0]!.subarray(0, od.length);
      }
      accumulateBatch(od, queued, yi);
    }
  };
  /** Emits the finished rows of strip `yi` (those above the next strip's start) and shifts the accumulators up. */
  const finishStrip = async (yi: number, invalid: Uint8Array | null): Promise<void> => {
    const y0 = ys[yi]!;
    const next = yi + 1 < ys.length ? ys[yi + 1]! : H;
    const rows = next - y0;
    await finalize(y0, rows, invalid);
    if (yi + 1 < ys.length) {
      const keep = th - rows;
      // (the accumulate kernel zeroes the rest as the next strip's tiles reach it)
      for (let k = 0; k < K; k++) {
        const off = k * th * W;
        acc.copyWithin(off, off + rows * W, off + th * W);
        if (!kernBlends) acc.fill(0, off + keep * W, off + th * W);
      }
      if (!(kern && classOnly)) {
        accW.copyWithin(0, rows * W, th * W);
        if (!kernBlends) accW.fill(0, keep * W);
      }
    }
  };
  let nextStrip: Promise<Strip> | null = null;
  /** Set once every batch is blended: no worker uses the kernel memory any more, and the model may keep it for the next call. */
  let finished = false;
  try {
    let cur: Strip;
    if (runnersStart) [runners, cur] = await Promise.all([runnersStart, prepareStrip(0)]);
    else cur = await prepareStrip(0);
    for (let yi = 0; yi < ys.length; yi++) {
      signal?.throwIfAborted();
      if (rawK || cur.pixels) toKernel(cur, yi);
      let queued: number[] = [];
      // The last strip's tiles go to the workers one at a time, so they finish together: with whole
      // batches one worker could run a last batch of bs tiles while the other has nothing left
      // (2048² scene, two workers: one idle for up to a batch's time, ~25 ms of a 250 ms call).
      const batchHere = runners.length > 1 && yi === ys.length - 1 ? 1 : bs;
      let launchedHere = 0;
      for (let xi = 0; xi < xs.length; xi++) {
        fillTile(cur, xs[xi]!, queued.length);
        queued.push(xi);
        if (queued.length === batchHere) {
          await launch(queued, yi, cur);
          queued = [];
          // Read the next strip while the workers run this one's batches, once each worker has one (read after
          // the first, it went before the second worker's first batch: that worker's first run began 5.3 ms into
          // a 2048² call, now 4.5; medians of 12 calls).
          if (!nextStrip && runners.length && yi + 1 < ys.length && (++launchedHere >= runners.length || xi + batchHere >= xs.length)) {
            (nextStrip = prepareStrip(yi + 1)).catch(() => undefined);
          }
        }
      }
      if (queued.length) await launch(queued, yi, cur);
      if (!nextStrip && yi + 1 < ys.length) (nextStrip = prepareStrip(yi + 1)).catch(() => undefined);
      // The strip is finished once its last batch is blended (in the worker case, later, when the
      // next strip's batches are already queued).
      const invalid = cur.invalid;
      const last = queue[queue.length - 1];
      if (last) last.after = () => finishStrip(yi, invalid);
      else await finishStrip(yi, invalid);
      if (nextStrip) {
        cur = await nextStrip;
        nextStrip = null;
      }
    }
    while (queue.length) await drainOne();
    finished = true;
  } finally {
    await nextStrip?.catch(() => undefined); // (after an error: let a started read settle)
    bar?.done();
    // after an abort or error, batches still waiting in the workers are dropped (not run for nothing)
    if (queue.length) for (const r of runners) r.dropQueued();
    if (kern) for (const r of runners) r.releaseShared(kern.buffer);
    // (after an abort or error a worker may still write an output into it: it is not reused)
    if (kern && finished) model.giveBackSceneKernels(kern);
  }
  return new ScenePrediction(classMap, probs, conf, meanR, stdR, total, (performance.now() - t0) / 1000, W, H, (card.classes ?? []).map((c) => c.color ?? ""));
}

/**
 * Adds one fully convolutional tile's K output planes, weighted, into strip accumulators
 * (classification: logits, blended before the softmax; regression with a variance head: mean and
 * exp(log-variance)).
 */
function accumulatePlanes(od: Float32Array, o: number, x0: number, wx: Float32Array, wy: Float32Array, acc: Float32Array, accW: Float32Array,
  K: number, th: number, tw: number, W: number, expSecond: boolean, wrow: Float64Array,
  firstRow: number, copyFrom: number, copyTo: number, kern: SceneKernels | null): void {
  const stride = th * tw;
  const plane = th * W;
  for (let r = 0; r < th; r++) {
    const wr = wy[r]!;
    if (wr === 0) continue;
    if (!expSecond && r >= firstRow && wr === 1 && copyFrom < copyTo) {
      // No earlier tile touched [copyFrom, tw) of this row and the weight is 1 on [copyFrom, copyTo):
      // 0 + 1·v is v, so copy those logits; blend the ramps on either side.
      const rowBase = r * W + x0;
      const pixRow = o + r * tw;
      accW.fill(1, rowBase + copyFrom, rowBase + copyTo);
      for (let k = 0; k < K; k++) {
        const s = pixRow + k * stride;
        acc.set(od.subarray(s + copyFrom, s + copyTo), k * plane + rowBase + copyFrom);
      }
      addRow(od, pixRow, wx, 1, acc, accW, rowBase, K, stride, plane, 0, copyFrom, wrow, kern);
      addRow(od, pixRow, wx, 1, acc, accW, rowBase, K, stride, plane, copyTo, tw, wrow, kern);
      continue;
    }
    const rowBase = r * W + x0;
    const pixRow = o + r * tw;
    if (expSecond) {
      for (let c = 0; c < tw; c++) {
        const w = wr * wx[c]!;
        if (w === 0) continue;
        accW[rowBase + c]! += w;
        acc[rowBase + c]! += w * od[pixRow + c]!;
        acc[plane + rowBase + c]! += w * Math.exp(od[pixRow + stride + c]!);
      }
      continue;
    }
    addRow(od, pixRow, wx, wr, acc, accW, rowBase, K, stride, plane, 0, tw, wrow, kern);
  }
}

/**
 * Adds columns [from, to) of one tile row, weighted by wr·wx[c], into the K accumulator planes:
 * the row's weights once (in double, as before), then one tight loop per plane over the columns
 * with weight (blendWeights only vanish at the tile edges).
 */
function addRow(od: Float32Array, pixRow: number, wx: Float32Array, wr: number, acc: Float32Array, accW: Float32Array, rowBase: number,
  K: number, stride: number, plane: number, from: number, to: number, wrow: Float64Array, kern: SceneKernels | null): void {
  for (let c = from; c < to; c++) wrow[c] = wr * wx[c]!;
  let c0 = from;
  let c1 = to;
  while (c0 < c1 && wrow[c0] === 0) c0++;
  while (c1 > c0 && wrow[c1 - 1] === 0) c1--;
  if (kern) {
    kern.blend(od, pixRow + c0, wrow, c0, acc, accW, rowBase + c0, K, stride, plane, c1 - c0);
    return;
  }
  for (let c = c0; c < c1; c++) accW[rowBase + c]! += wrow[c]!;
  for (let k = 0; k < K; k++) {
    const a = k * plane + rowBase;
    const s = pixRow + k * stride;
    for (let c = c0; c < c1; c++) acc[a + c]! += wrow[c]! * od[s + c]!;
  }
}

/** Adds one patch prediction (K values, or mean and log-variance), weighted, over the patch footprint. */
function accumulatePatch(od: Float32Array, o: number, x0: number, wx: Float32Array, wy: Float32Array, acc: Float32Array, accW: Float32Array,
  K: number, th: number, tw: number, W: number, expSecond: boolean): void {
  const plane = th * W;
  for (let r = 0; r < th; r++) {
    const wr = wy[r]!;
    if (wr === 0) continue;
    for (let c = 0; c < tw; c++) {
      const w = wr * wx[c]!;
      if (w === 0) continue;
      const ai = r * W + x0 + c;
      accW[ai]! += w;
      acc[ai]! += w * od[o]!;
      if (expSecond) acc[plane + ai]! += w * Math.exp(od[o + 1]!);
      else for (let k = 1; k < K; k++) acc[k * plane + ai]! += w * od[o + k]!;
    }
  }
}

/** Turns accumulated sums of `n` finished pixels into outputs (class, probabilities, confidence, mean, std). */
function finalizeRows(acc: Float32Array, accW: Float32Array, invalidOrNull: Uint8Array | null, n: number, K: number, plane: number, isReg: boolean,
  sc: Uint8Array | null, sp: Float32Array[] | null, sf: Float32Array | null, sm: Float32Array | null, ss: Float32Array | null,
  scratch: Float32Array | null, kernClasses: ((n: number) => Uint8Array) | null): void {
  if (!isReg && !sp && !sf && !sm && !ss) {
    // class only: argmax of the blended logits (the weight is common to all classes)
    if (!sc) return;
    if (kernClasses) {
      sc.set(kernClasses(n).subarray(0, n));
      if (invalidOrNull) for (let i = 0; i < n; i++) if (invalidOrNull[i]) sc[i] = 255;
      return;
    }
    // plane by plane
    const m = (scratch ?? new Float32Array(n)).subarray(0, n);
    m.set(acc.subarray(0, n));
    sc.fill(0);
    for (let k = 1; k < K; k++) {
      const off = k * plane;
      for (let i = 0; i < n; i++) {
        const z = acc[off + i]!;
        if (z > m[i]!) {
          m[i] = z;
          sc[i] = k;
        }
      }
    }
    if (invalidOrNull) for (let i = 0; i < n; i++) if (invalidOrNull[i]) sc[i] = 255;
    return;
  }
  const invalid = invalidOrNull ?? new Uint8Array(n);
  const e = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const w = accW[i]!;
    if (invalid[i]) {
      if (sc) sc[i] = 255;
      if (sp) for (let k = 0; k < K; k++) sp[k]![i] = NaN;
      if (sf) sf[i] = NaN;
      if (sm) sm[i] = NaN;
      if (ss) ss[i] = NaN;
      continue;
    }
    if (isReg) {
      if (sm) sm[i] = acc[i]! / w;
      if (ss) ss[i] = Math.sqrt(acc[plane + i]! / w);
    } else if (!sp && !sf) {
      // class only: argmax of the blended logits (the weight is common to all classes)
      let best = 0;
      let m = acc[i]!;
      for (let k = 1; k < K; k++) {
        const z = acc[k * plane + i]!;
        if (z > m) {
          m = z;
          best = k;
        }
      }
      if (sc) sc[i] = best;
    } else {
      // softmax of the blended logits
      let best = 0;
      let m = -Infinity;
      for (let k = 0; k < K; k++) {
        const z = acc[k * plane + i]! / w;
        e[k] = z;
        if (z > m) {
          m = z;
          best = k;
        }
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += e[k] = Math.exp(e[k]! - m);
      const bp = 1 / sum;
      if (sp) for (let k = 0; k < K; k++) sp[k]![i] = e[k]! / sum;
      if (sc) sc[i] = best;
      if (sf) sf[i] = bp;
    }
  }
}

/**
 * out[base + r·tw + c] = f32(f32(raw[r·W + x0 + c] · mul) + add) for a th×tw tile, mul and add
 * rounded to f32 (as SceneKernels.normalize computes it; one monomorphic loop per source array type).
 */
function normalizeRows(raw: ArrayLike<number>, x0: number, W: number, out: Float32Array, base: number, th: number, tw: number, mul64: number, add64: number): void {
  const mul = Math.fround(mul64);
  const add = Math.fround(add64);
  if (raw instanceof Uint8Array) {
    for (let r = 0; r < th; r++) {
      const i0 = r * W + x0;
      const o = base + r * tw;
      for (let c = 0; c < tw; c++) out[o + c] = Math.fround(raw[i0 + c]! * mul) + add;
    }
  } else if (raw instanceof Uint16Array) {
    for (let r = 0; r < th; r++) {
      const i0 = r * W + x0;
      const o = base + r * tw;
      for (let c = 0; c < tw; c++) out[o + c] = Math.fround(raw[i0 + c]! * mul) + add;
    }
  } else if (raw instanceof Float32Array) {
    for (let r = 0; r < th; r++) {
      const i0 = r * W + x0;
      const o = base + r * tw;
      for (let c = 0; c < tw; c++) out[o + c] = Math.fround(raw[i0 + c]! * mul) + add;
    }
  } else {
    for (let r = 0; r < th; r++) {
      const i0 = r * W + x0;
      const o = base + r * tw;
      for (let c = 0; c < tw; c++) out[o + c] = Math.fround(raw[i0 + c]! * mul) + add;
    }
  }
}

/**
 * The standard normal quantile function Φ⁻¹(p) (Acklam's rational approximation, relative error
 * below 1.2e-9 over (0, 1)).
 */
function gaussianQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  return x;
}

/**
 * Per-pixel Gaussian prediction intervals `mean ± z·std` (z = Φ⁻¹((1 + level) / 2)) from a
 * regression prediction with a variance head.
 * @param prediction a {@link ScenePrediction} with `mean` and `std`
 * @param level coverage of the interval; default 0.95
 * @throws {ModelInputError} when the prediction has no mean or std
 * @example
 * ```ts
 * const pred = await predictScene(regressor, scene);
 * const { lower, upper } = predictionInterval(pred, 0.9);
 * ```
 */
export function predictionInterval(prediction: ScenePrediction, level = 0.95): { lower: Raster; upper: Raster; z: number } {
  const { mean, std } = prediction;
  if (!mean || !std) throw new ModelInputError("predictionInterval needs a regression prediction with both mean and std (a model with a variance head, outputs [\"mean\", \"std\"]).", ["mean", "std"], [mean ? "mean" : null, std ? "std" : null]);
  if (!(level > 0 && level < 1)) throw new ModelInputError(`level must be between 0 and 1, got ${level}.`, "(0, 1)", level);
  const z = gaussianQuantile((1 + level) / 2);
  const m = mean.band(1) as Float32Array;
  const s = std.band(1) as Float32Array;
  const lo = new Float32Array(m.length);
  const hi = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) {
    lo[i] = m[i]! - z * s[i]!;
    hi[i] = m[i]! + z * s[i]!;
  }
  const geo = { width: mean.width, height: mean.height, dtype: "float32" as const, transform: mean.transform, crs: mean.crs, nodata: NaN };
  const pct = `${(level * 100).toFixed(0)}%`;
  return {
    lower: new Raster({ ...geo, bands: [lo], descriptions: [`${mean.descriptions[0] ?? "value"} lower ${pct}`] }),
    upper: new Raster({ ...geo, bands: [hi], descriptions: [`${mean.descriptions[0] ?? "value"} upper ${pct}`] }),
    z,
  };
}
