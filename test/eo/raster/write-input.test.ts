import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { Raster, writeRaster, RasterWriteError, arrayTypeFor, type DType, type RasterInit, type WriteRasterOptions } from "../../../kernel/src/eo/index.js";
import { gdalReference, readInfo, refBand, assertBandEqual, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-write-input-");

function make(dtype: DType, extra: Partial<RasterInit> = {}, count = 1, w = 4, h = 3): Raster {
  const C = arrayTypeFor(dtype);
  const bands = Array.from({ length: count }, () => C.from({ length: w * h }, (_, i) => i % 7));
  return new Raster({ width: w, height: h, dtype, bands, transform: [100, 10, 0, 200, 0, -10], crs: { epsg: 32633 }, ...extra });
}

const writeError = (re: RegExp) => (e: unknown) => e instanceof RasterWriteError && re.test(e.message);
const bad = (r: unknown, opts: unknown, re: RegExp, name = "bad.tif") =>
  assert.rejects(writeRaster(join(dir, name), r as Raster, opts as WriteRasterOptions), writeError(re));

test("writeRaster: paths that cannot be written are RasterWriteErrors naming the path, before encoding (were bare fs errors)", async () => {
  const r = make("uint8");
  await bad(r, {}, /nope\/x\.tif: the folder .*nope does not exist\. Create the folder first/, "nope/x.tif");
  await assert.rejects(writeRaster(dir, r), writeError(/is a folder\. Pass a file path such as folder\/out\.tif/));
  writeFileSync(join(dir, "plain"), "x");
  await bad(r, {}, /plain is a file, not a folder/, "plain/x.tif");
  await assert.rejects(writeRaster("", r), writeError(/writeRaster needs a file path \(a non-empty string\)/));
  await assert.rejects(writeRaster(5 as unknown as string, r), writeError(/writeRaster needs a file path .*got 5/));
  await bad({ width: 2, height: 1 }, {}, /writeRaster needs a Raster, got an object \(\{ width: 2, height: 1 \}\)\./);
  await bad(undefined, {}, /writeRaster needs a Raster, got undefined/);
});

test("writeRaster: options GDAL could not read back, or that were silently ignored, are refused", async () => {
  const r = make("uint8");
  // predictor 4 and tileSize 65536 wrote files GDAL cannot open or decode; "2" wrote the tag without differencing (wrong values)
  await bad(r, { predictor: 4 }, /predictor must be the number 1 \(none\), 2 \(horizontal, integers\) or 3 \(floating point\), got 4/);
  await bad(r, { predictor: "2" }, /predictor must be the number .*got "2"/);
  await bad(r, { tileSize: 65536 }, /tileSize must be a positive multiple of 16 up to 65520 \(TIFF stores it in 16 bits\), got 65536/);
  await bad(r, { tileSize: "256" }, /tileSize must be .*got "256"/);
  // a bare zlib RangeError / TypeError before; zstd levels out of range were passed on
  await bad(r, { level: 12 }, /level 12 does not fit deflate: use an integer 0–9 \(default 6\)/);
  await bad(r, { level: "9" }, /level "9" does not fit deflate/);
  await bad(r, { compress: "zstd", level: 30 }, /level 30 does not fit zstd: use an integer 1–22 \(default 9\)/);
  await bad(make("uint8", {}, 1, 40, 40), { cog: true, tileSize: 16, overviewResampling: "bilinear" }, /overviewResampling must be "average" or "nearest", got "bilinear"/);
  await bad(r, null, /options must be an object such as \{ cog: true, compress: "deflate" \}, got null/);
  await bad(r, "cog", /options must be an object .*got the string "cog"\./);
});

test("writeRaster: nodata the data type cannot hold, or that differs per band, is refused (GDAL would read a value no pixel equals)", async () => {
  await bad(make("uint8", { nodata: -9999 }), {}, /nodata -9999 cannot be stored in uint8 \(integers 0\.\.255\): no pixel could ever equal it\. Pick a nodata value the uint8 type can hold, convert the raster .* or pass nodata: null/);
  await bad(make("uint8", { nodata: 0.5 }), {}, /nodata 0\.5 cannot be stored in uint8/);
  await bad(make("int16", { nodata: NaN }), {}, /nodata nan cannot be stored in int16 \(integers -32768\.\.32767\)/);
  await bad(make("float32", { nodata: 1e40 }), {}, /nodata 1e\+40 is beyond the float32 range .*GDAL would read it as Infinity/);
  await bad(make("uint8", { nodata: [1, 2] }, 2), {}, /band 2 has nodata 2 but band 1 has 1; a GeoTIFF stores one nodata value for all bands/);
  await bad(make("uint8", { nodata: [1, null] }, 2), {}, /band 2 has nodata none but band 1 has 1/);
});

test("writeRaster: a CRS the file cannot hold is refused instead of written as no CRS", async () => {
  await bad(make("uint8", { crs: { proj4: "+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +datum=NAD83" } }), {},
    /this raster's CRS has no EPSG code \(only proj4 "\+proj=lcc .*\), and writeRaster stores CRSs as EPSG codes: the file would have no CRS\. Give the raster its EPSG code/);
  await bad(make("uint8", { crs: { wkt: 'GEOGCS["x"]' } }), {}, /has no EPSG code \(only a WKT\)/);
  await bad(make("uint8", { crs: { epsg: 70000 } }), {}, /EPSG code 70000 cannot be stored in GeoTIFF keys/);
  await bad(make("uint8", {}, 70000, 1, 1), {}, /a GeoTIFF holds at most 65535 bands .*this raster has 70000/);
});

test("writeRaster: non-ASCII band descriptions are written as UTF-8 and GDAL reads them back (were cut to 8 bits per UTF-16 unit)", async () => {
  const files = [
    { r: make("uint8", { descriptions: ["Température é 水 <&>"] }), opts: {} },
    { r: make("uint16", { nodata: 65535, descriptions: ["B04 réflectance", null] }, 2, 40, 40), opts: { cog: true, tileSize: 16 } },
    { r: make("int16", { nodata: -32768 }), opts: { compress: "zstd", level: 22 } as const },
    { r: make("float32", { nodata: -3.4e38, crs: { proj4: "+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs" } }), opts: { level: 0 } },
  ];
  const paths = files.map((_, i) => join(dir, `ok${i}.tif`));
  await Promise.all(files.map((f, i) => writeRaster(paths[i]!, f.r, f.opts)));
  const refs = gdalReference(paths);
  files.forEach((f, i) => {
    const info = readInfo(refs[i]!);
    assert.deepEqual(info.descriptions, f.r.descriptions, `file ${i} descriptions`);
    assert.equal(info.epsg, i === 3 ? 32633 : f.r.crs.epsg, `file ${i} EPSG`);
    for (let b = 1; b <= f.r.count; b++) assertBandEqual(refBand(refs[i]!, `b${b}.bin`, f.r.dtype), f.r.band(b), `file ${i} band ${b}`);
    if (f.r.nodata[0] !== null) assert.ok(Math.abs(Number(info.nodata[0]) - f.r.nodata[0]!) <= Math.abs(f.r.nodata[0]!) * 1e-7, `file ${i} nodata ${info.nodata[0]}`);
  });
});
