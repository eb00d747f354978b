import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster, spectralIndex, normalizedDifference, ndvi, evi, IndexInputError, Raster, INDICES, type IndexName } from "../../../kernel/src/eo/index.js";
import { tempDir } from "../raster/gdal-compare.js";

const out = tempDir("ai4eo-idx-");
execFileSync("/usr/bin/python3", ["test/eo/indices/numpy-indices.py", out]);
const ORDER = ["B1", "B2", "B3", "B4", "B5", "B7"];

test("every index on the Landsat-7 scene equals NumPy (float32, NaN where undefined or nodata)", async () => {
  const full = await (await openRaster("data/olinda/L7_ETMs.tif")).read();
  // rows 0..9 become nodata (0) in every band
  const bands = Array.from({ length: 6 }, (_, i) => { const a = full.band(i + 1).slice(); a.fill(0, 0, 10 * full.width); return a; });
  const r = new Raster({ width: full.width, height: full.height, dtype: "uint8", bands, transform: full.transform, crs: full.crs, nodata: 0 });
  for (const name of Object.keys(INDICES) as IndexName[]) {
    const got = spectralIndex(r, name, { sensor: "l7", order: ORDER }).band(1) as Float32Array;
    const b = readFileSync(join(out, `${name}.f32`));
    const want = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    let bad = 0, nan = 0;
    for (let i = 0; i < want.length; i++) {
      const g = got[i]!, w = want[i]!;
      if (Number.isNaN(w)) { nan++; if (!Number.isNaN(g)) bad++; continue; }
      if (!(Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)))) bad++;
    }
    assert.equal(bad, 0, `${name}: ${bad} pixels differ from NumPy`);
    assert.ok(nan >= 10 * full.width, `${name}: the nodata rows are NaN`);
  }
});

test("index helpers: formulas, nodata, input errors", () => {
  const nd = normalizedDifference([0.5, 0, 3, 0], [0.1, 0, 1, 5], { nodata: 3 });
  assert.ok(Math.abs(nd[0]! - 0.4 / 0.6) < 1e-7);
  assert.ok(Number.isNaN(nd[1]!), "0/0 is NaN");
  assert.ok(Number.isNaN(nd[2]!), "nodata input is NaN");
  assert.equal(nd[3], -1);
  assert.ok(Math.abs(ndvi({ nir: [0.4], red: [0.1] })[0]! - 0.6) < 1e-7);
  assert.ok(Math.abs(evi({ nir: [0.4], red: [0.1], blue: [0.05] })[0]! - 2.5 * 0.3 / (0.4 + 0.6 - 0.375 + 1)) < 1e-7);
  assert.throws(() => ndvi({ nir: [1] }), (e: unknown) => e instanceof IndexInputError && /NDVI needs the nir, red bands; "red" is missing/.test(e.message));
  assert.throws(() => ndvi({ nir: [1, 2], red: [1] }), /band "red" has 1 values but "nir" has 2/);
});
