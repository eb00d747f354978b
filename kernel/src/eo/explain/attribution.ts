/**
 * Attribution results: per-pixel maps (occlusion, RISE, superpixel ablation, gradients) and
 * per-group values (band groups), both self-displaying and convertible to georeferenced rasters.
 * @module
 */
import { Raster } from "../raster/raster.js";
import type { CRS, GeoTransform, RasterSourceLike } from "../raster/types.js";
import { DISPLAY, escapeHtml, fmt, htmlTable, stats, svgBars, textTable } from "../uncertainty/html.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError } from "./errors.js";

/** Georeference options for rasters made from per-pixel results. */
export interface GeoOptions {
  /** Batch item to convert; default 0. */
  index?: number;
  /** Copy transform and CRS from this raster (e.g. the patch or tile that was explained). */
  like?: RasterSourceLike;
  transform?: GeoTransform;
  crs?: CRS;
}

/** A diverging blue–white–red colour for v in [-1, 1]. */
function diverging(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const a = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
}

/**
 * An SVG heatmap of an H×W map (downsampled by block means to at most 48×48 cells), diverging colours.
 * @example
 * ```ts
 * svgHeatmap("occlusion", attr.map(0), 64, 64); // "<svg …>"
 * ```
 * @throws {ExplainInputError} unless H and W are positive whole numbers and data has H×W values
 * (a size not matching the data read past its end, for ever when infinite)
 */
export function svgHeatmap(title: string, data: ArrayLike<number>, H: number, W: number): string {
  const whole = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
  const n = data === null || typeof data !== "object" ? undefined : data.length;
  if (!whole(H) || !whole(W) || n !== H * W) {
    throw new ExplainInputError(
      `svgHeatmap needs positive whole numbers H and W with H×W values, got H ${describeValue(H)}, W ${describeValue(W)} and ${n === undefined ? describeValue(data) : `${n} values`}; e.g. svgHeatmap("occlusion", attr.map(0), 64, 64).`,
      { H, W, length: n },
    );
  }
  const cells = 48;
  const fy = Math.max(1, Math.ceil(H / cells)), fx = Math.max(1, Math.ceil(W / cells));
  const h = Math.ceil(H / fy), w = Math.ceil(W / fx);
  const px = Math.max(3, Math.floor(240 / Math.max(h, w)));
  const vals = new Float64Array(h * w);
  let maxAbs = 1e-30;
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    let s = 0, c = 0;
    for (let y = i * fy; y < Math.min(H, (i + 1) * fy); y++) for (let x = j * fx; x < Math.min(W, (j + 1) * fx); x++) { s += data[y * W + x]!; c++; }
    vals[i * w + j] = s / c;
    maxAbs = Math.max(maxAbs, Math.abs(s / c));
  }
  let rects = "";
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    rects += `<rect x="${j * px}" y="${20 + i * px}" width="${px}" height="${px}" fill="${diverging(vals[i * w + j]! / maxAbs)}"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(w * px, 160)}" height="${20 + h * px}" font-family="sans-serif">` +
    `<text x="0" y="13" font-size="11">${escapeHtml(title)} (±${fmt(maxAbs)})</text>${rects}</svg>`;
}

/**
 * A per-pixel attribution map for each item of a batch (`N×H×W`; positive = supports the target).
 * @example
 * ```ts
 * const attr = await occlusion(model, patch);
 * attr.map(0); // H×W values of item 0
 * attr.toRaster({ like: patchRaster });
 * ```
 */
export class AttributionMap {
  readonly method: string;
  /** `N×H×W` values, row-major. */
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number];
  /** Class (output channel) explained per item. */
  readonly targets: Int32Array;
  /** The explained score of each unperturbed item. */
  readonly baseScores: Float64Array;
  /** Number of forward passes used. */
  readonly passes: number;

  constructor(init: { method: string; data: Float32Array; dims: readonly [number, number, number]; targets: Int32Array; baseScores: Float64Array; passes: number }) {
    const [n, h, w] = init.dims;
    if (init.data.length !== n * h * w) throw new ExplainInputError(`An attribution map of dims [${init.dims.join(", ")}] needs ${n * h * w} values, got ${init.data.length}.`);
    this.method = init.method;
    this.data = init.data;
    this.dims = init.dims;
    this.targets = init.targets;
    this.baseScores = init.baseScores;
    this.passes = init.passes;
  }

  /** The `H×W` map of item `index` (a view). */
  map(index = 0): Float32Array {
    const [n, h, w] = this.dims;
    if (!(index >= 0 && index < n)) throw new ExplainInputError(`index ${index} is outside the batch of ${n}.`);
    return this.data.subarray(index * h * w, (index + 1) * h * w);
  }

  /**
   * The map of one item as a georeferenced float32 raster (for the map widget: overlay with a
   * diverging colormap).
   * @example
   * ```ts
   * const layer = attr.toRaster({ like: patchRaster });
   * ```
   */
  toRaster(options: GeoOptions = {}): Raster {
    const [, h, w] = this.dims;
    if (options.like && (options.like.width !== w || options.like.height !== h)) {
      throw new ExplainInputError(`like is ${options.like.width}×${options.like.height} but the attribution map is ${w}×${h}.`);
    }
    const transform = options.like?.transform ?? options.transform;
    const crs = options.like?.crs ?? options.crs;
    return new Raster({
      width: w, height: h, dtype: "float32", bands: [Float32Array.from(this.map(options.index ?? 0))],
      ...(transform ? { transform } : {}), ...(crs ? { crs } : {}),
      descriptions: [`${this.method} attribution (class ${this.targets[options.index ?? 0]})`],
    });
  }

  [DISPLAY](): Record<string, string> {
    const [n, h, w] = this.dims;
    const rows = Array.from({ length: Math.min(n, 10) }, (_, i) => {
      const s = stats(this.map(i));
      return [i, this.targets[i]!, this.baseScores[i]!, s.min, s.mean, s.max] as (string | number)[];
    });
    const cap = `${this.method}: ${n} item${n === 1 ? "" : "s"} of ${h}×${w}, ${this.passes} forward passes`;
    const header = ["item", "target", "score", "min", "mean", "max"];
    const maps = Array.from({ length: Math.min(n, 4) }, (_, i) => svgHeatmap(`item ${i}, class ${this.targets[i]}`, this.map(i), h, w)).join("");
    return {
      "text/plain": textTable(cap, header, rows),
      "text/html": `${htmlTable(cap, header, rows)}<div style="display:flex;gap:8px">${maps}</div>`,
    };
  }
}

/**
 * Attribution per named group (band groups, features) for each item: `N×G` values.
 * @example
 * ```ts
 * const g = await bandGroupAblation(model, patches, { bandNames, groups });
 * g.mean(); // { visible: 0.8, NIR: 2.1 }
 * ```
 */
export class GroupAttribution {
  readonly method: string;
  readonly groups: readonly string[];
  /** `N×G` values: drop of the explained score when the group is ablated. */
  readonly values: Float64Array;
  readonly targets: Int32Array;
  readonly baseScores: Float64Array;
  readonly passes: number;

  constructor(init: { method: string; groups: readonly string[]; values: Float64Array; targets: Int32Array; baseScores: Float64Array; passes: number }) {
    this.method = init.method;
    this.groups = init.groups;
    this.values = init.values;
    this.targets = init.targets;
    this.baseScores = init.baseScores;
    this.passes = init.passes;
  }

  /** Values of item `index` by group name. */
  item(index = 0): Record<string, number> {
    const G = this.groups.length;
    return Object.fromEntries(this.groups.map((g, j) => [g, this.values[index * G + j]!]));
  }

  /** Mean over items, by group name. */
  mean(): Record<string, number> {
    const G = this.groups.length;
    const N = this.values.length / G;
    return Object.fromEntries(this.groups.map((g, j) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += this.values[i * G + j]!;
      return [g, s / N];
    }));
  }

  [DISPLAY](): Record<string, string> {
    const m = this.mean();
    const N = this.values.length / this.groups.length;
    const cap = `${this.method}: mean over ${N} item${N === 1 ? "" : "s"}`;
    const rows = this.groups.map((g) => [g, m[g]!] as (string | number)[]);
    const svg = svgBars(`${this.method} (drop in score when removed)`, this.groups, this.groups.map((g) => m[g]!));
    return {
      "text/plain": textTable(cap, ["group", "importance"], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["group", "importance"], rows)}${svg}</div>`,
      "image/svg+xml": svg,
    };
  }
}

/**
 * Attribution maps of one item for several classes, displayed as tabs.
 * @example
 * ```ts
 * const tabs = await attributionPerClass((t) => rise(model, patch, { target: t }), classes);
 * tabs.get("urban").toRaster();
 * ```
 */
export class PerClassAttribution {
  readonly classes: readonly string[];
  readonly maps: readonly AttributionMap[];

  constructor(classes: readonly string[], maps: readonly AttributionMap[]) {
    this.classes = classes;
    this.maps = maps;
  }

  /** The map for a class by name or index. */
  get(cls: string | number): AttributionMap {
    const i = typeof cls === "number" ? cls : this.classes.indexOf(cls);
    const m = this.maps[i];
    if (!m) throw new ExplainInputError(`No attribution for class ${JSON.stringify(cls)}; classes are [${this.classes.join(", ")}].`);
    return m;
  }

  [DISPLAY](): Record<string, string> {
    const id = `ai4eo-tabs-${Math.random().toString(36).slice(2, 10)}`;
    const tabs = this.classes.map((c, i) => {
      return `<input type="radio" name="${id}" id="${id}-${i}"${i === 0 ? " checked" : ""} style="display:none"/>` +
        `<label for="${id}-${i}" style="padding:2px 8px;border:1px solid #ccc;cursor:pointer">${escapeHtml(c)}</label>`;
    }).join("");
    const panels = this.classes.map((c, i) => {
      const m = this.maps[i]!;
      const [, h, w] = m.dims;
      return `<div class="${id}-panel" data-i="${i}">${svgHeatmap(`${m.method}: ${c}`, m.map(0), h, w)}</div>`;
    }).join("");
    const css = `<style>.${id}-panel{display:none}${this.classes.map((_, i) => `#${id}-${i}:checked ~ .${id}-panels .${id}-panel[data-i="${i}"]{display:block}`).join("")}</style>`;
    const rows = this.classes.map((c, i) => {
      const s = stats(this.maps[i]!.map(0));
      return [c, this.maps[i]!.baseScores[0]!, s.min, s.mean, s.max] as (string | number)[];
    });
    return {
      "text/plain": textTable("Attribution per class", ["class", "score", "min", "mean", "max"], rows),
      "text/html": `${css}<div>${tabs}<div class="${id}-panels">${panels}</div></div>`,
    };
  }
}

/**
 * Runs an attribution method once per class on one item and shows the maps as tabs.
 * @param explain the method for one target class, e.g. `(t) => occlusion(model, patch, { target: t })`
 * @param classes class names (index = target)
 * @example
 * ```ts
 * const tabs = await attributionPerClass((t) => occlusion(model, patch, { target: t }), ["water", "vegetation", "urban", "bare soil"]);
 * ```
 */
export async function attributionPerClass(explain: (target: number) => Promise<AttributionMap>, classes: readonly string[]): Promise<PerClassAttribution> {
  const maps: AttributionMap[] = [];
  for (let t = 0; t < classes.length; t++) maps.push(await explain(t));
  return new PerClassAttribution(classes, maps);
}
