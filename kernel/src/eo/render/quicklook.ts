/**
 * PNG quicklooks of rasters (band combination, percentile stretch, colormap for single bands,
 * nodata transparent), encoded by fast-png, and the HTML summary shown next to them.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import type { Raster } from "../raster/raster.js";
import type { Bounds, CRS, DType, GeoTransform } from "../raster/types.js";
import { colormapLut } from "./colormaps.js";
import { fastPng } from "./lazy-modules.js";
import { percentileStretch } from "./stretch.js";
import { describeValue } from "../../util/describe-value.js";

/** Options of {@link quicklook}. */
export interface QuicklookOptions {
  /** 1-based bands: one (colormapped) or three (RGB); default [1, 2, 3] when there are ≥ 3 bands, else [1]. */
  bands?: number[];
  /** Colormap for a single band; default "viridis" ("gray" via this option). */
  colormap?: string;
  /** A palette (index → [r, g, b, a]) for class rasters; used instead of stretch + colormap for one band. */
  palette?: [number, number, number, number][];
  /** Percentiles [low, high] of the stretch; default [2, 98]. Or fixed value ranges per band: `{ range: [[min, max], …] }`. */
  stretch?: [number, number] | { range: [number, number][] };
  /** Largest side of the image in pixels (nearest-neighbour downsampling); default 512. */
  maxSize?: number;
}

/** A rendered quicklook. */
export interface Quicklook {
  png: Uint8Array;
  width: number;
  height: number;
  /** The value ranges mapped to 0–255, per displayed band. */
  ranges: [number, number][];
}

/** Bad quicklook options (band out of range, one band with two…). */
export class QuicklookError extends Ai4eoError {}

/**
 * Render bands of a raster to an RGBA PNG.
 * @example
 * ```ts
 * const { png } = quicklook(l7, { bands: [3, 2, 1] });
 * writeFileSync("rgb.png", png);
 * ```
 */
export function quicklook(r: Pick<Raster, "width" | "height" | "count" | "dtype" | "nodata" | "band">, options: QuicklookOptions = {}): Quicklook {
  if (r.dtype.startsWith("c")) throw new QuicklookError(`Cannot show complex (${r.dtype}) data directly; show amplitude(raster) or toDb(intensity(raster)).`);
  const bands = options.bands ?? (r.count >= 3 ? [1, 2, 3] : [1]);
  if (bands.length !== 1 && bands.length !== 3) throw new QuicklookError(`A quicklook shows 1 band (colormap) or 3 bands (RGB); got ${bands.length}.`);
  for (const b of bands) if (!Number.isInteger(b) || b < 1 || b > r.count) throw new QuicklookError(`Band ${b} is out of range: this raster has bands 1..${r.count}.`);
  const maxSize = options.maxSize ?? 512;
  if (typeof maxSize !== "number" || !Number.isInteger(maxSize) || maxSize < 1) {
    throw new QuicklookError(`maxSize must be a whole number of pixels ≥ 1 (the quicklook's longest side; default 512), got ${describeValue(maxSize)}.`);
  }
  const scale = Math.min(1, maxSize / Math.max(r.width, r.height));
  const W = Math.max(1, Math.round(r.width * scale));
  const H = Math.max(1, Math.round(r.height * scale));
  const cols = Int32Array.from({ length: W }, (_, x) => Math.min(r.width - 1, Math.floor(((x + 0.5) * r.width) / W)));
  const rows = Int32Array.from({ length: H }, (_, y) => Math.min(r.height - 1, Math.floor(((y + 0.5) * r.height) / H)));
  const data = bands.map((b) => r.band(b));
  const nds = bands.map((b) => r.nodata[b - 1] ?? null);
  const palette = bands.length === 1 ? options.palette : undefined;
  const ranges: [number, number][] = bands.map((_, i) => {
    if (palette) return [0, palette.length - 1];
    const st = options.stretch;
    if (st && !Array.isArray(st)) return st.range[i] ?? st.range[0]!;
    const [lo, hi] = st ?? [2, 98];
    return percentileStretch(data[i]!, { low: lo, high: hi, nodata: nds[i] }) ?? [0, 1];
  });
  const lut = bands.length === 1 && !palette ? colormapLut(options.colormap ?? "viridis") : undefined;
  const rgba = new Uint8Array(W * H * 4);
  const level = (v: number, i: number) => {
    const [lo, hi] = ranges[i]!;
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return Math.max(0, Math.min(255, Math.round(t * 255)));
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const si = rows[y]! * r.width + cols[x]!;
      const o = (y * W + x) * 4;
      let valid = true;
      for (let i = 0; i < bands.length; i++) { const v = data[i]![si]!; if (Number.isNaN(v) || (nds[i] !== null && v === nds[i])) valid = false; }
      if (!valid) continue; // transparent
      if (palette) {
        const c = palette[data[0]![si]!] ?? [0, 0, 0, 0];
        rgba.set(c, o);
      } else if (lut) {
        const k = level(data[0]![si]!, 0) * 4;
        rgba[o] = lut[k]!; rgba[o + 1] = lut[k + 1]!; rgba[o + 2] = lut[k + 2]!; rgba[o + 3] = 255;
      } else {
        rgba[o] = level(data[0]![si]!, 0); rgba[o + 1] = level(data[1]![si]!, 1); rgba[o + 2] = level(data[2]![si]!, 2); rgba[o + 3] = 255;
      }
    }
  }
  return { png: fastPng().encode({ width: W, height: H, data: rgba, channels: 4, depth: 8 }), width: W, height: H, ranges };
}

/** What the HTML summary shows. */
export interface SummaryInfo {
  name?: string;
  width: number;
  height: number;
  count: number;
  dtype: DType;
  transform: GeoTransform;
  crs: CRS;
  bounds: Bounds;
  nodata: (number | null)[];
  descriptions: (string | null)[];
  overviews?: { width: number; height: number }[];
  compression?: string;
  /** Per-band statistics of valid values, when pixels were read. */
  stats?: BandStats[];
}

/** Statistics of one band's valid values. */
export interface BandStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  validPercent: number;
}

/**
 * Min, max, mean, standard deviation (population) and valid percentage of a band, ignoring NaN and nodata.
 * @example
 * ```ts
 * bandStats(raster.band(1), raster.nodata[0]);
 * ```
 */
export function bandStats(values: ArrayLike<number>, nodata: number | null = null): BandStats {
  let n = 0, sum = 0, sum2 = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || (nodata !== null && v === nodata)) continue;
    n++; sum += v; sum2 += v * v;
    if (v < min) min = v; if (v > max) max = v;
  }
  const mean = n ? sum / n : NaN;
  return { min: n ? min : NaN, max: n ? max : NaN, mean, std: n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : NaN, validPercent: values.length ? (100 * n) / values.length : 0 };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toPrecision(6) : v.toFixed(4));

/** A CRS as short text: "EPSG:32725" or the proj4 string or "unknown". */
export function crsLabel(crs: CRS): string {
  return crs.epsg !== undefined ? `EPSG:${crs.epsg}` : crs.proj4 ?? (crs.wkt ? crs.wkt.slice(0, 60) : "unknown");
}

/**
 * An HTML table describing a raster (size, CRS, bounds, geotransform, bands with dtype, nodata and
 * statistics), optionally with a PNG quicklook.
 * @example
 * ```ts
 * htmlSummary({ ...raster, bounds: raster.bounds }, quicklook(raster));
 * ```
 */
export function htmlSummary(info: SummaryInfo, ql?: Quicklook): string {
  const b = info.bounds;
  const rows = [
    ["size", `${info.width} × ${info.height} px, ${info.count} band${info.count === 1 ? "" : "s"}, ${info.dtype}`],
    ["CRS", esc(crsLabel(info.crs))],
    ["bounds", `x ${fmt(b.minX)} … ${fmt(b.maxX)}, y ${fmt(b.minY)} … ${fmt(b.maxY)}`],
    ["geotransform", `[${info.transform.map(fmt).join(", ")}]`],
  ];
  if (info.overviews?.length) rows.push(["overviews", info.overviews.map((o) => `${o.width}×${o.height}`).join(", ")]);
  if (info.compression) rows.push(["compression", info.compression]);
  const bandRows = Array.from({ length: info.count }, (_, i) => {
    const s = info.stats?.[i];
    const nd = info.nodata[i];
    return `<tr><td>${i + 1}</td><td>${esc(info.descriptions[i] ?? "")}</td><td>${nd === null || nd === undefined ? "" : fmt(nd)}</td>` +
      (s ? `<td>${fmt(s.min)}</td><td>${fmt(s.max)}</td><td>${fmt(s.mean)}</td><td>${fmt(s.std)}</td><td>${s.validPercent.toFixed(1)}%</td>` : "") + "</tr>";
  }).join("");
  const statHead = info.stats ? "<th>min</th><th>max</th><th>mean</th><th>std</th><th>valid</th>" : "";
  const img = ql ? `<img style="image-rendering:pixelated;max-width:100%" src="data:image/png;base64,${Buffer.from(ql.png).toString("base64")}" width="${ql.width}" height="${ql.height}"/>` : "";
  return `<div class="ai4eo-raster" style="display:flex;gap:1em;align-items:flex-start;flex-wrap:wrap">${img}<div>` +
    (info.name ? `<b>${esc(info.name)}</b>` : "") +
    `<table>${rows.map(([k, v]) => `<tr><th style="text-align:left">${k}</th><td style="text-align:left">${v}</td></tr>`).join("")}</table>` +
    `<table><tr><th>band</th><th>description</th><th>nodata</th>${statHead}</tr>${bandRows}</table></div></div>`;
}

/** One-line text description for text/plain. */
export function textSummary(info: SummaryInfo): string {
  return `${info.name ? `${info.name}: ` : ""}${info.width}×${info.height}×${info.count} ${info.dtype}, ${crsLabel(info.crs)}, bounds [${[info.bounds.minX, info.bounds.minY, info.bounds.maxX, info.bounds.maxY].map(fmt).join(", ")}]`;
}
