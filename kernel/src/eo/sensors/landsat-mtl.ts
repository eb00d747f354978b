/**
 * Landsat Level-1 MTL metadata (ODL text, Collection 1 and 2): scene facts, band files and the
 * radiometric rescaling to top-of-atmosphere radiance, reflectance and brightness temperature.
 * @module
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Ai4eoError } from "../errors.js";
import { Raster } from "../raster/raster.js";

/** An MTL file that cannot be read or lacks a needed field. */
export class LandsatMtlError extends Ai4eoError {}

/** One band as the MTL describes it. */
export interface MtlBand {
  /** Band id as in the MTL: "1" … "11", "6_VCID_1", "QUALITY". */
  id: string;
  /** Absolute path of the band file (next to the MTL). */
  file: string;
  radianceMult?: number;
  radianceAdd?: number;
  reflectanceMult?: number;
  reflectanceAdd?: number;
  /** Thermal constants (TIRS bands 10/11, ETM+ band 6). */
  k1?: number;
  k2?: number;
}

/** The parsed MTL. */
export interface LandsatMtl {
  /** Every KEY = VALUE by group, e.g. `groups.IMAGE_ATTRIBUTES.SUN_ELEVATION`. */
  groups: Record<string, Record<string, string | number>>;
  spacecraft: string;
  sensor: string;
  /** ai4eo sensor id: "landsat-8-9-oli-tirs" or "landsat-7-etm". */
  sensorId: string;
  acquired: string;
  sunElevation: number;
  sunAzimuth: number;
  cloudCover?: number;
  earthSunDistance?: number;
  bands: Record<string, MtlBand>;
}

function parseValue(v: string): string | number {
  const t = v.trim();
  if (t.startsWith('"')) return t.replace(/^"|"$/g, "");
  const n = Number(t);
  return t !== "" && Number.isFinite(n) ? n : t;
}

/**
 * Parse MTL text. `baseDir` is where band files are looked for.
 * @throws {LandsatMtlError} when required fields are missing.
 */
export function parseLandsatMtl(text: string, baseDir = "."): LandsatMtl {
  const groups: Record<string, Record<string, string | number>> = {};
  const stack: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === "GROUP") { stack.push(value.trim()); groups[value.trim()] ??= {}; continue; }
    if (key === "END_GROUP") { stack.pop(); continue; }
    const g = stack[stack.length - 1] ?? "";
    (groups[g] ??= {})[key] = parseValue(value);
  }
  const find = (k: string): string | number | undefined => {
    for (const g of Object.values(groups)) if (k in g) return g[k];
    return undefined;
  };
  const num = (k: string) => { const v = find(k); return typeof v === "number" ? v : undefined; };
  const spacecraft = String(find("SPACECRAFT_ID") ?? "");
  const sensor = String(find("SENSOR_ID") ?? "");
  const sunElevation = num("SUN_ELEVATION");
  if (!spacecraft || sunElevation === undefined) {
    throw new LandsatMtlError("This is not a Landsat MTL file (no SPACECRAFT_ID / SUN_ELEVATION). Pass the *_MTL.txt file of a Level-1 scene.");
  }
  const bands: Record<string, MtlBand> = {};
  for (const g of Object.values(groups)) {
    for (const [k, v] of Object.entries(g)) {
      const fm = /^FILE_NAME_BAND_(.+)$/.exec(k);
      if (fm && typeof v === "string") bands[fm[1]!] = { id: fm[1]!, file: join(baseDir, v) };
    }
  }
  for (const [id, b] of Object.entries(bands)) {
    const set = (field: keyof MtlBand, key: string) => { const v = num(`${key}_${id}`); if (v !== undefined) (b as unknown as Record<string, number>)[field] = v; };
    set("radianceMult", "RADIANCE_MULT_BAND"); set("radianceAdd", "RADIANCE_ADD_BAND");
    set("reflectanceMult", "REFLECTANCE_MULT_BAND"); set("reflectanceAdd", "REFLECTANCE_ADD_BAND");
    set("k1", "K1_CONSTANT_BAND"); set("k2", "K2_CONSTANT_BAND");
  }
  const mtl: LandsatMtl = {
    groups, spacecraft, sensor,
    sensorId: /LANDSAT_[89]/.test(spacecraft) ? "landsat-8-9-oli-tirs" : spacecraft === "LANDSAT_7" ? "landsat-7-etm" : spacecraft.toLowerCase(),
    acquired: String(find("DATE_ACQUIRED") ?? ""), sunElevation, sunAzimuth: num("SUN_AZIMUTH") ?? NaN, bands,
  };
  const cc = num("CLOUD_COVER");
  if (cc !== undefined) mtl.cloudCover = cc;
  const esd = num("EARTH_SUN_DISTANCE");
  if (esd !== undefined) mtl.earthSunDistance = esd;
  return mtl;
}

/**
 * Read and parse a Landsat `*_MTL.txt` file; band file paths are resolved next to it.
 * @example
 * ```ts
 * const mtl = await readLandsatMtl("data/landsat-mtl/LC08_L1TP_195025_20130707_20170503_01_T1_MTL.txt");
 * mtl.bands["4"].file; // …_B4.TIF
 * ```
 */
export async function readLandsatMtl(path: string): Promise<LandsatMtl> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new LandsatMtlError(`${path}: cannot read the MTL file (${(e as NodeJS.ErrnoException).code ?? e}). Check the path.`);
  }
  return parseLandsatMtl(text, dirname(path));
}

/** What {@link landsatToa} computes. */
export type ToaQuantity = "reflectance" | "radiance" | "brightness-temperature";

/**
 * Digital numbers of one band → top-of-atmosphere reflectance (sun-elevation corrected:
 * (M·Q + A) / sin(θ_SE)), radiance (M·Q + A) or brightness temperature K2 / ln(K1 / L + 1) in
 * kelvin. DN 0 (fill) becomes NaN. USGS Landsat 8 Data Users Handbook, section 5.
 * @example
 * ```ts
 * const red = await (await openRaster(mtl.bands["4"].file)).read();
 * const rho = landsatToa(red, mtl, "4");
 * ```
 */
export function landsatToa(raster: Raster, mtl: LandsatMtl, band: string, quantity: ToaQuantity = "reflectance"): Raster {
  const b = mtl.bands[band];
  if (!b) throw new LandsatMtlError(`The MTL lists no band "${band}"; it has ${Object.keys(mtl.bands).join(", ")}.`);
  const needRefl = quantity === "reflectance";
  const M = needRefl ? b.reflectanceMult : b.radianceMult;
  const A = needRefl ? b.reflectanceAdd : b.radianceAdd;
  if (M === undefined || A === undefined) throw new LandsatMtlError(`Band ${band} has no ${needRefl ? "REFLECTANCE" : "RADIANCE"}_MULT/ADD in the MTL (thermal bands have radiance only).`);
  if (quantity === "brightness-temperature" && (b.k1 === undefined || b.k2 === undefined)) throw new LandsatMtlError(`Band ${band} has no K1/K2 thermal constants; brightness temperature needs a thermal band (10, 11, 6_VCID_1, 6_VCID_2).`);
  const sinSe = Math.sin((mtl.sunElevation * Math.PI) / 180);
  const src = raster.band(1);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const q = src[i]!;
    if (q === 0) { out[i] = NaN; continue; }
    const v = M * q + A;
    out[i] = needRefl ? v / sinSe : quantity === "radiance" ? v : b.k2! / Math.log(b.k1! / v + 1);
  }
  return new Raster({ width: raster.width, height: raster.height, dtype: "float32", bands: [out], transform: raster.transform, crs: raster.crs, nodata: NaN, descriptions: [`B${band} TOA ${quantity}`] });
}
