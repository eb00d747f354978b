// reproject() against gdalwarp on the shipped Olinda data, on the same target grid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { openRaster, reproject, type Raster } from "../../../kernel/src/eo/index.js";
import { gdalReference, refBand, tempDir } from "../raster/gdal-compare.js";

const dir = tempDir("ai4eo-warp-");

function gdalwarp(src: string, r: Raster, srs: string, resampling: string, name: string, exact = false): string {
  const t = r.transform;
  const out = join(dir, name);
  execFileSync("gdalwarp", ["-q", "-overwrite", "-ovr", "NONE", "-t_srs", srs, "-te", String(t[0]), String(t[3] + r.height * t[5]), String(t[0] + r.width * t[1]), String(t[3]),
    "-ts", String(r.width), String(r.height), "-r", resampling, ...(exact ? ["-et", "0"] : []), src, out]);
  return out;
}

/** Fraction of pixels equal within tol (both nodata counts as equal) and max abs difference. */
function agreement(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, nodata: number): { frac: number; maxDiff: number } {
  let ok = 0, maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    const nx = Number.isNaN(x) || x === nodata, ny = Number.isNaN(y) || y === nodata;
    if (nx && ny) { ok++; continue; }
    if (nx || ny) continue;
    const d = Math.abs(x - y);
    maxDiff = Math.max(maxDiff, d);
    if (d <= tol) ok++;
  }
  return { frac: ok / a.length, maxDiff };
}

// gdalwarp runs with -ovr NONE (by default it would resample from source overviews).
// Tolerances: nearest: every pixel valid on both sides identical, and ≥ 99% of all pixels agree
// (the rest lie on the footprint edge: value on one side, nodata on the other); bilinear ≥ 98% and
// average ≥ 97% within 0.5 m (DEM); Landsat to the DEM grid (average) ≥ 97% within 1 DN.
test("DEM (user-defined UTM 25S) to EPSG:4326 matches gdalwarp: nearest, bilinear, average", async () => {
  const file = "data/olinda/olinda_dem_utm25s.tif";
  const dem = await openRaster(file);
  for (const [mode, tol, minFrac] of [["nearest", 0, 0.99], ["bilinear", 0.5, 0.98], ["average", 0.5, 0.97]] as const) {
    // exact transforms on both sides (gdalwarp -et 0, exactEvery: 1)
    const r = await reproject(dem, { crs: 4326, resampling: mode, nodata: -32768, exactEvery: 1 });
    assert.equal(r.crs.epsg, 4326);
    assert.ok(r.width > 100 && r.height > 100, `${r.width}×${r.height}`);
    const ref = gdalReference([gdalwarp(file, r, "EPSG:4326", mode === "nearest" ? "near" : mode, `dem-${mode}.tif`, true)])[0]!;
    const g = refBand(ref, "b1.bin", "float32");
    const { frac, maxDiff } = agreement(r.band(1), g, tol, -32768);
    console.log(`  reproject ${mode}: ${(frac * 100).toFixed(2)}% of pixels within ${tol} of gdalwarp (max diff ${maxDiff.toFixed(3)})`);
    assert.ok(frac >= minFrac, `${mode}: only ${(frac * 100).toFixed(2)}% agree with gdalwarp`);
    if (mode === "nearest") assert.equal(maxDiff, 0, "nearest: every pixel valid on both sides is the same source pixel");
  }
});

test("Landsat-7 bands aligned to the DEM grid with `like` equal gdalwarp's", async () => {
  const file = "data/olinda/L7_ETMs.tif";
  const l7 = await openRaster(file);
  const dem = await openRaster("data/olinda/olinda_dem_utm25s.tif");
  const r = await reproject(l7, { like: dem, resampling: "average" });
  assert.deepEqual([r.width, r.height, r.count], [111, 111, 6]);
  assert.deepEqual(r.transform, dem.transform);
  const ref = gdalReference([gdalwarp(file, r, "+proj=utm +zone=25 +south +datum=WGS84 +units=m +no_defs", "average", "l7-like.tif")])[0]!;
  for (let b = 1; b <= 6; b++) {
    const { frac } = agreement(r.band(b), refBand(ref, `b${b}.bin`, "uint8"), 1, 0);
    assert.ok(frac >= 0.97, `band ${b}: ${(frac * 100).toFixed(2)}% within 1 DN of gdalwarp`);
  }
  const n = await reproject(l7, { crs: 3857, resolution: 30, resampling: "nearest", bands: undefined } as never);
  assert.equal(n.crs.epsg, 3857);
  assert.deepEqual([n.transform[1], n.transform[5]], [30, -30]);
});
