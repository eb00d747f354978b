/**
 * Scatter plot of two variables, turning into a 2-D density (binned in the kernel) when there are
 * too many points to draw one by one.
 * @module
 */
import { WidgetPropertyError } from "../errors.js";
import { Figure } from "../figure.js";
import { ShapedArray } from "../wire.js";

/** Most bins per axis of {@link scatter}'s density (a bins × bins grid: 4096² is 16.8 M cells, 64 MiB sent as float32). */
export const MAX_DENSITY_BINS = 4096;

/** Options of {@link scatter}. */
export interface ScatterOptions {
  /** Draw a density heatmap instead of points: true, false, or "auto" (density above `maxPoints`); default "auto". */
  density?: boolean | "auto";
  /** Most points drawn as markers in "auto" mode; default 20000. */
  maxPoints?: number;
  /** Bins per axis of the density, 1..{@link MAX_DENSITY_BINS}; default 128. */
  bins?: number;
  /** Axis titles; default "x" and "y". */
  xTitle?: string;
  yTitle?: string;
  /** Plot title; default none. */
  title?: string;
  /** Marker colour values (one per point) for the points mode; default one colour. */
  color?: ArrayLike<number>;
}

/** What {@link scatter} computed. */
export interface ScatterStats {
  mode: "points" | "density";
  /** Points with both coordinates finite. */
  valid: number;
  /** Density counts, row-major `[ybin][xbin]` (density mode only). */
  counts?: Float64Array;
  xEdges?: Float64Array;
  yEdges?: Float64Array;
}

/**
 * Scatter of `y` against `x` (pairs with a NaN are dropped). With many points it bins them into a
 * `bins × bins` density in the kernel, so only the counts travel.
 * @example
 * ```ts
 * scatter(red, nir, { xTitle: "red", yTitle: "NIR" });             // feature space of a scene
 * scatter(pred, truth, { density: true, bins: 64, title: "predicted vs observed" });
 * ```
 */
export function scatter(x: ArrayLike<number>, y: ArrayLike<number>, options: ScatterOptions = {}): Figure<ScatterStats> {
  if (x.length !== y.length) throw new WidgetPropertyError("scatter", "y", `${x.length} values like x`, y);
  const n = x.length;
  const keep: number[] = [];
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[i]!, b = y[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    keep.push(i);
    if (a < xlo) xlo = a; if (a > xhi) xhi = a; if (b < ylo) ylo = b; if (b > yhi) yhi = b;
  }
  const maxPoints = options.maxPoints ?? 20000;
  const dens = options.density === true || ((options.density ?? "auto") === "auto" && keep.length > maxPoints);
  const layout = {
    title: options.title ? { text: options.title } : undefined,
    xaxis: { title: { text: options.xTitle ?? "x" } }, yaxis: { title: { text: options.yTitle ?? "y" } },
    margin: { t: options.title ? 48 : 24, r: 16, b: 48, l: 64 },
  };
  if (!dens) {
    const xs = Float64Array.from(keep, (i) => x[i]!), ys = Float64Array.from(keep, (i) => y[i]!);
    const marker: Record<string, unknown> = { size: 5, opacity: 0.7 };
    if (options.color) {
      marker["color"] = Float64Array.from(keep, (i) => options.color![i]!);
      marker["colorscale"] = "Viridis";
      marker["showscale"] = true;
    }
    return new Figure({ data: [{ type: "scatter", mode: "markers", x: xs, y: ys, marker }], layout }, { mode: "points", valid: keep.length });
  }
  const bins = options.bins ?? 128;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_DENSITY_BINS) {
    throw new WidgetPropertyError("scatter", "bins", `a whole number of bins per axis from 1 to ${MAX_DENSITY_BINS} (MAX_DENSITY_BINS; the density has bins × bins cells), e.g. 128`, bins);
  }
  if (xhi === xlo) xhi = xlo + 1;
  if (yhi === ylo) yhi = ylo + 1;
  const counts = new Float64Array(bins * bins);
  const xEdges = Float64Array.from({ length: bins + 1 }, (_, k) => xlo + ((xhi - xlo) * k) / bins);
  const yEdges = Float64Array.from({ length: bins + 1 }, (_, k) => ylo + ((yhi - ylo) * k) / bins);
  for (const i of keep) {
    const cx = Math.min(bins - 1, Math.floor(((x[i]! - xlo) / (xhi - xlo)) * bins));
    const cy = Math.min(bins - 1, Math.floor(((y[i]! - ylo) / (yhi - ylo)) * bins));
    counts[cy * bins + cx]!++;
  }
  const z = new Float32Array(bins * bins);
  for (let k = 0; k < z.length; k++) z[k] = counts[k]! > 0 ? Math.log10(counts[k]!) : NaN;
  const centers = (e: Float64Array): Float64Array => Float64Array.from({ length: bins }, (_, k) => (e[k]! + e[k + 1]!) / 2);
  return new Figure({
    data: [{
      type: "heatmap", x: centers(xEdges), y: centers(yEdges), z: new ShapedArray(z, [bins, bins]),
      colorscale: "Viridis", colorbar: { title: { text: "log10 count" } }, hoverongaps: false,
    }],
    layout,
  }, { mode: "density", valid: keep.length, counts, xEdges, yEdges });
}
