/**
 * Reusable byte buffers for data consumed right after it is read (the stored bytes of a block that
 * this thread inflates at once). Each read takes one buffer for its whole sequence of blocks and
 * gives it back, so consecutive blocks, and later reads, reuse memory that is already mapped: on
 * this VM a fresh megabyte costs ~0.8 ms of page faults the first time it is written, which in a
 * fresh process is a measurable part of a 1024² window read. Concurrent reads take different buffers.
 *
 * @example
 * ```ts
 * const scratch = takeScratch();
 * try {
 *   for (const tile of tiles) inflate(await read(tile, scratch.bytes(tile.length)));
 * } finally {
 *   giveScratch(scratch);
 * }
 * ```
 * @module
 */

/** One growable buffer; `bytes(n)` views its first n bytes (valid until the next call). */
export class ScratchBytes {
  #buffer = new Uint8Array(0);

  /** A view of `length` bytes (the buffer grows to the largest length asked, by halves). */
  bytes(length: number): Uint8Array {
    if (this.#buffer.length < length) this.#buffer = new Uint8Array(Math.max(length, Math.ceil(this.#buffer.length * 1.5)));
    return this.#buffer.subarray(0, length);
  }

  /** Bytes held. */
  get capacity(): number {
    return this.#buffer.length;
  }
}

const idle: ScratchBytes[] = [];

/** A scratch buffer no one else is using (a new one when all are taken). */
export function takeScratch(): ScratchBytes {
  return idle.pop() ?? new ScratchBytes();
}

/** Gives a scratch buffer back (at most 4 are kept, none above 16 MiB). */
export function giveScratch(scratch: ScratchBytes): void {
  if (idle.length < 4 && scratch.capacity <= 16 << 20) idle.push(scratch);
}
