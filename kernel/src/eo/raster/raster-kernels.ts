/**
 * The TIFF horizontal predictor and the gathering of one band out of pixel-interleaved blocks in
 * WebAssembly (raster-kernels.wat): Liftoff compiles them before their first call, so the first
 * blocks a fresh process decodes do not run an interpreted loop, and the loops run several times
 * faster than JavaScript's over typed arrays. Samples are copied into the module's memory and back.
 * @module
 */
import { RASTER_KERNELS_WASM } from "./raster-kernels-wasm.js";

/** The parts of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  hp8(ptr: number, rows: number, rowLen: number, spp: number): void;
  hp16(ptr: number, rows: number, rowLen: number, spp: number): void;
  hp32(ptr: number, rows: number, rowLen: number, spp: number): void;
  gather8(src: number, sRow: number, step: number, dst: number, rows: number, cols: number): void;
  gather16(src: number, sRow: number, step: number, dst: number, rows: number, cols: number): void;
  gather32(src: number, sRow: number, step: number, dst: number, rows: number, cols: number): void;
  gather64(src: number, sRow: number, step: number, dst: number, rows: number, cols: number): void;
}

let kernels: Exports | null | undefined;
// compiled in the background when this module loads: by the first block it is usually ready
let compiled: object | undefined;
wasm?.compile(Buffer.from(RASTER_KERNELS_WASM, "base64")).then((m) => { compiled = m; }, () => undefined);

function load(): Exports | null {
  if (kernels !== undefined) return kernels;
  try {
    if (!wasm) throw new Error("no WebAssembly");
    const mod = compiled ?? new wasm.Module(Buffer.from(RASTER_KERNELS_WASM, "base64"));
    kernels = new wasm.Instance(mod, {}).exports as unknown as Exports;
  } catch {
    kernels = null; // no WebAssembly: callers use their JavaScript loop
  }
  return kernels;
}

/**
 * Undo the TIFF horizontal predictor (2) in place: per row of `rowLen` samples, `a[i] += a[i - spp]`
 * modulo the sample width. Returns false (and leaves `a` alone) when WebAssembly is unavailable.
 * @example
 * ```ts
 * const tile = new Uint16Array(inflated.buffer, 0, 512 * 512);
 * undoPredictorWasm(tile, 512, 512, 1);
 * ```
 */
export function undoPredictorWasm(a: Uint8Array | Uint16Array | Uint32Array, rows: number, rowLen: number, spp: number): boolean {
  const k = load();
  if (!k) return false;
  const bytes = rows * rowLen * a.BYTES_PER_ELEMENT;
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / 65536));
  const view = new Uint8Array(a.buffer, a.byteOffset, bytes);
  const mem = new Uint8Array(k.memory.buffer, 0, bytes);
  mem.set(view);
  if (a.BYTES_PER_ELEMENT === 1) k.hp8(0, rows, rowLen, spp);
  else if (a.BYTES_PER_ELEMENT === 2) k.hp16(0, rows, rowLen, spp);
  else k.hp32(0, rows, rowLen, spp);
  view.set(mem);
  return true;
}

/** Where one sample per pixel goes: the band array and which sample of the pixel it takes. */
export interface GatherTarget {
  dst: Uint8Array;
  /** Byte offset in `dst` of the rectangle's first sample. */
  dstByte: number;
  /** Byte offset of this sample within a pixel of the source. */
  sampleByte: number;
}

/**
 * Gathers one sample per pixel of a `rows × cols` rectangle of pixel-interleaved `src` bytes
 * (pixels `pixelBytes` apart, rows `srcRowBytes` apart, the rectangle's first pixel at byte 0 of
 * `src`) into each target's bytes (rows `dstRowBytes` apart). Samples are `sampleBytes` wide
 * (1, 2, 4 or 8) and copied bit for bit. Returns false (nothing copied) when WebAssembly is unavailable.
 * @example
 * ```ts
 * // band 2 of a 2×2 RGB block
 * const g = new Uint8Array(4);
 * gatherWasm(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 6, 3, 1, 2, 2, [{ dst: g, dstByte: 0, sampleByte: 1 }], 2); // g = [2, 5, 8, 11]
 * ```
 */
export function gatherWasm(src: Uint8Array, srcRowBytes: number, pixelBytes: number, sampleBytes: 1 | 2 | 4 | 8, rows: number, cols: number,
  targets: readonly GatherTarget[], dstRowBytes: number): boolean {
  const k = load();
  if (!k) return false;
  if (rows <= 0 || cols <= 0 || targets.length === 0) return true;
  const inBytes = (rows - 1) * srcRowBytes + cols * pixelBytes;
  const rowBytes = cols * sampleBytes;
  const stage = Math.ceil(inBytes / 8) * 8;
  const need = stage + rows * rowBytes;
  const have = k.memory.buffer.byteLength;
  if (have < need) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(src.subarray(0, inBytes));
  const g = sampleBytes === 1 ? k.gather8 : sampleBytes === 2 ? k.gather16 : sampleBytes === 4 ? k.gather32 : k.gather64;
  for (const t of targets) {
    g(t.sampleByte, srcRowBytes, pixelBytes, stage, rows, cols);
    if (rowBytes === dstRowBytes) t.dst.set(mem.subarray(stage, stage + rows * rowBytes), t.dstByte);
    else for (let r = 0, s = stage, d = t.dstByte; r < rows; r++, s += rowBytes, d += dstRowBytes) t.dst.set(mem.subarray(s, s + rowBytes), d);
  }
  return true;
}
