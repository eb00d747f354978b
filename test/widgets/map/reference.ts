// Test helpers of the map tests: GDAL reference values (python3-gdal) and the expected colours of
// layers, computed with the same renderer as the view but from GDAL's numbers.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedVis } from "../../../widgets/src/map/contract.js";
import { renderPixels } from "../../../widgets/src/map/render.js";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const L7 = join(ROOT, "data", "olinda", "L7_ETMs.tif");

export interface PixelRef { col: number; row: number; lon: number; lat: number; x: number; y: number; values: number[] | null }

/** Pixel centres → lon/lat and values, and lon/lat → pixel and values, from GDAL. */
export function gdalPoints(file: string, req: { pixels?: [number, number][]; lonlat?: [number, number][] }): { pixels: PixelRef[]; lonlat: PixelRef[] } {
  const r = spawnSync("/usr/bin/python3", [join(ROOT, "test", "widgets", "map", "gdal_points.py")], {
    input: JSON.stringify({ file, ...req }), encoding: "utf8", maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`gdal_points.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { pixels: PixelRef[]; lonlat: PixelRef[] };
}

/** NDVI as the cells compute it: (nir - red) / (nir + red) stored as float32, from L7 bands 4 and 3. */
export function ndviOf(values: number[]): number {
  const red = values[2]!, nir = values[3]!;
  return Math.fround((nir - red) / (nir + red));
}

/** The RGBA colour a layer shows for one pixel's data-band values. */
export function colourOf(vis: ResolvedVis, dataValues: number[]): [number, number, number, number] {
  const out = new Uint8ClampedArray(4);
  renderPixels(vis, dataValues.map((v) => new Float64Array([v])), null, 1, out);
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

/** Largest channel difference between two colours (RGB). */
export function colourDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!), Math.abs(a[2]! - b[2]!));
}
