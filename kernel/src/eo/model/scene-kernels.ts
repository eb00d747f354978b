/**
 * predictScene's hot loops — normalizing tiles into a batch, blending tile outputs into the strip
 * accumulators, and the class-only argmax — as WebAssembly SIMD kernels over one shared memory
 * (compiled from scene-kernels.wat). They compute in f64 and round to f32 once, like the
 * JavaScript loops they replace, so results are bit-identical; they are several times faster,
 * which matters because on a machine with few cores every main-thread cycle is taken from
 * onnxruntime's threads. The memory is a SharedArrayBuffer, so the session's worker thread reads
 * batches from it and writes outputs into it without transfers.
 * @module
 */
import { SCENE_KERNELS_WASM } from "./scene-kernels-wasm.js";

interface Exports {
  normalize_u8(src: number, W: number, dst: number, th: number, tw: number, mul: number, add: number): void;
  normalize_u16(src: number, W: number, dst: number, th: number, tw: number, mul: number, add: number): void;
  normalize_f32(src: number, W: number, dst: number, th: number, tw: number, mul: number, add: number): void;
  normalize_il_u8(src: number, W: number, spp: number, dst: number, plane: number, th: number, tw: number, mulp: number, addp: number, C: number): void;
  normalize_il_u16(src: number, W: number, spp: number, dst: number, plane: number, th: number, tw: number, mulp: number, addp: number, C: number): void;
  normalize_il_u8x16(src: number, W: number, spp: number, dst: number, plane: number, th: number, tw: number, mulp: number, addp: number, C: number, masks: number): void;
  blend(od: number, w: number, acc: number, accW: number, K: number, stride: number, plane: number, n: number): void;
  argmax(acc: number, plane: number, K: number, n: number, out: number): void;
  accumulate(od: number, wx: number, wy: number, acc: number, accW: number, wrow: number,
    K: number, th: number, tw: number, W: number, firstRow: number, copyFrom: number, copyTo: number, withW: number,
    arg: number, argRows: number, argTo: number, finalTo: number, fresh: number): void;
}

/** The parts of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  Instance: new (m: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
/** The compiled module, or null where WebAssembly SIMD or shared memory is unavailable. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm ? new wasm.Module(Buffer.from(SCENE_KERNELS_WASM, "base64")) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
const align = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * The swizzle masks the `normalize_il_u8x16` kernel takes band b < C out of 16 pixels of `spp`
 * uint8 samples with: for band b and vector v of their 16·spp bytes, 16 bytes at (b·spp + v)·16,
 * lane i = i·spp + b − 16v where that falls in vector v, else 0x80 (no byte).
 * @example
 * ```ts
 * interleavedSwizzleMasks(6, 6).length; // 576
 * ```
 */
export function interleavedSwizzleMasks(spp: number, C: number): Uint8Array {
  const m = new Uint8Array(C * spp * 16);
  for (let b = 0; b < C; b++) {
    for (let v = 0; v < spp; v++) {
      for (let i = 0; i < 16; i++) {
        const at = i * spp + b - 16 * v;
        m[(b * spp + v) * 16 + i] = at >= 0 && at < 16 ? at : 0x80;
      }
    }
  }
  return m;
}

/** Source sample arrays the normalize kernel reads directly. */
export type KernelSource = Uint8Array | Uint16Array | Float32Array;

/**
 * A fixed-size shared WebAssembly memory with a bump allocator for typed arrays, and the kernels
 * working on arrays allocated from it.
 * @example
 * ```ts
 * const k = SceneKernels.create(SceneKernels.bytes(64, 64 * 4, 64 * 4))!;
 * const src = k.u8(64); const dst = k.f32(64); const w = k.f32(64);
 * k.normalize(src, 0, 8, dst, 0, 8, 8, 1 / 255, 0); // an 8×8 tile scaled to [0, 1]
 * ```
 */
export class SceneKernels {
  /** The shared memory all arrays of this instance live in. */
  readonly buffer: SharedArrayBuffer;
  #ex: Exports;
  #top = 0;

  private constructor(buffer: SharedArrayBuffer, ex: Exports) {
    this.buffer = buffer;
    this.#ex = ex;
  }

  /** Bytes needed for arrays of the given byte lengths (each aligned to 16). */
  static bytes(...byteLengths: number[]): number {
    return byteLengths.reduce((s, n) => s + align(n), 0);
  }

  /**
   * A memory of at least `bytes` bytes; null when WebAssembly SIMD or shared memory is not
   * available here, or the size exceeds what a 32-bit memory can address (callers then use JavaScript loops).
   */
  static create(bytes: number): SceneKernels | null {
    const mod = kernelModule();
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    if (!mod || !wasm || pages > 65536) return null;
    try {
      const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
      const inst = new wasm.Instance(mod, { env: { memory } });
      return new SceneKernels(memory.buffer as SharedArrayBuffer, inst.exports as unknown as Exports);
    } catch {
      return null;
    }
  }

  #alloc(byteLength: number): number {
    const at = this.#top;
    if (at + byteLength > this.buffer.byteLength) {
      throw new RangeError(`SceneKernels: memory of ${this.buffer.byteLength} bytes cannot hold ${byteLength} more (${at} in use).`);
    }
    this.#top = at + align(byteLength);
    return at;
  }

  /**
   * A Float32Array of `n` values in this memory, zeroed — unless `zeroed` is false and the memory
   * was {@link SceneKernels.reset}: then it holds whatever an earlier user left there (for arrays
   * every value of which is written before it is read).
   */
  f32(n: number, zeroed = true): Float32Array {
    return this.#cleared(new Float32Array(this.buffer, this.#alloc(n * 4), n), zeroed);
  }

  /** A Float64Array of `n` values in this memory, zeroed (`zeroed` as for {@link SceneKernels.f32}). */
  f64(n: number, zeroed = true): Float64Array {
    return this.#cleared(new Float64Array(this.buffer, this.#alloc(n * 8), n), zeroed);
  }

  /** A Uint8Array of `n` values in this memory, zeroed (`zeroed` as for {@link SceneKernels.f32}). */
  u8(n: number, zeroed = true): Uint8Array {
    return this.#cleared(new Uint8Array(this.buffer, this.#alloc(n), n), zeroed);
  }

  /** A Uint16Array of `n` values in this memory, zeroed (`zeroed` as for {@link SceneKernels.f32}). */
  u16(n: number, zeroed = true): Uint16Array {
    return this.#cleared(new Uint16Array(this.buffer, this.#alloc(n * 2), n), zeroed);
  }

  /** (a new memory is zeroed already; a reset one is cleared where asked) */
  #cleared<T extends Float32Array | Float64Array | Uint8Array | Uint16Array>(a: T, zeroed: boolean): T {
    if (zeroed && this.#recycled) a.fill(0);
    return a;
  }

  /** Whether arrays are handed out again from memory an earlier user had (see {@link SceneKernels.reset}). */
  #recycled = false;

  /**
   * Takes the whole memory back, for a new user: arrays allocated before must not be used again.
   * Reusing a memory instead of creating one saves the page faults of its first touch (about 2 µs
   * per 4 KiB page on a VM: tens of milliseconds for a scene's strips, batches and outputs). Later
   * allocations are zeroed as from a new memory, except those asked for with `zeroed` false.
   * @example
   * ```ts
   * const k = SceneKernels.create(SceneKernels.bytes(1024))!;
   * k.f32(256).fill(1);
   * k.reset();
   * k.f32(256)[0]; // 0 again
   * ```
   */
  reset(): void {
    this.#top = 0;
    this.#masks = undefined;
    this.#recycled = true;
  }

  #at(a: ArrayBufferView & { BYTES_PER_ELEMENT: number }, index: number): number {
    if (a.buffer !== this.buffer) throw new RangeError("SceneKernels: the array is not in this kernel memory.");
    return a.byteOffset + index * a.BYTES_PER_ELEMENT;
  }

  /**
   * `dst[dstIndex + r·tw + c] = f32(f32(src[srcIndex + r·W + c] · mul) + add)` for r < th, c < tw
   * (a tile out of a strip of width W), with mul and add rounded to f32: f32 arithmetic, so
   * sixteen uint8 values go through at once.
   */
  normalize(src: KernelSource, srcIndex: number, W: number, dst: Float32Array, dstIndex: number, th: number, tw: number, mul: number, add: number): void {
    if (th <= 0 || tw <= 0) return;
    if (srcIndex + (th - 1) * W + tw > src.length || dstIndex + th * tw > dst.length) throw new RangeError("SceneKernels.normalize: tile out of bounds.");
    const f = src instanceof Uint8Array ? this.#ex.normalize_u8 : src instanceof Uint16Array ? this.#ex.normalize_u16 : this.#ex.normalize_f32;
    f(this.#at(src, srcIndex), W, this.#at(dst, dstIndex), th, tw, mul, add);
  }

  /**
   * Tiles out of a pixel-interleaved strip (`spp` samples a pixel, `W` pixels a row; `pixel` = the
   * tile's first pixel): for each band b < C, `dst[dstIndex + b·th·tw + r·tw + c] =
   * f32(f32(sample_b · mul[b]) + add[b])`, exactly as {@link normalize} computes each band from
   * separate arrays (mul and add are f32 arrays in this memory). uint8 samples with spp ≤ 16 go
   * sixteen pixels at a time; the first such call takes C·spp·16 bytes of this memory for its masks.
   */
  normalizeInterleaved(src: Uint8Array | Uint16Array, pixel: number, W: number, spp: number, C: number, dst: Float32Array, dstIndex: number,
    th: number, tw: number, mul: Float32Array, add: Float32Array): void {
    if (th <= 0 || tw <= 0 || C <= 0) return;
    if (C > spp || mul.length < C || add.length < C || ((pixel + (th - 1) * W + tw) * spp > src.length) || dstIndex + C * th * tw > dst.length) {
      throw new RangeError("SceneKernels.normalizeInterleaved: tile out of bounds.");
    }
    if (src instanceof Uint8Array && spp <= 16) {
      this.#ex.normalize_il_u8x16(this.#at(src, pixel * spp), W, spp, this.#at(dst, dstIndex), th * tw * 4, th, tw, this.#at(mul, 0), this.#at(add, 0), C, this.#swizzleMasks(spp, C));
      return;
    }
    const f = src instanceof Uint8Array ? this.#ex.normalize_il_u8 : this.#ex.normalize_il_u16;
    f(this.#at(src, pixel * spp), W, spp, this.#at(dst, dstIndex), th * tw * 4, th, tw, this.#at(mul, 0), this.#at(add, 0), C);
  }

  #masks: { spp: number; C: number; at: number } | undefined;
  /** Byte address of the swizzle masks taking band b < C out of 16 pixels of spp uint8 samples (see normalize_il_u8x16); made once. */
  #swizzleMasks(spp: number, C: number): number {
    const have = this.#masks;
    if (have && have.spp === spp && have.C >= C) return have.at;
    const m = this.u8(C * spp * 16);
    m.set(interleavedSwizzleMasks(spp, C));
    this.#masks = { spp, C, at: m.byteOffset };
    return m.byteOffset;
  }

  /**
   * For i < n: `accW[accIndex + i] += w[wIndex + i]` and, for each of K planes,
   * `acc[accIndex + k·plane + i] += w[wIndex + i] · od[odIndex + k·stride + i]`.
   */
  blend(od: Float32Array, odIndex: number, w: Float64Array, wIndex: number, acc: Float32Array, accW: Float32Array, accIndex: number,
    K: number, stride: number, plane: number, n: number): void {
    if (n <= 0) return;
    if (odIndex + (K - 1) * stride + n > od.length || wIndex + n > w.length || accIndex + (K - 1) * plane + n > acc.length || accIndex + n > accW.length) {
      throw new RangeError("SceneKernels.blend: out of bounds.");
    }
    this.#ex.blend(this.#at(od, odIndex), this.#at(w, wIndex), this.#at(acc, accIndex), this.#at(accW, accIndex), K, stride * 4, plane * 4, n);
  }

  /**
   * Adds one fully convolutional tile's K output planes (at `odIndex` in `od`, planes th·tw apart),
   * weighted by wy[r]·wx[c], into strip accumulators of width W (K planes th·W apart) at column
   * x0. Rows from `firstRow` on with weight 1 are copied on columns [copyFrom, copyTo), where no
   * earlier tile has added anything; the rest is blended (predictScene's accumulatePlanes).
   * `wrow` is scratch of at least tw values. With `withWeights` false, accW is left untouched
   * (enough when only the argmax of the blended planes is needed).
   *
   * With `classes` (class-only output), for a tile that is the last to add to rows below
   * `classes.rows` on columns below `classes.to`: each such row's classes — the argmax of the K
   * blended planes, as {@link SceneKernels.argmax} — go to `classes.out[r·W + x0 + c]` as soon as
   * the row is blended. Copied columns there ([copyFrom, min(copyTo, to)): pixels no other tile
   * covers) are not copied at all: their class is the argmax of the tile's own planes, and the
   * accumulators there are left as they were.
   *
   * With `zeroFrom` (the first column no earlier tile of the strip reached), the accumulators on
   * rows from firstRow on and columns from `zeroFrom` on need not be 0 beforehand: the tile zeroes
   * those it adds to (and those where its weight is 0) just before, a row at a time. Without it
   * they must be 0.
   * @example
   * ```ts
   * // tile at column 32 of a strip 128 wide; the next tile starts at column 80, the next strip 48 rows down
   * k.accumulate(od, 0, wx, wy, acc, accW, 32, wrow, 4, 64, 64, 128, 16, 16, 48, false, { classes: { out: classes, rows: 48, to: 48 }, zeroFrom: 16 });
   * ```
   */
  accumulate(od: Float32Array, odIndex: number, wx: Float32Array, wy: Float32Array, acc: Float32Array, accW: Float32Array, x0: number,
    wrow: Float64Array, K: number, th: number, tw: number, W: number, firstRow: number, copyFrom: number, copyTo: number, withWeights = true,
    { classes, zeroFrom }: { classes?: { out: Uint8Array; rows: number; to: number }; zeroFrom?: number } = {}): void {
    if (odIndex + K * th * tw > od.length || wx.length < tw || wy.length < th || wrow.length < tw || K * th * W > acc.length || th * W > accW.length || x0 + tw > W) {
      throw new RangeError("SceneKernels.accumulate: out of bounds.");
    }
    const argRows = classes ? Math.max(0, Math.min(th, classes.rows)) : 0;
    const finalTo = classes ? Math.max(0, Math.min(tw, classes.to)) : 0;
    if (classes && argRows > 0 && (K > 255 || x0 + (argRows - 1) * W + finalTo > classes.out.length)) {
      throw new RangeError("SceneKernels.accumulate: classes out of bounds.");
    }
    const from = Math.max(0, copyFrom);
    const to = Math.min(tw, copyTo);
    this.#ex.accumulate(this.#at(od, odIndex), this.#at(wx, 0), this.#at(wy, 0), this.#at(acc, x0), this.#at(accW, x0), this.#at(wrow, 0),
      K, th, tw, W, firstRow, from, to, withWeights ? 1 : 0,
      argRows > 0 ? this.#at(classes!.out, x0) : 0, argRows, Math.max(from, Math.min(to, finalTo)), finalTo,
      zeroFrom === undefined ? -1 : Math.max(0, Math.min(tw, zeroFrom)));
  }

  /** `out[i]` = the first k < K with the largest `acc[k·plane + i]` (NaN never wins), for i < n. */
  argmax(acc: Float32Array, plane: number, K: number, n: number, out: Uint8Array): void {
    if (n <= 0) return;
    if (K < 1 || K > 255 || (K - 1) * plane + n > acc.length || n > out.length) throw new RangeError("SceneKernels.argmax: out of bounds.");
    this.#ex.argmax(this.#at(acc, 0), plane * 4, K, n, this.#at(out, 0));
  }
}
