import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster, amplitude, intensity, phase, toDb, leeFilter, SarInputError, Raster } from "../../../kernel/src/eo/index.js";
import { tempDir } from "../raster/gdal-compare.js";

const out = tempDir("ai4eo-sar-");
execFileSync("/usr/bin/python3", ["test/eo/sar/numpy-sar.py", out]);
const ref = (n: string) => { const b = readFileSync(join(out, `${n}.f32`)); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };

function close(got: ArrayLike<number>, want: Float32Array, rel: number, what: string) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i]! - want[i]!) <= rel * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} vs NumPy ${want[i]}`);
  }
}

test("amplitude, intensity, phase, dB and Lee filter of a CFloat32 SLC equal NumPy", async () => {
  const slc = await (await openRaster(join(out, "slc.tif"))).read();
  assert.equal(slc.dtype, "cfloat32");
  close(amplitude(slc).band(1), ref("amplitude"), 1e-6, "amplitude");
  close(intensity(slc).band(1), ref("intensity"), 1e-6, "intensity");
  close(phase(slc).band(1), ref("phase"), 1e-6, "phase");
  close(toDb(slc).band(1), ref("db"), 1e-5, "dB");
  close(leeFilter(intensity(slc), { size: 7, looks: 1 }).band(1), ref("lee"), 1e-5, "Lee");
});

test("detected-image conversions and input errors", () => {
  const amp = new Raster({ width: 2, height: 1, dtype: "float32", bands: [new Float32Array([2, 0])], nodata: 0 });
  assert.deepEqual(Array.from(intensity(amp).band(1)), [4, NaN]);
  assert.deepEqual(Array.from(toDb(intensity(amp)).band(1)).map((v) => Math.round(v * 1e6) / 1e6), [6.020600, NaN]);
  assert.throws(() => phase(amp), (e: unknown) => e instanceof SarInputError && /phase needs complex \(SLC\) data; this raster is float32/.test(e.message));
  assert.throws(() => leeFilter(amp, { size: 4 }), /odd integer ≥ 3, got 4/);
});
