/**
 * proj4 definitions of the EPSG codes common in Earth observation: WGS 84 (4326), Web Mercator
 * (3857), ETRS89-LAEA Europe (3035), SIRGAS 2000 (4674) and the UTM zones on WGS 84 (326xx north,
 * 327xx south), ETRS89 (258xx), NAD83 (269xx) and SIRGAS 2000 (31965–31985). Add others with
 * {@link addEpsg}.
 * @module
 */

const extra = new Map<number, string>();

/**
 * Register (or override) the proj4 definition of an EPSG code.
 * @example
 * ```ts
 * addEpsg(2154, "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m +no_defs");
 * ```
 */
export function addEpsg(code: number, proj4def: string): void {
  extra.set(code, proj4def);
}

/**
 * The proj4 definition of an EPSG code, or undefined when it is not known (register it with {@link addEpsg}).
 * @example
 * ```ts
 * epsgToProj4(32725); // "+proj=utm +zone=25 +south +datum=WGS84 +units=m +no_defs"
 * ```
 */
export function epsgToProj4(code: number): string | undefined {
  const e = extra.get(code);
  if (e) return e;
  switch (code) {
    case 4326: return "+proj=longlat +datum=WGS84 +no_defs";
    case 4674: return "+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs";
    case 4258: return "+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs";
    case 4269: return "+proj=longlat +datum=NAD83 +no_defs";
    case 3857: return "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs";
    case 3035: return "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
  }
  if (code >= 32601 && code <= 32660) return `+proj=utm +zone=${code - 32600} +datum=WGS84 +units=m +no_defs`;
  if (code >= 32701 && code <= 32760) return `+proj=utm +zone=${code - 32700} +south +datum=WGS84 +units=m +no_defs`;
  if (code >= 25828 && code <= 25838) return `+proj=utm +zone=${code - 25800} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
  if (code >= 26901 && code <= 26923) return `+proj=utm +zone=${code - 26900} +datum=NAD83 +units=m +no_defs`;
  if (code >= 31965 && code <= 31976) return `+proj=utm +zone=${code - 31965 + 11} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
  if (code >= 31977 && code <= 31985) return `+proj=utm +zone=${code - 31977 + 17} +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
  return undefined;
}

/** Is this EPSG code a geographic (longitude/latitude) system known here? */
export function isGeographicEpsg(code: number): boolean {
  return code === 4326 || code === 4674 || code === 4258 || code === 4269 || /^\+proj=longlat/.test(extra.get(code) ?? "");
}
