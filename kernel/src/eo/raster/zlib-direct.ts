/**
 * Synchronous zlib inflation straight into a caller's buffer, reusing one zlib stream.
 *
 * `zlib.inflateSync` allocates an output buffer and a fresh zlib stream (32 KiB window + state) for
 * every call and goes through the stream machinery; for hundreds of 0.5 MiB tiles that is ~30 % of
 * the inflate time and leaves the freed buffers to the allocator. Node's zlib binding can inflate
 * into a given buffer (`handle.writeSync`, the call `inflateSync` itself makes): this module uses
 * it when it is there (Node ≥ 10) and falls back to `inflateSync` otherwise. Errors are the zlib
 * messages `inflateSync` would throw.
 * @module
 */
import zlib from "node:zlib";

interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

/**
 * Inflates zlib streams (TIFF DEFLATE blocks) into caller-provided buffers, one stream reused.
 * Not for concurrent use: each thread holds its own.
 * @example
 * ```ts
 * const inflater = new SyncInflater();
 * const out = new Uint8Array(512 * 512 * 2);
 * const n = inflater.inflateInto(tileBytes, out); // bytes written (fewer for a truncated stream)
 * ```
 */
export class SyncInflater {
  #handle: ZlibHandle | undefined;
  #state: Uint32Array | undefined;
  #error: string | undefined;

  constructor() {
    const z = zlib.createInflate() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    const h = z._handle;
    if (h && typeof h.writeSync === "function" && typeof h.reset === "function" && z._writeState instanceof Uint32Array) {
      this.#handle = h;
      this.#state = z._writeState;
      // errors are reported through this callback during writeSync (the stream's own handler would destroy it)
      h.onerror = (message) => { this.#error = message; };
    }
  }

  /**
   * Inflate `input` (a zlib stream) into `out`; returns the number of bytes written. A stream
   * without its end marker (as libtiff tolerates) yields what it holds.
   * @throws {Error} with zlib's message for corrupt data.
   */
  inflateInto(input: Uint8Array, out: Uint8Array): number {
    const h = this.#handle;
    if (!h) {
      const z = zlib.inflateSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: Math.max(1024, out.length + 1024) });
      const n = Math.min(z.length, out.length);
      out.set(z.subarray(0, n));
      return n;
    }
    this.#error = undefined;
    h.reset();
    h.writeSync(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, out, 0, out.length);
    if (this.#error !== undefined) throw new Error(this.#error);
    return out.length - this.#state![0]!;
  }
}
