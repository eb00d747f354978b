/**
 * Sensors described as data: band names, common names, wavelengths, resolutions, scale/offset,
 * in a registry with {@link addSensor}. Select bands by any of their names.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { describeValue } from "../../util/describe-value.js";

/** One spectral band (or polarisation) of a sensor. */
export interface SensorBand {
  /** Band id as the provider names it, e.g. "B04", "B8A", "VV". */
  name: string;
  /** Common name (STAC eo:common_name), e.g. "red", "nir", "swir16", or the polarisation "vv". */
  commonName?: string;
  /** Centre wavelength in micrometres (SAR: radar wavelength). */
  center: number;
  /** Full width at half maximum in micrometres, when known. */
  fwhm?: number;
  /** Ground sampling distance in metres. */
  resolution: number;
  /** Digital number → physical value: `value * scale + offset`; default 1 and 0. */
  scale?: number;
  offset?: number;
  /** Other names this band is known by (case-insensitive), e.g. "B4". */
  aliases?: string[];
}

/** A sensor: an id, a description and its bands in the provider's order. */
export interface Sensor {
  id: string;
  name: string;
  bands: SensorBand[];
}

/** A band name that a sensor does not have. */
export class UnknownSensorBandError extends Ai4eoError {
  constructor(readonly sensor: string, readonly band: string, known: string[]) {
    super(`Sensor "${sensor}" has no band "${band}". Known names: ${known.join(", ")}.`);
  }
}

/** A sensor id that is not registered. */
export class UnknownSensorError extends Ai4eoError {
  constructor(readonly sensor: string, known: string[]) {
    super(`No sensor "${sensor}" is registered (known: ${known.join(", ")}). Register it with addSensor({ id, name, bands }).`);
  }
}

/** A sensor definition or a sensor argument of the wrong shape (e.g. a band without a name, two bands with one name). */
export class SensorInputError extends Ai4eoError {}

const b = (name: string, commonName: string | undefined, center: number, fwhm: number | undefined, resolution: number, extra: Partial<SensorBand> = {}): SensorBand =>
  ({ name, ...(commonName ? { commonName } : {}), center, ...(fwhm ? { fwhm } : {}), resolution, ...extra });

/** Sentinel-2 MSI (L1C/L2A reflectance ×10000: scale 1e-4). */
export const SENTINEL2_MSI: Sensor = {
  id: "sentinel-2-msi", name: "Sentinel-2 MultiSpectral Instrument",
  bands: [
    b("B01", "coastal", 0.443, 0.027, 60), b("B02", "blue", 0.490, 0.098, 10), b("B03", "green", 0.560, 0.045, 10),
    b("B04", "red", 0.665, 0.038, 10), b("B05", "rededge071", 0.705, 0.019, 20, { aliases: ["rededge1"] }),
    b("B06", "rededge075", 0.740, 0.018, 20, { aliases: ["rededge2"] }), b("B07", "rededge078", 0.783, 0.028, 20, { aliases: ["rededge3"] }),
    b("B08", "nir", 0.842, 0.145, 10), b("B8A", "nir08", 0.865, 0.033, 20, { aliases: ["narrow_nir"] }),
    b("B09", "nir09", 0.945, 0.026, 60, { aliases: ["watervapour"] }), b("B10", "cirrus", 1.375, 0.075, 60),
    b("B11", "swir16", 1.610, 0.143, 20, { aliases: ["swir1"] }), b("B12", "swir22", 2.190, 0.242, 20, { aliases: ["swir2"] }),
  ].map((x) => ({ ...x, scale: 1e-4, offset: 0, aliases: [...(x.aliases ?? []), x.name.replace(/^B0/, "B")] })),
};

/** Landsat 8/9 OLI-TIRS (Collection 2 Level-2 surface reflectance scale/offset on bands 1–7). */
export const LANDSAT89_OLI_TIRS: Sensor = {
  id: "landsat-8-9-oli-tirs", name: "Landsat 8/9 OLI and TIRS",
  bands: [
    b("B1", "coastal", 0.443, 0.016, 30), b("B2", "blue", 0.482, 0.060, 30), b("B3", "green", 0.562, 0.057, 30),
    b("B4", "red", 0.655, 0.037, 30), b("B5", "nir08", 0.865, 0.028, 30, { aliases: ["nir"] }),
    b("B6", "swir16", 1.609, 0.085, 30, { aliases: ["swir1"] }), b("B7", "swir22", 2.201, 0.187, 30, { aliases: ["swir2"] }),
    b("B8", "pan", 0.590, 0.172, 15), b("B9", "cirrus", 1.373, 0.020, 30),
    b("B10", "lwir11", 10.895, 0.590, 100, { aliases: ["tirs1", "lwir"] }), b("B11", "lwir12", 12.005, 1.010, 100, { aliases: ["tirs2"] }),
  ].map((x, i) => (i < 7 ? { ...x, scale: 2.75e-5, offset: -0.2 } : x)),
};

/** Landsat 7 ETM+ (Collection 2 Level-2 surface reflectance scale/offset on the reflective bands). */
export const LANDSAT7_ETM: Sensor = {
  id: "landsat-7-etm", name: "Landsat 7 Enhanced Thematic Mapper Plus",
  bands: [
    b("B1", "blue", 0.483, 0.065, 30), b("B2", "green", 0.560, 0.080, 30), b("B3", "red", 0.662, 0.060, 30),
    b("B4", "nir08", 0.835, 0.130, 30, { aliases: ["nir"] }), b("B5", "swir16", 1.648, 0.200, 30, { aliases: ["swir1"] }),
    b("B6", "lwir", 11.335, 2.100, 60, { aliases: ["tir"] }), b("B7", "swir22", 2.206, 0.260, 30, { aliases: ["swir2"] }),
    b("B8", "pan", 0.706, 0.380, 15),
  ].map((x) => (["B6", "B8"].includes(x.name) ? x : { ...x, scale: 2.75e-5, offset: -0.2 })),
};

/** Sentinel-1 C-band SAR (5.405 GHz; wavelength 55 465 µm), IW GRD polarisations. */
export const SENTINEL1_SAR: Sensor = {
  id: "sentinel-1-sar", name: "Sentinel-1 C-band SAR",
  bands: ["VV", "VH", "HH", "HV"].map((p) => b(p, p.toLowerCase(), 55465, undefined, 10)),
};

const registry = new Map<string, Sensor>();
for (const s of [SENTINEL2_MSI, LANDSAT89_OLI_TIRS, LANDSAT7_ETM, SENTINEL1_SAR]) registry.set(s.id, s);
const shortIds: Record<string, string> = { s2: "sentinel-2-msi", sentinel2: "sentinel-2-msi", l8: "landsat-8-9-oli-tirs", l9: "landsat-8-9-oli-tirs", landsat8: "landsat-8-9-oli-tirs", landsat9: "landsat-8-9-oli-tirs", l7: "landsat-7-etm", landsat7: "landsat-7-etm", s1: "sentinel-1-sar", sentinel1: "sentinel-1-sar" };

/**
 * Register (or replace) a sensor.
 * @example
 * ```ts
 * addSensor({ id: "planetscope-4b", name: "PlanetScope 4-band", bands: [
 *   { name: "B1", commonName: "blue", center: 0.49, resolution: 3 }, { name: "B2", commonName: "green", center: 0.565, resolution: 3 },
 *   { name: "B3", commonName: "red", center: 0.665, resolution: 3 }, { name: "B4", commonName: "nir", center: 0.865, resolution: 3 } ] });
 * ```
 */
export function addSensor(sensor: Sensor): void {
  checkSensor(sensor);
  registry.set(sensor.id, sensor);
}

/** Checks a sensor definition where it is made, so that lookups do not fail later or pick the wrong band. */
function checkSensor(sensor: Sensor): void {
  const where = (s: string) => `Sensor definition${typeof sensor?.id === "string" ? ` "${sensor.id}"` : ""}: ${s}`;
  if (sensor === null || typeof sensor !== "object") throw new SensorInputError(`A sensor must be an object { id, name, bands }, got ${describeValue(sensor)}.`);
  if (typeof sensor.id !== "string" || sensor.id === "") throw new SensorInputError(where(`id must be a non-empty string, got ${describeValue(sensor.id)}.`));
  if (!Array.isArray(sensor.bands) || sensor.bands.length === 0) {
    throw new SensorInputError(where("bands must be a non-empty array of { name, commonName?, center, resolution }."));
  }
  const seen = new Map<string, number>();
  sensor.bands.forEach((band, i) => {
    if (band === null || typeof band !== "object" || typeof band.name !== "string" || band.name === "") {
      throw new SensorInputError(where(`band ${i + 1} needs a name (a non-empty string) such as "B04".`));
    }
    for (const k of ["center", "resolution"] as const) {
      if (typeof band[k] !== "number" || !(band[k] > 0) || !Number.isFinite(band[k])) {
        throw new SensorInputError(where(`band "${band.name}" needs ${k} as a positive number (${k === "center" ? "micrometres" : "metres"}), got ${describeValue(band[k])}.`));
      }
    }
    for (const k of ["scale", "offset"] as const) {
      if (band[k] !== undefined && (typeof band[k] !== "number" || !Number.isFinite(band[k]))) {
        throw new SensorInputError(where(`band "${band.name}" ${k} must be a finite number or left out, got ${describeValue(band[k])}.`));
      }
    }
    for (const n of [band.name, ...(band.aliases ?? [])]) {
      const k = n.toLowerCase();
      const other = seen.get(k);
      if (other !== undefined && other !== i) {
        throw new SensorInputError(where(`the name "${n}" is used by bands ${other + 1} ("${sensor.bands[other]!.name}") and ${i + 1} ("${band.name}"); band names and aliases must be unique, or lookups pick the first.`));
      }
      seen.set(k, i);
    }
  });
}

/** The ids of all registered sensors. */
export function listSensors(): string[] {
  return [...registry.keys()];
}

/**
 * A registered sensor by id (or a short id: "s2", "l8", "l9", "l7", "s1").
 * @throws {UnknownSensorError}
 * @example
 * ```ts
 * getSensor("s2").bands.length; // 13
 * ```
 */
export function getSensor(id: string | Sensor): Sensor {
  if (typeof id !== "string") {
    if (id === null || typeof id !== "object") {
      throw new SensorInputError(`A sensor is an id such as "s2", "l8", "sentinel-2-msi" or a Sensor object, got ${String(id)} (registered: ${listSensors().join(", ")}).`);
    }
    checkSensor(id);
    return id;
  }
  const lower = id.toLowerCase();
  const s = registry.get(id) ?? registry.get(shortIds[lower] ?? "") ?? [...registry.values()].find((x) => x.id.toLowerCase() === lower);
  if (!s) throw new UnknownSensorError(id, listSensors());
  return s;
}

/**
 * Find a band of a sensor by band id, common name or alias (case-insensitive).
 * @throws {UnknownSensorBandError}
 * @example
 * ```ts
 * findBand("s2", "swir16").name; // "B11"
 * findBand("l8", "B5").commonName; // "nir08"
 * ```
 */
export function findBand(sensor: string | Sensor, key: string): SensorBand {
  const s = getSensor(sensor);
  if (typeof key !== "string") {
    throw new SensorInputError(`Band names are strings such as "B04" or "red", got ${describeValue(key)}${typeof key === "number" ? ` (for band numbers in a file, index the raster: raster.band(${key}))` : ""}.`);
  }
  const k = key.toLowerCase();
  const hit = s.bands.find((x) => x.name.toLowerCase() === k) ?? s.bands.find((x) => x.commonName?.toLowerCase() === k) ??
    s.bands.find((x) => x.aliases?.some((a) => a.toLowerCase() === k));
  if (!hit) throw new UnknownSensorBandError(s.id, key, s.bands.flatMap((x) => [x.name, ...(x.commonName ? [x.commonName] : [])]));
  return hit;
}

/**
 * 1-based band numbers in a file for band names, given the file's band order (default: the
 * sensor's own order). E.g. the Olinda Landsat-7 file holds ETM+ bands 1, 2, 3, 4, 5, 7.
 * @example
 * ```ts
 * const order = ["B1", "B2", "B3", "B4", "B5", "B7"];
 * sensorBandNumbers("l7", ["red", "nir", "swir22"], order); // [3, 4, 6]
 * ```
 */
export function sensorBandNumbers(sensor: string | Sensor, keys: string[], order?: string[]): number[] {
  const s = getSensor(sensor);
  if (!Array.isArray(keys)) throw new SensorInputError(`Band names must be an array such as ["red", "nir"], got ${JSON.stringify(keys) ?? String(keys)}.`);
  if (order !== undefined && (!Array.isArray(order) || order.some((n) => typeof n !== "string"))) {
    throw new SensorInputError(`order must be an array of band names, one per band of the file, e.g. ["B02", "B03", "B04", "B08"], got ${JSON.stringify(order) ?? String(order)}.`);
  }
  const names = order ?? s.bands.map((x) => x.name);
  // each entry of the order is resolved to a sensor band (by id, common name or alias), so two entries
  // naming one band, or an entry the sensor does not have, are caught instead of silently picking the first
  const resolved = order ? names.map((n) => findBand(s, n).name) : names;
  resolved.forEach((r, i) => {
    const j = resolved.indexOf(r);
    if (j !== i) throw new SensorInputError(`order names ${s.id} band ${r} twice ("${names[j]}" at position ${j + 1} and "${names[i]}" at ${i + 1}); name each band of the file once.`);
  });
  return keys.map((k) => {
    const band = findBand(s, k);
    const i = resolved.indexOf(band.name);
    if (i < 0) throw new UnknownSensorBandError(s.id, `${k} (${band.name}) in this file's bands [${names.join(", ")}]`, names);
    return i + 1;
  });
}
