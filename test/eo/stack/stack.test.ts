import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster, writeRaster, stackRasters, RasterStack, StackError, Raster } from "../../../kernel/src/eo/index.js";
import { tempDir } from "../raster/gdal-compare.js";

const dir = tempDir("ai4eo-stack-");
const W = 40, H = 30;
const dates = [new Date("2021-01-05"), new Date("2021-02-04"), new Date("2021-03-06"), new Date("2021-04-05")];

test("a stack of four dated files: profiles, t×band×row×col array and a nodata-aware median equal NumPy", async () => {
  const paths: string[] = [];
  for (let t = 0; t < 4; t++) {
    const bands = [0, 1].map((b) => Int16Array.from({ length: W * H }, (_, i) => ((i * (t + 3) * 7 + b * 101 + t * 13) % 500) - 20));
    bands[0]!.fill(-9999, 0, 5 + t * 40); // nodata, more each date
    const p = join(dir, `t${t}.tif`);
    await writeRaster(p, new Raster({ width: W, height: H, dtype: "int16", bands, transform: [500000, 10, 0, 9000000, 0, -10], crs: { epsg: 32725 }, nodata: -9999 }));
    paths.push(p);
  }
  const stack = await stackRasters(await Promise.all(paths.map((p) => openRaster(p))), { times: dates });
  assert.deepEqual([stack.t, stack.count, stack.height, stack.width], [4, 2, H, W]);
  const arr = stack.toArray();
  assert.equal(arr.length, 4 * 2 * H * W);
  const prof = stack.profile(7, 3, 2);
  assert.deepEqual(Array.from(prof), [0, 1, 2, 3].map((t) => arr[(t * 2 + 1) * H * W + 3 * W + 7]));
  const py = `
import numpy as np, sys
from osgeo import gdal
a = np.stack([gdal.Open(p).ReadAsArray().astype(np.float64) for p in sys.argv[1:]])
a[a == -9999] = np.nan
import warnings; warnings.simplefilter("ignore")
np.nanmedian(a, axis=0).astype(np.float32).tofile("${join(dir, "median.f32")}")`;
  execFileSync("/usr/bin/python3", ["-c", py, ...paths]);
  const b = readFileSync(join(dir, "median.f32"));
  const want = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const med = stack.median();
  const got = new Float32Array(2 * H * W);
  got.set(med.band(1) as Float32Array, 0);
  got.set(med.band(2) as Float32Array, H * W);
  for (let i = 0; i < want.length; i++) assert.ok((Number.isNaN(want[i]!) && Number.isNaN(got[i]!)) || want[i] === got[i], `median[${i}] ${got[i]} vs NumPy ${want[i]}`);
  assert.ok(Number.isNaN(med.band(1)[0]!), "all-nodata pixel stays NaN");
});

test("rasters on another grid are reprojected onto the first; mismatches are errors", async () => {
  const dem = await openRaster("data/olinda/olinda_dem_utm25s.tif");
  const l7 = await openRaster("data/olinda/L7_ETMs.tif");
  const s = await stackRasters([dem, l7], { bands: [1] });
  assert.deepEqual([s.t, s.count, s.width, s.height], [2, 1, 111, 111]);
  await assert.rejects(stackRasters([dem, l7]), (e: unknown) => e instanceof StackError && /Source 1 has 6 bands but source 0 has 1/.test(e.message));
  assert.throws(() => new RasterStack([]), /at least one raster/);
});
