/**
 * The ends of a heatmap's colour scale, shared by the plotly trace (plots/heatmap.ts) and the PNG
 * fallback (plot-png.ts) so both draw the same range.
 * @module
 */

/**
 * The colour scale's ends: `zmin` / `zmax` where given, else the data's extremes (`min`, `max`;
 * ±Infinity or NaN when no value is finite: that end stays undefined). When that leaves no range —
 * one end given and every value beyond it, or a constant grid — the scale spans one unit from the
 * given end (or up from the constant) instead of going out inverted or empty.
 * @example
 * ```ts
 * colourRange(undefined, undefined, 2, 7); // [2, 7]
 * colourRange(5, undefined, 1, 3); // [5, 6]: every value is below the given zmin
 * colourRange(undefined, 0, 1, 3); // [-1, 0]
 * colourRange(undefined, undefined, 4, 4); // [4, 5]: a constant grid
 * ```
 */
export function colourRange(zmin: number | undefined, zmax: number | undefined, min: number, max: number): [number | undefined, number | undefined] {
  let lo = zmin ?? (Number.isFinite(min) ? min : undefined);
  let hi = zmax ?? (Number.isFinite(max) ? max : undefined);
  if (lo !== undefined && hi !== undefined && !(hi > lo)) {
    if (zmax !== undefined && zmin === undefined) lo = hi - 1;
    else hi = lo + 1;
  }
  return [lo, hi];
}
