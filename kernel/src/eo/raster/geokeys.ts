/**
 * GeoTIFF georeferencing: geotransform from ModelPixelScale/ModelTiepoint/ModelTransformation
 * (as GDAL computes it, including PixelIsPoint), and the CRS from the GeoKey directory.
 * @module
 */
import { epsgToProj4 } from "../geo/epsg.js";
import { ELLIPSOIDS as WKT_ELLIPSOIDS, GEOGRAPHIC, epsgToWkt, geographicOfDatum, geographicWkt, projectedWkt, type WktGeographic } from "../geo/wkt.js";
import { Tag, tagNumbers, type Ifd } from "./tiff-ifd.js";
import type { CRS, GeoTransform, GroundControlPoint } from "./types.js";

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

/**
 * The ground control points of an image without an affine georeference (ModelTiepoint holding
 * tiepoints, no ModelPixelScale and no ModelTransformation), as GDAL reads them; [] otherwise.
 * @example
 * ```ts
 * const gcps = readGcps(ifd, readGeoKeys(ifd)); // [{ id: "1", info: "", pixel: 0, line: 0, x: 280000, y: 9120000, z: 0 }, …]
 * ```
 */
export function readGcps(ifd: Ifd, keys: GeoKeys): GroundControlPoint[] {
  if (tagNumbers(ifd, Tag.ModelTransformation).length >= 16 || tagNumbers(ifd, Tag.ModelPixelScale).length >= 2) return [];
  const tp = tagNumbers(ifd, Tag.ModelTiepoint);
  const shift = isPixelIsPoint(keys) ? 0.5 : 0;
  const out: GroundControlPoint[] = [];
  for (let i = 0; i + 6 <= tp.length; i += 6) {
    out.push({ id: String(i / 6 + 1), info: "", pixel: tp[i]! + shift, line: tp[i + 1]! + shift, x: tp[i + 3]!, y: tp[i + 4]!, z: tp[i + 5]! });
  }
  return out;
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

/** A name from a GeoTIFF citation ("GCS Name = X|Datum = Y|…" as GDAL writes it, or plain text). */
function citationPart(keys: GeoKeys, id: number, field: string): string | undefined {
  const c = keys.get(id);
  if (typeof c !== "string") return undefined;
  if (!c.includes("=")) return c || undefined;
  const m = new RegExp(`${field} = ([^|]*)`).exec(c);
  return m?.[1]?.trim() || undefined;
}

/** The geographic part of the GeoKeys (GeographicType, or datum/ellipsoid keys). */
function geographicFromKeys(keys: GeoKeys): WktGeographic | undefined {
  const gcs = num(keys, 2048);
  if (gcs !== undefined && GEOGRAPHIC[gcs]) return GEOGRAPHIC[gcs];
  const datum = num(keys, 2050);
  const known = datum !== undefined ? geographicOfDatum(datum) : undefined;
  if (known) return { ...known, epsg: undefined, name: citationPart(keys, 2049, "GCS Name") ?? known.name };
  const ellCode = num(keys, 2056);
  let ellipsoid = ellCode !== undefined ? WKT_ELLIPSOIDS[ellCode] : undefined;
  const a = num(keys, 2057);
  if (!ellipsoid && a !== undefined) {
    const rf = num(keys, 2059);
    const b = num(keys, 2058);
    ellipsoid = { name: "unknown", a, rf: rf ?? (b !== undefined && b !== a ? a / (a - b) : 0) };
  }
  if (!ellipsoid) return undefined;
  const g: WktGeographic = {
    name: citationPart(keys, 2049, "GCS Name") ?? "unknown", datum: citationPart(keys, 2049, "Datum") ?? "unknown", ellipsoid,
    primeMeridian: num(keys, 2061) ?? 0,
  };
  const towgs = keys.get(2062);
  if (Array.isArray(towgs)) g.towgs84 = towgs;
  return g;
}

const LINEAR_UNITS: Record<number, { name: string; metres: number; epsg: number }> = {
  9001: { name: "metre", metres: 1, epsg: 9001 }, 9002: { name: "foot", metres: 0.3048, epsg: 9002 },
  9003: { name: "US survey foot", metres: 0.304800609601219, epsg: 9003 },
};

/**
 * WKT 1 of a user-defined CRS described by GeoKeys (projection method and parameters on a
 * geographic CRS), or undefined when the method is not one of the common ones.
 * @example
 * ```ts
 * geoKeysWkt(readGeoKeys(ifd)); // 'PROJCS["unknown",GEOGCS["WGS 84",…PROJECTION["Transverse_Mercator"],…'
 * ```
 */
export function geoKeysWkt(keys: GeoKeys): string | undefined {
  const g = geographicFromKeys(keys);
  if (!g) return undefined;
  if (num(keys, 1024) === 2) return geographicWkt(g);
  const name = citationPart(keys, 3073, "PCS Name") ?? citationPart(keys, 1026, "PCS Name") ?? "unknown";
  const unit = LINEAR_UNITS[num(keys, 3076) ?? 9001];
  if (!unit) return undefined;
  const projection = num(keys, 3074);
  if (projection !== undefined && ((projection >= 16001 && projection <= 16060) || (projection >= 16101 && projection <= 16160))) {
    const south = projection > 16100;
    const zone = projection - (south ? 16100 : 16000);
    return projectedWkt({
      name, geographic: g, projection: "Transverse_Mercator", unit,
      parameters: [["latitude_of_origin", 0], ["central_meridian", zone * 6 - 183], ["scale_factor", 0.9996], ["false_easting", 500000], ["false_northing", south ? 10000000 : 0]],
    });
  }
  const p = (id: number, d = 0) => num(keys, id) ?? d;
  const lat0 = p(3081, p(3089, p(3085)));
  const lon0 = p(3080, p(3088, p(3084)));
  const fe = p(3082, p(3086, p(3090)));
  const fn = p(3083, p(3087, p(3091)));
  const k = p(3092, p(3093, 1));
  const ends: [string, number][] = [["false_easting", fe], ["false_northing", fn]];
  let method: string;
  let params: [string, number][];
  let axes: string | undefined;
  switch (num(keys, 3075)) {
    case 1: method = "Transverse_Mercator"; params = [["latitude_of_origin", lat0], ["central_meridian", lon0], ["scale_factor", k], ...ends]; break;
    case 7:
      if (keys.has(3078)) { method = "Mercator_2SP"; params = [["standard_parallel_1", p(3078)], ["central_meridian", lon0], ...ends]; }
      else { method = "Mercator_1SP"; params = [["central_meridian", lon0], ["scale_factor", k], ...ends]; }
      break;
    case 8: method = "Lambert_Conformal_Conic_2SP"; params = [["latitude_of_origin", lat0], ["central_meridian", lon0], ["standard_parallel_1", p(3078)], ["standard_parallel_2", p(3079)], ...ends]; break;
    case 9: method = "Lambert_Conformal_Conic_1SP"; params = [["latitude_of_origin", lat0], ["central_meridian", lon0], ["scale_factor", k], ...ends]; break;
    case 10: method = "Lambert_Azimuthal_Equal_Area"; params = [["latitude_of_center", lat0], ["longitude_of_center", lon0], ...ends]; break;
    case 11: method = "Albers_Conic_Equal_Area"; params = [["latitude_of_center", lat0], ["longitude_of_center", lon0], ["standard_parallel_1", p(3078)], ["standard_parallel_2", p(3079)], ...ends]; break;
    case 15:
      // GDAL's form: the latitude of true scale as latitude_of_origin, axes pointing along meridians
      method = "Polar_Stereographic";
      params = [["latitude_of_origin", lat0], ["central_meridian", p(3095, lon0)], ...(k !== 1 ? [["scale_factor", k] as [string, number]] : []), ...ends];
      axes = lat0 < 0 ? 'AXIS["Easting",NORTH],AXIS["Northing",NORTH]' : 'AXIS["Easting",SOUTH],AXIS["Northing",SOUTH]';
      break;
    case 17: method = "Equirectangular"; params = [["latitude_of_origin", 0], ["central_meridian", lon0], ["standard_parallel_1", p(3088, lat0)], ...ends]; break;
    default: return undefined;
  }
  return projectedWkt({ name, geographic: g, projection: method, parameters: params, unit, ...(axes ? { axes } : {}) });
}

/**
 * The CRS described by the GeoKeys: EPSG code when it has one, a proj4 string when it can be
 * built, and GDAL-equivalent WKT 1 for the built-in EPSG codes and for user-defined CRSs of the
 * common projection methods.
 */
export function readCrs(keys: GeoKeys): CRS {
  const modelType = num(keys, 1024);
  const projected = num(keys, 3072);
  const geographic = num(keys, 2048);
  const citation = keys.get(3073) ?? keys.get(1026);
  const withEpsg = (code: number): CRS => {
    const crs: CRS = { epsg: code };
    const def = epsgToProj4(code);
    if (def) crs.proj4 = def;
    const wkt = epsgToWkt(code);
    if (wkt) crs.wkt = wkt;
    return crs;
  };
  if (projected !== undefined && projected > 0 && projected < 32767) return withEpsg(projected);
  if (modelType === 1 || projected === 32767) {
    const def = userDefinedProj4(keys);
    const crs: CRS = {};
    if (def) crs.proj4 = def;
    const wkt = geoKeysWkt(keys);
    if (wkt) crs.wkt = wkt;
    else if (typeof citation === "string" && !def) crs.wkt = citation;
    return crs;
  }
  if (geographic !== undefined && geographic > 0 && geographic < 32767) return withEpsg(geographic);
  if (modelType === 2) {
    const crs: CRS = { proj4: `+proj=longlat ${earthPart(keys)} +no_defs` };
    const wkt = geoKeysWkt(keys);
    if (wkt) crs.wkt = wkt;
    return crs;
  }
  return {};
}
