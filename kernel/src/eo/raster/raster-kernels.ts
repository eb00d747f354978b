/**
 * The TIFF horizontal predictor in WebAssembly (raster-kernels.wat): Liftoff compiles it before
 * its first call, so the first blocks a fresh process decodes do not run an interpreted loop.
 * Samples are copied into the module's memory and back (two memcpy per block).
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
