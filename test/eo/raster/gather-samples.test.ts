// gatherSamples: bands out of pixel-interleaved blocks, for every band type, equal bit for bit to
// the plain indexed loop (views at offsets, complex pairs, NaN payloads kept), in WebAssembly and
// in the JavaScript fallback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatherSamples } from "../../../kernel/src/eo/raster/gather-samples.js";
import type { BandArray } from "../../../kernel/src/eo/raster/types.js";

const CTORS = [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array] as const;

for (const useWasm of [true, false]) {
  test(`gatherSamples (${useWasm ? "WebAssembly" : "JavaScript"}) equals the indexed loop for all band types, complex pairs and sub-rectangles`, () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0));
    for (const C of CTORS) {
      // complex types exist for int16, int32, float32 and float64 parts (cint16 … cfloat64)
      for (const comp of [Int16Array, Int32Array, Float32Array, Float64Array].includes(C as never) ? [1, 2] : [1]) {
        for (const [bw, bh, spp, samples, c0, r0, cols, rows] of [
          [16, 8, 3, [1], 0, 0, 16, 8], [16, 8, 6, [5, 0, 2], 3, 2, 9, 5], [5, 3, 2, [0], 4, 2, 1, 1], [64, 4, 4, [3, 1], 1, 1, 62, 3], [7, 7, 2, [1, 0], 0, 0, 7, 7],
        ] as const) {
          // the source: random bits (every pattern, NaNs with payloads for the float types) in a view at an offset
          const srcLen = bw * bh * spp * comp;
          const srcBuf = new ArrayBuffer((srcLen + 3) * C.BYTES_PER_ELEMENT);
          new Uint8Array(srcBuf).forEach((_, i, a) => { a[i] = rnd() & 255; });
          const src = new C(srcBuf, 3 * C.BYTES_PER_ELEMENT, srcLen) as BandArray;
          // destinations wider than the rectangle (or as wide: one copy per band), some at offsets
          const dw = bw === 7 ? cols : cols + 7;
          const E = C.BYTES_PER_ELEMENT * comp;
          const dsts = samples.map((_, k) => new C(new ArrayBuffer(((rows + 2) * dw * comp + k) * C.BYTES_PER_ELEMENT), k * C.BYTES_PER_ELEMENT, (rows + 2) * dw * comp) as BandArray);
          const dx = bw === 7 ? 0 : 4;
          const dy = 1;
          const srcBytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
          gatherSamples(src, samples.map((sample, k) => ({ dst: dsts[k]!, sample })), {
            samplesPerPixel: spp, valuesPerSample: comp, blockWidth: bw, srcCol: c0, srcRow: r0, rows, cols, dstWidth: dw, dstCol: dx, dstRow: dy,
          }, useWasm);
          samples.forEach((sample, k) => {
            const want = new Uint8Array(dsts[k]!.byteLength);
            for (let r = 0; r < rows; r++) {
              for (let c = 0; c < cols; c++) {
                const si = (((r0 + r) * bw + c0 + c) * spp + sample) * E;
                want.set(srcBytes.subarray(si, si + E), ((dy + r) * dw + dx + c) * E);
              }
            }
            assert.deepEqual(new Uint8Array(dsts[k]!.buffer, dsts[k]!.byteOffset, dsts[k]!.byteLength), want, `${C.name} comp ${comp} block ${bw}×${bh}×${spp} sample ${sample}`);
          });
        }
      }
    }
  });
}

test("gatherSamples does nothing for an empty rectangle", () => {
  const dst = new Uint16Array(4).fill(9);
  gatherSamples(new Uint16Array(12), [{ dst, sample: 1 }], { samplesPerPixel: 3, valuesPerSample: 1, blockWidth: 2, srcCol: 0, srcRow: 0, rows: 0, cols: 2, dstWidth: 2, dstCol: 0, dstRow: 0 });
  assert.deepEqual([...dst], [9, 9, 9, 9]);
});
