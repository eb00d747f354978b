/**
 * Tile layout and blending weights for whole-scene inference.
 * @module
 */
import { describeValue } from "../../util/describe-value.js";
import { ModelInputError } from "./errors.js";

/** Tile starts along one axis above which {@link tileStarts} refuses (2²⁴: a 16-million-pixel axis at stride 1). */
export const MAX_TILE_STARTS = 1 << 24;

/**
 * Start offsets of tiles of length `tile` covering `0..total` with at most `stride` between
 * starts; the last tile ends exactly at `total` (no padding). `tile` must be ≤ `total`.
 * @throws {ModelInputError} unless total and tile are positive whole numbers with tile ≤ total
 * (an infinite total or tile never ended) and stride is a finite number not above tile (NaN or
 * Infinity skipped every start but the first and last; a stride above the tile left gaps between
 * tiles); a stride below 1 means 1; and when the layout would have more than {@link MAX_TILE_STARTS}
 * starts on the axis (a huge total at a tiny stride: the array alone would take gigabytes)
 * @example
 * ```ts
 * tileStarts(10, 4, 3); // [0, 3, 6]
 * tileStarts(11, 4, 3); // [0, 3, 6, 7]
 * ```
 */
export function tileStarts(total: number, tile: number, stride: number): number[] {
  const whole = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
  if (!whole(total) || !whole(tile) || tile > total) {
    throw new ModelInputError(
      `tileStarts needs positive whole numbers with tile ≤ total, got total ${describeValue(total)}, tile ${describeValue(tile)}; e.g. tileStarts(10, 4, 3).`,
      "positive whole numbers with tile ≤ total", { total, tile },
    );
  }
  if (typeof stride !== "number" || !Number.isFinite(stride)) {
    throw new ModelInputError(`tileStarts needs a finite number as stride (at most this many pixels between starts), got ${describeValue(stride)}; e.g. tileStarts(10, 4, 3).`, "a finite number", stride);
  }
  if (stride > tile) {
    throw new ModelInputError(`tileStarts: a stride of ${stride} is larger than the tile (${tile}), so pixels between tiles would be in none; use a stride ≤ ${tile} (tile − overlap), e.g. tileStarts(${total}, ${tile}, ${tile}).`, `a stride ≤ ${tile}`, stride);
  }
  const s = Math.max(1, Math.floor(stride));
  const count = Math.ceil((total - tile) / s) + 1;
  if (count > MAX_TILE_STARTS) {
    throw new ModelInputError(
      `tileStarts(${total}, ${tile}, ${stride}) would make ${count} tile starts along one axis (at most ${MAX_TILE_STARTS}): ` +
      `use a larger stride (tile − overlap), e.g. tileStarts(${total}, ${tile}, ${Math.max(1, Math.floor(tile / 2))}).`,
      `at most ${MAX_TILE_STARTS} tile starts`, { total, tile, stride },
    );
  }
  const out: number[] = [];
  for (let x = 0; x + tile < total; x += s) out.push(x);
  const last = total - tile;
  if (out.length === 0 || out[out.length - 1] !== last) out.push(last);
  return out;
}

/**
 * One-dimensional blending weights of a tile at `start` (length `len`) in a scene of length
 * `total`: 1 in the middle, a linear ramp across the overlap at edges shared with another tile,
 * down to 0 within `halo` pixels of such an edge (those pixels lack context; when the overlap is
 * not larger than `2·halo` a floor of 1e-3 keeps every pixel covered). Edges on the scene border
 * keep weight 1. With a regular layout the ramps of two neighbours sum to
 * exactly 1; `predictScene` divides by the accumulated weight, so the blend is a proper weighted
 * mean everywhere.
 * @example
 * ```ts
 * blendWeights(8, 0, 12, 4, 0); // [1, 1, 1, 1, 0.875, 0.625, 0.375, 0.125]
 * ```
 */
export function blendWeights(len: number, start: number, total: number, overlap: number, halo: number): Float32Array {
  const w = new Float32Array(len);
  const ramp = Math.max(1, overlap - 2 * halo);
  const floor = overlap > 2 * halo ? 0 : 1e-3;
  for (let i = 0; i < len; i++) {
    const dl = start === 0 ? Infinity : i;
    const dr = start + len >= total ? Infinity : len - 1 - i;
    const d = Math.min(dl, dr);
    w[i] = d === Infinity ? 1 : Math.min(1, Math.max(floor, (d - halo + 0.5) / ramp));
  }
  return w;
}
