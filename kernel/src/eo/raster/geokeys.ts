/**
 * GeoTIFF georeferencing: geotransform from ModelPixelScale/ModelTiepoint/ModelTransformation
 * (as GDAL computes it, including PixelIsPoint), and the CRS from the GeoKey directory.
 * @module
 */
import { epsgToProj4 } from "../geo/epsg.js";
import { Tag, tagNumbers, type Ifd } from "./tiff-ifd.js";
import type { CRS, GeoTransform } from "./types.js";

/** The GeoKeys of a GeoTIFF: key id → number or string. */
export type GeoKeys = Map<number, number | number[] | string>;

/** Parse the GeoKeyDirectory (with its double and ASCII parameter tags). */
export function readGeoKeys(ifd: Ifd): GeoKeys {
  const dir = tagNumbers(ifd, Tag.GeoKeyDirectory);
  const keys: GeoKeys = new Map();
  if (dir.length < 4) return keys;
  const doubles = tagNumbers(ifd, Tag.GeoDoubleParams);
  const ascii = ifd.tags.get(Tag.GeoAsciiParams);
  const n = dir[3]!;
  for (let i = 0; i < n; i++) {
    const [id, loc, count, value] = dir.slice(4 + i * 4, 8 + i * 4) as [number, number, number, number];
    if (loc === 0) keys.set(id, value);
    else if (loc === Tag.GeoDoubleParams) keys.set(id, count === 1 ? doubles[value]! : doubles.slice(value, value + count));
    else if (loc === Tag.GeoAsciiParams && typeof ascii === "string") keys.set(id, ascii.slice(value, value + count).replace(/\|$/, ""));
    else if (loc === Tag.GeoKeyDirectory) keys.set(id, dir.slice(value, value + count));
  }
  return keys;
}

/** Is the raster type PixelIsPoint (RasterTypeGeoKey 1025 = 2)? */
export function isPixelIsPoint(keys: GeoKeys): boolean {
  return keys.get(1025) === 2;
}

/**
 * The GDAL geotransform of an image, or undefined when it has no (affine) georeference.
 * PixelIsPoint files are shifted by half a pixel to the corner convention, as GDAL does by default.
 */
export function readGeoTransform(ifd: Ifd, keys: GeoKeys): GeoTransform | undefined {
  const m = tagNumbers(ifd, Tag.ModelTransformation);
  let gt: [number, number, number, number, number, number] | undefined;
  if (m.length >= 16) gt = [m[3]!, m[0]!, m[1]!, m[7]!, m[4]!, m[5]!];
  else {
    const tp = tagNumbers(ifd, Tag.ModelTiepoint);
    const sc = tagNumbers(ifd, Tag.ModelPixelScale);
    if (tp.length >= 6 && sc.length >= 2 && tp.length < 12) {
      gt = [tp[3]! - tp[0]! * sc[0]!, sc[0]!, 0, tp[4]! + tp[1]! * sc[1]!, 0, -sc[1]!];
    }
  }
  if (!gt) return undefined;
  if (isPixelIsPoint(keys)) {
    gt[0] -= gt[1] * 0.5 + gt[2] * 0.5;
    gt[3] -= gt[4] * 0.5 + gt[5] * 0.5;
  }
  return gt;
}

const ELLIPSOIDS: Record<number, string> = { 7030: "+ellps=WGS84", 7019: "+ellps=GRS80", 7008: "+ellps=clrk66", 7022: "+ellps=intl", 7004: "+ellps=bessel" };
const DATUMS: Record<number, string> = { 6326: "+datum=WGS84", 6269: "+datum=NAD83", 6267: "+datum=NAD27", 6258: "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0", 6674: "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0" };

function num(keys: GeoKeys, id: number): number | undefined {
  const v = keys.get(id);
  return typeof v === "number" ? v : undefined;
}

function earthPart(keys: GeoKeys): string {
  const datum = num(keys, 2050);
  if (datum !== undefined && DATUMS[datum]) return DATUMS[datum]!;
  const gcs = num(keys, 2048);
  if (gcs === 4326) return "+datum=WGS84";
  if (gcs === 4269) return "+datum=NAD83";
  if (gcs === 4674 || gcs === 4258) return "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0";
  const ell = num(keys, 2056);
  if (ell !== undefined && ELLIPSOIDS[ell]) return ELLIPSOIDS[ell]!;
  const a = num(keys, 2057);
  const invf = num(keys, 2059);
  const b = num(keys, 2058);
  if (a !== undefined && invf !== undefined) return invf === 0 ? `+a=${a} +b=${a}` : `+a=${a} +rf=${invf}`;
  if (a !== undefined && b !== undefined) return `+a=${a} +b=${b}`;
  return "+datum=WGS84";
}

/** A proj4 string built from user-defined projection GeoKeys, for the common projections. */
function userDefinedProj4(keys: GeoKeys): string | undefined {
  const earth = earthPart(keys);
  const projection = num(keys, 3074);
  if (projection !== undefined && projection >= 16001 && projection <= 16060) return `+proj=utm +zone=${projection - 16000} ${earth} +units=m +no_defs`;
  if (projection !== undefined && projection >= 16101 && projection <= 16160) return `+proj=utm +zone=${projection - 16100} +south ${earth} +units=m +no_defs`;
  const ct = num(keys, 3075);
  const p = (id: number, d = 0) => num(keys, id) ?? d;
  const lat0 = p(3081, p(3089, p(3085)));
  const lon0 = p(3080, p(3088, p(3084)));
  const fe = p(3082, p(3086));
  const fn = p(3083, p(3087));
  const k = p(3092, p(3093, 1));
  const tail = `+x_0=${fe} +y_0=${fn} ${earth} +units=m +no_defs`;
  switch (ct) {
    case 1: return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${k} ${tail}`;
    case 7: return `+proj=merc +lon_0=${lon0} +k=${k} ${tail}`;
    case 8: return `+proj=lcc +lat_1=${p(3078)} +lat_2=${p(3079)} +lat_0=${lat0} +lon_0=${lon0} ${tail}`;
    case 9: return `+proj=lcc +lat_1=${lat0} +lat_0=${lat0} +lon_0=${lon0} +k_0=${k} ${tail}`;
    case 10: return `+proj=laea +lat_0=${lat0} +lon_0=${lon0} ${tail}`;
    case 11: return `+proj=aea +lat_1=${p(3078)} +lat_2=${p(3079)} +lat_0=${lat0} +lon_0=${lon0} ${tail}`;
    case 15: return `+proj=stere +lat_0=${lat0 >= 0 ? 90 : -90} +lat_ts=${lat0} +lon_0=${p(3095, lon0)} +k=${k} ${tail}`;
    case 17: return `+proj=eqc +lat_ts=${p(3088, lat0)} +lon_0=${lon0} ${tail}`;
    default: return undefined;
  }
}

/** The CRS described by the GeoKeys: EPSG code when it has one, else a proj4 string when it can be built. */
export function readCrs(keys: GeoKeys): CRS {
  const modelType = num(keys, 1024);
  const projected = num(keys, 3072);
  const geographic = num(keys, 2048);
  const citation = keys.get(3073) ?? keys.get(1026);
  if (projected !== undefined && projected > 0 && projected < 32767) {
    const def = epsgToProj4(projected);
    return def ? { epsg: projected, proj4: def } : { epsg: projected };
  }
  if (modelType === 1 || projected === 32767) {
    const def = userDefinedProj4(keys);
    const crs: CRS = {};
    if (def) crs.proj4 = def;
    if (typeof citation === "string" && !def) crs.wkt = citation;
    return crs;
  }
  if (geographic !== undefined && geographic > 0 && geographic < 32767) {
    const def = epsgToProj4(geographic);
    return def ? { epsg: geographic, proj4: def } : { epsg: geographic };
  }
  if (modelType === 2) return { proj4: `+proj=longlat ${earthPart(keys)} +no_defs` };
  return {};
}
