/**
 * Core raster types shared by the whole EO library: data types, geotransforms, CRS, windows.
 * @module
 */

/** Pixel data types, named as in GDAL (lower case). Complex types store interleaved re/im pairs. */
export type DType =
  | "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64"
  | "cint16" | "cint32" | "cfloat32" | "cfloat64";

/** All data types, in a stable order. */
export const DTYPES: readonly DType[] = [
  "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64",
  "cint16", "cint32", "cfloat32", "cfloat64",
];

/** A typed array holding one band (complex bands: interleaved real/imaginary, length 2×w×h). */
export type BandArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * An affine geotransform in GDAL order:
 * `[originX, pixelWidth, rowRotation, originY, colRotation, pixelHeight]`.
 * Pixel (col, row) corner maps to `x = t0 + col*t1 + row*t2`, `y = t3 + col*t4 + row*t5`.
 */
export type GeoTransform = readonly [number, number, number, number, number, number];

/** A coordinate reference system; any of the fields may be known. */
export interface CRS {
  /** EPSG code, e.g. 32725 for WGS 84 / UTM zone 25S. */
  epsg?: number;
  /** OGC WKT (1 or 2). */
  wkt?: string;
  /** A proj4 string. */
  proj4?: string;
}

/**
 * A ground control point, as GDAL's `GetGCPs()` reports it: pixel/line position in the image
 * (corner-based; PixelIsPoint files are shifted by half a pixel as GDAL does) and its x/y/z in the
 * GCP CRS. GeoTIFF stores no ids: they are "1", "2", … as GDAL numbers them.
 */
export interface GroundControlPoint {
  id: string;
  info: string;
  pixel: number;
  line: number;
  x: number;
  y: number;
  z: number;
}

/** A pixel window: top-left column/row and size, in full-resolution pixels of the source. */
export interface Window {
  col: number;
  row: number;
  width: number;
  height: number;
}

/** Bounds in CRS units. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Is this data type complex-valued? */
export function isComplex(dtype: DType): boolean {
  return dtype.startsWith("c");
}

/** The typed-array constructor used to store one band of `dtype` (component type for complex). */
export function arrayTypeFor(dtype: DType):
  | Uint8ArrayConstructor | Int8ArrayConstructor | Uint16ArrayConstructor | Int16ArrayConstructor
  | Uint32ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor {
  switch (dtype) {
    case "uint8": return Uint8Array;
    case "int8": return Int8Array;
    case "uint16": return Uint16Array;
    case "int16": case "cint16": return Int16Array;
    case "uint32": return Uint32Array;
    case "int32": case "cint32": return Int32Array;
    case "float32": case "cfloat32": return Float32Array;
    case "float64": case "cfloat64": return Float64Array;
  }
}

/** Options for reading pixels from a {@link RasterSourceLike}. */
export interface ReadOptions {
  /** Pixel window in full-resolution coordinates; default the whole image. */
  window?: Window;
  /** 1-based band numbers, as in GDAL; default all bands. */
  bands?: number[];
  /** 0 = full resolution, k = the k-th overview; default 0. */
  overview?: number;
  /** Aborts the read (a kernel interrupt triggers it). */
  signal?: AbortSignal;
  /** Show a progress indicator (kernel display, or stderr in plain Node) while reading; default false. */
  progress?: boolean;
  /**
   * Keep the decoded blocks in the source's block cache, so a later read that touches them copies
   * instead of decoding again. Default: only reads of at most {@link CACHED_READ_BLOCKS} blocks per
   * band (map tiles, pixel inspection, small patches). Larger reads decode into reused buffers and
   * keep nothing: keeping a block takes a new buffer, memory touched for the first time, which a read
   * made once never pays back. Pass `true` when walking a file in strips or windows that share
   * blocks (`predictScene` does). Either way a read keeps blocks only within half
   * the cache budget (`cacheBytes` of openRaster), and uncompressed blocks of local files are never
   * cached (a read takes just its rows of them). In-memory rasters ignore it.
   * @example
   * ```ts
   * for (let row = 0; row < src.height; row += 256) {
   *   const strip = await src.read({ window: { col: 0, row, width: src.width, height: Math.min(256, src.height - row) }, cache: true });
   * }
   * ```
   */
  cache?: boolean;
}

/** Reads of at most this many blocks per band keep them in the block cache by default ({@link ReadOptions.cache}). */
export const CACHED_READ_BLOCKS = 4;

/**
 * Anything that can be read window by window: a file/URL source from `openRaster`, or an
 * in-memory `Raster`. Model inference, maps and stacks accept this.
 */
export interface RasterSourceLike {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly dtype: DType;
  readonly transform: GeoTransform;
  readonly crs: CRS;
  readonly nodata: (number | null)[];
  readonly descriptions: (string | null)[];
  read(options?: ReadOptions): Promise<import("./raster.js").Raster>;
}
