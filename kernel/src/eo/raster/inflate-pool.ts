/**
 * A pool of worker threads that inflate DEFLATE blocks and undo the TIFF predictor off the main
 * thread, so a whole-scene decode uses every core. Workers start on first use and are unref'd (they
 * never keep a process alive).
 * @module
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { RASTER_KERNELS_WASM } from "./raster-kernels-wasm.js";
import { inflateBackend } from "./libdeflate.js";

/** What a worker needs to finish one block. */
export interface InflateJob {
  /** Decoded byte length of the block. */
  expected: number;
  /** TIFF predictor: 1 none, 2 horizontal (integers), 3 floating point. */
  predictor: number;
  /** Bytes per sample (1, 2, 4, 8). */
  bytesPer: number;
  /** Samples per row (block width × samples per pixel) and rows. */
  rowSamples: number;
  rows: number;
  /** Samples per pixel (the predictor stride). */
  spp: number;
}

// Plain JavaScript so it runs the same from sources (tsx) and from the built package. Inflates with
// the native inflater where it is built (libdeflate.ts), else with one reused zlib stream, straight
// into the output buffer the main thread sends along (recycled from earlier blocks), so a
// whole-scene decode allocates no per-block buffers (see zlib-direct.ts).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");
// the horizontal predictor in WebAssembly (raster-kernels.wat), ~5x faster than a JS loop here
let k = null;
try { k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(workerData.wasm, "base64")), {}).exports; } catch { k = null; }
const z = zlib.createInflate();
const h = z._handle, state = z._writeState;
const direct = !!(h && typeof h.writeSync === "function" && typeof h.reset === "function" && state instanceof Uint32Array);
let zerr;
if (direct) h.onerror = (message) => { zerr = message; };
// the native inflater (libdeflate.ts) when the main thread found it; zlib inflates what it does not
let native = null;
try { if (workerData.nativeInflate) { const m = { exports: {} }; process.dlopen(m, workerData.nativeInflate); native = m.exports; } } catch { native = null; }
function inflateInto(input, out) {
  if (native) {
    const n = native.inflate(input, out);
    if (n >= 0) return n;
  }
  if (!direct) {
    const r = zlib.inflateSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: Math.max(1024, out.length + 1024) });
    const n = Math.min(r.length, out.length);
    out.set(r.subarray(0, n));
    return n;
  }
  zerr = undefined;
  h.reset();
  h.writeSync(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
  if (zerr !== undefined) throw new Error(zerr);
  return out.length - state[0];
}
parentPort.on("message", (m) => {
  const back = [m.bytes];
  const input = new Uint8Array(m.bytes, 0, m.length);
  try {
    const buf = m.out && m.out.byteLength >= m.expected ? m.out : new ArrayBuffer(m.expected);
    let got = m.expected;
    const out = new Uint8Array(buf, 0, m.expected);
    const { predictor, bytesPer, rowSamples, rows, spp } = m;
    if (predictor === 2 && k && (bytesPer === 1 || bytesPer === 2 || bytesPer === 4)) {
      // inflate into the module's memory, undo the predictor there, copy out once
      const have = k.memory.buffer.byteLength;
      if (have < m.expected) k.memory.grow(Math.ceil((m.expected - have) / 65536));
      const mem = new Uint8Array(k.memory.buffer, 0, m.expected);
      got = inflateInto(input, mem);
      // a short (truncated) stream goes back short, as it is: the main thread refuses it
      if (got === m.expected) (bytesPer === 1 ? k.hp8 : bytesPer === 2 ? k.hp16 : k.hp32)(0, rows, rowSamples, spp);
      out.set(mem.subarray(0, got));
    } else {
      got = inflateInto(input, out);
      if (got < m.expected) {
        // short (truncated): sent back as it is, the main thread refuses it
      } else if (predictor === 2) {
        const count = rows * rowSamples;
        const a = bytesPer === 1 ? out : bytesPer === 2 ? new Uint16Array(buf, 0, count) : new Uint32Array(buf, 0, count);
        if (spp === 1) {
          // running sum in a register (stores truncate to the sample width), four samples per step
          for (let o = 0; o < count; o += rowSamples) {
            const end = o + rowSamples;
            let acc = a[o] | 0, i = o + 1;
            for (; i + 4 <= end; i += 4) {
              acc = (acc + a[i]) | 0; a[i] = acc; acc = (acc + a[i + 1]) | 0; a[i + 1] = acc;
              acc = (acc + a[i + 2]) | 0; a[i + 2] = acc; acc = (acc + a[i + 3]) | 0; a[i + 3] = acc;
            }
            for (; i < end; i++) { acc = (acc + a[i]) | 0; a[i] = acc; }
          }
        } else for (let r = 0; r < rows; r++) {
          const o = r * rowSamples;
          for (let i = o + spp, end = o + rowSamples; i < end; i++) a[i] = a[i] + a[i - spp];
        }
      } else if (predictor === 3) {
        const rowBytes = rowSamples * bytesPer;
        const tmp = new Uint8Array(rowBytes);
        for (let r = 0; r < rows; r++) {
          const row = out.subarray(r * rowBytes, (r + 1) * rowBytes);
          for (let i = spp; i < rowBytes; i++) row[i] = (row[i] + row[i - spp]) & 255;
          tmp.set(row);
          for (let c = 0; c < rowSamples; c++) for (let k = 0; k < bytesPer; k++) row[c * bytesPer + k] = tmp[(bytesPer - k - 1) * rowSamples + c];
        }
      }
    }
    if (buf !== m.out && m.out) back.push(m.out);
    back.push(buf);
    parentPort.postMessage({ id: m.id, out: buf, got, bytes: m.bytes, spare: buf !== m.out ? m.out : undefined }, back);
  } catch (e) {
    if (m.out) back.push(m.out);
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e), bytes: m.bytes, spare: m.out }, back);
  }
});
`;

interface Pending {
  resolve: (b: Uint8Array) => void;
  reject: (e: Error) => void;
  expected: number;
}

/** Spare block buffers by size: recycled as worker outputs (a whole-scene decode reuses a handful). */
class BufferShelf {
  readonly #free = new Map<number, ArrayBuffer[]>();
  #count = 0;
  constructor(readonly max: number) {}
  take(size: number): ArrayBuffer | undefined {
    const list = this.#free.get(size);
    const b = list?.pop();
    if (b) this.#count--;
    return b;
  }
  put(b: ArrayBuffer | undefined): void {
    if (!b || b.byteLength === 0 || this.#count >= this.max) return;
    const list = this.#free.get(b.byteLength) ?? [];
    list.push(b);
    this.#free.set(b.byteLength, list);
    this.#count++;
  }
  clear(): void {
    this.#free.clear();
    this.#count = 0;
  }
}

class InflatePool {
  readonly #workers: { w: Worker; busy: number }[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly shelf = new BufferShelf(64);
  /** Compressed-block buffers (sizes rounded up to 64 KiB), filled by file reads and sent to workers. */
  readonly inputs = new BufferShelf(96);
  #next = 0;

  constructor(readonly size: number) {}

  #worker(): { w: Worker; busy: number } {
    if (this.#workers.length < this.size) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasm: RASTER_KERNELS_WASM, nativeInflate: inflateBackend().path } });
      w.unref();
      const entry = { w, busy: 0 };
      w.on("message", (m: { id: number; out?: ArrayBuffer; got?: number; spare?: ArrayBuffer; bytes?: ArrayBuffer; error?: string }) => {
        entry.busy--;
        if (entry.busy === 0) w.unref();
        this.shelf.put(m.spare);
        if (m.bytes && m.bytes.byteLength % INPUT_GRAIN === 0) this.inputs.put(m.bytes);
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(new Uint8Array(m.out!, 0, Math.min(m.got ?? p.expected, p.expected)));
      });
      w.on("error", (e) => {
        for (const [id, p] of this.#pending) { p.reject(e); this.#pending.delete(id); }
      });
      this.#workers.push(entry);
      return entry;
    }
    return this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  run(bytes: Uint8Array, job: InflateJob): Promise<Uint8Array> {
    const id = this.#next++;
    const entry = this.#worker();
    entry.busy++;
    entry.w.ref();
    // the whole buffer travels (a block read into a recycled input buffer is a view at offset 0)
    const own = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    const out = this.shelf.take(job.expected);
    const transfer: ArrayBuffer[] = [own.buffer as ArrayBuffer];
    if (out) transfer.push(out);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, expected: job.expected });
      entry.w.postMessage({ id, bytes: own.buffer, length: own.byteLength, out, ...job }, transfer);
    });
  }
}

let pool: InflatePool | undefined;

const INPUT_GRAIN = 65536;

/** Blocks smaller than this are inflated on the main thread's zlib thread pool instead. */
export const POOL_MIN_BYTES = 64 * 1024;

/**
 * Inflate a DEFLATE block and undo its predictor on a worker thread. A stream that inflates to
 * fewer than `job.expected` bytes (truncated) comes back that short, its predictor not undone.
 * @example
 * ```ts
 * const raw = await inflateInWorker(tileBytes, { expected: 512 * 512 * 2, predictor: 2, bytesPer: 2, rowSamples: 512, rows: 512, spp: 1 });
 * ```
 */
export function inflateInWorker(bytes: Uint8Array, job: InflateJob): Promise<Uint8Array> {
  pool ??= new InflatePool(Math.max(1, Math.min(8, availableParallelism())));
  return pool.run(bytes, job);
}

/**
 * A buffer of `length` bytes to read a compressed block into before {@link inflateInWorker}: a
 * recycled one when the workers have returned one of its size class (64 KiB steps), so reading a
 * whole scene does not allocate (and leave to the garbage collector) one buffer per block.
 * @example
 * ```ts
 * const target = inputBuffer(byteCount);
 * await file.readInto(offset, target);
 * const raw = await inflateInWorker(target, job);
 * ```
 */
export function inputBuffer(length: number): Uint8Array {
  const size = Math.max(INPUT_GRAIN, Math.ceil(length / INPUT_GRAIN) * INPUT_GRAIN);
  const b = pool?.inputs.take(size) ?? new ArrayBuffer(size);
  return new Uint8Array(b, 0, length);
}

/**
 * Give a block buffer returned by {@link inflateInWorker} back once its pixels have been copied
 * out: the next blocks are inflated into it instead of into new memory. Do not use the buffer after.
 * @example
 * ```ts
 * const raw = await inflateInWorker(tileBytes, job);
 * copyOut(raw);
 * recycleWorkerBuffer(raw.buffer);
 * ```
 */
export function recycleWorkerBuffer(buffer: ArrayBufferLike): void {
  if (pool && buffer instanceof ArrayBuffer) pool.shelf.put(buffer);
}

/**
 * Drop the recycled buffers (call when a read is over: they are only worth keeping during one).
 * @example
 * ```ts
 * releaseWorkerBuffers();
 * ```
 */
export function releaseWorkerBuffers(): void {
  pool?.shelf.clear();
  pool?.inputs.clear();
}

let libuvSplit: "auto" | "always" | "never" = "auto";

/**
 * How a read of a few DEFLATE blocks (too few for the workers) uses cores: "auto" (default) also
 * inflates on libuv's thread pool when the machine has more than one core (each pool inflation costs
 * a few microseconds more than one on the calling thread, so it pays even when other processes
 * keep the cores busy); "always" / "never" force it (tests, benchmarks). Results are identical either way.
 * @example
 * ```ts
 * setLibuvInflateSplit("never"); // every block on the calling thread
 * ```
 */
export function setLibuvInflateSplit(mode: "auto" | "always" | "never"): void {
  libuvSplit = mode;
}

/**
 * Whether a few-block read should also inflate on libuv's pool now (see {@link setLibuvInflateSplit}).
 * @example
 * ```ts
 * const split = useLibuvPool(); // false on a single core
 * ```
 */
export function useLibuvPool(): boolean {
  if (libuvSplit !== "auto") return libuvSplit === "always";
  return availableParallelism() > 1;
}
