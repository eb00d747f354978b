/**
 * Spectral indices computed from band arrays, nodata-aware: a pixel whose input is nodata or NaN,
 * or whose denominator is 0, is NaN in the result (Float32). Inputs should be reflectance for
 * EVI and SAVI (the normalized differences are scale-invariant).
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";
import { Raster } from "../raster/raster.js";
import { isComplex, type BandArray } from "../raster/types.js";
import { findBand, getSensor, listSensors, sensorBandNumbers, type Sensor } from "../sensors/sensor.js";

/** A numeric band: any typed array or number array, all of one length. */
export type BandValues = ArrayLike<number>;

/** Bands by common name. */
export interface IndexBands {
  blue?: BandValues;
  green?: BandValues;
  red?: BandValues;
  nir?: BandValues;
  swir16?: BandValues;
  swir22?: BandValues;
}

/** Options shared by the index functions. */
export interface IndexOptions {
  /** Input value that marks missing data (in every input band); default none (NaN is always missing). */
  nodata?: number | null;
}

/** Missing inputs or bands of different lengths. */
export class IndexInputError extends Ai4eoError {}

/** Check that `a` is a typed array or an array of numbers (not a Raster, a string or BigInts). */
function checkBand(a: unknown, label: string, index: string): BandValues {
  if (a instanceof Raster) {
    throw new IndexInputError(`${index}: band "${label}" is a Raster; pass its pixels, e.g. raster.band(4), or use spectralIndex(raster, …) for whole rasters.`);
  }
  const numeric = ArrayBuffer.isView(a) ? !(a instanceof BigInt64Array || a instanceof BigUint64Array || a instanceof DataView) :
    Array.isArray(a) && a.every((v) => typeof v === "number");
  if (!numeric) {
    throw new IndexInputError(`${index}: band "${label}" must be a typed array or an array of numbers, got ${describeValue(a)}${Array.isArray(a) ? " with non-number values" : ""}. Convert it, e.g. Float32Array.from(values, Number).`);
  }
  return a as BandValues;
}

function checkOptions(options: unknown, index: string): IndexOptions {
  if (options === null || typeof options !== "object") throw new IndexInputError(`${index}: options must be an object such as { nodata: 0 }, got ${describeValue(options)}.`);
  const nd = (options as IndexOptions).nodata;
  if (nd !== undefined && nd !== null && typeof nd !== "number") {
    throw new IndexInputError(`${index}: nodata must be a number or null, got ${describeValue(nd)}; a string never equals a pixel value.`);
  }
  return options as IndexOptions;
}

function need(bands: IndexBands, names: (keyof IndexBands)[], index: string): BandValues[] {
  if (bands === null || typeof bands !== "object" || bands instanceof Raster || ArrayBuffer.isView(bands) || Array.isArray(bands)) {
    throw new IndexInputError(`${index} needs its bands by name, { ${names.map((x) => `${x}: …`).join(", ")} }, got ${describeValue(bands)}.${bands instanceof Raster ? " For a Raster use spectralIndex(raster, name, { sensor })." : ""}`);
  }
  const arrs = names.map((n) => {
    const a = bands[n];
    if (!a) throw new IndexInputError(`${index} needs the ${names.join(", ")} bands; "${n}" is missing. Pass { ${names.map((x) => `${x}: …`).join(", ")} }.`);
    return checkBand(a, n, index);
  });
  const len = arrs[0]!.length;
  arrs.forEach((a, i) => {
    if (a.length !== len) throw new IndexInputError(`${index}: band "${names[i]}" has ${a.length} values but "${names[0]}" has ${len}; the bands must be on one grid.`);
  });
  return arrs;
}

function compute(arrs: BandValues[], nodata: number | null | undefined, f: (v: number[]) => number): Float32Array {
  const n = arrs[0]!.length;
  const out = new Float32Array(n);
  const v = new Array<number>(arrs.length);
  outer: for (let i = 0; i < n; i++) {
    for (let k = 0; k < arrs.length; k++) {
      const x = arrs[k]![i]!;
      if (Number.isNaN(x) || (nodata !== null && nodata !== undefined && x === nodata)) { out[i] = NaN; continue outer; }
      v[k] = x;
    }
    const r = f(v);
    out[i] = Number.isFinite(r) ? r : NaN;
  }
  return out;
}

/**
 * Generic normalized difference `(a − b) / (a + b)`.
 * @example
 * ```ts
 * normalizedDifference(new Float32Array([0.5]), new Float32Array([0.1])); // Float32Array [0.666…]
 * ```
 */
export function normalizedDifference(a: BandValues, b: BandValues, options: IndexOptions = {}): Float32Array {
  checkBand(a, "a", "normalizedDifference");
  checkBand(b, "b", "normalizedDifference");
  checkOptions(options, "normalizedDifference");
  if (a.length !== b.length) throw new IndexInputError(`normalizedDifference: the bands have ${a.length} and ${b.length} values; they must be on one grid.`);
  return compute([a, b], options.nodata, ([x, y]) => (x! - y!) / (x! + y!));
}

/**
 * NDVI = (NIR − Red) / (NIR + Red). Rouse et al. (1974), Monitoring vegetation systems in the Great Plains with ERTS.
 * @example
 * ```ts
 * ndvi({ nir, red }, { nodata: 0 });
 * ```
 */
export function ndvi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "NDVI");
  const [nir, red] = need(bands, ["nir", "red"], "NDVI");
  return normalizedDifference(nir!, red!, options);
}

/**
 * NDWI = (Green − NIR) / (Green + NIR). McFeeters (1996), Int. J. Remote Sensing 17(7).
 * @example
 * ```ts
 * const index = ndwi({ green, nir }); // Float32Array; NaN where an input is NaN (or options.nodata) or the ratio is not finite
 * ```
 */
export function ndwi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "NDWI");
  const [g, nir] = need(bands, ["green", "nir"], "NDWI");
  return normalizedDifference(g!, nir!, options);
}

/**
 * MNDWI = (Green − SWIR1.6) / (Green + SWIR1.6). Xu (2006), Int. J. Remote Sensing 27(14).
 * @example
 * ```ts
 * const index = mndwi({ green, swir16 }); // Float32Array; NaN where an input is NaN (or options.nodata) or the ratio is not finite
 * ```
 */
export function mndwi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "MNDWI");
  const [g, s] = need(bands, ["green", "swir16"], "MNDWI");
  return normalizedDifference(g!, s!, options);
}

/**
 * NDBI = (SWIR1.6 − NIR) / (SWIR1.6 + NIR). Zha et al. (2003), Int. J. Remote Sensing 24(3).
 * @example
 * ```ts
 * const index = ndbi({ swir16, nir }); // Float32Array; NaN where an input is NaN (or options.nodata) or the ratio is not finite
 * ```
 */
export function ndbi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "NDBI");
  const [s, nir] = need(bands, ["swir16", "nir"], "NDBI");
  return normalizedDifference(s!, nir!, options);
}

/**
 * NBR = (NIR − SWIR2.2) / (NIR + SWIR2.2). Key & Benson (2006), FIREMON Landscape Assessment.
 * @example
 * ```ts
 * const index = nbr({ nir, swir22 }); // Float32Array; NaN where an input is NaN (or options.nodata) or the ratio is not finite
 * ```
 */
export function nbr(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "NBR");
  const [nir, s] = need(bands, ["nir", "swir22"], "NBR");
  return normalizedDifference(nir!, s!, options);
}

/**
 * NDSI = (Green − SWIR1.6) / (Green + SWIR1.6). Hall et al. (1995), Remote Sens. Environ. 54(2).
 * @example
 * ```ts
 * const index = ndsi({ green, swir16 }); // Float32Array; NaN where an input is NaN (or options.nodata) or the ratio is not finite
 * ```
 */
export function ndsi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "NDSI");
  const [g, s] = need(bands, ["green", "swir16"], "NDSI");
  return normalizedDifference(g!, s!, options);
}

/**
 * EVI = 2.5 (NIR − Red) / (NIR + 6 Red − 7.5 Blue + 1), on reflectance. Huete et al. (2002), Remote Sens. Environ. 83.
 * @example
 * ```ts
 * evi({ nir, red, blue });
 * ```
 */
export function evi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "EVI");
  const arrs = need(bands, ["nir", "red", "blue"], "EVI");
  return compute(arrs, options.nodata, ([n, r, b]) => (2.5 * (n! - r!)) / (n! + 6 * r! - 7.5 * b! + 1));
}

/**
 * SAVI = (1 + L)(NIR − Red) / (NIR + Red + L), on reflectance, L default 0.5. Huete (1988), Remote Sens. Environ. 25(3).
 * @example
 * ```ts
 * savi({ nir, red }, { L: 0.5 });
 * ```
 */
export function savi(bands: IndexBands, options: IndexOptions & { L?: number } = {}): Float32Array {
  checkOptions(options, "SAVI");
  const L = options.L ?? 0.5;
  if (typeof L !== "number" || !Number.isFinite(L) || L < 0) throw new IndexInputError(`SAVI: L must be a finite number ≥ 0 (0.5 for most canopies), got ${describeValue(L)}.`);
  const arrs = need(bands, ["nir", "red"], "SAVI");
  return compute(arrs, options.nodata, ([n, r]) => ((1 + L) * (n! - r!)) / (n! + r! + L));
}

/**
 * BSI = ((SWIR1.6 + Red) − (NIR + Blue)) / ((SWIR1.6 + Red) + (NIR + Blue)). Rikimaru et al. (2002), Tropical Ecology 43(1).
 * @example
 * ```ts
 * bsi({ swir16, red, nir, blue });
 * ```
 */
export function bsi(bands: IndexBands, options: IndexOptions = {}): Float32Array {
  checkOptions(options, "BSI");
  const arrs = need(bands, ["swir16", "red", "nir", "blue"], "BSI");
  return compute(arrs, options.nodata, ([s, r, n, b]) => (s! + r! - (n! + b!)) / (s! + r! + n! + b!));
}

/** Index names usable with {@link spectralIndex}. */
export const INDICES = { ndvi, ndwi, mndwi, ndbi, evi, savi, nbr, ndsi, bsi } as const;
export type IndexName = keyof typeof INDICES;

const NEEDS: Record<IndexName, (keyof IndexBands)[]> = {
  ndvi: ["nir", "red"], ndwi: ["green", "nir"], mndwi: ["green", "swir16"], ndbi: ["swir16", "nir"], evi: ["nir", "red", "blue"],
  savi: ["nir", "red"], nbr: ["nir", "swir22"], ndsi: ["green", "swir16"], bsi: ["swir16", "red", "nir", "blue"],
};

/** Options of {@link spectralIndex}. */
export interface SpectralIndexOptions {
  /** The sensor whose band names the raster's bands follow (id, short id like "s2"/"l8"/"l7", or a Sensor). */
  sensor: string | Sensor;
  /** Band names of the raster in order; default the sensor's order. */
  order?: string[];
  /** Apply the sensor's scale/offset to get reflectance first; default true for EVI and SAVI, false otherwise. */
  reflectance?: boolean;
}

/** The sensor band a description names, or undefined when it names none. */
function bandOfDescription(sensor: Sensor, d: string | null | undefined): string | undefined {
  if (!d) return undefined;
  try { return findBand(sensor, d.trim()).name; } catch { return undefined; }
}

/**
 * When the raster's band descriptions name the sensor's bands (e.g. "B04", "nir"), the bands the
 * order picks must be the ones the descriptions name: a raster in another order would give a wrong
 * index without any error.
 */
function checkDescriptions(raster: Raster, sensor: Sensor, needed: (keyof IndexBands)[], numbers: number[], order: string[] | undefined, index: string): void {
  needed.forEach((c, i) => {
    const n = numbers[i]!;
    if (n > raster.count) return;
    const described = bandOfDescription(sensor, raster.descriptions[n - 1]);
    const want = findBand(sensor, c).name;
    if (described !== undefined && described !== want) {
      const fix = raster.descriptions.every((d) => bandOfDescription(sensor, d) !== undefined) ?
        `Pass { order: [${raster.descriptions.map((d) => JSON.stringify(d)).join(", ")}] } (the raster's descriptions)` : "Pass { order: [...] } naming the raster's bands in their order";
      throw new IndexInputError(
        `${index.toUpperCase()} would read ${c} (${sensor.id} band ${want}) from band ${n} ${order ? "as the given order says" : `(${sensor.id}'s own band order)`}, ` +
        `but band ${n} is described as "${raster.descriptions[n - 1]}" (${described}). ${fix}.`,
      );
    }
  });
}

/**
 * Compute an index on a Raster whose bands follow a sensor's band list; returns a one-band Float32
 * Raster on the same grid, NaN where an input is nodata.
 * @example
 * ```ts
 * const l7 = await (await openRaster("data/olinda/L7_ETMs.tif")).read();
 * const v = spectralIndex(l7, "ndvi", { sensor: "l7", order: ["B1", "B2", "B3", "B4", "B5", "B7"] });
 * ```
 */
export function spectralIndex(raster: Raster, name: IndexName, options: SpectralIndexOptions): Raster {
  if (!(raster instanceof Raster)) {
    throw new IndexInputError(`spectralIndex needs a Raster, got ${describeValue(raster)}. Read one with await (await openRaster(path)).read(), or call ndvi({ nir, red }) on band arrays.`);
  }
  if (!Object.hasOwn(NEEDS, name)) {
    const lower = typeof name === "string" && Object.hasOwn(NEEDS, name.toLowerCase()) ? ` (did you mean "${name.toLowerCase()}"?)` : "";
    throw new IndexInputError(`Unknown index ${JSON.stringify(name) ?? String(name)}${lower}; use one of ${Object.keys(NEEDS).join(", ")}.`);
  }
  if (options === null || typeof options !== "object" || options.sensor === undefined) {
    throw new IndexInputError(`spectralIndex needs { sensor } saying whose bands the raster holds, e.g. spectralIndex(raster, "${name}", { sensor: "s2" }) (sensors: ${listSensors().join(", ")}).`);
  }
  if (isComplex(raster.dtype)) throw new IndexInputError(`spectralIndex: this raster is ${raster.dtype} (complex); spectral indices need real-valued reflectance or digital numbers.`);
  const sensor = getSensor(options.sensor);
  const common = (c: keyof IndexBands) => (c === "nir" ? "nir" : c);
  const names = NEEDS[name];
  const numbers = sensorBandNumbers(sensor, names.map(common), options.order);
  checkDescriptions(raster, sensor, names, numbers, options.order, name);
  numbers.forEach((n, i) => {
    if (n > raster.count) {
      const band = findBand(sensor, names[i]!).name;
      throw new IndexInputError(
        `${name.toUpperCase()} needs ${names[i]} (${sensor.id} band ${band}), which is band ${n} in ${options.order ? "the given order" : `${sensor.id}'s own band order`}, but this raster has ${raster.count} band(s). ` +
        `Pass { order: [...] } naming the raster's ${raster.count} band(s), e.g. order: [${raster.descriptions.every((d) => d) ? raster.descriptions.map((d) => JSON.stringify(d)).join(", ") : '"B04", "B08"'}].`,
      );
    }
  });
  const reflectance = options.reflectance ?? (name === "evi" || name === "savi");
  const bands: IndexBands = {};
  names.forEach((c, i) => {
    const arr: BandArray = raster.band(numbers[i]!);
    const nd = raster.nodata[numbers[i]! - 1];
    const sb = findBand(sensor, common(c));
    if (!reflectance && (nd === null || nd === undefined)) { bands[c] = arr; return; }
    const scale = reflectance ? sb.scale ?? 1 : 1;
    const offset = reflectance ? sb.offset ?? 0 : 0;
    const f = new Float64Array(arr.length);
    for (let k = 0; k < arr.length; k++) { const v = arr[k]!; f[k] = nd !== null && nd !== undefined && v === nd ? NaN : v * scale + offset; }
    bands[c] = f;
  });
  const data = INDICES[name](bands);
  return new Raster({ width: raster.width, height: raster.height, dtype: "float32", bands: [data], transform: raster.transform, crs: raster.crs, nodata: NaN, descriptions: [name.toUpperCase()] });
}
