/**
 * zlib inflation straight into a caller's buffer, on the calling thread or on libuv's thread pool,
 * each inflater reusing one zlib context.
 *
 * `zlib.inflateSync` / `zlib.inflate` allocate an output buffer and a fresh zlib stream (32 KiB
 * window + state, and a JavaScript Transform stream) for every call and go through the stream
 * machinery; for hundreds of 0.5 MiB tiles that is ~30 % of the inflate time, and in a fresh
 * process the first streams cost milliseconds of their own. Node's zlib binding can inflate into a
 * given buffer (`writeSync` / `write`, the calls the streams make themselves). This module makes its
 * binding objects directly: the binding's class is taken from one zlib stream made once, each
 * inflater gets its own object initialised as `zlib.Inflate` does (window bits 15), with its own
 * completion callback, and the pair is checked once on a known stream. Where any of that is not
 * as expected (another Node), it falls back to `inflateSync` / `inflate`. Errors are zlib's messages,
 * as those functions throw them.
 *
 * Where the native inflater is built (libdeflate.ts: libdeflate, GDAL's inflater, ~1.6× zlib's
 * speed on GeoTIFF tiles), both inflaters take it first, and zlib only inflates a stream libdeflate
 * did not inflate whole (corrupt or truncated data, a stream longer than the output), so errors and
 * what a truncated stream yields stay zlib's.
 * @module
 */
import zlib from "node:zlib";
import { legacyBinding } from "../../util/legacy-binding.js";
import { nativeInflate, type NativeInflate } from "./libdeflate.js";

/** The part of Node's zlib binding object used here. */
interface NativeZlib {
  init(windowBits: number, level: number, memLevel: number, strategy: number, writeState: Uint32Array, callback: () => void, dictionary: undefined): void;
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  write(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}
type NativeZlibClass = new (mode: number) => NativeZlib;

/** TIFF's horizontal predictor (2) over `rows × rowSamples` samples of `bytesPer` bytes, `spp` per pixel. */
export interface HorizontalPredictor {
  bytesPer: 1 | 2 | 4;
  rowSamples: number;
  rows: number;
  spp: number;
}

/** An inflation with a predictor: the bytes written, and whether the predictor was undone too (then by the native inflater). */
export interface Inflated {
  written: number;
  predicted: boolean;
}

/** The native inflater's result read back: -1 (not inflated: use zlib), n, or -(n + 3) with the predictor undone. */
function nativeResult(n: number): Inflated | null {
  return n >= 0 ? { written: n, predicted: false } : n <= -3 ? { written: -n - 3, predicted: true } : null;
}

/** A binding object with its write state ([avail_out, avail_in] after each write). */
interface Context {
  handle: NativeZlib;
  state: Uint32Array;
}

let nativeClass: NativeZlibClass | null | undefined;

/**
 * The class of Node's zlib binding objects. `process.binding("zlib")` gives it in ~0.1 ms (a
 * documentation-only deprecation, DEP0111, silent unless --pending-deprecation); making a zlib
 * stream to read its `_handle` costs ~1.5 ms in a fresh process (the stream machinery), and is
 * the route taken when the former is unavailable or would warn.
 */
function bindingClass(): unknown {
  const bound = (legacyBinding("zlib") as { Zlib?: unknown } | undefined)?.Zlib;
  if (typeof bound === "function") return bound;
  const z = zlib.createInflate() as unknown as { _handle?: { constructor?: unknown }; close(): void };
  const C = z._handle?.constructor;
  z.close();
  return C;
}

/** A new inflate context whose asynchronous writes end in `done`; null where the binding differs. */
function newContext(done: () => void): Context | null {
  if (nativeClass === undefined) {
    nativeClass = null;
    try {
      const C = bindingClass();
      if (typeof C === "function") {
        nativeClass = C as NativeZlibClass;
        // check the pair on a known stream
        const probe = newContext(() => undefined);
        const input = Uint8Array.of(0x78, 0x9c, 0x63, 0x64, 0x62, 0x06, 0x00, 0x00, 0x0d, 0x00, 0x07); // zlib of [1, 2, 3]
        const out = new Uint8Array(4);
        probe?.handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
        if (!probe || probe.state[0] !== 1 || out[0] !== 1 || out[1] !== 2 || out[2] !== 3) nativeClass = null;
      }
    } catch {
      nativeClass = null;
    }
  }
  if (!nativeClass) return null;
  try {
    const handle = new nativeClass(zlib.constants.INFLATE);
    const state = new Uint32Array(2);
    handle.onerror = () => undefined;
    handle.init(zlib.constants.Z_DEFAULT_WINDOWBITS, zlib.constants.Z_DEFAULT_COMPRESSION, zlib.constants.Z_DEFAULT_MEMLEVEL, zlib.constants.Z_DEFAULT_STRATEGY, state, done, undefined);
    return { handle, state };
  } catch {
    nativeClass = null;
    return null;
  }
}

/**
 * Inflates zlib streams (TIFF DEFLATE blocks) into caller-provided buffers on the calling thread,
 * one zlib context reused. Not for concurrent use: each thread holds its own.
 * @example
 * ```ts
 * const inflater = new SyncInflater();
 * const out = new Uint8Array(512 * 512 * 2);
 * const n = inflater.inflateInto(tileBytes, out); // bytes written (fewer for a truncated stream)
 * ```
 */
export class SyncInflater {
  /** zlib's context, made when zlib is first needed (with the native inflater, rarely). */
  #zlib: Context | null | undefined;
  #error: string | undefined;
  #native: NativeInflate | null = nativeInflate();

  get #ctx(): Context | null {
    if (this.#zlib === undefined) {
      this.#zlib = newContext(() => undefined);
      // errors are reported through this callback during writeSync
      if (this.#zlib) this.#zlib.handle.onerror = (message) => { this.#error = message; };
    }
    return this.#zlib;
  }

  /**
   * Inflate `input` (a zlib stream) into `out`; returns the number of bytes written. A stream
   * without its end marker (as libtiff tolerates) yields what it holds.
   * @throws {Error} with zlib's message for corrupt data.
   */
  inflateInto(input: Uint8Array, out: Uint8Array): number {
    if (this.#native) {
      const n = this.#native.inflate(input, out);
      if (n >= 0) return n;
    }
    return this.#inflateZlib(input, out);
  }

  /**
   * As {@link SyncInflater.inflateInto}, and where the native inflater did it, TIFF's horizontal
   * predictor undone too (`predicted`; otherwise the caller undoes it).
   * @example
   * ```ts
   * const { written, predicted } = new SyncInflater().inflatePredicted(tileBytes, out, { bytesPer: 2, rowSamples: 512, rows: 512, spp: 1 });
   * ```
   */
  inflatePredicted(input: Uint8Array, out: Uint8Array, p: HorizontalPredictor): Inflated {
    const done = this.#native ? nativeResult(this.#native.inflate(input, out, p.bytesPer, p.rowSamples, p.rows, p.spp)) : null;
    return done ?? { written: this.#inflateZlib(input, out), predicted: false };
  }

  #inflateZlib(input: Uint8Array, out: Uint8Array): number {
    const ctx = this.#ctx;
    if (!ctx) {
      const z = zlib.inflateSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: Math.max(1024, out.length + 1024) });
      const n = Math.min(z.length, out.length);
      out.set(z.subarray(0, n));
      return n;
    }
    this.#error = undefined;
    ctx.handle.reset();
    ctx.handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
    if (this.#error !== undefined) throw new Error(this.#error);
    return out.length - ctx.state[0]!;
  }
}

/**
 * Inflates zlib streams into caller-provided buffers on libuv's thread pool, one zlib context
 * reused: no stream machinery, no output chunks to concatenate. One inflation at a time per
 * instance; take one from {@link acquireAsyncInflater}.
 * @example
 * ```ts
 * const inflater = acquireAsyncInflater();
 * try {
 *   const n = await inflater.inflateInto(tileBytes, new Uint8Array(512 * 512 * 2));
 * } finally {
 *   releaseAsyncInflater(inflater);
 * }
 * ```
 */
export class AsyncInflater {
  /** zlib's context, made when zlib is first needed (with the native inflater, rarely). */
  #zlib: Context | null | undefined;
  #done: ((error?: string) => void) | undefined;
  /** (input kept referenced while the thread pool reads it) */
  #input: Uint8Array | undefined;
  #native: NativeInflate | null = nativeInflate();

  get #ctx(): Context | null {
    if (this.#zlib === undefined) {
      this.#zlib = newContext(() => this.#done?.());
      // zlib reports an error here and then does not call the completion callback
      if (this.#zlib) this.#zlib.handle.onerror = (message) => this.#done?.(message);
    }
    return this.#zlib;
  }

  /**
   * Inflate `input` (a zlib stream) into `out` off the calling thread; resolves to the number of
   * bytes written (fewer for a stream without its end marker). Keep `input` and `out` unchanged until then.
   * @throws {Error} with zlib's message for corrupt data.
   */
  inflateInto(input: Uint8Array, out: Uint8Array): Promise<number> {
    return this.#native ? this.#inflateNative(input, out, null).then((r) => r.written) : this.#inflateZlib(input, out);
  }

  /**
   * As {@link AsyncInflater.inflateInto}, and where the native inflater did it, TIFF's horizontal
   * predictor undone too, on the thread pool (`predicted`; otherwise the caller undoes it).
   * @example
   * ```ts
   * const { written, predicted } = await acquireAsyncInflater().inflatePredicted(tileBytes, out, { bytesPer: 2, rowSamples: 512, rows: 512, spp: 1 });
   * ```
   */
  inflatePredicted(input: Uint8Array, out: Uint8Array, p: HorizontalPredictor): Promise<Inflated> {
    return this.#native ? this.#inflateNative(input, out, p) : this.#inflateZlib(input, out).then((written) => ({ written, predicted: false }));
  }

  /** The native inflater on the thread pool, then zlib for a stream it did not inflate whole. */
  #inflateNative(input: Uint8Array, out: Uint8Array, p: HorizontalPredictor | null): Promise<Inflated> {
    const native = this.#native!;
    if (this.#done) return Promise.reject(new Error("AsyncInflater: one inflation at a time (take another with acquireAsyncInflater)"));
    return new Promise<number>((resolve) => {
      this.#done = () => undefined;
      const done = (n: number): void => {
        this.#done = undefined;
        resolve(n);
      };
      if (p) native.inflateAsync(input, out, done, p.bytesPer, p.rowSamples, p.rows, p.spp);
      else native.inflateAsync(input, out, done);
    }).then(async (n) => nativeResult(n) ?? { written: await this.#inflateZlib(input, out), predicted: false });
  }

  /** Inflates with zlib (see {@link AsyncInflater.inflateInto}). */
  #inflateZlib(input: Uint8Array, out: Uint8Array): Promise<number> {
    const ctx = this.#ctx;
    if (!ctx) {
      return new Promise((resolve, reject) => zlib.inflate(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: Math.max(1024, out.length + 1024) }, (err, z) => {
        if (err) return reject(err);
        const n = Math.min(z.length, out.length);
        out.set(z.subarray(0, n));
        resolve(n);
      }));
    }
    if (this.#done) return Promise.reject(new Error("AsyncInflater: one inflation at a time (take another with acquireAsyncInflater)"));
    return new Promise((resolve, reject) => {
      this.#done = (error) => {
        this.#done = undefined;
        this.#input = undefined;
        if (error !== undefined) reject(new Error(error));
        else resolve(out.length - ctx.state[0]!);
      };
      this.#input = input;
      ctx.handle.reset();
      ctx.handle.write(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
    });
  }
}

const idleAsync: AsyncInflater[] = [];

/** An idle {@link AsyncInflater} (a new one when all are busy). Give it back with {@link releaseAsyncInflater}. */
export function acquireAsyncInflater(): AsyncInflater {
  return idleAsync.pop() ?? new AsyncInflater();
}

/** Returns an inflater for reuse (at most 8 are kept). */
export function releaseAsyncInflater(inflater: AsyncInflater): void {
  if (idleAsync.length < 8) idleAsync.push(inflater);
}
