/**
 * Spatial feature masks for ablation: a regular grid of blocks, or SLIC superpixels (Achanta et al.
 * 2012: k-means in band-value + position space, seeded on a grid).
 * @module
 */
import type { Tensor } from "../model/tensor.js";
import { describeValue } from "../../util/describe-value.js";
import { ExplainInputError } from "./errors.js";

/** A label per pixel (`H×W`, row-major), 0-based and contiguous. */
export interface Segments {
  labels: Int32Array;
  height: number;
  width: number;
  count: number;
}

/**
 * A grid of `size×size` blocks (the last row/column of blocks may be smaller).
 * @example
 * ```ts
 * gridSegments(64, 64, 8).count; // 64
 * ```
 */
export function gridSegments(height: number, width: number, size: number | readonly [number, number]): Segments {
  for (const [name, v] of [["height", height], ["width", width]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new ExplainInputError(`The patch ${name} must be a positive integer (pixels), got ${describeValue(v)}; e.g. gridSegments(64, 64, 8).`, { [name]: v });
    }
  }
  const [bh, bw] = typeof size === "number" ? [size, size] : Array.isArray(size) ? size : [NaN, NaN];
  if (typeof bh !== "number" || typeof bw !== "number" || !Number.isInteger(bh) || !Number.isInteger(bw)) {
    throw new ExplainInputError(`Grid block size must be an integer or [rows, cols] integers, got ${JSON.stringify(size) ?? String(size)}.`, { size });
  }
  if (!(bh >= 1 && bw >= 1) || bh > height || bw > width) {
    throw new ExplainInputError(`Grid blocks of ${bh}×${bw} do not fit a ${height}×${width} patch; use blocks of at most ${height}×${width}.`);
  }
  const nx = Math.ceil(width / bw);
  const labels = new Int32Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) labels[y * width + x] = Math.floor(y / bh) * nx + Math.floor(x / bw);
  return { labels, height, width, count: Math.ceil(height / bh) * nx };
}

/** Options of {@link slicSegments}. */
export interface SlicOptions {
  /** Approximate number of superpixels; default 64. */
  segments?: number;
  /** Compactness m: larger = squarer superpixels; default 10 (in units of the band values' std). */
  compactness?: number;
  /** k-means iterations (at most: stops when no label changes); default 10. */
  iterations?: number;
}

/**
 * SLIC superpixels of item `index` of an `N×C×H×W` tensor. Band values are standardized per band so
 * that the compactness does not depend on the data's scale. Labels are relabelled to be contiguous.
 * @example
 * ```ts
 * const seg = slicSegments(patch, { segments: 50 });
 * await featureAblation(model, patch, { segments: seg });
 * ```
 */
export function slicSegments(input: Tensor, options: SlicOptions & { index?: number } = {}): Segments {
  if (input === null || typeof input !== "object" || !Array.isArray(input.dims) || !ArrayBuffer.isView(input.data)) {
    throw new ExplainInputError(`slicSegments needs an N×C×H×W tensor { data: Float32Array, dims }, got ${describeValue(input)}.`);
  }
  if (input.dims.length !== 4) throw new ExplainInputError(`slicSegments needs an N×C×H×W tensor, got dims [${input.dims.join(", ")}].`);
  if (!input.dims.every((d) => Number.isInteger(d) && d >= 1) || input.data.length !== input.dims.reduce((a, b) => a * b, 1)) {
    throw new ExplainInputError(`slicSegments: the input has ${input.data.length} values and dims [${input.dims.join(", ")}]; dims must be positive integers whose product is the number of values.`, { dims: input.dims });
  }
  if (options === null || typeof options !== "object") throw new ExplainInputError(`options must be an object such as { segments: 64 }, got ${describeValue(options)}.`);
  const [, C, H, W] = input.dims as [number, number, number, number];
  const P = H * W;
  const idx = options.index ?? 0;
  const N = input.dims[0]!;
  if (!(typeof idx === "number" && Number.isInteger(idx) && idx >= 0 && idx < N)) {
    throw new ExplainInputError(`index ${JSON.stringify(idx) ?? String(idx)} is not an item of the batch of ${N}: use an integer in 0..${N - 1}.`, { index: idx });
  }
  if (options.segments !== undefined && !(typeof options.segments === "number" && Number.isInteger(options.segments) && options.segments >= 1)) {
    throw new ExplainInputError(`segments must be a positive integer (approximate number of superpixels), got ${JSON.stringify(options.segments) ?? String(options.segments)}.`);
  }
  if (options.compactness !== undefined && !(typeof options.compactness === "number" && Number.isFinite(options.compactness) && options.compactness >= 0)) {
    throw new ExplainInputError(`compactness must be a finite number ≥ 0 (larger = squarer superpixels; 10 is usual), got ${describeValue(options.compactness)}.`, { compactness: options.compactness });
  }
  if (options.iterations !== undefined && !(typeof options.iterations === "number" && Number.isInteger(options.iterations) && options.iterations >= 1)) {
    throw new ExplainInputError(`iterations must be a positive integer (k-means iterations; 10 is usual), got ${describeValue(options.iterations)}.`, { iterations: options.iterations });
  }
  const x = input.data.subarray(idx * C * P, (idx + 1) * C * P);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      const p = i % P;
      throw new ExplainInputError(
        `slicSegments: item ${idx} band ${Math.floor(i / P)} pixel (row ${Math.floor(p / W)}, col ${p % W}) is ${x[i]}; superpixels need finite values. Fill nodata first (e.g. with the band mean).`,
        { item: idx, band: Math.floor(i / P), row: Math.floor(p / W), col: p % W },
      );
    }
  }
  // Standardize bands.
  const f = new Float64Array(C * P);
  for (let c = 0; c < C; c++) {
    let m = 0, v = 0;
    for (let p = 0; p < P; p++) m += x[c * P + p]!;
    m /= P;
    for (let p = 0; p < P; p++) v += (x[c * P + p]! - m) ** 2;
    const sd = Math.sqrt(v / P) || 1;
    for (let p = 0; p < P; p++) f[c * P + p] = (x[c * P + p]! - m) / sd;
  }
  const K = Math.max(1, Math.min(P, options.segments ?? 64));
  const S = Math.max(1, Math.sqrt(P / K));
  const m = options.compactness ?? 10;
  const centers: { y: number; x: number; v: Float64Array }[] = [];
  for (let cy = S / 2; cy < H; cy += S) for (let cx = S / 2; cx < W; cx += S) {
    const py = Math.min(H - 1, Math.floor(cy)), px = Math.min(W - 1, Math.floor(cx));
    centers.push({ y: py, x: px, v: Float64Array.from({ length: C }, (_, c) => f[c * P + py * W + px]!) });
  }
  const labels = new Int32Array(P).fill(-1);
  const dist = new Float64Array(P);
  const w = (m / S) ** 2;
  const previous = new Int32Array(P);
  for (let it = 0; it < (options.iterations ?? 10); it++) {
    previous.set(labels);
    dist.fill(Infinity);
    centers.forEach((c, k) => {
      const y0 = Math.max(0, Math.floor(c.y - 2 * S)), y1 = Math.min(H, Math.ceil(c.y + 2 * S));
      const x0 = Math.max(0, Math.floor(c.x - 2 * S)), x1 = Math.min(W, Math.ceil(c.x + 2 * S));
      for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) {
        const p = y * W + xx;
        let dc = 0;
        for (let b = 0; b < C; b++) dc += (f[b * P + p]! - c.v[b]!) ** 2;
        const d = dc + w * ((y - c.y) ** 2 + (xx - c.x) ** 2);
        if (d < dist[p]!) { dist[p] = d; labels[p] = k; }
      }
    });
    const acc = centers.map(() => ({ y: 0, x: 0, n: 0, v: new Float64Array(C) }));
    for (let p = 0; p < P; p++) {
      const a = acc[labels[p]!]!;
      a.y += Math.floor(p / W); a.x += p % W; a.n++;
      for (let b = 0; b < C; b++) a.v[b]! += f[b * P + p]!;
    }
    acc.forEach((a, k) => {
      if (a.n === 0) return;
      centers[k] = { y: a.y / a.n, x: a.x / a.n, v: a.v.map((s) => s / a.n) };
    });
    // Same labels as the last iteration: the centers are the same too, so every later iteration would be.
    if (it > 0 && labels.every((l, p) => l === previous[p])) break;
  }
  const remap = new Map<number, number>();
  for (let p = 0; p < P; p++) {
    if (!remap.has(labels[p]!)) remap.set(labels[p]!, remap.size);
    labels[p] = remap.get(labels[p]!)!;
  }
  return { labels, height: H, width: W, count: remap.size };
}
