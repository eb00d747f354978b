/**
 * Coordinate reference systems and point transforms: CRS ↔ CRS and longitude/latitude with proj4,
 * pixel ↔ CRS with a GDAL geotransform.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { proj4 } from "../lazy-deps.js";
import type { CRS, GeoTransform } from "../raster/types.js";
import { epsgToProj4 } from "./epsg.js";
import { describeValue } from "../../util/describe-value.js";

// proj4 (~130 ms to load) is loaded on the first transform, not when the library is imported

/** A CRS that cannot be used for transforms (unknown EPSG code, no definition). */
export class CrsError extends Ai4eoError {
  constructor(readonly crs: unknown, message: string) {
    super(message);
  }
}

/** Anything accepted where a CRS is needed: a CRS object, an EPSG code, "EPSG:32725" or a proj4 string. */
export type CrsLike = CRS | number | string;

/**
 * Normalise a {@link CrsLike} to a CRS object with `proj4` filled in when it can be.
 * @throws {CrsError} for anything else (null, a non-integer EPSG code)
 * @example
 * ```ts
 * toCrs("EPSG:32725"); // { epsg: 32725, proj4: "+proj=utm +zone=25 +south …" }
 * ```
 */
export function toCrs(c: CrsLike): CRS {
  if (typeof c === "number" && !(Number.isInteger(c) && c > 0)) throw new CrsError(c, `EPSG codes are positive whole numbers such as 32725, got ${c}.`);
  if (c === null || (typeof c !== "number" && typeof c !== "string" && typeof c !== "object")) {
    throw new CrsError(c, `A CRS is an EPSG code (32725 or "EPSG:32725"), a proj4 string or { epsg?, wkt?, proj4? }, got ${describeValue(c)}.`);
  }
  if (typeof c === "number") return { epsg: c, ...(epsgToProj4(c) ? { proj4: epsgToProj4(c)! } : {}) };
  if (typeof c === "string") {
    const m = /^epsg:(\d+)$/i.exec(c.trim());
    if (m) return toCrs(Number(m[1]));
    return { proj4: c };
  }
  if (c.proj4 || c.epsg === undefined) return c;
  const def = epsgToProj4(c.epsg);
  return def ? { ...c, proj4: def } : c;
}

/**
 * The proj4 definition of a CRS.
 * @throws {CrsError} when the CRS has no proj4 definition and its EPSG code is not known.
 * @example
 * ```ts
 * proj4Of(32725); // "+proj=utm +zone=25 +south +datum=WGS84 +units=m +no_defs"
 * ```
 */
export function proj4Of(c: CrsLike): string {
  const crs = toCrs(c);
  if (crs.proj4) return crs.proj4;
  if (crs.epsg !== undefined) {
    throw new CrsError(c, `EPSG:${crs.epsg} has no built-in definition. Register it with addEpsg(${crs.epsg}, "+proj=...") (see epsg.io for the proj4 string).`);
  }
  throw new CrsError(c, "this raster's CRS is unknown (no EPSG code or proj4 string). Pass the CRS explicitly, e.g. { epsg: 32725 }.");
}

/** Is the CRS geographic (degrees)? */
export function isGeographic(c: CrsLike): boolean {
  return /\+proj=longlat\b/.test(proj4Of(c));
}

/** A reusable point transformer between two CRSs. */
export interface PointTransformer {
  forward(x: number, y: number): [number, number];
  inverse(x: number, y: number): [number, number];
}

/**
 * A transformer from `from` to `to` (x/y in CRS units; longitude/latitude order for geographic systems).
 * @example
 * ```ts
 * const t = transformer(32725, 4326);
 * t.forward(288776.25, 9120760.75); // [-34.916…, -7.949…]
 * ```
 */
export function transformer(from: CrsLike, to: CrsLike): PointTransformer {
  const a = proj4Of(from);
  const b = proj4Of(to);
  if (a === b) return { forward: (x, y) => [x, y], inverse: (x, y) => [x, y] };
  const p = proj4()(a, b);
  return {
    forward: (x, y) => p.forward([x, y]) as [number, number],
    inverse: (x, y) => p.inverse([x, y]) as [number, number],
  };
}

/**
 * Transform points between CRSs.
 * @example
 * ```ts
 * transformPoints([[500000, 0]], 32725, 4326); // [[-33, 0]]
 * ```
 */
export function transformPoints(points: readonly (readonly [number, number])[], from: CrsLike, to: CrsLike): [number, number][] {
  const t = transformer(from, to);
  return points.map(([x, y]) => t.forward(x, y));
}

/**
 * Pixel (col, row) → CRS coordinates through a GDAL geotransform. Use col + 0.5, row + 0.5 for pixel centres.
 * @example
 * ```ts
 * pixelToCrs([288776.25, 28.5, 0, 9120760.75, 0, -28.5], 0.5, 0.5); // [288790.5, 9120746.5]
 * ```
 */
export function pixelToCrs(t: GeoTransform, col: number, row: number): [number, number] {
  return [t[0] + col * t[1] + row * t[2], t[3] + col * t[4] + row * t[5]];
}

/** The inverse of a geotransform (CRS → pixel). @throws {CrsError} when it is degenerate. */
export function invertGeoTransform(t: GeoTransform): GeoTransform {
  const det = t[1] * t[5] - t[2] * t[4];
  if (det === 0 || !Number.isFinite(det)) throw new CrsError(t, `the geotransform [${t.join(", ")}] cannot be inverted (zero pixel size).`);
  const i1 = t[5] / det;
  const i2 = -t[2] / det;
  const i4 = -t[4] / det;
  const i5 = t[1] / det;
  return [-(t[0] * i1 + t[3] * i2), i1, i2, -(t[0] * i4 + t[3] * i5), i4, i5];
}

/**
 * CRS coordinates → fractional pixel (col, row); floor them for the pixel index.
 * @example
 * ```ts
 * crsToPixel([288776.25, 28.5, 0, 9120760.75, 0, -28.5], 288790.5, 9120746.5); // [0.5, 0.5]
 * ```
 */
export function crsToPixel(t: GeoTransform, x: number, y: number): [number, number] {
  const i = invertGeoTransform(t);
  return [i[0] + x * i[1] + y * i[2], i[3] + x * i[4] + y * i[5]];
}

/** Something with a grid georeference (a RasterSource or Raster). */
export interface Georeferenced {
  readonly transform: GeoTransform;
  readonly crs: CRS;
}

/**
 * Pixel (col, row) of a raster → [longitude, latitude] (WGS 84).
 * @example
 * ```ts
 * const [lon, lat] = pixelToLonLat(src, src.width / 2, src.height / 2);
 * ```
 */
export function pixelToLonLat(r: Georeferenced, col: number, row: number): [number, number] {
  const [x, y] = pixelToCrs(r.transform, col, row);
  return transformer(r.crs, 4326).forward(x, y);
}

/**
 * [longitude, latitude] (WGS 84) → fractional pixel (col, row) of a raster.
 * @example
 * ```ts
 * const [col, row] = lonLatToPixel(src, -34.87, -7.99);
 * ```
 */
export function lonLatToPixel(r: Georeferenced, lon: number, lat: number): [number, number] {
  const [x, y] = transformer(r.crs, 4326).inverse(lon, lat);
  return crsToPixel(r.transform, x, y);
}
