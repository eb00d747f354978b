/**
 * Whole-scene band-group attribution: band-group ablation on every model tile (patch) of a
 * scene, strip by strip, as a georeferenced raster with one band per group (each tile's pixels
 * get the tile's value). Nodata pixels of the scene (any band equal to its nodata value, or NaN) are
 * fed to the model as 0 and are NaN in the maps (the raster's nodata).
 * @module
 */
import type { Predictor } from "../model/tensor.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { DISPLAY, htmlTable, svgBars, textTable } from "../uncertainty/html.js";
import { describeValue } from "../../util/describe-value.js";
import { reporter } from "../uncertainty/reporter.js";
import { sceneTiles, type SceneTilesOptions } from "../uncertainty/scene.js";
import { bandGroupAblation, type BandAblationOptions } from "./ablation.js";
import { ExplainInputError } from "./errors.js";
import { checkExplainOptions } from "./target.js";

/** Options of {@link sceneBandGroupAblation}: those of {@link bandGroupAblation} plus tiling. */
export interface SceneBandAblationOptions extends Omit<BandAblationOptions, "target">, SceneTilesOptions {
  /** A class index for every tile, or `"predicted"` (default: each tile's predicted class). */
  target?: number | "predicted";
}

/**
 * Band-group importance maps of a scene.
 * @example
 * ```ts
 * const imp = await sceneBandGroupAblation(model, scene, { bandNames, groups });
 * imp.raster.band(1); // importance of the first group
 * ```
 */
export class SceneGroupAttribution {
  /** One band per group (descriptions = group names), float32, georeferenced like the scene. */
  readonly raster: Raster;
  readonly groups: readonly string[];
  /** Scene mean per group (over the pixels that are not nodata). */
  readonly mean: Record<string, number>;
  readonly tiles: number;
  readonly seconds: number;

  constructor(raster: Raster, groups: readonly string[], mean: Record<string, number>, tiles: number, seconds: number) {
    this.raster = raster; this.groups = groups; this.mean = mean; this.tiles = tiles; this.seconds = seconds;
  }

  [DISPLAY](): Record<string, string> {
    const cap = `Band-group ablation over a ${this.raster.width}×${this.raster.height} scene: ${this.tiles} tiles in ${this.seconds.toFixed(2)} s`;
    const rows = this.groups.map((g) => [g, this.mean[g]!] as (string | number)[]);
    const svg = svgBars("Scene mean importance", this.groups, this.groups.map((g) => this.mean[g]!));
    return {
      "text/plain": textTable(cap, ["group", "mean importance"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["group", "mean importance"], rows)}${svg}</div>`,
    };
  }
}

/**
 * Band-group ablation for every tile of a scene (patch classifiers: every patch).
 * @example
 * ```ts
 * const model = await loadModel("data/models/olinda-patch-classifier.onnx");
 * const imp = await sceneBandGroupAblation(model, scene, {
 *   bandNames: model.card.bands, groups: spectralGroups(model.card.bands, { sensor: "landsat-tm" }),
 * });
 * imp.raster; // one importance map per group, for the map widget
 * ```
 */
export async function sceneBandGroupAblation(predictor: Predictor, source: RasterSourceLike, options: SceneBandAblationOptions = {}): Promise<SceneGroupAttribution> {
  const t0 = performance.now();
  checkSceneAblation(predictor, source, options);
  const W = source.width, H = source.height;
  let maps: Float32Array[] | undefined;
  let groups: readonly string[] = [];
  let tiles = 0;
  let rep: ReturnType<typeof reporter> | undefined;
  for await (const { row, cols, input, strips, coreRows, coreCols, size: t, valid } of sceneTiles(predictor, source, options)) {
    rep ??= reporter(options, "scene band-group ablation", strips);
    const { tileSize: _t, bands: _b, prepare: _p, halo: _h, target, ...rest } = options;
    const r = await bandGroupAblation(predictor, input, {
      ...rest, progress: false, maxBatch: options.maxBatch ?? 1024, ...(target !== undefined ? { target } : {}),
    });
    groups = r.groups;
    const G = groups.length;
    maps ??= groups.map(() => new Float32Array(W * H).fill(NaN));
    cols.forEach((x0, n) => {
      for (let g = 0; g < G; g++) {
        const v = r.values[n * G + g]!;
        const m = maps![g]!;
        const [c0, c1] = coreCols[n]!;
        for (let y = coreRows[0]; y < coreRows[1]; y++) {
          m.fill(v, (row + y) * W + x0 + c0, (row + y) * W + x0 + c1);
          if (valid) for (let c = c0; c < c1; c++) if (!valid[(n * t + y) * t + c]) m[(row + y) * W + x0 + c] = NaN;
        }
      }
    });
    tiles += cols.length;
    rep.tick();
  }
  rep?.done();
  const raster = new Raster({ width: W, height: H, dtype: "float32", bands: maps!, descriptions: [...groups], transform: source.transform, crs: source.crs, nodata: NaN });
  const mean = Object.fromEntries(groups.map((g, i) => {
    let s = 0, n = 0;
    for (const v of maps![i]!) if (v === v) { s += v; n++; }
    return [g, n ? s / n : NaN];
  }));
  return new SceneGroupAttribution(raster, groups, mean, tiles, (performance.now() - t0) / 1000);
}

/**
 * Checks the model, the scene and the options of {@link sceneBandGroupAblation} before any read.
 * @throws {ExplainInputError} naming the argument and what to pass.
 */
function checkSceneAblation(predictor: Predictor, source: unknown, options: SceneBandAblationOptions): void {
  if (options === null || typeof options !== "object") {
    throw new ExplainInputError(`options must be an object such as { bandNames, groups }, got ${describeValue(options)}.`);
  }
  checkExplainOptions(predictor, options);
  const s = source as RasterSourceLike;
  if (s === null || typeof s !== "object" || typeof s.read !== "function" || !(Number.isInteger(s.width) && Number.isInteger(s.height))) {
    const tensor = s !== null && typeof s === "object" && "dims" in s && "data" in s;
    throw new ExplainInputError(
      `sceneBandGroupAblation needs a scene: an opened raster (openRaster()) or a Raster, got ${describeValue(source)}` +
        `${tensor ? " (a tensor: for a batch of patches use bandGroupAblation())" : ""}.`,
    );
  }
  const t = options.target;
  if (t !== undefined && t !== "predicted" && typeof t !== "number") {
    throw new ExplainInputError(
      `target must be a class index or "predicted" for a scene (one target for every tile), got ${describeValue(t)}; for one class per patch use bandGroupAblation() on a batch.`,
      { target: t },
    );
  }
  if (options.groups !== undefined && options.groups !== null && typeof options.groups === "object" && Object.keys(options.groups).length === 0) {
    throw new ExplainInputError("groups is empty; name at least one band group, e.g. { visible: [\"B2\", \"B3\", \"B4\"] }, or omit it for one group per band.");
  }
}
