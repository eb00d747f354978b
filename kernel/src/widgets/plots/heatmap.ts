/**
 * Heatmaps and single-band images (row 0 at the top, square pixels).
 * @module
 */
import { colourRange } from "../colour-range.js";
import { WidgetPropertyError } from "../errors.js";
import { Figure } from "../figure.js";
import { ShapedArray } from "../wire.js";
import { bandLabel, isValid, type BandSource } from "./band-source.js";

/** Options of {@link heatmap} and {@link imagePlot}. */
export interface HeatmapOptions {
  title?: string;
  /** A plotly colorscale name ("Viridis", "Greys", "RdBu", ...) ; default "Viridis". */
  colorscale?: string;
  /** Colour range; default the data's range. */
  zmin?: number;
  zmax?: number;
  /** Colorbar title; default none. */
  colorbarTitle?: string;
  /** Treat this value as missing (drawn transparent); default none. */
  nodata?: number | null;
  /** Keep pixels square and row 0 at the top (image mode); default true for imagePlot, false for heatmap. */
  image?: boolean;
  /** Labels of columns / rows instead of indices. */
  xLabels?: readonly string[];
  yLabels?: readonly string[];
}

/**
 * zmin and zmax, when given, must be finite numbers with zmin < zmax: NaN or a string gave a blank
 * or garbled colour scale in the browser and in the PNG fallback; an empty or inverted range has no
 * colours to spread the values over.
 */
function checkColourRange(options: HeatmapOptions): void {
  for (const field of ["zmin", "zmax"] as const) {
    const v = options[field];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v))) {
      throw new WidgetPropertyError("heatmap", field, "a finite number (the value drawn at that end of the colour scale)", v);
    }
  }
  if (options.zmin !== undefined && options.zmax !== undefined && !(options.zmin < options.zmax)) {
    throw new WidgetPropertyError("heatmap", "zmax", `a number above zmin (${options.zmin}): zmin is the low end of the colour scale, zmax the high end (swap them if they are the wrong way round)`, options.zmax);
  }
}

/**
 * A `rows × cols` grid of values (row-major) as a heatmap; nodata/NaN cells stay empty. The grid
 * travels as one Float32 binary buffer.
 * @example
 * ```ts
 * heatmap(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3, { colorscale: "RdBu", title: "correlation" });
 * ```
 */
export function heatmap(values: ArrayLike<number>, rows: number, cols: number, options: HeatmapOptions = {}): Figure<{ min: number; max: number }> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || rows * cols !== values.length) {
    throw new WidgetPropertyError("heatmap", "values", `${rows}×${cols} = ${rows * cols} values`, values);
  }
  checkColourRange(options);
  const z = new Float32Array(values.length);
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < z.length; i++) {
    const v = values[i]!;
    if (isValid(v, options.nodata)) {
      z[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    } else z[i] = NaN;
  }
  const [zmin, zmax] = colourRange(options.zmin, options.zmax, min, max);
  const trace: Record<string, unknown> = {
    type: "heatmap", z: new ShapedArray(z, [rows, cols]), colorscale: options.colorscale ?? "Viridis",
    zmin, zmax,
    colorbar: options.colorbarTitle ? { title: { text: options.colorbarTitle } } : {}, hoverongaps: false,
  };
  if (options.xLabels) trace["x"] = [...options.xLabels];
  if (options.yLabels) trace["y"] = [...options.yLabels];
  const image = options.image ?? false;
  return new Figure({
    data: [trace],
    layout: {
      title: options.title ? { text: options.title } : undefined,
      xaxis: image ? { scaleanchor: "y", constrain: "domain", title: { text: "column" } } : {},
      yaxis: image ? { autorange: "reversed", constrain: "domain", title: { text: "row" } } : { autorange: options.yLabels ? "reversed" : true },
      margin: { t: options.title ? 48 : 24, r: 16, b: 48, l: 64 },
    },
  }, { min, max });
}

/**
 * One band of a raster as an image (row 0 at the top, square pixels, nodata transparent). Large
 * bands are subsampled by an integer step so at most `maxSize` pixels per side travel.
 * @example
 * ```ts
 * imagePlot(ndvi, { band: 1, colorscale: "RdYlGn", zmin: -1, zmax: 1, title: "NDVI" });
 * ```
 */
export function imagePlot(src: BandSource, options: HeatmapOptions & { band?: number; maxSize?: number } = {}): Figure<{ min: number; max: number; step: number }> {
  const band = options.band ?? 1;
  if (!Number.isInteger(band) || band < 1 || band > src.count) throw new WidgetPropertyError("imagePlot", "band", `a band number 1..${src.count}`, band);
  const maxSize = options.maxSize ?? 1024;
  if (!(maxSize >= 1)) {
    throw new WidgetPropertyError("imagePlot", "maxSize", "a number of pixels ≥ 1 (the longest side sent; default 1024)", maxSize);
  }
  const step = Math.max(1, Math.ceil(Math.max(src.width, src.height) / maxSize));
  const w = Math.ceil(src.width / step), h = Math.ceil(src.height / step);
  const px = src.band(band);
  const out = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[r * w + c] = px[r * step * src.width + c * step]!;
  const fig = heatmap(out, h, w, {
    image: true, title: options.title ?? bandLabel(src, band), nodata: options.nodata !== undefined ? options.nodata : src.nodata[band - 1] ?? null,
    ...options,
  });
  if (step > 1) {
    const t = fig.data[0]!;
    t["x0"] = 0; t["dx"] = step; t["y0"] = 0; t["dy"] = step;
  }
  return new Figure({ data: fig.data, layout: fig.layout }, { ...fig.stats, step });
}
