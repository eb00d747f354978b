/**
 * OGC WKT (version 1, in the form GDAL exports with `ExportToWkt()`) for the EPSG codes known to
 * {@link epsgToProj4} and for CRSs described by parameters (GeoTIFF user-defined GeoKeys). GDAL and
 * PROJ read these strings back as the same CRS (checked with `osr.SpatialReference.IsSame`).
 * @module
 */

/** An ellipsoid: name, semi-major axis (m), inverse flattening (0 = sphere), optional EPSG code. */
export interface WktEllipsoid {
  name: string;
  a: number;
  rf: number;
  epsg?: number;
}

/** A geographic CRS: names, datum, ellipsoid, prime meridian (degrees) and optional TOWGS84. */
export interface WktGeographic {
  name: string;
  datum: string;
  ellipsoid: WktEllipsoid;
  /** EPSG code of the datum, when it has one. */
  datumEpsg?: number;
  /** EPSG code of the geographic CRS, when it has one. */
  epsg?: number;
  /** Prime meridian longitude in degrees from Greenwich; default 0. */
  primeMeridian?: number;
  /** Helmert parameters to WGS 84 (3 or 7 numbers). */
  towgs84?: number[];
}

/** A projected CRS: the WKT 1 projection name and parameters, on a geographic CRS. */
export interface WktProjected {
  name: string;
  geographic: WktGeographic;
  /** WKT 1 projection name, e.g. "Transverse_Mercator". */
  projection: string;
  /** Parameters in order, WKT 1 names (e.g. ["central_meridian", -33]). */
  parameters: [string, number][];
  /** Linear unit; default metre. */
  unit?: { name: string; metres: number; epsg?: number };
  epsg?: number;
  /** Axis order as GDAL writes it; default easting, northing. */
  northingFirst?: boolean;
  /** Explicit AXIS nodes, e.g. GDAL's polar stereographic ones (`AXIS["Easting",NORTH],…`). */
  axes?: string;
  /** PROJ4 extension (GDAL writes one for Web Mercator). */
  proj4Extension?: string;
}

/** Ellipsoids by EPSG code. */
export const ELLIPSOIDS: Record<number, WktEllipsoid> = {
  7030: { name: "WGS 84", a: 6378137, rf: 298.257223563, epsg: 7030 },
  7019: { name: "GRS 1980", a: 6378137, rf: 298.257222101, epsg: 7019 },
  7008: { name: "Clarke 1866", a: 6378206.4, rf: 294.978698213898, epsg: 7008 },
  7022: { name: "International 1924", a: 6378388, rf: 297, epsg: 7022 },
  7004: { name: "Bessel 1841", a: 6377397.155, rf: 299.1528128, epsg: 7004 },
};

/** Geographic CRSs by EPSG code (the code of the CRS and of its datum both map here). */
export const GEOGRAPHIC: Record<number, WktGeographic> = {
  4326: { name: "WGS 84", datum: "WGS_1984", datumEpsg: 6326, ellipsoid: ELLIPSOIDS[7030]!, epsg: 4326 },
  4674: { name: "SIRGAS 2000", datum: "Sistema_de_Referencia_Geocentrico_para_las_AmericaS_2000", datumEpsg: 6674, ellipsoid: ELLIPSOIDS[7019]!, epsg: 4674 },
  4258: { name: "ETRS89", datum: "European_Terrestrial_Reference_System_1989", datumEpsg: 6258, ellipsoid: ELLIPSOIDS[7019]!, epsg: 4258 },
  4269: { name: "NAD83", datum: "North_American_Datum_1983", datumEpsg: 6269, ellipsoid: ELLIPSOIDS[7019]!, epsg: 4269 },
};

/**
 * The geographic CRS of a datum EPSG code (6326 → WGS 84, …), when known.
 * @example
 * ```ts
 * geographicOfDatum(6674)?.name; // "SIRGAS 2000"
 * ```
 */
export function geographicOfDatum(datumEpsg: number): WktGeographic | undefined {
  return Object.values(GEOGRAPHIC).find((g) => g.datumEpsg === datumEpsg);
}

const fmt = (v: number) => String(v);
const authority = (code: number | undefined) => (code !== undefined ? `,AUTHORITY["EPSG","${code}"]` : "");

/**
 * WKT 1 of a geographic CRS. `axes` adds the latitude/longitude axes GDAL writes for a top-level
 * EPSG geographic CRS (not inside a projected one).
 * @example
 * ```ts
 * geographicWkt(GEOGRAPHIC[4326]!); // 'GEOGCS["WGS 84",DATUM["WGS_1984",…'
 * ```
 */
export function geographicWkt(g: WktGeographic, axes = false): string {
  const e = g.ellipsoid;
  const towgs = g.towgs84 && g.towgs84.length ? `,TOWGS84[${[...g.towgs84, 0, 0, 0, 0, 0, 0, 0].slice(0, 7).map(fmt).join(",")}]` : "";
  return `GEOGCS["${g.name}",DATUM["${g.datum}",SPHEROID["${e.name}",${fmt(e.a)},${fmt(e.rf)}${authority(e.epsg)}]${towgs}${authority(g.datumEpsg)}],` +
    `PRIMEM["Greenwich",${fmt(g.primeMeridian ?? 0)}${g.primeMeridian ? "" : authority(8901)}],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]` +
    `${axes ? ',AXIS["Latitude",NORTH],AXIS["Longitude",EAST]' : ""}${authority(g.epsg)}]`;
}

/**
 * WKT 1 of a projected CRS.
 * @example
 * ```ts
 * projectedWkt({ name: "unknown", geographic: GEOGRAPHIC[4326]!, projection: "Transverse_Mercator",
 *   parameters: [["latitude_of_origin", 0], ["central_meridian", 12], ["scale_factor", 0.9996], ["false_easting", 500000], ["false_northing", 0]] });
 * ```
 */
export function projectedWkt(p: WktProjected): string {
  const unit = p.unit ?? { name: "metre", metres: 1, epsg: 9001 };
  const params = p.parameters.map(([n, v]) => `PARAMETER["${n}",${fmt(v)}]`).join(",");
  const axes = p.axes ?? (p.northingFirst ? 'AXIS["Northing",NORTH],AXIS["Easting",EAST]' : 'AXIS["Easting",EAST],AXIS["Northing",NORTH]');
  return `PROJCS["${p.name}",${geographicWkt(p.geographic)},PROJECTION["${p.projection}"],${params},` +
    `UNIT["${unit.name}",${fmt(unit.metres)}${authority(unit.epsg)}],${axes}` +
    `${p.proj4Extension ? `,EXTENSION["PROJ4","${p.proj4Extension}"]` : ""}${authority(p.epsg)}]`;
}

function utm(name: string, g: WktGeographic, zone: number, south: boolean, epsg: number): string {
  return projectedWkt({
    name: `${name} / UTM zone ${zone}${south ? "S" : "N"}`, geographic: g, projection: "Transverse_Mercator", epsg,
    parameters: [["latitude_of_origin", 0], ["central_meridian", zone * 6 - 183], ["scale_factor", 0.9996], ["false_easting", 500000], ["false_northing", south ? 10000000 : 0]],
  });
}

/**
 * GDAL's WKT 1 for the EPSG codes built in here: 4326, 4674, 4258, 4269, 3857, 3035 and the UTM
 * zones on WGS 84 (326xx, 327xx), ETRS89 (25828–25838), NAD83 (26901–26923) and SIRGAS 2000
 * (31965–31985); undefined for other codes.
 * @example
 * ```ts
 * epsgToWkt(32725); // 'PROJCS["WGS 84 / UTM zone 25S",GEOGCS["WGS 84",…AUTHORITY["EPSG","32725"]]'
 * ```
 */
export function epsgToWkt(code: number): string | undefined {
  const g = GEOGRAPHIC[code];
  if (g) return geographicWkt(g, true);
  const wgs84 = GEOGRAPHIC[4326]!;
  if (code === 3857) {
    return projectedWkt({
      name: "WGS 84 / Pseudo-Mercator", geographic: wgs84, projection: "Mercator_1SP", epsg: 3857,
      parameters: [["central_meridian", 0], ["scale_factor", 1], ["false_easting", 0], ["false_northing", 0]],
      proj4Extension: "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs",
    });
  }
  if (code === 3035) {
    return projectedWkt({
      name: "ETRS89-extended / LAEA Europe", geographic: GEOGRAPHIC[4258]!, projection: "Lambert_Azimuthal_Equal_Area", epsg: 3035, northingFirst: true,
      parameters: [["latitude_of_center", 52], ["longitude_of_center", 10], ["false_easting", 4321000], ["false_northing", 3210000]],
    });
  }
  if (code >= 32601 && code <= 32660) return utm("WGS 84", wgs84, code - 32600, false, code);
  if (code >= 32701 && code <= 32760) return utm("WGS 84", wgs84, code - 32700, true, code);
  if (code >= 25828 && code <= 25838) return utm("ETRS89", GEOGRAPHIC[4258]!, code - 25800, false, code);
  if (code >= 26901 && code <= 26923) return utm("NAD83", GEOGRAPHIC[4269]!, code - 26900, false, code);
  if (code >= 31965 && code <= 31976) return utm("SIRGAS 2000", GEOGRAPHIC[4674]!, code - 31965 + 11, false, code);
  if (code >= 31977 && code <= 31985) return utm("SIRGAS 2000", GEOGRAPHIC[4674]!, code - 31977 + 17, true, code);
  return undefined;
}
