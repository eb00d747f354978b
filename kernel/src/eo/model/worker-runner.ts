/**
 * Runs a model's onnxruntime session in a worker thread, so the main thread can read, normalize
 * and blend tiles while the next batch is inferred (onnxruntime-node runs inference on the calling
 * thread). Used by `predictScene` for long scenes.
 * @module
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type ort from "onnxruntime-node";
import type { Model } from "./load-model.js";
import type { Tensor } from "./tensor.js";
import { ModelOutputError } from "./errors.js";
import { SCENE_KERNELS_PRIVATE_WASM } from "./scene-kernels-private-wasm.js";
import { interleavedSwizzleMasks } from "./scene-kernels.js";

const WORKER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
ort.InferenceSession.create(workerData.bytes, workerData.sessionOptions).then((s) => {
  // Requests run one at a time, in order: a shared-memory input is copied into a private buffer
  // (onnxruntime does not take SharedArrayBuffer views) only when its run starts.
  const queue = [];
  let busy = false;
  let closing = false;
  let priv = null;
  // a close request ends the thread once the run in progress is done: terminating it in the middle
  // of onnxruntime's native run aborts the whole process
  const shutdown = () => { s.release().catch(() => undefined).finally(() => process.exit(0)); };
  // the shared memory of the latest caller (sent once with the first request that uses it)
  let shared = { key: -1, sab: null };
  // tiles normalized here (predictTiles): the scene kernels over a memory of this thread's own,
  // which onnxruntime reads directly (it takes no SharedArrayBuffer views)
  let tk = null;
  const align = (n) => Math.ceil(n / 16) * 16;
  const tilesInput = (sab, t) => {
    const n = t.xs.length;
    const x0 = t.xs[0];
    const U = t.xs[n - 1] + t.tw - x0; // the columns the batch's tiles span
    const tileLen = t.C * t.th * t.tw;
    const simd = t.bpe === 1 && t.spp <= 16;
    const layout = { mul: 0, add: align(t.C * 4), masks: 2 * align(t.C * 4) };
    layout.stage = layout.masks + (simd ? align(t.C * t.spp * 16) : 0);
    layout.out = layout.stage + align(t.th * U * t.spp * t.bpe);
    const bytes = layout.out + n * tileLen * 4;
    if (!tk || tk.memory.buffer.byteLength < bytes) {
      const module = tk ? tk.module : new WebAssembly.Module(Buffer.from(workerData.kernels, "base64"));
      const pages = Math.ceil(bytes / 65536);
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      tk = { module, memory, ex: new WebAssembly.Instance(module, { env: { memory } }).exports, masksFor: "" };
    }
    const u8 = new Uint8Array(tk.memory.buffer);
    new Float32Array(tk.memory.buffer, layout.mul, t.C).set(t.mul);
    new Float32Array(tk.memory.buffer, layout.add, t.C).set(t.add);
    // the swizzle masks (made by the caller: interleavedSwizzleMasks) go in once per shape
    const key = t.spp + ":" + t.C + ":" + layout.masks;
    if (simd && tk.masksFor !== key) {
      u8.set(t.masks, layout.masks);
      tk.masksFor = key;
    }
    // the rows of the batch's columns, out of the strip, then each tile normalized into the batch
    const row = t.W * t.spp * t.bpe;
    const span = U * t.spp * t.bpe;
    const src = new Uint8Array(sab, t.off, t.th * row);
    for (let r = 0; r < t.th; r++) {
      const from = r * row + x0 * t.spp * t.bpe;
      u8.set(src.subarray(from, from + span), layout.stage + r * span);
    }
    for (let q = 0; q < n; q++) {
      const at = layout.stage + (t.xs[q] - x0) * t.spp * t.bpe;
      const dst = layout.out + q * tileLen * 4;
      if (simd) tk.ex.normalize_il_u8x16(at, U, t.spp, dst, t.th * t.tw * 4, t.th, t.tw, layout.mul, layout.add, t.C, layout.masks);
      else if (t.bpe === 1) tk.ex.normalize_il_u8(at, U, t.spp, dst, t.th * t.tw * 4, t.th, t.tw, layout.mul, layout.add, t.C);
      else tk.ex.normalize_il_u16(at, U, t.spp, dst, t.th * t.tw * 4, t.th, t.tw, layout.mul, layout.add, t.C);
    }
    return new Float32Array(tk.memory.buffer, layout.out, n * tileLen);
  };
  const next = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const m = queue.shift();
    if (m.release !== undefined) {
      if (shared.key === m.release) shared = { key: -1, sab: null };
      busy = false;
      return next();
    }
    let data;
    if (m.sabKey !== undefined) {
      if (m.sab) shared = { key: m.sabKey, sab: m.sab };
      if (shared.key !== m.sabKey) {
        parentPort.postMessage({ id: m.id, error: "shared memory " + m.sabKey + " was not sent to the worker" });
        busy = false;
        return next();
      }
      m.sab = shared.sab;
      if (m.tiles) {
        try {
          data = tilesInput(m.sab, m.tiles);
        } catch (e) {
          parentPort.postMessage({ id: m.id, error: "normalizing the batch's tiles failed: " + String(e && e.message || e) });
          busy = false;
          return next();
        }
      } else {
        if (!priv || priv.length !== m.len) priv = new Float32Array(m.len);
        priv.set(new Float32Array(m.sab, m.inOff, m.len));
        data = priv;
      }
    } else data = new Float32Array(m.buf, 0, m.len);
    const feeds = { [workerData.inputName]: new ort.Tensor("float32", data, m.dims) };
    if (workerData.mcInput) feeds[workerData.mcInput] = new ort.Tensor("bool", [m.mc], []);
    const done = () => { busy = false; if (closing) shutdown(); else next(); };
    // (no output buffer is given to onnxruntime: onnxruntime-node 1.30 returns every output in a new
    // buffer of its own even when it writes into a given one, so reusing one spared nothing)
    s.run(feeds).then((r) => {
      const out = r[workerData.outputName];
      if (m.sab) {
        if (out.data.length > m.outCap) {
          parentPort.postMessage({ id: m.id, error: "model output of " + out.data.length + " values (dims " + out.dims.join("x") + ") does not fit the " + m.outCap + " reserved for it", dims: out.dims });
        } else {
          new Float32Array(m.sab, m.outOff, out.data.length).set(out.data);
          parentPort.postMessage({ id: m.id, dims: out.dims, outLen: out.data.length });
        }
      } else {
        const copy = out.data.slice();
        parentPort.postMessage({ id: m.id, buf: copy.buffer, dims: out.dims, input: m.buf }, [copy.buffer, m.buf]);
      }
      done();
    }, (e) => {
      if (m.sab) parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
      else parentPort.postMessage({ id: m.id, error: String(e && e.message || e), input: m.buf }, [m.buf]);
      done();
    });
  };
  parentPort.on("message", (m) => {
    if (m.close) {
      closing = true;
      queue.length = 0;
      if (!busy) shutdown();
      return;
    }
    if (m.drop) {
      // requests not started yet are answered as dropped (the run in progress finishes); queued
      // releases of shared memory stay
      const kept = queue.filter((q) => q.id === undefined);
      for (const q of queue) if (q.id !== undefined) parentPort.postMessage({ id: q.id, error: "dropped" });
      queue.splice(0, queue.length, ...kept);
      if (!busy) next();
      return;
    }
    queue.push(m);
    next();
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ ready: false, error: String(e && e.message || e) }));
`;

/**
 * The model's session options for the worker: the same, but onnxruntime's intra-op threads do not
 * spin while waiting, since the main thread works (reads, normalizes, blends) at the same time and
 * spinning threads would take its CPU.
 */
function workerSessionOptions(o: ort.InferenceSession.SessionOptions, threads: number | undefined): ort.InferenceSession.SessionOptions {
  const extra = (o.extra ?? {}) as Record<string, unknown>;
  const session = (extra.session ?? {}) as Record<string, unknown>;
  return {
    ...o, ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    extra: { ...extra, session: { ...session, intra_op: { ...(session.intra_op as object | undefined), allow_spinning: "0" } } },
  };
}

/**
 * Which of several workers gets the next batch: the one with the fewest tiles still in flight, and
 * among equals the next in turn (`turn % n`), so a worker that has fallen behind (a larger batch,
 * or a core shared with other work) is not handed more while another waits idle. With equal loads
 * this is plain round-robin.
 * @param tilesInFlight tiles launched and not yet returned, per worker (at least one worker)
 * @param turn a counter of batches launched so far
 * @example
 * ```ts
 * pickWorker([4, 1], 0); // 1: worker 1 has fewer tiles waiting
 * pickWorker([4, 4], 3); // 1: equal loads take turns
 * ```
 */
export function pickWorker(tilesInFlight: readonly number[], turn: number): number {
  const n = tilesInFlight.length;
  let best = turn % n;
  for (let k = 1; k < n; k++) {
    const i = (turn + k) % n;
    if (tilesInFlight[i]! < tilesInFlight[best]!) best = i;
  }
  return best;
}

/**
 * A model session in a worker thread. `predict` copies the batch (the caller may reuse its buffer)
 * and resolves with the card's primary output.
 * @example
 * ```ts
 * const runner = await WorkerRunner.start(model); // null when the model cannot be re-created in a worker
 * if (runner) {
 *   const out = await runner.predict(batch);
 *   await runner.close();
 * }
 * ```
 */
export class WorkerRunner {
  #worker: Worker;
  #next = 0;
  /** The shared memory last sent to the worker, and its key. */
  #shared: { sab: SharedArrayBuffer | null; key: number } = { sab: null, key: -1 };
  #pending = new Map<number, { resolve: (t: Tensor, input: ArrayBuffer | undefined, outLen: number | undefined) => void; reject: (e: Error) => void }>();
  /** Input buffers handed back by the worker, for {@link WorkerRunner.predictTransfer} callers to reuse. */
  readonly returned: Float32Array[] = [];

  /** False once the worker has stopped (closed, or failed). */
  get alive(): boolean {
    return this.#alive;
  }
  #alive = true;
  #exited = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    // An idle worker does not keep the process alive; one with requests in flight does.
    worker.unref();
    worker.on("message", (m: { id: number; buf?: ArrayBuffer; dims?: number[]; error?: string; input?: ArrayBuffer; outLen?: number }) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(m.dims ? new ModelOutputError(m.error, m.dims, null) : new Error(m.error));
      else p.resolve({ data: m.buf ? new Float32Array(m.buf) : new Float32Array(0), dims: m.dims! }, m.input, m.outLen);
    });
    worker.on("error", (e) => {
      this.#alive = false;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    });
    worker.on("exit", () => {
      this.#alive = false;
      this.#exited = true;
    });
  }

  /**
   * Starts a worker with the same session as `model` (with `threads` intra-op threads when given);
   * null when the model cannot be re-created there.
   */
  static async start(model: Model, threads?: number): Promise<WorkerRunner | null> {
    if (!model.source) return null;
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: {
        ortPath, bytes: model.source.bytes, sessionOptions: workerSessionOptions(model.source.sessionOptions, threads), kernels: SCENE_KERNELS_PRIVATE_WASM,
        inputName: model.card.input.name, outputName: model.card.output.name, mcInput: model.card.mcDropout?.input ?? null,
      },
    });
    const ready = await new Promise<{ ready: boolean; error?: string }>((resolve) => {
      worker.once("message", resolve);
      worker.once("error", (e) => resolve({ ready: false, error: e.message }));
    });
    if (!ready.ready) {
      await worker.terminate();
      return null;
    }
    return new WorkerRunner(worker);
  }

  /** Runs one already checked, normalized batch. */
  predict(input: Tensor, mcDropout = false): Promise<Tensor> {
    const copy = input.data.slice();
    return this.#send(copy, copy.length, input.dims, mcDropout, false);
  }

  /**
   * Runs the first `length` values of `buffer` (a Float32Array over a whole ArrayBuffer) as a batch
   * of shape `dims` without copying: the buffer moves to the worker (it is detached here) and comes
   * back in {@link WorkerRunner.returned} once the run is done, for the caller to reuse.
   * @example
   * ```ts
   * const out = await runner.predictTransfer(new Float32Array(6 * 64), 6 * 64, [1, 6, 8, 8]);
   * const again = runner.returned.pop(); // the input buffer, reusable
   * ```
   */
  predictTransfer(buffer: Float32Array, length: number, dims: readonly number[], mcDropout = false): Promise<Tensor> {
    if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) {
      throw new RangeError("predictTransfer needs a Float32Array that spans its whole ArrayBuffer.");
    }
    return this.#send(buffer, length, dims, mcDropout, true);
  }

  /**
   * Runs the batch `input` (shape `dims`), a Float32Array in a SharedArrayBuffer, and writes the
   * primary output into `output` (same SharedArrayBuffer): no transfers, and the caller's views
   * stay usable. The worker copies the input when the run starts (so the caller may refill
   * `input` once the returned promise of the request *before* this one has settled, or after this
   * one settled); the output is written just before the promise resolves, with a view of the
   * written values as the result's data. Requests run in the order they were made. An output
   * larger than `output` is not written: the promise rejects with a {@link ModelOutputError}.
   * @example
   * ```ts
   * import { SceneKernels } from "./scene-kernels.js";
 * const k = SceneKernels.create(SceneKernels.bytes(4 * 6 * 64, 4 * 4 * 64))!;
   * const input = k.f32(6 * 64), output = k.f32(4 * 64);
   * const out = await runner.predictShared(input, [1, 6, 8, 8], output); // out.data views output
   * ```
   */
  predictShared(input: Float32Array, dims: readonly number[], output: Float32Array, mcDropout = false): Promise<Tensor> {
    const sab = input.buffer;
    if (!(sab instanceof SharedArrayBuffer) || output.buffer !== sab) {
      throw new RangeError("predictShared needs input and output views of one SharedArrayBuffer.");
    }
    return this.#sendShared(sab, output, { inOff: input.byteOffset, len: input.length, dims, mc: mcDropout });
  }

  /**
   * Runs the tiles at columns `xs` (pixels, ascending) of a pixel-interleaved strip (`strip`: th
   * rows of W pixels of `spp` samples, in a SharedArrayBuffer) as one batch of shape
   * [xs.length, C, th, tw]: the worker normalizes each tile's first C samples (f32(f32(v · mul[b]) + add[b]),
   * the arithmetic of {@link SceneKernels.normalizeInterleaved}) into memory of its own that
   * onnxruntime reads, and writes the primary output into `output` (same SharedArrayBuffer), as
   * {@link WorkerRunner.predictShared} does. The strip must not change until the request has settled.
   * @example
   * ```ts
   * import { SceneKernels } from "./scene-kernels.js";
 * const k = SceneKernels.create(SceneKernels.bytes(6 * 64 * 256, 4 * 2 * 64 * 64 * 4))!;
   * const strip = k.u8(6 * 64 * 256), output = k.f32(4 * 2 * 64 * 64);
   * const out = await runner.predictTiles(strip, 256, 6, 6, 64, 64, [0, 56], Float32Array.of(1, 1, 1, 1, 1, 1), new Float32Array(6), output);
   * ```
   */
  predictTiles(strip: Uint8Array | Uint16Array, W: number, spp: number, C: number, th: number, tw: number, xs: readonly number[],
    mul: Float32Array, add: Float32Array, output: Float32Array, mcDropout = false): Promise<Tensor> {
    const sab = strip.buffer;
    if (!(sab instanceof SharedArrayBuffer) || output.buffer !== sab) {
      throw new RangeError("predictTiles needs the strip and the output in one SharedArrayBuffer.");
    }
    if (xs.length === 0 || C > spp || mul.length < C || add.length < C || strip.length < th * W * spp ||
      xs.some((x, i) => !Number.isInteger(x) || x < 0 || x + tw > W || (i > 0 && x < xs[i - 1]!))) {
      throw new RangeError(`predictTiles: tiles at [${xs.join(", ")}] (${th}×${tw}, ${C} of ${spp} samples) do not fit a strip of ${strip.length} samples, ${W} pixels wide.`);
    }
    const bpe = strip.BYTES_PER_ELEMENT;
    const masks = bpe === 1 && spp <= 16 ? interleavedSwizzleMasks(spp, C) : null;
    return this.#sendShared(sab, output, {
      tiles: { off: strip.byteOffset, W, spp, C, th, tw, bpe, xs: [...xs], mul: Array.from(mul.subarray(0, C)), add: Array.from(add.subarray(0, C)), masks },
      dims: [xs.length, C, th, tw], mc: mcDropout,
    });
  }

  #sendShared(sab: SharedArrayBuffer, output: Float32Array, request: Record<string, unknown>): Promise<Tensor> {
    const id = this.#next++;
    return new Promise<Tensor>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (t, _input, outLen) => resolve({ data: output.subarray(0, outLen ?? 0), dims: t.dims }),
        reject,
      });
      if (this.#pending.size === 1) this.#worker.ref();
      // the SharedArrayBuffer goes to the worker once; later requests name it by key
      const fresh = this.#shared.sab !== sab;
      if (fresh) this.#shared = { sab, key: this.#shared.key + 1 };
      this.#worker.postMessage({ id, sabKey: this.#shared.key, sab: fresh ? sab : undefined, outOff: output.byteOffset, outCap: output.length, ...request });
    });
  }

  #send(buffer: Float32Array, length: number, dims: readonly number[], mcDropout: boolean, keep: boolean): Promise<Tensor> {
    const id = this.#next++;
    return new Promise<Tensor>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (t, input) => {
          if (keep && input) this.returned.push(new Float32Array(input));
          resolve(t);
        },
        reject,
      });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ id, buf: buffer.buffer, len: length, dims, mc: mcDropout }, [buffer.buffer as ArrayBuffer]);
    });
  }

  /**
   * Lets the worker (and this runner) drop their reference to `sab` once the requests made so
   * far are done, so its memory can be freed.
   * @example
   * ```ts
   * runner.releaseShared(kernels.buffer);
   * ```
   */
  releaseShared(sab: SharedArrayBuffer): void {
    if (this.#shared.sab !== sab || !this.#alive) return;
    this.#worker.postMessage({ release: this.#shared.key });
    this.#shared = { sab: null, key: this.#shared.key };
  }

  /**
   * Drops the requests the worker has not started (their promises reject with "dropped"); the run
   * in progress finishes. For a caller that gave up (an aborted predictScene), so later requests
   * do not wait behind its batches.
   * @example
   * ```ts
   * signal.addEventListener("abort", () => runner.dropQueued());
   * ```
   */
  dropQueued(): void {
    if (this.#alive) this.#worker.postMessage({ drop: true });
  }

  /**
   * Stops the worker (pending requests are rejected). A run in progress is finished first:
   * terminating the thread inside onnxruntime's native run aborts the process; after 30 s the
   * thread is terminated anyway.
   */
  async close(): Promise<void> {
    this.#alive = false;
    for (const p of this.#pending.values()) p.reject(new Error("worker closed"));
    this.#pending.clear();
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    this.#worker.ref(); // (the process waits for the thread to end)
    this.#worker.postMessage({ close: true });
    const lastResort = setTimeout(() => void this.#worker.terminate(), 30_000);
    lastResort.unref();
    await exited;
    clearTimeout(lastResort);
  }
}
