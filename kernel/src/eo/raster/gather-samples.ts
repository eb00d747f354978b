/**
 * Copying bands out of pixel-interleaved blocks (`PLANARCONFIG=CONTIG` tiles and strips) into band
 * arrays, for every data type, bit for bit (NaN payloads included): in WebAssembly
 * (raster-kernels.ts) when it is there, else with JavaScript loops over unsigned integer views of
 * 1, 2 or 4 bytes, each of which only ever sees one typed-array kind (V8 keeps it monomorphic).
 * @module
 */
import { gatherWasm } from "./raster-kernels.js";
import type { BandArray } from "./types.js";

/** A rectangle of pixels in a pixel-interleaved block, and where it goes in the band arrays. */
export interface InterleavedRect {
  /** Samples per pixel in the block. */
  samplesPerPixel: number;
  /** Values per sample (2 for complex types, whose real and imaginary parts are interleaved). */
  valuesPerSample: number;
  /** Pixels per block row. */
  blockWidth: number;
  /** The rectangle's first pixel in the block. */
  srcCol: number;
  srcRow: number;
  rows: number;
  cols: number;
  /** Pixels per destination row, and where the rectangle starts there. */
  dstWidth: number;
  dstCol: number;
  dstRow: number;
}

/** One band to fill: its array (same type as the block) and the sample of the pixel it takes. */
export interface SampleTarget {
  dst: BandArray;
  sample: number;
}

/**
 * Copies sample `t.sample` of each pixel of a rectangle of the pixel-interleaved block `src` into
 * `t.dst`, for each target.
 * @param useWasm false forces the JavaScript loops (for tests; default true).
 * @example
 * ```ts
 * // bands 1 and 3 of a 2×2 RGB block into two 2×2 bands
 * const rgb = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), r = new Uint8Array(4), b = new Uint8Array(4);
 * gatherSamples(rgb, [{ dst: r, sample: 0 }, { dst: b, sample: 2 }],
 *   { samplesPerPixel: 3, valuesPerSample: 1, blockWidth: 2, srcCol: 0, srcRow: 0, rows: 2, cols: 2, dstWidth: 2, dstCol: 0, dstRow: 0 });
 * // r = [1, 4, 7, 10], b = [3, 6, 9, 12]
 * ```
 */
export function gatherSamples(src: BandArray, targets: readonly SampleTarget[], rect: InterleavedRect, useWasm = true): void {
  const { rows, cols, samplesPerPixel: spp, valuesPerSample: comp } = rect;
  if (rows <= 0 || cols <= 0 || targets.length === 0) return;
  const B = src.BYTES_PER_ELEMENT;
  const bytes = B * comp;
  const pixelBytes = spp * bytes;
  const srcByte = src.byteOffset + (rect.srcRow * rect.blockWidth + rect.srcCol) * pixelBytes;
  const dstFirst = (rect.dstRow * rect.dstWidth + rect.dstCol) * bytes;
  if (useWasm && (bytes === 1 || bytes === 2 || bytes === 4 || bytes === 8)) {
    const done = gatherWasm(new Uint8Array(src.buffer, srcByte, src.byteOffset + src.byteLength - srcByte), rect.blockWidth * pixelBytes, pixelBytes, bytes, rows, cols,
      targets.map((t) => ({ dst: new Uint8Array(t.dst.buffer, t.dst.byteOffset, t.dst.byteLength), dstByte: dstFirst, sampleByte: t.sample * bytes })),
      rect.dstWidth * bytes);
    if (done) return;
  }
  // JavaScript: in units of 4 bytes when every array is 4-byte aligned (an Int16Array holding cint16
  // pairs may not be), of 2 bytes for 16-bit bands, else of bytes
  const aligned = targets.every((t) => t.dst.byteOffset % 4 === 0) && srcByte % 4 === 0 && pixelBytes % 4 === 0;
  const unit = bytes === 1 ? 1 : bytes === 2 ? 2 : aligned && bytes % 4 === 0 ? 4 : 1;
  const words = bytes / unit;
  const s0 = (srcByte - src.byteOffset) / unit;
  const sRow = (rect.blockWidth * pixelBytes) / unit;
  const step = pixelBytes / unit;
  const d0 = dstFirst / unit;
  const dRow = (rect.dstWidth * bytes) / unit;
  for (const t of targets) {
    const s = s0 + (t.sample * bytes) / unit;
    const dst = t.dst;
    if (unit === 1) {
      gather8(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength), s, sRow, step, d0, dRow, rows, cols, words);
    } else if (unit === 2) {
      gather16(new Uint16Array(src.buffer, src.byteOffset, src.byteLength >> 1), new Uint16Array(dst.buffer, dst.byteOffset, dst.byteLength >> 1), s, sRow, step, d0, dRow, rows, cols);
    } else {
      gather32(new Uint32Array(src.buffer, src.byteOffset, src.byteLength >> 2), new Uint32Array(dst.buffer, dst.byteOffset, dst.byteLength >> 2), s, sRow, step, d0, dRow, rows, cols, words);
    }
  }
}

/** Bytes; `words` of them per sample (1 for 8-bit bands; more only for unaligned multi-byte samples). */
function gather8(src: Uint8Array, dst: Uint8Array, s: number, sRow: number, step: number, d: number, dRow: number, rows: number, cols: number, words: number): void {
  for (let r = 0; r < rows; r++, s += sRow, d += dRow) {
    if (words === 1) for (let c = 0, si = s; c < cols; c++, si += step) dst[d + c] = src[si]!;
    else for (let c = 0, si = s, di = d; c < cols; c++, si += step, di += words) for (let w = 0; w < words; w++) dst[di + w] = src[si + w]!;
  }
}

function gather16(src: Uint16Array, dst: Uint16Array, s: number, sRow: number, step: number, d: number, dRow: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++, s += sRow, d += dRow) {
    for (let c = 0, si = s; c < cols; c++, si += step) dst[d + c] = src[si]!;
  }
}

/** 4-byte units; `words` of them per sample (2 for float64 and cint32/cfloat32, 4 for cfloat64). */
function gather32(src: Uint32Array, dst: Uint32Array, s: number, sRow: number, step: number, d: number, dRow: number, rows: number, cols: number, words: number): void {
  for (let r = 0; r < rows; r++, s += sRow, d += dRow) {
    if (words === 1) for (let c = 0, si = s; c < cols; c++, si += step) dst[d + c] = src[si]!;
    else for (let c = 0, si = s, di = d; c < cols; c++, si += step, di += words) for (let w = 0; w < words; w++) dst[di + w] = src[si + w]!;
  }
}
