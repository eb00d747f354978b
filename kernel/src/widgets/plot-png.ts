/**
 * A PNG picture of a heatmap trace, for the Plot widget's image/png fallback (front ends without
 * widget support, GitHub previews). Values are coloured with the trace's colorscale (Viridis, Greys,
 * Blues, RdBu, RdYlGn; others fall back to Viridis) between zmin and zmax; NaN is transparent.
 * @module
 */
import { colourRange } from "./colour-range.js";
import { pngEncoder } from "../eo/lazy-deps.js";
import { ShapedArray } from "./wire.js";

type Stop = [number, [number, number, number]];

/** Colour stops of the colorscales the helpers use (plotly's definitions, sampled). */
export const COLORSCALES: Record<string, Stop[]> = {
  Viridis: [[0, [68, 1, 84]], [0.13, [71, 44, 122]], [0.25, [59, 81, 139]], [0.38, [44, 113, 142]], [0.5, [33, 144, 141]], [0.63, [39, 173, 129]], [0.75, [92, 200, 99]], [0.88, [170, 220, 50]], [1, [253, 231, 37]]],
  Greys: [[0, [0, 0, 0]], [1, [255, 255, 255]]],
  Blues: [[0, [5, 10, 172]], [0.35, [40, 60, 190]], [0.5, [70, 100, 245]], [0.6, [90, 120, 245]], [0.7, [106, 137, 247]], [1, [220, 220, 220]]],
  RdBu: [[0, [5, 10, 172]], [0.35, [106, 137, 247]], [0.5, [190, 190, 190]], [0.6, [220, 170, 132]], [0.7, [230, 145, 90]], [1, [178, 10, 28]]],
  RdYlGn: [[0, [165, 0, 38]], [0.25, [244, 109, 67]], [0.5, [255, 255, 191]], [0.75, [102, 189, 99]], [1, [0, 104, 55]]],
};

/** The colour of `t` in [0, 1] on a colorscale. */
export function colorAt(stops: Stop[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i]!;
    if (x <= t1) {
      const [t0, c0] = stops[i - 1]!;
      const f = t1 === t0 ? 0 : (x - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(c0[k]! + f * (c1[k]! - c0[k]!))) as [number, number, number];
    }
  }
  return stops[stops.length - 1]![1];
}

/**
 * Render a 2-D heatmap `z` (row 0 at the top) to PNG bytes, at most `maxSize` pixels per side
 * (nearest-neighbour subsampling); each value becomes one or more pixels (small grids are enlarged).
 * @example
 * ```ts
 * const png = heatmapPng(new ShapedArray(new Float32Array([0, 1, 2, 3]), [2, 2]), { colorscale: "Greys" });
 * ```
 */
export function heatmapPng(z: ShapedArray, options: { zmin?: number; zmax?: number; colorscale?: string; reversescale?: boolean; maxSize?: number } = {}): Uint8Array {
  const [rows, cols] = z.shape as [number, number];
  let min = Infinity, max = -Infinity;
  if (options.zmin === undefined || options.zmax === undefined) {
    for (const v of z.array) if (Number.isFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
  }
  // (no finite value at all: nothing is drawn, any range will do)
  const [lo = 0, hi = 1] = colourRange(options.zmin, options.zmax, min, max);
  const stops = COLORSCALES[options.colorscale ?? "Viridis"] ?? COLORSCALES["Viridis"]!;
  const maxSize = options.maxSize ?? 512;
  const scale = Math.max(rows, cols) > maxSize ? maxSize / Math.max(rows, cols) : Math.max(1, Math.floor(256 / Math.max(rows, cols)));
  const w = Math.max(1, Math.round(cols * scale)), h = Math.max(1, Math.round(rows * scale));
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const r = Math.min(rows - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const v = z.at(r, Math.min(cols - 1, Math.floor(x / scale)));
      const o = (y * w + x) * 4;
      if (!Number.isFinite(v)) continue; // transparent
      let t = (v - lo) / (hi - lo);
      if (options.reversescale) t = 1 - t;
      const c = colorAt(stops, t);
      data[o] = c[0]; data[o + 1] = c[1]; data[o + 2] = c[2]; data[o + 3] = 255;
    }
  }
  return pngEncoder()({ width: w, height: h, data, channels: 4, depth: 8 });
}
