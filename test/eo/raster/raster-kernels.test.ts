// The WebAssembly predictor kernel: committed bytes match the .wat, results equal the plain loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RASTER_KERNELS_WASM } from "../../../kernel/src/eo/raster/raster-kernels-wasm.js";
import { undoPredictorWasm } from "../../../kernel/src/eo/raster/raster-kernels.js";
import { compileKernels } from "../../../scripts/build-wasm-kernels.mjs";

test("raster-kernels-wasm.ts holds the bytes of raster-kernels.wat", async () => {
  const bytes = await compileKernels("raster");
  assert.equal(Buffer.from(bytes).toString("base64"), RASTER_KERNELS_WASM, "run node scripts/build-wasm-kernels.mjs raster");
});

/** The predictor as the TIFF spec states it, for reference. */
function reference(a: Uint8Array | Uint16Array | Uint32Array, rows: number, rowLen: number, spp: number): void {
  for (let r = 0; r < rows; r++) for (let i = r * rowLen + spp; i < (r + 1) * rowLen; i++) a[i] = a[i]! + a[i - spp]!;
}

test("undoPredictorWasm equals the reference loop for 8/16/32-bit samples, 1–4 samples per pixel, rows with tails", () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0));
  for (const C of [Uint8Array, Uint16Array, Uint32Array]) {
    for (const [rows, width, spp] of [[3, 7, 1], [5, 513, 1], [4, 100, 3], [2, 33, 4], [1, 1, 1], [300, 600, 1], [2, 8, 1], [2, 9, 1], [3, 15, 1], [3, 16, 1], [3, 17, 1], [2, 24, 2]] as const) {
      const rowLen = width * spp;
      const a = new C(rows * rowLen + 5); // extra values after the block stay untouched
      for (let i = 0; i < a.length; i++) a[i] = rnd();
      // a view at an offset inside a larger buffer
      const view = new C(a.buffer, 2 * C.BYTES_PER_ELEMENT, rows * rowLen);
      const want = Uint8Array.prototype.slice.call(new Uint8Array(a.buffer)) as Uint8Array;
      reference(new C(want.buffer, 2 * C.BYTES_PER_ELEMENT, rows * rowLen), rows, rowLen, spp);
      assert.equal(undoPredictorWasm(view, rows, rowLen, spp), true);
      assert.deepEqual(new Uint8Array(a.buffer), want, `${C.name} rows=${rows} width=${width} spp=${spp}`);
    }
  }
});
