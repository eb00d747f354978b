/**
 * The structural raster type the plot helpers accept (an ai4eo `Raster` fits), so widgets do not
 * import the EO library.
 * @module
 */

/** Anything with numbered bands of pixels: an ai4eo `Raster` fits. */
export interface BandSource {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly nodata: readonly (number | null)[];
  readonly descriptions: readonly (string | null)[];
  /** Pixels of band `i` (1-based), row-major. */
  band(i: number): ArrayLike<number>;
}

/** Band label: its description, else "band i". */
export function bandLabel(src: BandSource, i: number): string {
  return src.descriptions[i - 1] ?? `band ${i}`;
}

/** Is `v` a valid pixel (finite and not the nodata value)? */
export function isValid(v: number, nodata: number | null | undefined): boolean {
  return Number.isFinite(v) && (nodata === null || nodata === undefined || v !== nodata);
}
