import { test } from "node:test";
import assert from "node:assert/strict";
import { spectralIndex, normalizedDifference, ndvi, savi, IndexInputError, SensorInputError, UnknownSensorError, Raster, type IndexName, type IndexBands, type SpectralIndexOptions } from "../../../kernel/src/eo/index.js";

const indexError = (re: RegExp) => (e: unknown) => e instanceof IndexInputError && re.test(e.message);
const s2 = (count = 13, dtype: "uint16" | "cint16" = "uint16") => new Raster({
  width: 3, height: 1, dtype, nodata: 0,
  bands: Array.from({ length: count }, (_, i) => dtype === "uint16" ? Uint16Array.from([1000 + 100 * i, 2000, 0]) : new Int16Array(6)),
});
const si = (r: unknown, name: unknown, o: unknown) => () => spectralIndex(r as Raster, name as IndexName, o as SpectralIndexOptions);

test("index functions: bands and options of the wrong kind are IndexInputErrors (were TypeErrors or silently wrong)", () => {
  assert.throws(() => ndvi(null as unknown as IndexBands), indexError(/NDVI needs its bands by name, \{ nir: …, red: … \}, got null/));
  // a Raster as a band gave an empty result; strings were computed character by character; BigInts gave NaN
  assert.throws(() => ndvi({ nir: s2() as unknown as Float32Array, red: [1] }), indexError(/NDVI: band "nir" is a Raster; pass its pixels, e\.g\. raster\.band\(4\)/));
  assert.throws(() => ndvi({ nir: "12" as unknown as number[], red: "34" as unknown as number[] }), indexError(/band "nir" must be a typed array or an array of numbers, got the string "12"/));
  assert.throws(() => ndvi({ nir: ["1", "2"] as unknown as number[], red: [0, 1] }), indexError(/got an array of 2 \(\["1", "2"\]\) with non-number values\. Convert it, e\.g\. Float32Array\.from\(values, Number\)/));
  assert.throws(() => ndvi({ nir: new BigInt64Array(1) as unknown as number[], red: [1] }), indexError(/got a BigInt64Array/));
  assert.throws(() => normalizedDifference([1], undefined as unknown as number[]), indexError(/normalizedDifference: band "b" must be a typed array .*got undefined/));
  // nodata "0" never matched, so nodata pixels were computed as data
  assert.throws(() => ndvi({ nir: [1, 2], red: [0, 1] }, { nodata: "0" as unknown as number }), indexError(/NDVI: nodata must be a number or null, got the string "0"/));
  assert.throws(() => ndvi({ nir: [1], red: [1] }, null as unknown as object), indexError(/NDVI: options must be an object such as \{ nodata: 0 \}, got null/));
  // L = "0.5" gave NaN everywhere ("1" + L)
  assert.throws(() => savi({ nir: [0.5], red: [0.1] }, { L: "0.5" as unknown as number }), indexError(/SAVI: L must be a finite number ≥ 0 .*got the string "0\.5"/));
  assert.throws(() => savi({ nir: [0.5], red: [0.1] }, { L: NaN }), indexError(/got NaN/));
});

test("spectralIndex: missing bands, unknown names and bad orders say which band and what to pass", () => {
  assert.throws(si({ nir: [1] }, "ndvi", { sensor: "s2" }), indexError(/spectralIndex needs a Raster, got an object \(\{ nir: \[1\] \}\)/));
  assert.throws(si(s2(), "ndre", { sensor: "s2" }), indexError(/Unknown index "ndre"; use one of ndvi, ndwi, mndwi/));
  assert.throws(si(s2(), "NDVI", { sensor: "s2" }), indexError(/Unknown index "NDVI" \(did you mean "ndvi"\?\)/));
  assert.throws(si(s2(), "ndvi", undefined), indexError(/spectralIndex needs \{ sensor \} .*e\.g\. spectralIndex\(raster, "ndvi", \{ sensor: "s2" \}\)/));
  assert.throws(si(s2(), "ndvi", { sensor: "sentinel-3" }), (e: unknown) => e instanceof UnknownSensorError && /No sensor "sentinel-3" is registered/.test(e.message));
  assert.throws(si(s2(1, "cint16"), "ndvi", { sensor: "s2" }), indexError(/this raster is cint16 \(complex\)/));
  // NDVI on a raster without NIR: was "Band 8 is out of range" from Raster.band
  assert.throws(si(s2(2), "ndvi", { sensor: "s2" }), indexError(/NDVI needs nir \(sentinel-2-msi band B08\), which is band 8 in sentinel-2-msi's own band order, but this raster has 2 band\(s\)\. Pass \{ order: \[\.\.\.\] \}/));
  assert.throws(si(s2(2), "ndvi", { sensor: "s2", order: ["B02", "B03", "B04", "B08"] }), indexError(/which is band 4 in the given order, but this raster has 2 band\(s\)/));
  // a band named twice silently picked the first
  assert.throws(si(s2(3), "ndvi", { sensor: "s2", order: ["B04", "B4", "B08"] }), (e: unknown) => e instanceof SensorInputError && /order names sentinel-2-msi band B04 twice \("B04" at position 1 and "B4" at 2\)/.test(e.message));
  assert.throws(si(s2(2), "ndvi", { sensor: "s2", order: "B04,B08" }), (e: unknown) => e instanceof SensorInputError && /order must be an array of band names/.test(e.message));
});

test("spectralIndex: an order by common names works and equals the order by band ids; valid results are unchanged", () => {
  const r = s2(2);
  const byId = spectralIndex(r, "ndvi", { sensor: "s2", order: ["B04", "B08"] }).band(1);
  // was UnknownSensorBandError 'no band "nir (B08) in this file's bands [red, nir]". Known names: red, nir'
  const byCommon = spectralIndex(r, "ndvi", { sensor: "s2", order: ["red", "nir"] }).band(1);
  assert.deepEqual(byCommon, byId);
  assert.ok(Math.abs(byId[0]! - (1100 - 1000) / (1100 + 1000)) < 1e-7);
  assert.equal(byId[1], 0);
  assert.ok(Number.isNaN(byId[2]!), "nodata 0 gives NaN");
});

test("spectralIndex: bands whose descriptions contradict the order are refused (a raster in another order gave a wrong index silently)", () => {
  const r = (descriptions: string[]) => new Raster({ width: 2, height: 1, dtype: "uint16", nodata: 0, descriptions, bands: [Uint16Array.from([100, 0]), Uint16Array.from([900, 0])] });
  assert.throws(si(r(["B08", "B04"]), "ndvi", { sensor: "s2", order: ["B04", "B08"] }),
    indexError(/NDVI would read nir \(sentinel-2-msi band B08\) from band 2 as the given order says, but band 2 is described as "B04" \(B04\)\. Pass \{ order: \["B08", "B04"\] \} \(the raster's descriptions\)/));
  assert.throws(si(r(["nir", "red"]), "ndvi", { sensor: "s2", order: ["red", "nir"] }), indexError(/band 2 is described as "red" \(B04\)/));
  // descriptions that agree, or that name no sensor band, are not in the way
  const want = (900 - 100) / (900 + 100);
  assert.ok(Math.abs(spectralIndex(r(["B04", "B08"]), "ndvi", { sensor: "s2", order: ["B04", "B08"] }).band(1)[0]! - want) < 1e-7);
  assert.ok(Math.abs(spectralIndex(r(["my band", "other"]), "ndvi", { sensor: "s2", order: ["B04", "B08"] }).band(1)[0]! - want) < 1e-7);
});
