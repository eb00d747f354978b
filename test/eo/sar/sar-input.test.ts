import { test } from "node:test";
import assert from "node:assert/strict";
import { amplitude, intensity, phase, toDb, leeFilter, SarInputError, Raster, type LeeOptions } from "../../../kernel/src/eo/index.js";

const det = (vals: number[], extra: Partial<ConstructorParameters<typeof Raster>[0]> = {}) =>
  new Raster({ width: 2, height: 2, dtype: "float32", bands: [Float32Array.from(vals)], ...extra });
const sarError = (re: RegExp) => (e: unknown) => e instanceof SarInputError && re.test(e.message);
type Opts = { input?: "amplitude" | "intensity" };

test("SAR helpers: a non-Raster or an unknown input kind is a SarInputError (\"power\" was silently taken as amplitude)", () => {
  assert.throws(() => amplitude(new Float32Array(4) as unknown as Raster), sarError(/amplitude needs a Raster, got a Float32Array of 4 values/));
  assert.throws(() => phase(undefined as unknown as Raster), sarError(/phase needs a Raster, got undefined/));
  assert.throws(() => amplitude(det([4, 0, 4, 9]), { input: "power" } as unknown as Opts), sarError(/amplitude: input must be "amplitude" or "intensity" .*got the string "power"\. Power\/sigma0\/gamma0 in linear units is "intensity"/));
  assert.throws(() => toDb(det([4, 0, 4, 9]), { input: "Amplitude" } as unknown as Opts), sarError(/toDb: input must be .*got the string "Amplitude"/));
  assert.throws(() => intensity(det([1, 2, 3, 4]), null as unknown as Opts), sarError(/intensity: options must be an object such as \{ input: "intensity" \}, got null/));
});

test("leeFilter: looks that are not positive and negative intensities (dB data) are refused", () => {
  // looks 0 / NaN gave an all-NaN raster, looks -1 returned the input unfiltered
  for (const looks of [0, -1, NaN]) {
    assert.throws(() => leeFilter(det([1, 2, 3, 4]), { size: 3, looks }), sarError(new RegExp(`looks \\(equivalent number of looks\\) must be a positive number, .*got ${looks}\\.`)));
  }
  assert.throws(() => leeFilter(det([1, 2, 3, 4]), { size: 3, looks: "4" } as unknown as LeeOptions), sarError(/got the string "4"/));
  assert.throws(() => leeFilter(det([-12.5, -20, 3, -7], { descriptions: ["VV dB"] }), { size: 3 }),
    sarError(/leeFilter works on intensity \(≥ 0\), but band 1 \("VV dB"\) has 3 negative value\(s\) \(min -20\)\. If the data are in dB, convert to linear first \(10 \*\* \(dB \/ 10\)\)/));
  assert.throws(() => leeFilter(det([1, 2, 3, 4]), null as unknown as LeeOptions), sarError(/options must be an object such as \{ size: 7, looks: 1 \}/));
  // valid input unchanged: a constant image stays constant, NaN stays NaN
  assert.deepEqual(Array.from(leeFilter(det([2, 2, 2, NaN]), { size: 3 }).band(1)), [2, 2, 2, NaN]);
});

test("intensity of a negative amplitude is NaN, like amplitude of a negative intensity (it was squared into a valid-looking value)", () => {
  assert.deepEqual(Array.from(intensity(det([-2, 0, 2, 3])).band(1)), [NaN, 0, 4, 9]);
  assert.deepEqual(Array.from(amplitude(det([-4, 0, 4, 9])).band(1)), [NaN, 0, 2, 3]);
});
