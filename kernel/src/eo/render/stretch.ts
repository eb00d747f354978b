/**
 * Percentile contrast stretch for display.
 * @module
 */

/** Options of {@link percentileStretch}. */
export interface StretchOptions {
  /** Lower percentile; default 2. */
  low?: number;
  /** Upper percentile; default 98. */
  high?: number;
  /** Value to ignore besides NaN; default none. */
  nodata?: number | null;
  /** At most this many values are used (evenly strided); default 1 000 000. */
  maxSamples?: number;
}

/**
 * The `low` and `high` percentiles of the valid values (NumPy's default linear interpolation),
 * or undefined when there is no valid value.
 * @example
 * ```ts
 * percentileStretch(band, { low: 2, high: 98, nodata: 0 }); // [lo, hi]
 * ```
 */
export function percentileStretch(values: ArrayLike<number>, options: StretchOptions = {}): [number, number] | undefined {
  const low = options.low ?? 2;
  const high = options.high ?? 98;
  const nd = options.nodata;
  const step = Math.max(1, Math.ceil(values.length / (options.maxSamples ?? 1_000_000)));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[i]!;
    if (!Number.isNaN(v) && (nd === null || nd === undefined || v !== nd)) sample.push(v);
  }
  if (sample.length === 0) return undefined;
  const s = Float64Array.from(sample).sort();
  const q = (p: number) => {
    const pos = (p / 100) * (s.length - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    return i + 1 < s.length ? s[i]! + (s[i + 1]! - s[i]!) * f : s[i]!;
  };
  return [q(low), q(high)];
}
