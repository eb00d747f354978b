/**
 * `ai4eo info FILE|URL [--json]`: what gdalinfo prints that matters — size, bands with type,
 * block, nodata, description, colour interpretation and overviews, CRS, geotransform, corner
 * coordinates (with longitude/latitude) and compression. `--json` names fields like `gdalinfo -json`.
 *
 * @example
 * ```sh
 * ai4eo info data/olinda/L7_ETMs.tif
 * ai4eo info https://example.org/cog.tif --json
 * ```
 * @module
 */
import { openRaster, type RasterSource } from "../eo/raster/open.js";
import { transformer } from "../eo/geo/crs.js";
import type { DType, GroundControlPoint } from "../eo/raster/types.js";

const GDAL_TYPE: Record<DType, string> = {
  uint8: "Byte", int8: "Int8", uint16: "UInt16", int16: "Int16", uint32: "UInt32", int32: "Int32", float32: "Float32", float64: "Float64",
  cint16: "CInt16", cint32: "CInt32", cfloat32: "CFloat32", cfloat64: "CFloat64",
};

/** The `--json` document (a subset of `gdalinfo -json`, same field names). */
export interface RasterInfoJson {
  description: string;
  driverShortName: "GTiff";
  size: [number, number];
  coordinateSystem: { epsg?: number; proj4?: string; wkt?: string };
  geoTransform: number[];
  metadata: { IMAGE_STRUCTURE: Record<string, string>; "": Record<string, string> };
  cornerCoordinates: Record<"upperLeft" | "lowerLeft" | "lowerRight" | "upperRight" | "center", [number, number]>;
  wgs84Extent?: { type: "Polygon"; coordinates: [number, number][][] };
  /** Ground control points and their CRS, for files georeferenced by GCPs (as gdalinfo -json). */
  gcps?: { coordinateSystem: { epsg?: number; proj4?: string; wkt?: string }; gcpList: GroundControlPoint[] };
  bands: {
    band: number; block: [number, number]; type: string; colorInterpretation: string; description: string;
    noDataValue?: number | string; scale?: number; offset?: number; overviews?: { size: [number, number] }[];
  }[];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Describe an opened source as `gdalinfo -json` would (subset).
 * @example
 * ```ts
 * rasterInfo(await openRaster("data/olinda/lc.tif")).bands[0].colorInterpretation; // "Palette"
 * ```
 */
export function rasterInfo(src: RasterSource): RasterInfoJson {
  const t = src.transform;
  const at = (c: number, r: number): [number, number] => [t[0] + c * t[1] + r * t[2], t[3] + c * t[4] + r * t[5]];
  const corners = {
    upperLeft: at(0, 0), lowerLeft: at(0, src.height), lowerRight: at(src.width, src.height), upperRight: at(src.width, 0), center: at(src.width / 2, src.height / 2),
  };
  const cs: RasterInfoJson["coordinateSystem"] = {};
  if (src.crs.epsg !== undefined) cs.epsg = src.crs.epsg;
  if (src.crs.proj4) cs.proj4 = src.crs.proj4;
  if (src.crs.wkt) cs.wkt = src.crs.wkt;
  const imageStructure: Record<string, string> = { INTERLEAVE: src.interleave };
  if (src.compression !== "NONE") imageStructure.COMPRESSION = src.compression;
  const info: RasterInfoJson = {
    description: src.name, driverShortName: "GTiff", size: [src.width, src.height], coordinateSystem: cs, geoTransform: [...t],
    metadata: { IMAGE_STRUCTURE: imageStructure, "": src.metadata }, cornerCoordinates: corners,
    bands: Array.from({ length: src.count }, (_, i) => {
      const nd = src.nodata[i];
      const b: RasterInfoJson["bands"][number] = {
        band: i + 1, block: [src.blockSize.width, src.blockSize.height], type: GDAL_TYPE[src.dtype], colorInterpretation: cap(src.colorInterp[i]!),
        description: src.descriptions[i] ?? "",
      };
      if (src.overviews.length) b.overviews = src.overviews.map((o) => ({ size: [o.width, o.height] as [number, number] }));
      if (nd !== null && nd !== undefined) b.noDataValue = Number.isNaN(nd) ? "NaN" : nd;
      if (src.scales[i] !== 1) b.scale = src.scales[i]!;
      if (src.offsets[i] !== 0) b.offset = src.offsets[i]!;
      return b;
    }),
  };
  if (src.gcps.length) info.gcps = { coordinateSystem: { ...src.gcpCrs }, gcpList: src.gcps.map((g) => ({ ...g })) };
  if (src.georeferenced && (src.crs.epsg !== undefined || src.crs.proj4)) {
    try {
      const f = transformer(src.crs, 4326).forward;
      const ring = [corners.upperLeft, corners.lowerLeft, corners.lowerRight, corners.upperRight, corners.upperLeft].map(([x, y]) => f(x, y));
      if (ring.every((p) => p.every(Number.isFinite))) info.wgs84Extent = { type: "Polygon", coordinates: [ring] };
    } catch {
      // CRS without a proj4 definition: no WGS 84 extent, as gdalinfo without PROJ support
    }
  }
  return info;
}

function dms(v: number, pos: string, neg: string, width: number): string {
  const a = Math.abs(v);
  let d = Math.floor(a);
  let m = Math.floor((a - d) * 60);
  let s = (a - d - m / 60) * 3600;
  if (s >= 59.995) { s = 0; m++; }
  if (m >= 60) { m = 0; d++; }
  return `${String(d).padStart(width)}d${String(m).padStart(2)}'${s.toFixed(2).padStart(5)}"${v < 0 ? neg : pos}`;
}

/**
 * The text report, laid out like gdalinfo's.
 * @example
 * ```ts
 * console.log(formatInfo(rasterInfo(src)));
 * ```
 */
export function formatInfo(info: RasterInfoJson): string {
  const L: string[] = ["Driver: GTiff/GeoTIFF", `Files: ${info.description}`, `Size is ${info.size[0]}, ${info.size[1]}`];
  const cs = info.coordinateSystem;
  L.push(`Coordinate System is: ${cs.epsg !== undefined ? `EPSG:${cs.epsg}` : ""}${cs.proj4 ? `${cs.epsg !== undefined ? " " : ""}(${cs.proj4})` : ""}${cs.epsg === undefined && !cs.proj4 ? (cs.wkt ?? "`'") : ""}`);
  if (info.gcps) {
    const gc = info.gcps.coordinateSystem;
    L.push(`GCP Projection = ${gc.epsg !== undefined ? `EPSG:${gc.epsg}` : gc.proj4 ?? gc.wkt ?? ""}`);
    info.gcps.gcpList.forEach((p, i) => L.push(`GCP[${String(i).padStart(3)}]: Id=${p.id}, Info=${p.info}`, `          (${p.pixel},${p.line}) -> (${p.x},${p.y},${p.z})`));
  }
  const g = info.geoTransform;
  if (g[2] === 0 && g[4] === 0) {
    L.push(`Origin = (${g[0]!.toFixed(15)},${g[3]!.toFixed(15)})`, `Pixel Size = (${g[1]!.toFixed(15)},${g[5]!.toFixed(15)})`);
  } else {
    L.push("GeoTransform =", `  ${g[0]}, ${g[1]}, ${g[2]}`, `  ${g[3]}, ${g[4]}, ${g[5]}`);
  }
  if (Object.keys(info.metadata[""]).length) L.push("Metadata:", ...Object.entries(info.metadata[""]).map(([k, v]) => `  ${k}=${v}`));
  L.push("Image Structure Metadata:", ...Object.entries(info.metadata.IMAGE_STRUCTURE).map(([k, v]) => `  ${k}=${v}`));
  L.push("Corner Coordinates:");
  const names: [keyof RasterInfoJson["cornerCoordinates"], string][] = [["upperLeft", "Upper Left"], ["lowerLeft", "Lower Left"], ["upperRight", "Upper Right"], ["lowerRight", "Lower Right"], ["center", "Center"]];
  const ring = info.wgs84Extent?.coordinates[0];
  const ll: Record<string, [number, number] | undefined> = ring ? { upperLeft: ring[0], lowerLeft: ring[1], lowerRight: ring[2], upperRight: ring[3] } : {};
  let centerLL: [number, number] | undefined;
  if (ring && cs && (cs.epsg !== undefined || cs.proj4)) {
    try { centerLL = transformer(cs as never, 4326).forward(...info.cornerCoordinates.center); } catch { centerLL = undefined; }
  }
  for (const [k, label] of names) {
    const [x, y] = info.cornerCoordinates[k];
    const p = k === "center" ? centerLL : ll[k];
    L.push(`${(label).padEnd(11)} (${x.toFixed(3).padStart(12)}, ${y.toFixed(3).padStart(12)})${p ? ` (${dms(p[0], "E", "W", 3)}, ${dms(p[1], "N", "S", 2)})` : ""}`);
  }
  for (const b of info.bands) {
    L.push(`Band ${b.band} Block=${b.block[0]}x${b.block[1]} Type=${b.type}, ColorInterp=${b.colorInterpretation}`);
    if (b.description) L.push(`  Description = ${b.description}`);
    if (b.noDataValue !== undefined) L.push(`  NoData Value=${b.noDataValue === "NaN" ? "nan" : b.noDataValue}`);
    if (b.overviews?.length) L.push(`  Overviews: ${b.overviews.map((o) => `${o.size[0]}x${o.size[1]}`).join(", ")}`);
    if (b.offset !== undefined || b.scale !== undefined) L.push(`  Offset: ${b.offset ?? 0},   Scale:${b.scale ?? 1}`);
  }
  return L.join("\n") + "\n";
}

/** Where `main` writes (tests pass their own). */
export interface InfoIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

/** `ai4eo info FILE|URL [--json]`: prints the report; exit code 1 (with the error's message) when the file cannot be read. */
export async function main(args: string[], io: InfoIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  const json = args.includes("--json");
  const files = args.filter((a) => a !== "--json");
  if (files.length !== 1) {
    io.err.write("usage: ai4eo info FILE|URL [--json]\n");
    return 2;
  }
  try {
    const src = await openRaster(files[0]!, { preview: false });
    const info = rasterInfo(src);
    await src.close();
    io.out.write(json ? JSON.stringify(info, null, 2) + "\n" : formatInfo(info));
    return 0;
  } catch (e) {
    io.err.write(`ai4eo info: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
