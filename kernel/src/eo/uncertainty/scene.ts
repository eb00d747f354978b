/**
 * Whole-scene uncertainty maps: MC dropout or test-time augmentation over every tile of a scene,
 * strip by strip (bounded memory), with the per-pixel measures as georeferenced rasters.
 * Patch classifiers give each patch's measures to its pixels; dense models (segmentation,
 * pixel regression) give per-pixel measures. Tiles do not overlap (the last row/column of tiles
 * is flush with the scene edge). Nodata pixels (any band equal to its nodata value, or NaN) are fed
 * to the model as 0 and get no result: NaN in the maps, -1 in `predicted` (the rasters' nodata).
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import type { ModelCard } from "../model/card.js";
import { rasterToTensor, selectBands } from "../model/prepare.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, stats, textTable } from "./html.js";
import { describeValue } from "../../util/describe-value.js";
import { classificationMeasures, regressionMeasures } from "./measures.js";
import { mcDropout, testTimeAugmentation, type PredictiveDistribution } from "./predictive.js";
import { reporter, reportingOptionsProblem, type ReportingOptions } from "./reporter.js";
import type { Augmentation } from "./tensor-ops.js";

/** Options of {@link sceneUncertainty}. */
export interface SceneUncertaintyOptions extends ReportingOptions {
  /** `"mc-dropout"` (default) or `"tta"` (test-time augmentation). */
  method?: "mc-dropout" | "tta";
  /** MC samples; default 20 (at most {@link MAX_MC_SAMPLE_VALUES} values per strip, see {@link mcDropout}). */
  samples?: number;
  /** Seed of the MC passes, given to the first pass of the first strip; later strips continue the stream. Default 0. */
  seed?: number;
  /** TTA augmentations; default all six. */
  augmentations?: readonly Augmentation[];
  /** `"classification"` (default; also segmentation) or `"regression"`; default from the card's task. */
  task?: "classification" | "regression";
  /** Tile edge: the card's patch size for patch models, else 64. */
  tileSize?: number;
  /** Receptive-field halo of fully convolutional models (tiles overlap by 2·halo, no seams); default the card's. */
  halo?: number;
  /** Bands of the source to feed, 1-based; default `selectBands(source, card)` or all bands. */
  bands?: number[];
  /**
   * Turns a tile raster (bands already selected) into the model's normalized 1×C×H×W input.
   * Default: the card's normalization when the predictor has a card, else the raw values.
   */
  prepare?: (tile: Raster) => Tensor;
  /** Class names; default from the card. */
  classes?: readonly string[];
  /** Interval level for regression; default 0.9. */
  level?: number;
  /** Maximum items per forward pass; default 1024. */
  maxBatch?: number;
  signal?: AbortSignal;
}

/**
 * Per-pixel uncertainty rasters of a whole scene.
 * @example
 * ```ts
 * const u = await sceneUncertainty(model, scene, { samples: 20 });
 * u.rasters.predictiveEntropy;
 * ```
 */
export class SceneUncertainty {
  /**
   * Classification: `mean` (K bands), `predicted`, `confidence`, `predictiveEntropy`,
   * `expectedEntropy`, `mutualInformation`, `std`. Regression: `mean`, `aleatoricStd`,
   * `epistemicStd`, `totalStd`, `lower`, `upper`. Nodata pixels of the scene are NaN (`predicted`: -1),
   * the rasters' nodata value.
   */
  readonly rasters: Record<string, Raster>;
  readonly method: string;
  readonly tiles: number;
  readonly seconds: number;

  constructor(rasters: Record<string, Raster>, method: string, tiles: number, seconds: number) {
    this.rasters = rasters;
    this.method = method;
    this.tiles = tiles;
    this.seconds = seconds;
  }

  [DISPLAY](): Record<string, string> {
    const first = Object.values(this.rasters)[0]!;
    const cap = `${this.method} over a ${first.width}×${first.height} scene: ${this.tiles} tiles in ${this.seconds.toFixed(2)} s`;
    const rows = Object.entries(this.rasters).filter(([k]) => k !== "mean" || first.count === 1).map(([k, r]) => {
      const s = stats(Array.from(r.band(1)).filter((v) => Number.isFinite(v) && v !== r.nodata[0]));
      return [k, s.min, s.mean, s.max] as (string | number)[];
    });
    return { "text/plain": textTable(cap, ["map", "min", "mean", "max"], rows), "text/html": htmlTable(cap, ["map", "min", "mean", "max"], rows) };
  }
}

function starts(size: number, t: number, step = t): number[] {
  const out: number[] = [];
  for (let s = 0; s + t <= size; s += step) out.push(s);
  if (out.length === 0 || out[out.length - 1]! + t < size) out.push(Math.max(0, size - t));
  return out;
}

/** The part `[from, to)` of a tile starting at `s` (edge `t`) whose results are kept, given the halo. */
function core(s: number, t: number, size: number, halo: number): readonly [number, number] {
  return [s === 0 ? 0 : halo, s + t >= size ? t : t - halo];
}

/** Options of {@link sceneTiles}. */
export interface SceneTilesOptions {
  /** Tile edge: the card's patch size for patch models, else 64. */
  tileSize?: number;
  /**
   * Fully convolutional models: context pixels each output pixel depends on. Tiles then overlap by
   * 2·halo and each tile's result is used only in its core (the tile minus `halo` on inner sides),
   * so there are no seams. Default: the card's `input.halo` for models without a fixed patch size, else 0.
   */
  halo?: number;
  /** Bands of the source to feed, 1-based; default `selectBands(source, card)` or all bands. */
  bands?: number[];
  /** Turns a tile raster into the model's normalized 1×C×H×W input; default the card's normalization. */
  prepare?: (tile: Raster) => Tensor;
  signal?: AbortSignal;
}

/** One strip of tiles of a scene, ready for the model. */
export interface SceneTileStrip {
  /** Scene row of the strip's top. */
  row: number;
  /** Scene columns of the tiles. */
  cols: number[];
  /** Tile edge. */
  size: number;
  /** Rows `[from, to)` of this strip's tiles whose results are used (tile coordinates). */
  coreRows: readonly [number, number];
  /** Per tile: columns `[from, to)` whose results are used (tile coordinates). */
  coreCols: readonly (readonly [number, number])[];
  /** `N×C×size×size` normalized tiles, one per column. */
  input: Tensor;
  /**
   * Per tile pixel (`N×size×size`): 0 where the source is nodata (any band equal to its nodata
   * value, or NaN; fed to the model as 0 in every channel), 1 elsewhere. Absent when the strip has no nodata.
   */
  valid?: Uint8Array;
  /** Number of strips in the scene. */
  strips: number;
}

/**
 * Cuts a scene into non-overlapping model tiles, one strip at a time (the last row/column of tiles
 * flush with the edge): reads only `size` rows per strip and normalizes them for the model.
 * @example
 * ```ts
 * for await (const strip of sceneTiles(model, scene)) console.log(strip.row, strip.input.dims);
 * ```
 */
export async function* sceneTiles(predictor: Predictor, source: RasterSourceLike, options: SceneTilesOptions = {}): AsyncGenerator<SceneTileStrip> {
  checkSceneInputs(predictor, source, options, "sceneTiles");
  const card = (predictor as { card?: ModelCard }).card;
  const patch = card?.input.patchSize ?? null;
  const t = options.tileSize ?? patch?.[0] ?? 64;
  if (patch && (patch[0] !== t || patch[1] !== t)) {
    throw new UncertaintyInputError(`This model takes ${patch[0]}×${patch[1]} patches; tileSize ${t} cannot be used.`);
  }
  const W = source.width, H = source.height;
  if (t > W || t > H) throw new UncertaintyInputError(`The scene (${W}×${H}) is smaller than one ${t}×${t} tile.`);
  const bands = options.bands ?? (card ? selectBands(source, card) : Array.from({ length: source.count }, (_, i) => i + 1));
  const bad = bands.findIndex((b) => !(Number.isInteger(b) && b >= 1 && b <= source.count));
  if (bad >= 0) {
    throw new UncertaintyInputError(
      `bands[${bad}] is ${describeValue(bands[bad])}, not a band of the scene: give 1-based band numbers in 1..${source.count}, e.g. [1, 2, 3].`, { bands },
    );
  }
  const prepare = options.prepare ?? (card ? (r: Raster) => rasterToTensor(r, card) : (r: Raster) => {
    const data = new Float32Array(r.count * r.width * r.height);
    for (let b = 0; b < r.count; b++) data.set(Float32Array.from(r.band(b + 1)), b * r.width * r.height);
    return { data, dims: [1, r.count, r.height, r.width] };
  });
  const halo = options.halo ?? (patch ? 0 : card?.input.halo ?? 0);
  if (!(Number.isInteger(halo) && halo >= 0 && 2 * halo < t)) {
    throw new UncertaintyInputError(`halo ${halo} does not fit ${t}×${t} tiles: use a halo below ${Math.ceil(t / 2)} or larger tiles.`);
  }
  const xs = starts(W, t, t - 2 * halo), ys = starts(H, t, t - 2 * halo);
  const coreCols = xs.map((x0) => core(x0, t, W, halo));
  for (const y0 of ys) {
    options.signal?.throwIfAborted();
    const strip = await source.read({ window: { col: 0, row: y0, width: W, height: t }, bands, cache: true, ...(options.signal ? { signal: options.signal } : {}) });
    const mask = nodataMask(strip);
    const x = prepare(strip);
    const C = checkPrepared(x, t, W);
    const P = t * W;
    for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) {
      if (mask && !mask[p]) x.data[c * P + p] = 0;
      else if (!Number.isFinite(x.data[c * P + p]!)) {
        throw new UncertaintyInputError(
          `prepare returned ${x.data[c * P + p]} for channel ${c} at scene row ${y0 + Math.floor(p / W)}, col ${p % W}, a pixel that is not nodata in the source: ` +
            "the model's input must be finite. Fix the normalization, or set that value as the band's nodata.",
          { channel: c, row: y0 + Math.floor(p / W), col: p % W },
        );
      }
    }
    const N = xs.length;
    const batch = new Float32Array(N * C * t * t);
    const valid = mask ? new Uint8Array(N * t * t) : undefined;
    xs.forEach((x0, n) => {
      for (let c = 0; c < C; c++) for (let r = 0; r < t; r++) {
        const src = c * t * W + r * W + x0;
        batch.set(x.data.subarray(src, src + t), ((n * C + c) * t + r) * t);
      }
      if (valid) for (let r = 0; r < t; r++) valid.set(mask!.subarray(r * W + x0, r * W + x0 + t), (n * t + r) * t);
    });
    yield {
      row: y0, cols: xs, size: t, coreRows: core(y0, t, H, halo), coreCols, input: { data: batch, dims: [N, C, t, t] }, strips: ys.length,
      ...(valid ? { valid } : {}),
    };
  }
}

/** Per pixel of a strip: 1 valid, 0 nodata (any band equal to its nodata value, or NaN); null when every pixel is valid. */
function nodataMask(strip: Raster): Uint8Array | null {
  const P = strip.width * strip.height;
  let mask: Uint8Array | null = null;
  for (let b = 1; b <= strip.count; b++) {
    const v = strip.band(b), nd = strip.nodata[b - 1];
    for (let p = 0; p < P; p++) {
      const x = v[p]!;
      if (x !== x || (nd !== null && nd !== undefined && x === nd)) (mask ??= new Uint8Array(P).fill(1))[p] = 0;
    }
  }
  return mask;
}

/** Checks what `prepare` returned for a strip of `t` rows × `W` columns; returns its channel count. */
function checkPrepared(x: unknown, t: number, W: number): number {
  const v = x as Tensor;
  if (v === null || typeof v !== "object" || !Array.isArray(v.dims) || !(v.data instanceof Float32Array)) {
    throw new UncertaintyInputError(`prepare must return a tensor { data: Float32Array, dims: [1, C, ${t}, ${W}] } for a ${W}×${t} strip, got ${describeValue(x)}.`);
  }
  const C = v.dims[1]!;
  if (v.dims.length !== 4 || v.dims[0] !== 1 || !(Number.isInteger(C) && C >= 1) || v.dims[2] !== t || v.dims[3] !== W || v.data.length !== C * t * W) {
    throw new UncertaintyInputError(
      `prepare returned dims [${v.dims.join(", ")}] with ${v.data.length} values for a ${W}×${t} strip of the scene; it must return 1×C×${t}×${W} ` +
        "(the whole strip, C bands, normalized as the model expects).",
      { dims: v.dims },
    );
  }
  return C;
}

/**
 * Checks the model, the scene and the tiling options of {@link sceneTiles} (and the scene functions built on it).
 * @throws {UncertaintyInputError} naming the argument and what to pass.
 */
function checkSceneInputs(predictor: unknown, source: unknown, options: SceneTilesOptions, fn: string): asserts source is RasterSourceLike {
  if (predictor === null || typeof predictor !== "object" || typeof (predictor as Predictor).predict !== "function") {
    throw new UncertaintyInputError(`${fn} needs a model (an object with a predict() method, e.g. from loadModel()), got ${describeValue(predictor)}.`);
  }
  const s = source as RasterSourceLike;
  if (s === null || typeof s !== "object" || typeof s.read !== "function" || !(Number.isInteger(s.width) && Number.isInteger(s.height) && Number.isInteger(s.count))) {
    const tensor = s !== null && typeof s === "object" && "dims" in s && "data" in s;
    throw new UncertaintyInputError(
      `${fn} needs a scene: an opened raster (openRaster()) or a Raster, got ${describeValue(source)}` +
        `${tensor ? " (a tensor: for a batch of patches use mcDropout(), testTimeAugmentation() or deepEnsemble())" : ""}.`,
    );
  }
  if (s.dtype.startsWith("c")) {
    throw new UncertaintyInputError(`The scene is ${s.dtype} (complex); the model needs real values. Convert it first, e.g. intensity(await scene.read()).`, { dtype: s.dtype });
  }
  if (options === null || typeof options !== "object") throw new UncertaintyInputError(`options must be an object such as { tileSize: 64 }, got ${describeValue(options)}.`);
  if (options.tileSize !== undefined && !(typeof options.tileSize === "number" && Number.isInteger(options.tileSize) && options.tileSize >= 1)) {
    throw new UncertaintyInputError(`tileSize must be a positive integer (tile edge in pixels), got ${describeValue(options.tileSize)}.`, { tileSize: options.tileSize });
  }
  if (options.bands !== undefined && (!Array.isArray(options.bands) || options.bands.length === 0)) {
    throw new UncertaintyInputError(`bands must be a non-empty array of 1-based band numbers such as [1, 2, 3], got ${describeValue(options.bands)}.`);
  }
  if (options.prepare !== undefined && typeof options.prepare !== "function") {
    throw new UncertaintyInputError(`prepare must be a function (strip: Raster) => Tensor, got ${describeValue(options.prepare)}.`);
  }
  checkSignal(options.signal);
}

/** Checks an optional abort signal. */
function checkSignal(signal: unknown): void {
  const problem = reportingOptionsProblem({ signal });
  if (problem) throw new UncertaintyInputError(problem);
}

/**
 * Runs MC dropout (or TTA) over every tile of a scene and returns per-pixel uncertainty rasters,
 * georeferenced like the source.
 * @param predictor the model (a loaded model with a card, or any Predictor with `prepare`)
 * @param source the scene (an opened file or an in-memory Raster)
 * @example
 * ```ts
 * const model = await loadModel("data/models/olinda-patch-classifier.onnx");
 * const scene = await openRaster("data/olinda/L7_ETMs.tif");
 * const u = await sceneUncertainty(model, scene, { samples: 20 });
 * u.rasters.mutualInformation; // a map layer
 * ```
 */
export async function sceneUncertainty(predictor: Predictor, source: RasterSourceLike, options: SceneUncertaintyOptions = {}): Promise<SceneUncertainty> {
  const t0 = performance.now();
  checkSceneInputs(predictor, source, options, "sceneUncertainty");
  if (options.method !== undefined && options.method !== "mc-dropout" && options.method !== "tta") {
    throw new UncertaintyInputError(`method must be "mc-dropout" or "tta" (test-time augmentation), got ${describeValue(options.method)}.`, { method: options.method });
  }
  if (options.samples !== undefined && !(typeof options.samples === "number" && Number.isInteger(options.samples) && options.samples >= 1)) {
    throw new UncertaintyInputError(`samples must be a positive integer, got ${describeValue(options.samples)}.`, { samples: options.samples });
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new UncertaintyInputError(`onProgress must be a function ({ done, total }) => void, got ${describeValue(options.onProgress)}.`);
  }
  // options of the other method would be ignored without a word
  if (options.method === "tta") {
    const mc = (["samples", "seed"] as const).filter((k) => options[k] !== undefined);
    if (mc.length) {
      throw new UncertaintyInputError(`${mc.join(" and ")} ${mc.length > 1 ? "are" : "is"} for method "mc-dropout"; test-time augmentation runs one pass per augmentation (choose them with augmentations). Leave ${mc.length > 1 ? "them" : "it"} out, or use method "mc-dropout".`, { method: "tta", ...Object.fromEntries(mc.map((k) => [k, options[k]])) });
    }
  } else if (options.augmentations !== undefined) {
    throw new UncertaintyInputError(`augmentations are for method "tta" (test-time augmentation); MC dropout draws samples (choose how many with samples). Add method: "tta", or leave augmentations out.`, { method: options.method ?? "mc-dropout" });
  }
  const card = (predictor as { card?: ModelCard }).card;
  const W = source.width, H = source.height;
  const task = options.task ?? (card?.task === "regression" ? "regression" : "classification");
  const classes = options.classes ?? card?.classes?.map((c) => c.name);
  const method = options.method ?? "mc-dropout";
  const P = W * H;
  const out: Record<string, Float32Array> = {};
  let K = 0;
  let predicted: Int32Array | undefined;
  let rep: ReturnType<typeof reporter> | undefined;
  let seed: number | null = options.seed ?? 0;
  const S = options.samples ?? 20;
  let tiles = 0;
  const tileOpts: SceneTilesOptions = {
    ...(options.tileSize !== undefined ? { tileSize: options.tileSize } : {}), ...(options.halo !== undefined ? { halo: options.halo } : {}),
    ...(options.bands ? { bands: options.bands } : {}),
    ...(options.prepare ? { prepare: options.prepare } : {}), ...(options.signal ? { signal: options.signal } : {}),
  };
  for await (const { row: y0, cols: xs, size: t, input, strips, coreRows, coreCols, valid } of sceneTiles(predictor, source, tileOpts)) {
    rep ??= reporter(options, `scene ${method}`, strips);
    const N = xs.length;
    tiles += N;
    const common = { task, maxBatch: options.maxBatch ?? 1024, progress: false as const, ...(options.signal ? { signal: options.signal } : {}), ...(classes ? { classes } : {}) };
    const dist: PredictiveDistribution = method === "tta"
      ? await testTimeAugmentation(predictor, input, { ...common, ...(options.augmentations ? { augmentations: options.augmentations } : {}) })
      : await mcDropout(predictor, input, { ...common, samples: S, seed }).catch((e: unknown) => {
        // mcDropout's memory refusal speaks of batches; here the batch is a strip of tiles.
        const d = e instanceof UncertaintyInputError ? e.details : {};
        if (typeof d.budget !== "number" || typeof d.perItem !== "number") throw e;
        const fit = Math.floor((d.budget as number) / 4 / (N * (d.perItem as number)));
        throw new UncertaintyInputError(
          `${S} MC samples of a strip of ${N} ${t}×${t} tiles (${d.perItem} output values each) need ${((d.bytes as number) / 2 ** 30).toFixed(1)} GiB, ` +
            `over MC dropout's budget of ${((d.budget as number) / 2 ** 30).toFixed(0)} GiB; ` +
            `${fit >= 1 ? `use at most ${fit} samples` : "use a smaller tileSize"}${(d.perItem as number) >= t * t && fit >= 1 ? ", or a smaller tileSize" : ""}.`,
          { ...d, tiles: N },
        );
      });
    seed = null;
    const dense = dist.samples.dims.length === 5;
    const write = (name: string, data: Float32Array | Int32Array, channels: number) => {
      for (let k = 0; k < channels; k++) {
        const key = channels === 1 ? name : `${name}:${k}`;
        const dst = (out[key] ??= new Float32Array(P).fill(NaN));
        xs.forEach((x0, n) => {
          for (let r = coreRows[0]; r < coreRows[1]; r++) for (let c = coreCols[n]![0]; c < coreCols[n]![1]; c++) {
            dst[(y0 + r) * W + x0 + c] = valid && !valid[(n * t + r) * t + c] ? NaN : dense ? data[((n * channels + k) * t + r) * t + c]! : data[n * channels + k]!;
          }
        });
      }
    };
    if (task === "classification") {
      const m = classificationMeasures(dist.samples);
      K = dist.samples.dims[2]!;
      write("mean", m.mean.data, K);
      const pr = (predicted ??= new Int32Array(P));
      xs.forEach((x0, n) => {
        for (let r = coreRows[0]; r < coreRows[1]; r++) for (let c = coreCols[n]![0]; c < coreCols[n]![1]; c++) {
          pr[(y0 + r) * W + x0 + c] = valid && !valid[(n * t + r) * t + c] ? -1 : dense ? m.predicted.data[(n * t + r) * t + c]! : m.predicted.data[n]!;
        }
      });
      for (const f of ["confidence", "predictiveEntropy", "expectedEntropy", "mutualInformation", "std"] as const) write(f, m[f].data, 1);
    } else {
      const r = regressionMeasures(dist.samples, { level: options.level ?? 0.9 });
      for (const f of ["mean", "aleatoricStd", "epistemicStd", "totalStd", "lower", "upper"] as const) write(f, r[f].data, 1);
    }
    rep.tick();
  }
  rep?.done();
  const geo = { transform: source.transform, crs: source.crs, nodata: NaN };
  const rasters: Record<string, Raster> = {};
  if (task === "classification") {
    rasters.mean = new Raster({ width: W, height: H, dtype: "float32", bands: Array.from({ length: K }, (_, k) => out[`mean:${k}`]!), descriptions: classes ? [...classes] : [], ...geo });
    rasters.predicted = new Raster({ width: W, height: H, dtype: "int32", bands: [predicted!], descriptions: ["predicted class"], ...geo, nodata: -1 });
    for (const f of ["confidence", "predictiveEntropy", "expectedEntropy", "mutualInformation", "std"]) rasters[f] = new Raster({ width: W, height: H, dtype: "float32", bands: [out[f]!], descriptions: [f], ...geo });
  } else {
    for (const f of ["mean", "aleatoricStd", "epistemicStd", "totalStd", "lower", "upper"]) rasters[f] = new Raster({ width: W, height: H, dtype: "float32", bands: [out[f]!], descriptions: [f], ...geo });
  }
  const label = method === "tta" ? "Test-time augmentation" : `MC dropout (${S} samples, seed ${options.seed ?? 0})`;
  return new SceneUncertainty(rasters, label, tiles, (performance.now() - t0) / 1000);
}
