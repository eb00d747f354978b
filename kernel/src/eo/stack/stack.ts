/**
 * Stacks and time series: rasters of several dates on one grid (t × band × row × col), per-pixel
 * temporal profiles and median composites.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";
import { reproject, type GridLike } from "../geo/reproject.js";
import { interruptSignal } from "../progress.js";
import { Raster } from "../raster/raster.js";
import type { GeoTransform, RasterSourceLike } from "../raster/types.js";

/** Inconsistent stack inputs (no layers, different band counts, times not matching). */
export class StackError extends Ai4eoError {}

/** Options of {@link stackRasters}. */
export interface StackOptions {
  /** Acquisition times, one per source; default index order (t = 0, 1, …). */
  times?: Date[];
  /** Target grid; default the first source's grid. Others are reprojected onto it. */
  like?: GridLike;
  /** Resampling for sources not already on the grid; default "nearest". */
  resampling?: "nearest" | "bilinear" | "average";
  /** 1-based bands to read from every source; default all. */
  bands?: number[];
  /** Aborts the reads. */
  signal?: AbortSignal;
}

/** Times must be valid Dates, one per layer, in order (equal times, e.g. two tiles of one pass, are allowed). */
function checkTimes(times: unknown, n: number): void {
  if (times === undefined) return;
  if (!Array.isArray(times)) throw new StackError(`times must be an array of Dates, one per layer, got ${describeValue(times)}.`);
  if (times.length !== n) throw new StackError(`${times.length} times for ${n} layers; pass one time per layer.`);
  times.forEach((d, i) => {
    if (!(d instanceof Date)) throw new StackError(`times[${i}] is ${describeValue(d)}, not a Date; pass new Date(${typeof d === "string" || typeof d === "number" ? JSON.stringify(d) : '"2020-01-31"'}).`);
    if (Number.isNaN(d.getTime())) throw new StackError(`times[${i}] is an invalid Date; check the string it was made from (ISO 8601, e.g. "2020-01-31").`);
    if (i > 0 && d.getTime() < (times[i - 1] as Date).getTime()) {
      throw new StackError(`times are not in order: times[${i}] (${d.toISOString()}) is before times[${i - 1}] (${(times[i - 1] as Date).toISOString()}). Sort the sources by date before stacking, so layer t follows layer t − 1.`);
    }
  });
}

function sameGrid(a: GridLike, b: GridLike): boolean {
  const eq = (x: GeoTransform, y: GeoTransform) => x.every((v, i) => Math.abs(v - y[i]!) <= 1e-9 * Math.max(1, Math.abs(v)));
  const crsEq = (a.crs.epsg !== undefined && a.crs.epsg === b.crs.epsg) || (a.crs.proj4 !== undefined && a.crs.proj4 === b.crs.proj4) ||
    (a.crs.epsg === undefined && a.crs.proj4 === undefined && b.crs.epsg === undefined && b.crs.proj4 === undefined);
  return a.width === b.width && a.height === b.height && eq(a.transform, b.transform) && crsEq;
}

/**
 * A time stack: `t` layers of `count` bands of `height × width` pixels on one grid, as Float32
 * (NaN = nodata).
 */
export class RasterStack {
  readonly t: number;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly transform: GeoTransform;
  readonly crs: Raster["crs"];
  readonly times: Date[] | undefined;
  /** Layer rasters (Float32, nodata NaN), one per time. */
  readonly layers: Raster[];

  constructor(layers: Raster[], times?: Date[]) {
    if (!Array.isArray(layers)) throw new StackError(`A stack needs an array of Rasters, got ${describeValue(layers)}.`);
    if (layers.length === 0) throw new StackError("A stack needs at least one raster.");
    layers.forEach((l, i) => {
      if (!(l instanceof Raster)) throw new StackError(`Layer ${i} is ${describeValue(l)}, not a Raster. Build stacks from sources with stackRasters().`);
      if (l.dtype.startsWith("c")) throw new StackError(`Layer ${i} is ${l.dtype} (complex); convert it first, e.g. intensity(layer) or amplitude(layer).`);
    });
    const first = layers[0]!;
    layers.forEach((l, i) => {
      if (!sameGrid(l, first) || l.count !== first.count) {
        throw new StackError(`Layer ${i} (${l.width}×${l.height}, ${l.count} bands) is not on the grid of layer 0 (${first.width}×${first.height}, ${first.count} bands). Build stacks with stackRasters(), which aligns them.`);
      }
    });
    checkTimes(times, layers.length);
    this.layers = layers;
    this.t = layers.length;
    this.count = first.count;
    this.width = first.width;
    this.height = first.height;
    this.transform = first.transform;
    this.crs = first.crs;
    this.times = times;
  }

  /**
   * The values of one pixel through time for band `band` (1-based): length `t`, NaN = nodata.
   * @example
   * ```ts
   * stack.profile(120, 80, 1); // Float32Array(t)
   * ```
   */
  profile(col: number, row: number, band = 1): Float32Array {
    if (!Number.isInteger(col) || !Number.isInteger(row)) {
      throw new StackError(`profile needs integer pixel coordinates (col, row), got col ${describeValue(col)} and row ${describeValue(row)}; round them, e.g. Math.floor(col).`);
    }
    if (col < 0 || row < 0 || col >= this.width || row >= this.height) throw new StackError(`Pixel (${col}, ${row}) is outside the ${this.width}×${this.height} stack.`);
    if (!Number.isInteger(band) || band < 1 || band > this.count) throw new StackError(`band must be a band number 1..${this.count} of this stack, got ${describeValue(band)}.`);
    return Float32Array.from(this.layers, (l) => l.band(band)[row * this.width + col]!);
  }

  /**
   * Per-pixel, per-band median over time, ignoring NaN (a pixel with no valid value is NaN).
   * @example
   * ```ts
   * const composite = stack.median();
   * ```
   */
  median(): Raster {
    const n = this.width * this.height;
    const buf = new Float64Array(this.t);
    const bands = Array.from({ length: this.count }, (_, bi) => {
      const arrs = this.layers.map((l) => l.band(bi + 1));
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let k = 0;
        for (const a of arrs) { const v = a[i]!; if (!Number.isNaN(v)) buf[k++] = v; }
        if (k === 0) { out[i] = NaN; continue; }
        const s = buf.subarray(0, k).sort();
        out[i] = k % 2 ? s[(k - 1) / 2]! : (s[k / 2 - 1]! + s[k / 2]!) / 2;
      }
      return out;
    });
    const f = this.layers[0]!;
    return new Raster({ width: this.width, height: this.height, dtype: "float32", bands, transform: this.transform, crs: this.crs, nodata: NaN, descriptions: f.descriptions });
  }

  /**
   * All values as one Float32Array in t × band × row × col order (what models expect).
   * @example
   * ```ts
   * const x = stack.toArray(); // length t * count * height * width
   * ```
   */
  toArray(): Float32Array {
    const n = this.width * this.height;
    const out = new Float32Array(this.t * this.count * n);
    this.layers.forEach((l, t) => { for (let b = 0; b < this.count; b++) out.set(l.band(b + 1) as Float32Array, (t * this.count + b) * n); });
    return out;
  }
}

/**
 * Read several rasters (files, sources or in-memory) onto one grid as a {@link RasterStack}.
 * Values become Float32 with source nodata → NaN.
 * @example
 * ```ts
 * const stack = await stackRasters(await Promise.all(paths.map((p) => openRaster(p))), { times: dates });
 * const composite = stack.median();
 * ```
 */
export async function stackRasters(sources: RasterSourceLike[], options: StackOptions = {}): Promise<RasterStack> {
  if (!Array.isArray(sources)) throw new StackError(`stackRasters needs an array of sources (opened files or Rasters), got ${describeValue(sources)}. For one raster pass [raster].`);
  if (sources.length === 0) throw new StackError("stackRasters needs at least one source.");
  sources.forEach((s, i) => {
    if (s === null || typeof s !== "object" || typeof (s as RasterSourceLike).read !== "function") {
      throw new StackError(`Source ${i} is ${describeValue(s)}, not a raster source; pass what openRaster() returns or a Raster.`);
    }
    if (s.dtype.startsWith("c")) throw new StackError(`Source ${i} is ${s.dtype} (complex); stacks hold real values. Convert it first, e.g. intensity(await source.read()).`);
  });
  if (options === null || typeof options !== "object") throw new StackError(`options must be an object such as { times }, got ${describeValue(options)}.`);
  checkTimes(options.times, sources.length);
  if (options.resampling !== undefined && !["nearest", "bilinear", "average"].includes(options.resampling)) {
    throw new StackError(`resampling must be "nearest", "bilinear" or "average", got ${describeValue(options.resampling)}.`);
  }
  if (options.bands !== undefined && (!Array.isArray(options.bands) || options.bands.length === 0 || options.bands.some((b) => !Number.isInteger(b)))) {
    throw new StackError(`bands must be a non-empty array of 1-based band numbers such as [1, 2, 3], got ${describeValue(options.bands)}.`);
  }
  const signal = options.signal ?? interruptSignal();
  const grid: GridLike = options.like ?? sources[0]!;
  const layers: Raster[] = [];
  for (const [i, s] of sources.entries()) {
    signal?.throwIfAborted();
    if (options.bands) {
      const bad = options.bands.find((b) => b < 1 || b > s.count);
      if (bad !== undefined) throw new StackError(`Source ${i} has bands 1..${s.count}; band ${bad} was asked for.`);
    } else if (s.count !== sources[0]!.count) {
      throw new StackError(`Source ${i} has ${s.count} bands but source 0 has ${sources[0]!.count}; pass { bands: [...] } to pick common bands.`);
    }
    let r: Raster = sameGrid(s, grid) ? await s.read({ bands: options.bands, signal }) :
      await reproject(s, { like: grid, resampling: options.resampling ?? "nearest", signal });
    if (options.bands && !sameGrid(s, grid)) r = await r.read({ bands: options.bands });
    const bands = Array.from({ length: r.count }, (_, b) => {
      const a = r.band(b + 1);
      const nd = r.nodata[b];
      const f = new Float32Array(a.length);
      for (let k = 0; k < a.length; k++) { const v = a[k]!; f[k] = nd !== null && nd !== undefined && v === nd ? NaN : v; }
      return f;
    });
    layers.push(new Raster({ width: grid.width, height: grid.height, dtype: "float32", bands, transform: grid.transform, crs: grid.crs, nodata: NaN, descriptions: r.descriptions }));
  }
  return new RasterStack(layers, options.times);
}
