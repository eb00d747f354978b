import { test } from "node:test";
import assert from "node:assert/strict";
import { Raster, RasterShapeError, type RasterInit } from "../../../kernel/src/eo/index.js";

const ok: RasterInit = { width: 2, height: 1, dtype: "float32", bands: [new Float32Array([1, 2])] };
// wrong types as a notebook (plain JS) passes them
const make = (patch: Record<string, unknown>) => () => new Raster({ ...ok, ...patch } as unknown as RasterInit);
const shapeError = (re: RegExp) => (e: unknown) => e instanceof RasterShapeError && re.test(e.message);

test("Raster: options of the wrong type are RasterShapeErrors saying what to pass (were bare TypeErrors)", () => {
  assert.throws(() => new (Raster as unknown as new () => Raster)(), shapeError(/new Raster\(\) needs an options object \{ width, height, dtype, bands \}, got undefined/));
  assert.throws(make({ bands: undefined }), shapeError(/bands must be an array with one typed array per band, got undefined/));
  // a typed array instead of an array of them: was "Band 1 is a Number"
  assert.throws(make({ bands: new Float32Array(2) }), shapeError(/bands must be an array .*got a Float32Array of 2 values\. For a single band pass bands: \[data\]/));
  assert.throws(make({ bands: [null] }), shapeError(/Band 1 is null but dtype "float32" needs a Float32Array/));
  assert.throws(make({ bands: [[1, 2]] }), shapeError(/Band 1 is an array of 2 \(\[1, 2\]\) but dtype "float32" needs a Float32Array; convert it \(e\.g\. Float32Array\.from\(values\)\)/));
  assert.throws(make({ dtype: "Float32" }), shapeError(/dtype must be one of uint8, .*float32, .* \(lower case, as GDAL names them\), got the string "Float32"/));
  assert.throws(make({ dtype: "int64", bands: [new BigInt64Array(2)] }), shapeError(/dtype must be one of .*, got the string "int64"/));
  assert.throws(make({ transform: "x" }), shapeError(/geotransform needs 6 finite numbers .*got the string "x"/));
  assert.throws(make({ transform: { a: 1 } }), shapeError(/geotransform needs 6 finite numbers .*got an object \(\{ a: 1 \}\)/));
});

test("Raster: strings where numbers belong are named as strings (messages were self-contradicting)", () => {
  assert.throws(make({ width: "2" }), shapeError(/positive integers, got width the string "2" and height 1/));
  assert.throws(make({ transform: ["0", "1", "0", "0", "0", "1"] }), shapeError(/got an array of 6 \(\["0", "1", "0", "0", "0", "1"\]\)/));
  assert.throws(() => new Raster(ok).band("1" as unknown as number), shapeError(/band must be a band number 1\.\.1 of this raster \(1-based, as in GDAL\), got the string "1"/));
});

test("Raster: an invalid crs, nodata or descriptions is refused instead of silently kept or dropped", () => {
  // each of these was accepted; writeRaster then wrote no CRS (or EPSG 65535 for -1), a nodata of 0 for "abc",
  // and dropped the extra descriptions/nodata values
  assert.throws(make({ crs: "EPSG:4326" }), shapeError(/crs must be an object such as \{ epsg: 4326 \}.*got the string "EPSG:4326"/));
  assert.throws(make({ crs: 4326 }), shapeError(/crs must be an object .*got 4326/));
  assert.throws(make({ crs: { epsg: -1 } }), shapeError(/crs\.epsg must be a positive integer EPSG code such as 32633, got -1/));
  assert.throws(make({ crs: { epsg: 1.5 } }), shapeError(/crs\.epsg must be a positive integer/));
  assert.throws(make({ crs: { proj4: 5 } }), shapeError(/crs\.proj4 must be a string, got 5/));
  assert.throws(make({ nodata: "0" }), shapeError(/nodata must be a number \(NaN allowed\) or null, got the string "0"/));
  assert.throws(make({ nodata: [0, "x"] }), shapeError(/nodata\[1\] must be a number/));
  assert.throws(make({ nodata: [0, 1] }), shapeError(/2 nodata values for 1 band\(s\)/));
  assert.throws(make({ descriptions: "abc" }), shapeError(/descriptions must be an array with one name per band, e\.g\. \["B04", "B08"\], got the string "abc"/));
  assert.throws(make({ descriptions: ["a", "b"] }), shapeError(/descriptions must hold at most one name per band \(1\), got an array of 2 \(\["a", "b"\]\)/));
  assert.throws(make({ descriptions: [5] }), shapeError(/descriptions\[0\] must be a string or null, got 5/));
});

test("Raster: valid inputs are unchanged", () => {
  const r = new Raster({ ...ok, crs: { epsg: 32633 }, nodata: [NaN], descriptions: ["B04"], transform: [10, 1, 0, 20, 0, -1] });
  assert.deepEqual([r.crs, r.nodata, r.descriptions, r.transform], [{ epsg: 32633 }, [NaN], ["B04"], [10, 1, 0, 20, 0, -1]]);
  const s = new Raster({ ...ok, nodata: 0, descriptions: [] });
  assert.deepEqual([s.nodata, s.descriptions, s.crs], [[0], [null], {}]);
});
