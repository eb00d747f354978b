/**
 * Errors of the raster reader and writer. Each names the file (or URL), the field involved and
 * what to do about it.
 * @module
 */
import { Ai4eoError } from "../errors.js";

/** A file that is not a (Geo)TIFF, or is truncated or corrupt. */
export class RasterFormatError extends Ai4eoError {
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}

/** A TIFF feature (compression, sample format, bit depth, tag) this reader does not support. */
export class UnsupportedRasterFeatureError extends Ai4eoError {
  constructor(readonly file: string, readonly field: string, readonly value: unknown, hint: string) {
    super(`${file}: unsupported ${field} ${String(value)}. ${hint}`);
  }
}

/** A window, band number or overview index outside what the raster has. */
export class RasterRangeError extends Ai4eoError {
  constructor(readonly file: string, readonly field: "window" | "band" | "overview", message: string) {
    super(`${file}: ${message}`);
  }
}

/** A read whose result would exceed the memory budget. */
export class RasterMemoryError extends Ai4eoError {
  constructor(readonly file: string, readonly bytes: number, readonly budget: number) {
    super(
      `${file}: reading this would allocate ${(bytes / 2 ** 20).toFixed(1)} MiB, over the budget of ` +
      `${(budget / 2 ** 20).toFixed(1)} MiB. Pass a window ({ window: { col, row, width, height } }), an overview ` +
      `({ overview: 1 }), fewer bands, or raise the budget with openRaster(src, { maxReadBytes }).`,
    );
  }
}

/** An HTTP(S) source that failed: a bad status, no range support, or network failure after retries. */
export class RasterHttpError extends Ai4eoError {
  constructor(readonly url: string, readonly status: number | null, message: string, options?: { cause?: unknown }) {
    super(`${url}: ${message}`, options);
  }
}

/** Writing a raster failed or the options are inconsistent with the raster. */
export class RasterWriteError extends Ai4eoError {
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}
