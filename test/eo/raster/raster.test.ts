import { test } from "node:test";
import assert from "node:assert/strict";
import { Raster, RasterShapeError } from "../../../kernel/src/eo/index.js";

test("Raster keeps bands, nodata and georeference", () => {
  const r = new Raster({
    width: 3, height: 2, dtype: "uint16",
    bands: [new Uint16Array(6).fill(7), new Uint16Array(6).fill(9)],
    transform: [288776.3, 28.5, 0, 9120761.3, 0, -28.5],
    crs: { epsg: 31985 }, nodata: 0,
  });
  assert.equal(r.count, 2);
  assert.deepEqual(r.nodata, [0, 0]);
  assert.equal(r.band(2)[5], 9);
  assert.deepEqual(r.bounds, { minX: 288776.3, minY: 9120761.3 - 57, maxX: 288776.3 + 85.5, maxY: 9120761.3 });
});

test("Raster rejects inconsistent bands with the band and the sizes in the message", () => {
  assert.throws(
    () => new Raster({ width: 3, height: 2, dtype: "float32", bands: [new Float32Array(5)] }),
    (e: unknown) => e instanceof RasterShapeError && /Band 1 has 5 values but a 3×2 float32 raster needs 6/.test(e.message),
  );
  assert.throws(
    () => new Raster({ width: 1, height: 1, dtype: "float32", bands: [new Uint8Array(1)] }),
    /Band 1 is a Uint8Array of 1 value but dtype "float32" needs a Float32Array/,
  );
  const r = new Raster({ width: 1, height: 1, dtype: "cfloat32", bands: [new Float32Array(2)] });
  assert.throws(() => r.band(2), /band must be a band number 1\.\.1 of this raster \(1-based, as in GDAL\), got 2\./);
});
