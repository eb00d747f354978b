/**
 * The Jupyter mime bundles of rasters and raster sources ({ "text/plain", "image/png",
 * "text/html" }), returned by their `[Symbol.for("Jupyter.display")]()` methods.
 * @module
 */
import type { Raster } from "../raster/raster.js";
import type { Bounds, CRS, DType, GeoTransform } from "../raster/types.js";
import { bandStats, htmlSummary, quicklook, textSummary, type Quicklook, type QuicklookOptions, type SummaryInfo } from "./quicklook.js";

/** Pixels to show: a raster-like object with bands. */
type Pixels = Pick<Raster, "width" | "height" | "count" | "dtype" | "nodata" | "band">;

function amplitudeView(r: Pixels): Pixels {
  if (!r.dtype.startsWith("c")) return r;
  const n = r.width * r.height;
  const bands = Array.from({ length: r.count }, (_, b) => {
    const a = r.band(b + 1);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.hypot(a[2 * i]!, a[2 * i + 1]!);
    return out;
  });
  return { width: r.width, height: r.height, count: r.count, dtype: "float32", nodata: r.nodata.map(() => null), band: (i: number) => bands[i - 1]! };
}

/** Default quicklook options for a band list and optional palette/colour interpretation. */
export function defaultQuicklookOptions(count: number, colorInterp?: string[], palette?: [number, number, number, number][]): QuicklookOptions {
  if (palette && count >= 1) return { bands: [1], palette };
  if (colorInterp) {
    const idx = ["red", "green", "blue"].map((c) => colorInterp.indexOf(c) + 1);
    if (idx.every((i) => i > 0)) return { bands: idx };
  }
  return { bands: count >= 3 ? [1, 2, 3] : [1] };
}

/**
 * The mime bundle of pixels plus their description: a PNG quicklook and an HTML summary with statistics.
 * @example
 * ```ts
 * const bundle = rasterBundle(raster); // { "text/plain": …, "image/png": base64, "text/html": … }
 * ```
 */
export function rasterBundle(
  r: Pixels & { transform: GeoTransform; crs: CRS; bounds: Bounds; descriptions: (string | null)[] },
  options: QuicklookOptions & { name?: string; overviews?: { width: number; height: number }[]; compression?: string } = {},
): Record<string, string> {
  const px = amplitudeView(r);
  let ql: Quicklook | undefined;
  try {
    ql = quicklook(px, { ...defaultQuicklookOptions(px.count), ...options });
  } catch {
    ql = undefined;
  }
  const info: SummaryInfo = {
    width: r.width, height: r.height, count: r.count, dtype: r.dtype as DType, transform: r.transform, crs: r.crs, bounds: r.bounds,
    nodata: r.nodata, descriptions: r.descriptions, stats: Array.from({ length: r.count }, (_, i) => bandStats(px.band(i + 1), px.nodata[i] ?? null)),
  };
  if (options.name) info.name = options.name;
  if (options.overviews) info.overviews = options.overviews;
  if (options.compression) info.compression = options.compression;
  const bundle: Record<string, string> = { "text/plain": textSummary(info), "text/html": htmlSummary(info, ql) };
  if (ql) bundle["image/png"] = Buffer.from(ql.png).toString("base64");
  return bundle;
}

/**
 * The mime bundle of a lazily opened source: summary without statistics, with a quicklook of its
 * preview pixels when they were read (see `openRaster(…, { preview })`).
 */
export function sourceBundle(info: Omit<SummaryInfo, "stats">, preview: Pixels | undefined, options: QuicklookOptions): Record<string, string> {
  let ql: Quicklook | undefined;
  if (preview) {
    try { ql = quicklook(amplitudeView(preview), options); } catch { ql = undefined; }
  }
  const bundle: Record<string, string> = { "text/plain": textSummary(info), "text/html": htmlSummary(info, ql) };
  if (ql) bundle["image/png"] = Buffer.from(ql.png).toString("base64");
  return bundle;
}
