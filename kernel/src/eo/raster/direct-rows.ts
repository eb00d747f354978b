/**
 * Windowed reads of uncompressed blocks from local files, as GDAL reads them: of each block only
 * the rows the window needs are read (one read per block into a reused buffer, or straight into
 * the output when the block's rows are laid out there as in the file), then copied out. Nothing is
 * decoded, allocated per block or cached: a strip-by-strip scan (predictScene) reads every byte
 * once and touches no fresh memory.
 * @module
 */
import type { ByteSource } from "./byte-source.js";
import { isBuiltinDecoder } from "./codecs.js";
import { RasterFormatError } from "./errors.js";
import { blockRows, missingBlock, rowBytes, type TiffImage } from "./tiff-image.js";
import { arrayTypeFor, isComplex, type BandArray } from "./types.js";

/** One block of a window read: its index in the block tables and its column and row in the block grid. */
export interface BlockJob {
  index: number;
  bx: number;
  by: number;
}

/** The rows [r0, r1) and columns [c0, c1) of the window (image coordinates) that block (bx, by), starting at (x0, y0), holds. */
export interface BlockPart {
  x0: number;
  y0: number;
  c0: number;
  c1: number;
  r0: number;
  r1: number;
}

/** Where a block's rows go, for {@link readRowsDirect}. */
export interface RowSink<J extends BlockJob = BlockJob> {
  /**
   * Copies `block` (a typed array of the image's sample type holding block rows from
   * `firstRow` on, whole block width) into the output.
   */
  copy(block: BandArray, job: J, firstRow: number): void;
  /**
   * The output bytes that hold rows [r0, r1) of `job` exactly as the file stores them (whole block
   * rows, contiguous), or null when they are laid out otherwise; these are read in place.
   */
  inPlace(job: J, part: BlockPart): Uint8Array | null;
}

/** Reusable read buffers (one per read in progress). */
export class RowBuffers {
  #free: Uint8Array[] = [];
  /** A buffer of at least `bytes` bytes (at offset 0 of its own ArrayBuffer). */
  take(bytes: number): Uint8Array {
    const i = this.#free.findIndex((b) => b.length >= bytes);
    if (i >= 0) return this.#free.splice(i, 1)[0]!;
    return new Uint8Array(bytes);
  }
  /** Returns a buffer from {@link take} (at most two are kept). */
  give(b: Uint8Array): void {
    this.#free.push(b);
    if (this.#free.length > 2) this.#free.sort((a, c) => c.length - a.length).length = 2;
  }
}

/**
 * True when blocks of `img` can be read row by row from `src`: uncompressed (with the built-in
 * decoder), no predictor, whole bytes per sample stored in this machine's (little-endian) order,
 * nothing to convert (half floats are widened by the decoder), and a source that reads into a buffer.
 * @example
 * ```ts
 * if (readsRowsDirectly(img, src)) await readRowsDirect(img, src, jobs, win, 0, undefined, buffers, sink);
 * ```
 */
export function readsRowsDirectly(img: TiffImage, src: ByteSource): boolean {
  const comp = isComplex(img.dtype) ? 2 : 1;
  const bytesPer = img.bits / 8 / comp;
  return typeof src.readInto === "function" && img.compression === 1 && isBuiltinDecoder(1) && img.predictor === 1 &&
    img.bits % 8 === 0 && img.bits !== 24 && !(img.sampleFormat === 3 && img.bits === 16) &&
    (img.littleEndian || bytesPer === 1) && arrayTypeFor(img.dtype).BYTES_PER_ELEMENT === bytesPer;
}

/** The part of block (bx, by) inside `win`, or null when none. */
export function blockPart(img: TiffImage, bx: number, by: number, win: { col: number; row: number; width: number; height: number }): BlockPart | null {
  const x0 = bx * img.blockWidth;
  const y0 = by * img.blockHeight;
  const c0 = Math.max(win.col, x0);
  const c1 = Math.min(win.col + win.width, x0 + img.blockWidth, img.width);
  const r0 = Math.max(win.row, y0);
  const r1 = Math.min(win.row + win.height, y0 + blockRows(img, by));
  return c1 <= c0 || r1 <= r0 ? null : { x0, y0, c0, c1, r0, r1 };
}

/**
 * Reads the window's rows of each job's block (see the module note) and hands them to `sink`;
 * missing blocks (offset or byte count 0) give `fill` (per band, or one value for all: see
 * missingBlock in tiff-image.ts). Call only when {@link readsRowsDirectly}.
 * @param onBlock called after each block (progress)
 * @throws {RasterFormatError} when a block is shorter than its rows or the file ends inside it
 */
export async function readRowsDirect<J extends BlockJob>(img: TiffImage, src: ByteSource, jobs: readonly J[],
  win: { col: number; row: number; width: number; height: number }, fill: number | readonly number[], signal: AbortSignal | undefined,
  buffers: RowBuffers, sink: RowSink<J>, onBlock?: () => void): Promise<void> {
  const readInto = src.readInto!.bind(src);
  const indices = jobs.map((j) => j.index);
  await Promise.all([img.offsets.ensure(indices, signal), img.byteCounts.ensure(indices, signal)]);
  const Ctor = arrayTypeFor(img.dtype);
  const spp = img.planar === 2 ? 1 : img.samples;
  const valuesPerRow = img.blockWidth * spp * (isComplex(img.dtype) ? 2 : 1);
  const rb = rowBytes(img);
  let buf: Uint8Array | null = null;
  try {
    for (const j of jobs) {
      signal?.throwIfAborted();
      const part = blockPart(img, j.bx, j.by, win);
      if (!part) continue;
      const first = part.r0 - part.y0;
      const rows = part.r1 - part.r0;
      const off = img.offsets.at(j.index);
      const stored = img.byteCounts.at(j.index);
      if (off === 0 || stored === 0) {
        sink.copy(missingBlock(img, j.index, rows * valuesPerRow, fill), j, first);
        onBlock?.();
        continue;
      }
      const whole = blockRows(img, j.by) * rb;
      if (stored < whole) {
        throw new RasterFormatError(img.file, `${img.tiled ? "tile" : "strip"} ${j.index} has ${stored} bytes but needs ${whole}: the file is truncated. Download or copy it again.`);
      }
      const n = rows * rb;
      const direct = sink.inPlace(j, part);
      if (!direct && (!buf || buf.length < n)) {
        if (buf) buffers.give(buf);
        buf = buffers.take(n);
      }
      const dst = direct ?? buf!.subarray(0, n);
      const got = await readInto(off + first * rb, dst, signal);
      if (got < n) {
        throw new RasterFormatError(img.file, `${img.tiled ? "tile" : "strip"} ${j.index} should have ${whole} bytes at offset ${off} but the file ends after ${first * rb + got}: the file is truncated. Download or copy it again.`);
      }
      if (!direct) sink.copy(new Ctor(dst.buffer, 0, rows * valuesPerRow), j, first);
      onBlock?.();
    }
  } finally {
    if (buf) buffers.give(buf);
  }
}
