/**
 * Whole-scene band-group attribution: band-group ablation on every model tile (patch) of a
 * scene, strip by strip, as a georeferenced raster with one band per group (each tile's pixels
 * get the tile's value).
 * @module
 */
import type { Predictor } from "../model/tensor.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { DISPLAY, htmlTable, svgBars, textTable } from "../uncertainty/html.js";
import { reporter } from "../uncertainty/reporter.js";
import { sceneTiles, type SceneTilesOptions } from "../uncertainty/scene.js";
import { bandGroupAblation, type BandAblationOptions } from "./ablation.js";

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
  /** Scene mean per group. */
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
  const W = source.width, H = source.height;
  let maps: Float32Array[] | undefined;
  let groups: readonly string[] = [];
  let tiles = 0;
  let rep: ReturnType<typeof reporter> | undefined;
  for await (const { row, cols, input, strips, coreRows, coreCols } of sceneTiles(predictor, source, options)) {
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
        for (let y = coreRows[0]; y < coreRows[1]; y++) m.fill(v, (row + y) * W + x0 + c0, (row + y) * W + x0 + c1);
      }
    });
    tiles += cols.length;
    rep.tick();
  }
  rep?.done();
  const raster = new Raster({ width: W, height: H, dtype: "float32", bands: maps!, descriptions: [...groups], transform: source.transform, crs: source.crs });
  const mean = Object.fromEntries(groups.map((g, i) => {
    const m = maps![i]!;
    let s = 0;
    for (const v of m) s += v;
    return [g, s / m.length];
  }));
  return new SceneGroupAttribution(raster, groups, mean, tiles, (performance.now() - t0) / 1000);
}
