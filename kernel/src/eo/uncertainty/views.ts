/**
 * Ways to look at uncertainty: a bivariate prediction × uncertainty colouring (an RGBA raster for
 * the map), histograms of an uncertainty measure per predicted class, and a grid of the most
 * uncertain samples with thumbnails.
 * @module
 */
import { pngEncoder } from "../lazy-deps.js";
import type { Tensor } from "../model/tensor.js";
import { Raster } from "../raster/raster.js";
import type { RasterSourceLike } from "../raster/types.js";
import { MAX_BINS } from "./calibration.js";
import { UncertaintyInputError } from "./errors.js";
import { DISPLAY, escapeHtml, fmt, htmlTable, svgLines, textTable } from "./html.js";
import { describeValue } from "../../util/describe-value.js";

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new UncertaintyInputError(`Colour ${JSON.stringify(hex)} is not a #rrggbb hex colour.`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** Options of {@link bivariateMap}. */
export interface BivariateOptions {
  /** One `#rrggbb` colour per class (e.g. from the model card). */
  classColors: readonly string[];
  /** Uncertainty at which a pixel is fully washed out; default the 99th percentile of the map. */
  max?: number;
  /** Colour the uncertain pixels fade to; default `#f0f0f0`. */
  fadeTo?: string;
}

/**
 * Bivariate colouring: hue = predicted class, washed out towards grey as uncertainty grows. Returns
 * an RGBA uint8 raster (4 bands) georeferenced like the uncertainty map; class values outside the
 * colour list (e.g. nodata 255) and NaN uncertainty are transparent.
 * @param predicted class per pixel (a raster's band 1)
 * @param uncertainty e.g. mutual information or predictive entropy per pixel
 * @example
 * ```ts
 * const rgba = bivariateMap(u.rasters.predicted, u.rasters.mutualInformation, { classColors: card.classes.map((c) => c.color) });
 * ```
 */
export function bivariateMap(predicted: RasterSourceLike & { band(i: number): ArrayLike<number> }, uncertainty: Raster, options: BivariateOptions): Raster {
  const W = uncertainty.width, H = uncertainty.height;
  if (predicted.width !== W || predicted.height !== H) {
    throw new UncertaintyInputError(`The class map is ${predicted.width}×${predicted.height} but the uncertainty map is ${W}×${H}.`);
  }
  const given = (options as BivariateOptions | null | undefined)?.classColors;
  if (!Array.isArray(given) || given.some((c) => typeof c !== "string")) {
    throw new UncertaintyInputError(`bivariateMap needs options.classColors: one CSS hex colour per class, e.g. card.classes.map((c) => c.color); got ${describeValue(given)}.`);
  }
  const cls = predicted.band(1);
  const u = uncertainty.band(1);
  const colors = given.map(hexToRgb);
  const fade = hexToRgb(options.fadeTo ?? "#f0f0f0");
  let max = options.max;
  if (max === undefined) {
    const finite = Float64Array.from(Array.from(u).filter((v) => Number.isFinite(v))).sort();
    max = finite.length ? finite[Math.min(finite.length - 1, Math.floor(0.99 * finite.length))]! : 1;
  }
  const bands = [0, 1, 2, 3].map(() => new Uint8Array(W * H));
  for (let p = 0; p < W * H; p++) {
    const c = colors[cls[p]!];
    const v = u[p]!;
    if (!c || !Number.isFinite(v)) continue;
    const t = Math.min(1, Math.max(0, v / (max || 1)));
    for (let k = 0; k < 3; k++) bands[k]![p] = Math.round(c[k]! * (1 - t) + fade[k]! * t);
    bands[3]![p] = 255;
  }
  return new Raster({ width: W, height: H, dtype: "uint8", bands, transform: uncertainty.transform, crs: uncertainty.crs, descriptions: ["red", "green", "blue", "alpha"] });
}

/**
 * Histograms of an uncertainty measure per predicted class.
 * @example
 * ```ts
 * const h = uncertaintyHistogram(mi, predicted, { classes });
 * h.counts;
 * ```
 */
export class UncertaintyHistogram {
  readonly measure: string;
  readonly classes: readonly string[];
  /** Bin edges (`bins + 1` values). */
  readonly edges: Float64Array;
  /** `classes × bins` counts. */
  readonly counts: Int32Array;

  constructor(measure: string, classes: readonly string[], edges: Float64Array, counts: Int32Array) {
    this.measure = measure; this.classes = classes; this.edges = edges; this.counts = counts;
  }

  [DISPLAY](): Record<string, string> {
    const B = this.edges.length - 1;
    const centers = Array.from({ length: B }, (_, b) => (this.edges[b]! + this.edges[b + 1]!) / 2);
    const svg = svgLines(`${this.measure} per predicted class`, this.classes.map((c, k) => ({
      name: c, x: centers, y: Array.from(this.counts.subarray(k * B, (k + 1) * B)),
    })), { xLabel: this.measure, yLabel: "count", yMin: 0 });
    const rows = this.classes.map((c, k) => {
      let n = 0, s = 0;
      for (let b = 0; b < B; b++) { n += this.counts[k * B + b]!; s += this.counts[k * B + b]! * centers[b]!; }
      return [c, n, n ? s / n : NaN] as (string | number)[];
    });
    const cap = `${this.measure} by predicted class`;
    return {
      "text/plain": textTable(cap, ["class", "count", `mean ${this.measure}`], rows),
      "text/html": `<div style="display:flex;gap:16px;align-items:flex-start">${htmlTable(cap, ["class", "count", `mean ${this.measure}`], rows)}${svg}</div>`,
    };
  }
}

/** Largest number of classes {@link uncertaintyHistogram} derives from the predicted indices (without `classes`). */
export const MAX_HISTOGRAM_CLASSES = 65_536;

/**
 * Histogram of `values` per predicted class (NaN values skipped).
 * @param predicted 0-based class index per value; negative (and, with `classes`, too large) indices are left out
 * @param options `bins` (default 20, at most {@link MAX_BINS}), `classes` names (default `class 0…` up to the
 *   largest predicted index, which must then be below {@link MAX_HISTOGRAM_CLASSES}), `measure` name for display
 * @throws {UncertaintyInputError} for bins out of range, or without `classes` a predicted value that
 *   is not a whole number below {@link MAX_HISTOGRAM_CLASSES}
 * @example
 * ```ts
 * uncertaintyHistogram(m.mutualInformation.data, m.predicted.data, { classes: dist.classes, measure: "MI" });
 * ```
 */
export function uncertaintyHistogram(
  values: ArrayLike<number>, predicted: ArrayLike<number>, options: { bins?: number; classes?: readonly string[]; measure?: string } = {},
): UncertaintyHistogram {
  if (values.length !== predicted.length) {
    throw new UncertaintyInputError(`values has ${values.length} entries but predicted has ${predicted.length}.`);
  }
  const B = options.bins ?? 20;
  if (typeof B !== "number" || !Number.isInteger(B) || B < 1 || B > MAX_BINS) {
    throw new UncertaintyInputError(`bins must be an integer in 1..${MAX_BINS}, got ${describeValue(B)}; 20 is the default.`, { bins: B });
  }
  let K = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v); hi = Math.max(hi, v);
    const c = predicted[i]!;
    if (options.classes === undefined && !(typeof c === "number" && Number.isInteger(c) && c < MAX_HISTOGRAM_CLASSES)) {
      throw new UncertaintyInputError(
        `predicted[${i}] is ${describeValue(c)}: predicted must hold 0-based class indices below ${MAX_HISTOGRAM_CLASSES} (negative = none). ` +
          `Pass options.classes to name the classes; indices beyond them are then left out.`,
        { index: i, predicted: c },
      );
    }
    K = Math.max(K, c + 1);
  }
  const classes = options.classes ?? Array.from({ length: K }, (_, k) => `class ${k}`);
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi === lo) hi = lo + 1;
  const edges = Float64Array.from({ length: B + 1 }, (_, b) => lo + ((hi - lo) * b) / B);
  const counts = new Int32Array(classes.length * B);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!, c = predicted[i]!;
    if (!Number.isFinite(v) || c < 0 || c >= classes.length) continue;
    counts[c * B + Math.min(B - 1, Math.floor(((v - lo) / (hi - lo)) * B))]!++;
  }
  return new UncertaintyHistogram(options.measure ?? "uncertainty", classes, edges, counts);
}

/**
 * The `k` most uncertain samples, displayable as a grid of thumbnails.
 * @example
 * ```ts
 * const top = mostUncertain(entropy, { k: 9, input: patches });
 * top.indices;
 * ```
 */
export class MostUncertain {
  readonly indices: Int32Array;
  readonly scores: Float64Array;
  readonly labels: readonly string[];
  readonly thumbnails: readonly (Uint8Array | null)[];
  readonly measure: string;

  constructor(init: { indices: Int32Array; scores: Float64Array; labels: readonly string[]; thumbnails: readonly (Uint8Array | null)[]; measure: string }) {
    this.indices = init.indices; this.scores = init.scores; this.labels = init.labels; this.thumbnails = init.thumbnails; this.measure = init.measure;
  }

  [DISPLAY](): Record<string, string> {
    const rows = Array.from(this.indices, (idx, i) => [idx, this.labels[i] ?? "", this.scores[i]!] as (string | number)[]);
    const cells = Array.from(this.indices, (idx, i) => {
      const png = this.thumbnails[i];
      const img = png ? `<img src="data:image/png;base64,${Buffer.from(png).toString("base64")}" width="64" height="64" style="image-rendering:pixelated"/>` : "";
      return `<figure style="margin:2px;text-align:center;font-size:10px">${img}<figcaption>#${idx} ${escapeHtml(this.labels[i] ?? "")}<br/>${fmt(this.scores[i]!)}</figcaption></figure>`;
    }).join("");
    return {
      "text/plain": textTable(`Most uncertain samples by ${this.measure}`, ["sample", "predicted", this.measure], rows),
      "text/html": `<div><b>Most uncertain samples by ${escapeHtml(this.measure)}</b><div style="display:flex;flex-wrap:wrap">${cells}</div></div>`,
    };
  }
}

/**
 * The `k` samples with the highest uncertainty, with RGB thumbnails (2–98% stretch per band) when
 * the input patches are given.
 * @param scores one uncertainty value per sample
 * @param options `k` (default 16), `input` patches `N×C×H×W`, `rgb` band indices (default [2, 1, 0]),
 *   `labels` per sample (e.g. predicted class names), `measure` name
 * @example
 * ```ts
 * mostUncertain(m.mutualInformation.data, { input: patches, rgb: [2, 1, 0], labels: names, measure: "MI" });
 * ```
 */
export function mostUncertain(
  scores: ArrayLike<number>,
  options: { k?: number; input?: Tensor; rgb?: readonly [number, number, number]; labels?: readonly string[]; measure?: string } = {},
): MostUncertain {
  const k = Math.min(options.k ?? 16, scores.length);
  const order = Int32Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => Number.isFinite(scores[i]!))
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
  let thumbs: (Uint8Array | null)[] = Array.from(order, () => null);
  const input = options.input;
  if (input) {
    if (input.dims.length !== 4 || input.dims[0] !== scores.length) {
      throw new UncertaintyInputError(`input must be N×C×H×W with N = ${scores.length} samples, got dims [${input.dims.join(", ")}].`);
    }
    const [, C, H, W] = input.dims as [number, number, number, number];
    const rgb = options.rgb ?? [Math.min(2, C - 1), Math.min(1, C - 1), 0];
    const P = H * W;
    // Stretch per band over all selected samples (2–98%).
    const ranges = rgb.map((b) => {
      const v: number[] = [];
      for (const i of order) for (let p = 0; p < P; p++) v.push(input.data[(i * C + b) * P + p]!);
      v.sort((a, c) => a - c);
      return [v[Math.floor(0.02 * (v.length - 1))]!, v[Math.floor(0.98 * (v.length - 1))]!] as const;
    });
    thumbs = Array.from(order, (i) => {
      const data = new Uint8Array(P * 3);
      rgb.forEach((b, k2) => {
        const [lo, hi] = ranges[k2]!;
        for (let p = 0; p < P; p++) data[p * 3 + k2] = Math.round(255 * Math.min(1, Math.max(0, (input.data[(i * C + b) * P + p]! - lo) / (hi - lo || 1))));
      });
      return pngEncoder()({ width: W, height: H, data, channels: 3, depth: 8 });
    });
  }
  return new MostUncertain({
    indices: order, scores: Float64Array.from(order, (i) => scores[i]!),
    labels: Array.from(order, (i) => options.labels?.[i] ?? ""), thumbnails: thumbs, measure: options.measure ?? "uncertainty",
  });
}
