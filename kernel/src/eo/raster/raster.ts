import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";
import { displayBundle } from "./display-modules.js";
import {
  arrayTypeFor, isComplex, DTYPES,
  type BandArray, type Bounds, type CRS, type DType, type GeoTransform, type RasterSourceLike, type ReadOptions,
} from "./types.js";

/** Thrown when a Raster is built from inconsistent parts (band lengths, counts, transform). */
export class RasterShapeError extends Ai4eoError {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** Options to build an in-memory {@link Raster}. */
export interface RasterInit {
  width: number;
  height: number;
  dtype: DType;
  /** One typed array per band, row-major, `width*height` values (complex: `2*width*height`). */
  bands: BandArray[];
  /** GDAL geotransform; default `[0, 1, 0, 0, 0, 1]` (pixel space, no georeference). */
  transform?: GeoTransform;
  /** Coordinate reference system; default `{}` (unknown). */
  crs?: CRS;
  /** Nodata value per band (`null` = none); default none. A single number applies to every band. */
  nodata?: (number | null)[] | number | null;
  /** Band names/descriptions, e.g. `["B1", "B2"]`; default `[]`. */
  descriptions?: (string | null)[];
}

/** Checks the parts of a {@link RasterInit} whose wrong types would otherwise fail later or be silently dropped. */
function checkInit(init: RasterInit): void {
  if (init === null || typeof init !== "object") {
    throw new RasterShapeError(`new Raster() needs an options object { width, height, dtype, bands }, got ${describeValue(init)}.`);
  }
  const { dtype, bands, crs, nodata, descriptions } = init;
  if (!DTYPES.includes(dtype)) {
    throw new RasterShapeError(`dtype must be one of ${DTYPES.join(", ")} (lower case, as GDAL names them), got ${describeValue(dtype)}.`, { dtype });
  }
  if (!Array.isArray(bands)) {
    throw new RasterShapeError(
      `bands must be an array with one typed array per band, got ${describeValue(bands)}. For a single band pass bands: [data].`,
      { bands: typeof bands },
    );
  }
  const count = bands.length;
  if (crs !== undefined && (crs === null || typeof crs !== "object" || Array.isArray(crs))) {
    throw new RasterShapeError(`crs must be an object such as { epsg: 4326 }, { proj4: "…" } or { wkt: "…" }, got ${describeValue(crs)}.`, { crs });
  }
  if (crs?.epsg !== undefined && (!Number.isInteger(crs.epsg) || crs.epsg <= 0)) {
    throw new RasterShapeError(`crs.epsg must be a positive integer EPSG code such as 32633, got ${describeValue(crs.epsg)}.`, { crs });
  }
  for (const k of ["proj4", "wkt"] as const) {
    if (crs?.[k] !== undefined && typeof crs[k] !== "string") throw new RasterShapeError(`crs.${k} must be a string, got ${describeValue(crs[k])}.`, { crs });
  }
  const ndList = Array.isArray(nodata) ? nodata : [nodata];
  ndList.forEach((v, i) => {
    if (v !== null && v !== undefined && typeof v !== "number") {
      throw new RasterShapeError(
        `nodata${Array.isArray(nodata) ? `[${i}]` : ""} must be a number (NaN allowed) or null, got ${describeValue(v)}.`,
        { nodata },
      );
    }
  });
  if (Array.isArray(nodata) && nodata.length > count) {
    throw new RasterShapeError(`${nodata.length} nodata values for ${count} band(s); pass one per band, or one number for all bands.`, { nodata });
  }
  if (descriptions !== undefined) {
    if (!Array.isArray(descriptions)) {
      throw new RasterShapeError(`descriptions must be an array with one name per band, e.g. ["B04", "B08"], got ${describeValue(descriptions)}.`);
    }
    if (descriptions.length > count) {
      throw new RasterShapeError(`descriptions must hold at most one name per band (${count}), got ${describeValue(descriptions)}.`, { descriptions });
    }
    descriptions.forEach((d, i) => {
      if (d !== null && d !== undefined && typeof d !== "string") {
        throw new RasterShapeError(`descriptions[${i}] must be a string or null, got ${describeValue(d)}.`, { descriptions });
      }
    });
  }
}

/** Checks the size, band arrays and geotransform of a {@link RasterInit} that passed {@link checkInit}. */
function checkShape(init: RasterInit): void {
  const { width, height, dtype, bands } = init;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RasterShapeError(`Raster size must be positive integers, got width ${describeValue(width)} and height ${describeValue(height)}.`, { width, height });
  }
  if (bands.length === 0) throw new RasterShapeError("A Raster needs at least one band; got 0.");
  const per = (isComplex(dtype) ? 2 : 1) * width * height;
  const Ctor = arrayTypeFor(dtype);
  bands.forEach((b, i) => {
    if (!(b instanceof Ctor)) {
      throw new RasterShapeError(
        `Band ${i + 1} is ${describeValue(b)} but dtype "${dtype}" needs a ${Ctor.name}; convert it (e.g. ${Ctor.name}.from(values)) or pass the matching dtype.`,
        { band: i + 1, dtype },
      );
    }
    if (b.length !== per) {
      throw new RasterShapeError(
        `Band ${i + 1} has ${b.length} values but a ${width}×${height} ${dtype} raster needs ${per}.`,
        { band: i + 1, length: b.length, expected: per },
      );
    }
  });
  const t = init.transform ?? PIXEL_TRANSFORM;
  if (!Array.isArray(t) || t.length !== 6 || t.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new RasterShapeError(
      `A geotransform needs 6 finite numbers [originX, pixelWidth, rowRotation, originY, colRotation, pixelHeight], got ${describeValue(t)}.`,
      { transform: t },
    );
  }
}

/**
 * Whether `init` passes {@link checkInit} and {@link checkShape}, checked in few words (no more
 * lenient than they are: `false` sends the input through them for the error that says what is wrong).
 */
function looksValid(init: RasterInit): boolean {
  if (init === null || typeof init !== "object") return false;
  const { width, height, dtype, bands, crs, nodata, descriptions, transform } = init;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || !DTYPES.includes(dtype) || !Array.isArray(bands) || bands.length === 0) return false;
  const per = (isComplex(dtype) ? 2 : 1) * width * height;
  const Ctor = arrayTypeFor(dtype);
  for (const b of bands) if (!(b instanceof Ctor) || b.length !== per) return false;
  if (crs !== undefined && (crs === null || typeof crs !== "object" || Array.isArray(crs) || (crs.epsg !== undefined && !(Number.isInteger(crs.epsg) && crs.epsg > 0)) ||
    (crs.proj4 !== undefined && typeof crs.proj4 !== "string") || (crs.wkt !== undefined && typeof crs.wkt !== "string"))) return false;
  const nodataOk = (v: unknown) => v === null || v === undefined || typeof v === "number";
  if (Array.isArray(nodata) ? nodata.length > bands.length || !nodata.every(nodataOk) : !nodataOk(nodata)) return false;
  if (descriptions !== undefined && (!Array.isArray(descriptions) || descriptions.length > bands.length || !descriptions.every((d) => d === null || d === undefined || typeof d === "string"))) return false;
  return transform === undefined || (Array.isArray(transform) && transform.length === 6 && transform.every((v) => typeof v === "number" && Number.isFinite(v)));
}

/** The identity geotransform used for rasters with no georeference. */
export const PIXEL_TRANSFORM: GeoTransform = [0, 1, 0, 0, 0, 1];

/**
 * An in-memory raster: `count` bands of `width × height` pixels of one data type, with its
 * georeference. Bands are typed arrays in row-major order; band numbers are 1-based as in GDAL.
 *
 * @example
 * ```ts
 * const r = new Raster({ width: 2, height: 1, dtype: "float32", bands: [new Float32Array([1, 2])] });
 * r.band(1); // Float32Array [1, 2]
 * ```
 */
export class Raster implements RasterSourceLike {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly dtype: DType;
  readonly transform: GeoTransform;
  readonly crs: CRS;
  readonly nodata: (number | null)[];
  readonly descriptions: (string | null)[];
  readonly #bands: BandArray[];

  constructor(init: RasterInit) {
    // (the detailed checks, and their compilation in a fresh process, only for input that needs them)
    if (!looksValid(init)) {
      checkInit(init);
      checkShape(init);
    }
    const { width, height, dtype, bands } = init;
    const t = init.transform ?? PIXEL_TRANSFORM;
    this.width = width;
    this.height = height;
    this.count = bands.length;
    this.dtype = dtype;
    this.transform = [t[0], t[1], t[2], t[3], t[4], t[5]];
    this.crs = init.crs ?? {};
    const nd = init.nodata;
    this.nodata = Array.isArray(nd) ? bands.map((_, i) => nd[i] ?? null) : bands.map(() => nd ?? null);
    this.descriptions = bands.map((_, i) => init.descriptions?.[i] ?? null);
    this.#bands = bands;
  }

  /**
   * The pixels of band `i` (1-based, as in GDAL).
   * @throws {RasterShapeError} when `i` is not between 1 and `count`.
   */
  band(i: number): BandArray {
    if (!Number.isInteger(i) || i < 1 || i > this.count) {
      throw new RasterShapeError(`band must be a band number 1..${this.count} of this raster (1-based, as in GDAL), got ${describeValue(i)}.`, { band: i });
    }
    return this.#bands[i - 1]!;
  }

  /**
   * Jupyter display: a PNG quicklook (bands 1–3 as RGB, or band 1 with viridis; 2–98 % stretch;
   * nodata transparent) and an HTML summary with per-band statistics.
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return displayBundle().rasterBundle(this);
  }

  /** Bounds of the raster in CRS units (all four corners through the geotransform). */
  get bounds(): Bounds {
    const t = this.transform;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [c, r] of [[0, 0], [this.width, 0], [0, this.height], [this.width, this.height]] as const) {
      xs.push(t[0] + c * t[1] + r * t[2]);
      ys.push(t[3] + c * t[4] + r * t[5]);
    }
    return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
  }

  /**
   * Read a window and/or a subset of bands as a new Raster (copies). In-memory rasters have no
   * overviews: `overview` must be 0 or omitted.
   * @example
   * ```ts
   * const tile = await raster.read({ window: { col: 0, row: 0, width: 64, height: 64 }, bands: [3, 2, 1] });
   * ```
   */
  async read(options: ReadOptions = {}): Promise<Raster> {
    options.signal?.throwIfAborted();
    const w = options.window ?? { col: 0, row: 0, width: this.width, height: this.height };
    if (options.overview !== undefined && options.overview !== 0) {
      throw new RasterShapeError(`An in-memory Raster has no overviews; asked for overview ${options.overview}. Use overview 0.`);
    }
    if (
      !Number.isInteger(w.col) || !Number.isInteger(w.row) || w.width <= 0 || w.height <= 0 ||
      w.col < 0 || w.row < 0 || w.col + w.width > this.width || w.row + w.height > this.height
    ) {
      throw new RasterShapeError(
        `Window col=${w.col} row=${w.row} width=${w.width} height=${w.height} is outside this ${this.width}×${this.height} raster.`,
        { window: w },
      );
    }
    const bands = options.bands ?? Array.from({ length: this.count }, (_, i) => i + 1);
    const comp = isComplex(this.dtype) ? 2 : 1;
    const Ctor = arrayTypeFor(this.dtype);
    const out = bands.map((b) => {
      const src = this.band(b);
      const dst = new Ctor(w.width * w.height * comp);
      for (let r = 0; r < w.height; r++) {
        const s0 = ((w.row + r) * this.width + w.col) * comp;
        dst.set(src.subarray(s0, s0 + w.width * comp) as never, r * w.width * comp);
      }
      return dst;
    });
    const t = this.transform;
    return new Raster({
      width: w.width, height: w.height, dtype: this.dtype, bands: out,
      transform: [t[0] + w.col * t[1] + w.row * t[2], t[1], t[2], t[3] + w.col * t[4] + w.row * t[5], t[4], t[5]],
      crs: this.crs,
      nodata: bands.map((b) => this.nodata[b - 1] ?? null),
      descriptions: bands.map((b) => this.descriptions[b - 1] ?? null),
    });
  }
}
