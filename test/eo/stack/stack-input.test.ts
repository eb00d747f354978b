import { test } from "node:test";
import assert from "node:assert/strict";
import { stackRasters, RasterStack, StackError, Raster, type RasterSourceLike, type StackOptions } from "../../../kernel/src/eo/index.js";

const mk = (vals = [1, 2, 3, 4], extra: Partial<ConstructorParameters<typeof Raster>[0]> = {}) => new Raster({
  width: 2, height: 2, dtype: "float32", bands: [Float32Array.from(vals)], transform: [0, 10, 0, 20, 0, -10], crs: { epsg: 32633 }, ...extra,
});
const stackError = (re: RegExp) => (e: unknown) => e instanceof StackError && re.test(e.message);
const stack = (sources: unknown, options?: unknown) => stackRasters(sources as RasterSourceLike[], options as StackOptions);
const d = (s: string) => new Date(s);

test("stackRasters: sources and options of the wrong kind are StackErrors (were TypeErrors or confusing RasterShapeErrors)", async () => {
  await assert.rejects(stack(undefined), stackError(/stackRasters needs an array of sources \(opened files or Rasters\), got undefined/));
  await assert.rejects(stack(mk()), stackError(/got a Raster\. For one raster pass \[raster\]/));
  await assert.rejects(stack([mk(), null]), stackError(/Source 1 is null, not a raster source/));
  await assert.rejects(stack([new Raster({ width: 2, height: 2, dtype: "cfloat32", bands: [new Float32Array(8)] })]), stackError(/Source 0 is cfloat32 \(complex\); stacks hold real values\. Convert it first, e\.g\. intensity/));
  await assert.rejects(stack([mk()], { bands: [] }), stackError(/bands must be a non-empty array of 1-based band numbers such as \[1, 2, 3\], got an empty array/));
  await assert.rejects(stack([mk()], { bands: "1" }), stackError(/bands must be .*got the string "1"/));
  await assert.rejects(stack([mk()], { bands: [1.5] }), stackError(/got an array of 1 \(\[1\.5\]\)/));
  // "cubic" was silently resampled bilinearly
  await assert.rejects(stack([mk(), mk([5, 6, 7, 8], { transform: [5, 10, 0, 20, 0, -10] })], { resampling: "cubic" }), stackError(/resampling must be "nearest", "bilinear" or "average", got the string "cubic"/));
});

test("stackRasters/RasterStack: times must be valid Dates in order (unsorted, invalid and string dates were kept)", async () => {
  await assert.rejects(stack([mk(), mk()], { times: [d("2020-02-01"), d("2020-01-01")] }),
    stackError(/times are not in order: times\[1\] \(2020-01-01T00:00:00\.000Z\) is before times\[0\] \(2020-02-01T00:00:00\.000Z\)\. Sort the sources by date/));
  await assert.rejects(stack([mk(), mk()], { times: [d("x"), d("2020-01-01")] }), stackError(/times\[0\] is an invalid Date/));
  await assert.rejects(stack([mk(), mk()], { times: ["2020-01-01", "2020-02-01"] }), stackError(/times\[0\] is the string "2020-01-01", not a Date; pass new Date\("2020-01-01"\)/));
  await assert.rejects(stack([mk(), mk()], { times: d("2020-01-01") }), stackError(/times must be an array of Dates, one per layer, got a Date \(2020-01-01T00:00:00\.000Z\)/));
  assert.throws(() => new RasterStack([mk(), mk()], [d("2021-01-01"), d("2020-01-01")]), stackError(/times are not in order/));
  // equal times (two tiles of one pass) are fine
  const s = await stackRasters([mk(), mk([5, 6, 7, 8])], { times: [d("2020-01-01"), d("2020-01-01")] });
  assert.deepEqual(s.profile(1, 1), Float32Array.from([4, 8]));
});

test("RasterStack: non-Raster or complex layers and non-integer pixels/bands are StackErrors (profile(1.5, 0) gave NaN)", () => {
  assert.throws(() => new RasterStack(mk() as unknown as Raster[]), stackError(/A stack needs an array of Rasters, got a Raster/));
  assert.throws(() => new RasterStack([mk(), {} as Raster]), stackError(/Layer 1 is an object \(\{\}\), not a Raster/));
  assert.throws(() => new RasterStack([new Raster({ width: 1, height: 1, dtype: "cint16", bands: [new Int16Array(2)] })]), stackError(/Layer 0 is cint16 \(complex\)/));
  const s = new RasterStack([mk(), mk([5, 6, 7, 8])]);
  assert.throws(() => s.profile(1.5, 0), stackError(/profile needs integer pixel coordinates \(col, row\), got col 1\.5 and row 0/));
  assert.throws(() => (s.profile as () => Float32Array)(), stackError(/got col undefined and row undefined/));
  assert.throws(() => s.profile(0, 0, 2), stackError(/band must be a band number 1\.\.1 of this stack, got 2\./));
  assert.deepEqual(s.profile(0, 1), Float32Array.from([3, 7]));
});
