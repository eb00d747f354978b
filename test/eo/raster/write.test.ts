import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Raster, writeRaster, openRaster, RasterWriteError, arrayTypeFor, type DType } from "../../../kernel/src/eo/index.js";
import { gdalReference, readInfo, refBand, assertBandEqual, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-write-");

function synth(dtype: DType, count: number, w: number, h: number): Raster {
  const C = arrayTypeFor(dtype);
  const comp = dtype.startsWith("c") ? 2 : 1;
  const bands = Array.from({ length: count }, (_, b) => {
    const a = new C(w * h * comp);
    for (let i = 0; i < a.length; i++) {
      const v = Math.sin(i * 0.013 + b) * 100 + ((i * 7919 + b * 31) % 97);
      a[i] = dtype.includes("float") ? v * 1.37 : dtype.startsWith("u") ? Math.abs(Math.round(v)) : Math.round(v);
    }
    return a;
  });
  return new Raster({
    width: w, height: h, dtype, bands, transform: [288776.25, 30, 0, 9120760.75, 0, -30], crs: { epsg: 31985 },
    nodata: dtype.includes("float") ? NaN : 0, descriptions: bands.map((_, i) => `band <${i + 1}> & co`),
  });
}

const cases: { name: string; raster: Raster; opts: Parameters<typeof writeRaster>[2] }[] = [
  { name: "f32-cog", raster: synth("float32", 3, 1100, 700), opts: { cog: true } },
  { name: "u8", raster: synth("uint8", 2, 300, 200), opts: {} },
  { name: "u16-none", raster: synth("uint16", 1, 257, 129), opts: { compress: "none", tileSize: 64 } },
  { name: "i16", raster: synth("int16", 4, 100, 333), opts: { tileSize: 128 } },
  { name: "u16-zstd", raster: synth("uint16", 2, 300, 200), opts: { compress: "zstd", tileSize: 64 } },
  { name: "f32-zstd-cog", raster: synth("float32", 1, 700, 300), opts: { compress: "zstd", cog: true, tileSize: 128 } },
  { name: "f64-cog", raster: synth("float64", 1, 600, 600), opts: { cog: true, tileSize: 256 } },
  { name: "cf32", raster: synth("cfloat32", 1, 90, 60), opts: {} },
  { name: "i32-rot", raster: new Raster({ width: 50, height: 40, dtype: "int32", bands: [new Int32Array(2000).map((_, i) => i * 1000 - 7)], transform: [1841001.75, 1.5, -5, 1144003.25, -5, -1.5], crs: { epsg: 32611 } }), opts: {} },
];
cases.forEach((c) => { c.raster.band(1)[5] = c.raster.dtype.includes("float") ? NaN : 0; });
const paths = cases.map((c) => join(dir, `${c.name}.tif`));
await Promise.all(cases.map((c, i) => writeRaster(paths[i]!, c.raster, c.opts)));
const refs = gdalReference(paths);

test("GDAL reads written files back with the same values, georeference, nodata and descriptions", () => {
  cases.forEach((c, i) => {
    const info = readInfo(refs[i]!);
    const r = c.raster;
    assert.deepEqual([info.width, info.height, info.count, info.dtype], [r.width, r.height, r.count, r.dtype], c.name);
    assert.deepEqual(info.transform, [...r.transform], `${c.name} transform`);
    assert.equal(info.epsg, r.crs.epsg, `${c.name} EPSG`);
    const nd = r.nodata[0];
    if (nd !== null && nd !== undefined) assert.deepEqual(info.nodata, r.nodata.map(() => (Number.isNaN(nd) ? "nan" : nd)), `${c.name} nodata`);
    assert.deepEqual(info.descriptions, r.descriptions, `${c.name} descriptions`);
    assert.equal(info.compression, ({ none: null, zstd: "ZSTD", deflate: "DEFLATE" } as const)[c.opts?.compress ?? "deflate"], `${c.name} compression`);
    for (let b = 1; b <= r.count; b++) assertBandEqual(refBand(refs[i]!, `b${b}.bin`, r.dtype), r.band(b), `${c.name} band ${b}`);
    if (c.opts?.cog) {
      const size = Math.max(r.width, r.height);
      const levels = Math.ceil(Math.log2(size / (c.opts.tileSize ?? 512)));
      assert.equal(info.overviews.length, levels, `${c.name} overview count`);
      assert.deepEqual(info.overviews[0], [Math.ceil(r.width / 2), Math.ceil(r.height / 2)]);
    }
  });
});

test("written COG overviews read by ai4eo equal GDAL's reading of them", async () => {
  const src = await openRaster(paths[0]!);
  const o = await src.read({ overview: 1, bands: [2] });
  assertBandEqual(o.band(1), refBand(refs[0]!, "o1_b2.bin", "float32"), "overview 1 band 2");
  // averaged overview: pixel (1, 1) is the mean of the 2×2 block at (2..3, 2..3) of band 2
  const b = cases[0]!.raster.band(2);
  const w = cases[0]!.raster.width;
  const mean = (b[2 * w + 2]! + b[2 * w + 3]! + b[3 * w + 2]! + b[3 * w + 3]!) / 4;
  assert.ok(Math.abs(o.band(1)[o.width + 1]! - mean) < 1e-4);
});

test("writeRaster rejects predictor options that do not fit the data type", async () => {
  await assert.rejects(writeRaster(join(dir, "bad.tif"), cases[1]!.raster, { predictor: 3 }),
    (e: unknown) => e instanceof RasterWriteError && /predictor 3 \(floating point\) needs float32\/float64 data, this raster is uint8/.test(e.message));
  await assert.rejects(writeRaster(join(dir, "bad.tif"), cases[1]!.raster, { tileSize: 100 }), /tileSize must be a positive multiple of 16/);
});
