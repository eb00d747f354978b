/**
 * A pool of worker threads that inflate DEFLATE blocks and undo the TIFF predictor off the main
 * thread, so a whole-scene decode uses every core. Workers start on first use and are unref'd (they
 * never keep a process alive).
 * @module
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";

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

// Plain JavaScript so it runs the same from sources (tsx) and from the built package.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { inflateSync, constants } = require("node:zlib");
parentPort.on("message", (m) => {
  try {
    const z = inflateSync(m.bytes, { finishFlush: constants.Z_SYNC_FLUSH, chunkSize: Math.max(1024, m.expected + 1024) });
    let out;
    if (z.byteOffset === 0 && z.length >= m.expected) out = new Uint8Array(z.buffer, 0, m.expected); // no copy
    else { out = new Uint8Array(m.expected); out.set(z.subarray(0, Math.min(z.length, m.expected))); }
    const { predictor, bytesPer, rowSamples, rows, spp } = m;
    if (predictor === 2) {
      const a = bytesPer === 1 ? out : bytesPer === 2 ? new Uint16Array(out.buffer) : new Uint32Array(out.buffer);
      if (spp === 1) {
        // running sum in a register (stores truncate to the sample width), four samples per step
        for (let o = 0, n = rows * rowSamples; o < n; o += rowSamples) {
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
    parentPort.postMessage({ id: m.id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

interface Pending {
  resolve: (b: Uint8Array) => void;
  reject: (e: Error) => void;
}

class InflatePool {
  readonly #workers: { w: Worker; busy: number }[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor(readonly size: number) {}

  #worker(): { w: Worker; busy: number } {
    if (this.#workers.length < this.size) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      const entry = { w, busy: 0 };
      w.on("message", (m: { id: number; out?: Uint8Array; error?: string }) => {
        entry.busy--;
        if (entry.busy === 0) w.unref();
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.out!);
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
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      entry.w.postMessage({ id, bytes: own, ...job }, [own.buffer as ArrayBuffer]);
    });
  }
}

let pool: InflatePool | undefined;

/** Blocks smaller than this are inflated on the main thread's zlib thread pool instead. */
export const POOL_MIN_BYTES = 64 * 1024;

/**
 * Inflate a DEFLATE block and undo its predictor on a worker thread.
 * @example
 * ```ts
 * const raw = await inflateInWorker(tileBytes, { expected: 512 * 512 * 2, predictor: 2, bytesPer: 2, rowSamples: 512, rows: 512, spp: 1 });
 * ```
 */
export function inflateInWorker(bytes: Uint8Array, job: InflateJob): Promise<Uint8Array> {
  pool ??= new InflatePool(Math.max(1, Math.min(8, availableParallelism())));
  return pool.run(bytes, job);
}
