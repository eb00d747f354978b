/**
 * Whole-scene uncertainty maps: MC dropout or test-time augmentation over every tile of a scene,
 * strip by strip (bounded memory), with the per-pixel measures as georeferenced rasters.
 * Patch classifiers give each patch's measures to its pixels; dense models (segmentation,
 * pixel regression) give per-pixel measures. Tiles do not overlap (the last row/column of tiles
 * is flush with the scene edge).
 * @module
 */
import type { Predictor, Tensor } from "../model/tensor.js";
import type { ModelCard } from "../model/card.js";
import { rasterToTensor, selectBands } from "../model/prepare.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, htmlTable, stats, textTable } from "./html.js";
import { classificationMeasures, regressionMeasures } from "./measures.js";
import { mcDropout, testTimeAugmentation, type PredictiveDistribution } from "./predictive.js";
import { reporter, type ReportingOptions } from "./reporter.js";
import type { Augmentation } from "./tensor-ops.js";

/** Options of {@link sceneUncertainty}. */
export interface SceneUncertaintyOptions extends ReportingOptions {
  /** `"mc-dropout"` (default) or `"tta"` (test-time augmentation). */
  method?: "mc-dropout" | "tta";
  /** MC samples; default 20. */
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
   * `epistemicStd`, `totalStd`, `lower`, `upper`.
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
      const s = stats(Array.from(r.band(1)).filter((v) => Number.isFinite(v)));
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
  const card = (predictor as { card?: ModelCard }).card;
  const patch = card?.input.patchSize ?? null;
  const t = options.tileSize ?? patch?.[0] ?? 64;
  if (patch && (patch[0] !== t || patch[1] !== t)) {
    throw new UncertaintyInputError(`This model takes ${patch[0]}×${patch[1]} patches; tileSize ${t} cannot be used.`);
  }
  const W = source.width, H = source.height;
  if (t > W || t > H) throw new UncertaintyInputError(`The scene (${W}×${H}) is smaller than one ${t}×${t} tile.`);
  const bands = options.bands ?? (card ? selectBands(source, card) : Array.from({ length: source.count }, (_, i) => i + 1));
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
    const strip = await source.read({ window: { col: 0, row: y0, width: W, height: t }, bands, ...(options.signal ? { signal: options.signal } : {}) });
    const x = prepare(strip);
    const C = x.dims[1]!;
    const N = xs.length;
    const batch = new Float32Array(N * C * t * t);
    xs.forEach((x0, n) => {
      for (let c = 0; c < C; c++) for (let r = 0; r < t; r++) {
        const src = c * t * W + r * W + x0;
        batch.set(x.data.subarray(src, src + t), ((n * C + c) * t + r) * t);
      }
    });
    yield { row: y0, cols: xs, size: t, coreRows: core(y0, t, H, halo), coreCols, input: { data: batch, dims: [N, C, t, t] }, strips: ys.length };
  }
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
    ...(options.tileSize ? { tileSize: options.tileSize } : {}), ...(options.halo !== undefined ? { halo: options.halo } : {}),
    ...(options.bands ? { bands: options.bands } : {}),
    ...(options.prepare ? { prepare: options.prepare } : {}), ...(options.signal ? { signal: options.signal } : {}),
  };
  for await (const { row: y0, cols: xs, size: t, input, strips, coreRows, coreCols } of sceneTiles(predictor, source, tileOpts)) {
    rep ??= reporter(options, `scene ${method}`, strips);
    const N = xs.length;
    tiles += N;
    const common = { task, maxBatch: options.maxBatch ?? 1024, progress: false as const, ...(options.signal ? { signal: options.signal } : {}), ...(classes ? { classes } : {}) };
    const dist: PredictiveDistribution = method === "tta"
      ? await testTimeAugmentation(predictor, input, { ...common, ...(options.augmentations ? { augmentations: options.augmentations } : {}) })
      : await mcDropout(predictor, input, { ...common, samples: S, seed });
    seed = null;
    const dense = dist.samples.dims.length === 5;
    const write = (name: string, data: Float32Array | Int32Array, channels: number) => {
      for (let k = 0; k < channels; k++) {
        const key = channels === 1 ? name : `${name}:${k}`;
        const dst = (out[key] ??= new Float32Array(P).fill(NaN));
        xs.forEach((x0, n) => {
          for (let r = coreRows[0]; r < coreRows[1]; r++) for (let c = coreCols[n]![0]; c < coreCols[n]![1]; c++) {
            dst[(y0 + r) * W + x0 + c] = dense ? data[((n * channels + k) * t + r) * t + c]! : data[n * channels + k]!;
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
          pr[(y0 + r) * W + x0 + c] = dense ? m.predicted.data[(n * t + r) * t + c]! : m.predicted.data[n]!;
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
  const geo = { transform: source.transform, crs: source.crs };
  const rasters: Record<string, Raster> = {};
  if (task === "classification") {
    rasters.mean = new Raster({ width: W, height: H, dtype: "float32", bands: Array.from({ length: K }, (_, k) => out[`mean:${k}`]!), descriptions: classes ? [...classes] : [], ...geo });
    rasters.predicted = new Raster({ width: W, height: H, dtype: "int32", bands: [predicted!], descriptions: ["predicted class"], ...geo });
    for (const f of ["confidence", "predictiveEntropy", "expectedEntropy", "mutualInformation", "std"]) rasters[f] = new Raster({ width: W, height: H, dtype: "float32", bands: [out[f]!], descriptions: [f], ...geo });
  } else {
    for (const f of ["mean", "aleatoricStd", "epistemicStd", "totalStd", "lower", "upper"]) rasters[f] = new Raster({ width: W, height: H, dtype: "float32", bands: [out[f]!], descriptions: [f], ...geo });
  }
  const label = method === "tta" ? "Test-time augmentation" : `MC dropout (${S} samples, seed ${options.seed ?? 0})`;
  return new SceneUncertainty(rasters, label, tiles, (performance.now() - t0) / 1000);
}
