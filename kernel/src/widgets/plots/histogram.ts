/**
 * Histogram per band, with nodata (and NaN) excluded.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure, TRACE_COLORS } from "../figure.js";
import { bandLabel, isValid, type BandSource } from "./band-source.js";

/** Most bins {@link histogram} draws (each bin is a bar; 8 MB per band of counts at this size). */
export const MAX_HISTOGRAM_BINS = 1_000_000;

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** 1-based bands to plot; default all. */
  bands?: number[];
  /** Number of equal-width bins, 1..{@link MAX_HISTOGRAM_BINS}; default 100 (integer data with a smaller range: one bin per value). */
  bins?: number;
  /** `[min, max]` of the bins, finite with min < max; default the valid data's range over the chosen bands. */
  range?: [number, number];
  /** Nodata per band overriding the source's; default the source's `nodata`. */
  nodata?: number | null;
  /** Plot title; default "Histogram". */
  title?: string;
  /** Logarithmic count axis; default false. */
  logY?: boolean;
}

/** What {@link histogram} computed. */
export interface HistogramStats {
  /** Bin edges (bins + 1 values). */
  edges: Float64Array;
  /** Counts per band (same order as `bands`). */
  counts: Float64Array[];
  /** Valid (counted) pixels per band. */
  valid: number[];
  /** Excluded pixels per band (nodata, NaN, or outside `range`). */
  excluded: number[];
  bands: number[];
}

/** An explicit histogram range: two finite numbers, increasing, with a finite width (else the bin edges are NaN). */
function checkRange(range: unknown): [number, number] {
  const expected = "[min, max] of two finite numbers with min < max, e.g. [0, 1]";
  if (!Array.isArray(range) || range.length !== 2) throw new WidgetPropertyError("histogram", "range", expected, range);
  const [lo, hi] = range as unknown[];
  if (typeof lo !== "number" || typeof hi !== "number" || !(lo < hi) || !Number.isFinite(hi - lo)) {
    throw new WidgetPropertyError("histogram", "range", expected, range);
  }
  return [lo, hi];
}

/**
 * Histogram of each band's valid pixels (nodata and NaN excluded), as overlaid bars. Counts are
 * computed in the kernel; only the bins travel to the browser. Bins are `[e_k, e_k+1)`, the last
 * one closed, as numpy's `histogram`.
 * @example
 * ```ts
 * const r = await openRaster("data/olinda/L7_ETMs.tif").then((s) => s.read());
 * histogram(r, { bands: [3, 4], bins: 64, title: "Red and NIR" });
 * ```
 */
export function histogram(src: BandSource, options: HistogramOptions = {}): Figure<HistogramStats> {
  const requestedBins = options.bins ?? 100;
  if (!Number.isInteger(requestedBins) || requestedBins < 1 || requestedBins > MAX_HISTOGRAM_BINS) {
    throw new WidgetPropertyError("histogram", "bins", `a whole number of bins from 1 to ${MAX_HISTOGRAM_BINS} (MAX_HISTOGRAM_BINS), e.g. 256`, requestedBins);
  }
  const bands = options.bands ?? Array.from({ length: src.count }, (_, i) => i + 1);
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 1 || b > src.count) throw new WidgetPropertyError("histogram", "bands", `band numbers 1..${src.count}`, b);
  }
  const nd = (b: number): number | null => (options.nodata !== undefined ? options.nodata : src.nodata[b - 1] ?? null);
  let lo = Infinity, hi = -Infinity, allInt = true;
  if (options.range !== undefined) [lo, hi] = checkRange(options.range);
  else {
    for (const b of bands) {
      const px = src.band(b), n = nd(b);
      for (let i = 0; i < px.length; i++) {
        const v = px[i]!;
        if (!isValid(v, n)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (allInt && !Number.isInteger(v)) allInt = false;
      }
    }
  }
  if (!(lo <= hi)) {
    throw new WidgetPropertyError("histogram", "bands", `bands with at least one valid pixel (all ${bands.join(", ")} are nodata/NaN)`, bands);
  }
  let bins = requestedBins;
  if (options.bins === undefined && allInt && !options.range && hi - lo + 1 <= bins) {
    bins = hi - lo + 1; hi = hi + 1; // one bin per integer value: [v, v+1)
  }
  if (hi === lo) hi = lo + 1;
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = lo + ((hi - lo) * k) / bins;
  const width = (hi - lo) / bins;
  const counts: Float64Array[] = [], valid: number[] = [], excluded: number[] = [];
  for (const b of bands) {
    const px = src.band(b), n = nd(b), c = new Float64Array(bins);
    let ok = 0;
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      if (!isValid(v, n) || v < lo || v > hi) continue;
      let k = Math.floor((v - lo) / width);
      if (k >= bins) k = bins - 1;
      if (k > 0 && v < edges[k]!) k--; // guard float rounding at edges
      else if (k < bins - 1 && v >= edges[k + 1]!) k++;
      c[k]!++;
      ok++;
    }
    counts.push(c); valid.push(ok); excluded.push(px.length - ok);
  }
  const centers = new Float64Array(bins);
  for (let k = 0; k < bins; k++) centers[k] = (edges[k]! + edges[k + 1]!) / 2;
  const data = bands.map((b, j) => ({
    type: "bar", name: bandLabel(src, b), x: centers, y: counts[j], width,
    marker: { color: TRACE_COLORS[j % TRACE_COLORS.length] }, opacity: bands.length > 1 ? 0.6 : 1,
    hovertemplate: "%{x}: %{y} px<extra>%{fullData.name}</extra>",
  }));
  return new Figure({
    data,
    layout: {
      title: { text: options.title ?? "Histogram" }, barmode: "overlay", bargap: 0,
      xaxis: { title: { text: "value" } }, yaxis: { title: { text: "pixels" }, type: options.logY ? "log" : "linear" },
      margin: { t: 48, r: 16, b: 48, l: 64 },
    },
  }, { edges, counts, valid, excluded, bands });
}
