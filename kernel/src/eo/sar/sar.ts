/**
 * SAR helpers: amplitude, intensity, phase and decibels of complex (SLC) or detected rasters, and
 * the Lee speckle filter.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";
import { Raster } from "../raster/raster.js";
import { isComplex } from "../raster/types.js";

/** A SAR operation applied to data it does not fit (e.g. phase of a detected image). */
export class SarInputError extends Ai4eoError {}

/** What a real-valued (detected) raster holds; complex rasters are always re/im. */
export type DetectedKind = "amplitude" | "intensity";

/** Check the raster and the `input` option of an operation (a wrong kind was silently taken as the other). */
function checkArgs(r: Raster, name: string, options: unknown, example = '{ input: "intensity" }'): void {
  if (!(r instanceof Raster)) {
    throw new SarInputError(`${name} needs a Raster, got ${describeValue(r)}. Read one with await (await openRaster(path)).read().`);
  }
  if (options === null || typeof options !== "object") throw new SarInputError(`${name}: options must be an object such as ${example}, got ${describeValue(options)}.`);
  const input = (options as { input?: unknown }).input;
  if (input !== undefined && input !== "amplitude" && input !== "intensity") {
    throw new SarInputError(`${name}: input must be "amplitude" or "intensity" (what a real-valued raster holds), got ${describeValue(input)}. Power/sigma0/gamma0 in linear units is "intensity".`);
  }
}

function map(r: Raster, name: string, f: (re: number, im: number) => number, real?: (v: number) => number): Raster {
  const complex = isComplex(r.dtype);
  if (!complex && !real) throw new SarInputError(`${name} needs complex (SLC) data; this raster is ${r.dtype}. Use amplitude()/intensity() on detected images.`);
  const n = r.width * r.height;
  const bands = Array.from({ length: r.count }, (_, bi) => {
    const a = r.band(bi + 1);
    const nd = r.nodata[bi];
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (complex) out[i] = f(a[2 * i]!, a[2 * i + 1]!);
      else {
        const v = a[i]!;
        out[i] = Number.isNaN(v) || (nd !== null && nd !== undefined && v === nd) ? NaN : real!(v);
      }
    }
    return out;
  });
  return new Raster({ width: r.width, height: r.height, dtype: "float32", bands, transform: r.transform, crs: r.crs, nodata: NaN, descriptions: r.descriptions.map((d) => (d ? `${d} ${name}` : name)) });
}

/**
 * Amplitude |z| = √(re² + im²) of complex data; of detected data: √intensity (or the amplitude itself).
 * @example
 * ```ts
 * const amp = amplitude(await (await openRaster("slc.tif")).read());
 * ```
 */
export function amplitude(r: Raster, options: { input?: DetectedKind } = {}): Raster {
  checkArgs(r, "amplitude", options);
  const kind = options.input ?? "intensity";
  return map(r, "amplitude", (re, im) => Math.hypot(re, im), (v) => (kind === "intensity" ? Math.sqrt(v) : v));
}

/**
 * Intensity |z|² = re² + im² of complex data; of detected data: amplitude² (or the intensity itself).
 * A negative amplitude is not an amplitude: it gives NaN (as a negative intensity does in {@link amplitude}).
 * @example
 * ```ts
 * const i = intensity(slc);
 * ```
 */
export function intensity(r: Raster, options: { input?: DetectedKind } = {}): Raster {
  checkArgs(r, "intensity", options);
  const kind = options.input ?? "amplitude";
  return map(r, "intensity", (re, im) => re * re + im * im, (v) => (kind === "amplitude" ? (v < 0 ? NaN : v * v) : v));
}

/**
 * Phase atan2(im, re) in radians (−π, π] of complex data.
 * @throws {SarInputError} on real-valued data.
 * @example
 * ```ts
 * const phi = phase(slc);
 * ```
 */
export function phase(r: Raster): Raster {
  checkArgs(r, "phase", {});
  return map(r, "phase", (re, im) => Math.atan2(im, re));
}

/**
 * Decibels: 10·log10(x) for intensity/power (default), 20·log10(x) for amplitude; x ≤ 0 → NaN.
 * @example
 * ```ts
 * const db = toDb(intensity(slc));
 * ```
 */
export function toDb(r: Raster, options: { input?: DetectedKind } = {}): Raster {
  checkArgs(r, "toDb", options);
  if (isComplex(r.dtype)) r = intensity(r);
  const k = (options.input ?? "intensity") === "amplitude" ? 20 : 10;
  return map(r, "dB", () => NaN, (v) => (v > 0 ? k * Math.log10(v) : NaN));
}

/** Options of {@link leeFilter}. */
export interface LeeOptions {
  /** Odd window size in pixels; default 7. */
  size?: number;
  /** Equivalent number of looks of the input intensity, for the speckle coefficient of variation Cu = 1/√ENL; default 1 (single look). */
  looks?: number;
}

/**
 * Lee speckle filter on intensity (complex input is converted to intensity first):
 * out = m + k (x − m) with local mean m and variance v over a size×size window (clipped at the
 * edges, NaN/nodata ignored), Cu² = 1/looks and k = clamp((v − m²Cu²) / (v (1 + Cu²)), 0, 1).
 * Lee (1980), IEEE TPAMI 2(2).
 * @example
 * ```ts
 * const filtered = leeFilter(intensity(slc), { size: 5, looks: 1 });
 * ```
 */
export function leeFilter(r: Raster, options: LeeOptions = {}): Raster {
  checkArgs(r, "leeFilter", options, "{ size: 7, looks: 1 }");
  const size = options.size ?? 7;
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) throw new SarInputError(`leeFilter size must be an odd integer ≥ 3, got ${describeValue(size)}.`);
  const looks = options.looks ?? 1;
  // looks 0 or NaN gave all-NaN output, negative looks no filtering at all
  if (typeof looks !== "number" || !Number.isFinite(looks) || looks <= 0) {
    throw new SarInputError(`leeFilter looks (equivalent number of looks) must be a positive number, e.g. 1 for single-look data, 4.4 for Sentinel-1 IW GRD; got ${describeValue(looks)}.`);
  }
  const cu2 = 1 / looks;
  const src = isComplex(r.dtype) ? intensity(r) : map(r, "", () => NaN, (v) => v);
  for (let bi = 1; bi <= src.count; bi++) {
    const a = src.band(bi);
    let neg = 0;
    let min = Infinity;
    for (let i = 0; i < a.length; i++) { const v = a[i]!; if (v < 0) { neg++; if (v < min) min = v; } }
    if (neg > 0) {
      throw new SarInputError(
        `leeFilter works on intensity (≥ 0), but band ${bi}${r.descriptions[bi - 1] ? ` ("${r.descriptions[bi - 1]}")` : ""} has ${neg} negative value(s) (min ${min}). ` +
        "If the data are in dB, convert to linear first (10 ** (dB / 10)); if they are small negatives left by noise removal, set them to 0 or nodata.",
      );
    }
  }
  const { width: w, height: h } = src;
  const half = (size - 1) / 2;
  const bands = Array.from({ length: src.count }, (_, bi) => {
    const a = src.band(bi + 1) as Float32Array;
    // summed-area tables of valid count, sum and sum of squares
    const W1 = w + 1;
    const cnt = new Float64Array(W1 * (h + 1));
    const s1 = new Float64Array(W1 * (h + 1));
    const s2 = new Float64Array(W1 * (h + 1));
    for (let y = 0; y < h; y++) {
      let rc = 0, r1 = 0, r2 = 0;
      for (let x = 0; x < w; x++) {
        const v = a[y * w + x]!;
        if (!Number.isNaN(v)) { rc++; r1 += v; r2 += v * v; }
        const o = (y + 1) * W1 + x + 1;
        cnt[o] = cnt[o - W1]! + rc; s1[o] = s1[o - W1]! + r1; s2[o] = s2[o - W1]! + r2;
      }
    }
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      const y0 = Math.max(0, y - half), y1 = Math.min(h, y + half + 1);
      for (let x = 0; x < w; x++) {
        const v = a[y * w + x]!;
        if (Number.isNaN(v)) { out[y * w + x] = NaN; continue; }
        const x0 = Math.max(0, x - half), x1 = Math.min(w, x + half + 1);
        const box = (t: Float64Array) => t[y1 * W1 + x1]! - t[y0 * W1 + x1]! - t[y1 * W1 + x0]! + t[y0 * W1 + x0]!;
        const n = box(cnt);
        const m = box(s1) / n;
        const variance = Math.max(0, box(s2) / n - m * m);
        const k = variance > 0 ? Math.min(1, Math.max(0, (variance - m * m * cu2) / (variance * (1 + cu2)))) : 0;
        out[y * w + x] = m + k * (v - m);
      }
    }
    return out;
  });
  return new Raster({ width: w, height: h, dtype: "float32", bands, transform: r.transform, crs: r.crs, nodata: NaN, descriptions: r.descriptions });
}
