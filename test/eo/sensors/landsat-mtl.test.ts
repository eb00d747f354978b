import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { openRaster, readLandsatMtl, landsatToa, parseLandsatMtl, LandsatMtlError, getSensor } from "../../../kernel/src/eo/index.js";

const L8 = "data/landsat-mtl/LC08_L1TP_195025_20130707_20170503_01_T1_MTL.txt";
const L7 = "data/landsat-mtl/LE07_L1TP_195025_20010730_20170204_01_T1_MTL.txt";

test("MTL metadata of the shipped Landsat 8 and 7 scenes", async () => {
  const m8 = await readLandsatMtl(L8);
  assert.equal(m8.spacecraft, "LANDSAT_8");
  assert.equal(m8.sensorId, "landsat-8-9-oli-tirs");
  assert.equal(getSensor(m8.sensorId).bands.length, 11);
  assert.equal(m8.acquired, "2013-07-07");
  assert.equal(m8.sunElevation, 58.9967518);
  assert.equal(m8.cloudCover, 6.03);
  assert.equal(m8.bands["4"]!.reflectanceMult, 2e-5);
  assert.equal(m8.bands["4"]!.radianceAdd, -48.32638);
  assert.equal(m8.bands["10"]!.k1, 774.8853);
  assert.match(m8.bands["4"]!.file, /data\/landsat-mtl\/LC08_L1TP_195025_20130707_20170503_01_T1_B4\.TIF$/);
  const m7 = await readLandsatMtl(L7);
  assert.equal(m7.sensorId, "landsat-7-etm");
  assert.ok(m7.bands["6_VCID_1"]!.k2! > 1000);
  assert.throws(() => parseLandsatMtl("GROUP = X\nEND_GROUP = X\n"), (e: unknown) => e instanceof LandsatMtlError && /not a Landsat MTL/.test(e.message));
});

test("TOA reflectance and brightness temperature equal NumPy with the MTL coefficients", async () => {
  const m8 = await readLandsatMtl(L8);
  for (const [band, q] of [["4", "reflectance"], ["10", "brightness-temperature"]] as const) {
    const b = m8.bands[band]!;
    const r = await (await openRaster(b.file)).read();
    const got = landsatToa(r, m8, band, q).band(1);
    const py = `
import numpy as np, sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); q = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
M, A, se, k1, k2 = map(float, sys.argv[2:7])
v = M * q + A
out = v / np.sin(np.radians(se)) if sys.argv[7] == "reflectance" else k2 / np.log(k1 / v + 1)
out[q == 0] = np.nan
sys.stdout.write(" ".join(repr(float(x)) for x in out.astype(np.float32).ravel()))`;
    const args = [b.file, String(q === "reflectance" ? b.reflectanceMult : b.radianceMult), String(q === "reflectance" ? b.reflectanceAdd : b.radianceAdd), String(m8.sunElevation), String(b.k1 ?? 0), String(b.k2 ?? 0), q];
    const want = execFileSync("/usr/bin/python3", ["-c", py, ...args]).toString().trim().split(" ").map(Number);
    assert.equal(got.length, want.length);
    want.forEach((w, i) => assert.ok((Number.isNaN(w) && Number.isNaN(got[i]!)) || Math.abs(got[i]! - w) <= 1e-6 * Math.max(1, Math.abs(w)), `${band} ${q}[${i}]: ${got[i]} vs ${w}`));
  }
  const r = await (await openRaster(m8.bands["10"]!.file)).read();
  assert.throws(() => landsatToa(r, m8, "10", "reflectance"), /Band 10 has no REFLECTANCE_MULT\/ADD/);
  assert.throws(() => landsatToa(r, m8, "12"), /lists no band "12"/);
});
