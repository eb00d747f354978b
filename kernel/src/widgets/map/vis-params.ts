/**
 * Earth-Engine-style visualisation parameters of map layers, and their resolution against a
 * source: band names → numbers, percentile stretches → min/max, colormap names → colours.
 * @module
 */
import type { ClassEntry, ResolvedVis } from "../../../../widgets/src/map/contract.js";
import type { BandArray, RasterSourceLike } from "../../eo/raster/types.js";
import { MapLayerError } from "./errors.js";
import { colormap, colormapNames } from "./palette.js";

/**
 * How a raster layer is drawn (the names of Earth Engine's `Map.addLayer` vis params).
 * @example
 * ```ts
 * const rgb: VisParams = { bands: ["B3", "B2", "B1"], min: 20, max: 120, gamma: 1.2 };
 * const ndvi: VisParams = { min: -0.2, max: 0.8, palette: "RdYlGn" };
 * const lc: VisParams = { classes: { 1: ["water", "#1f78b4"], 2: ["urban", "#e31a1c"] } };
 * ```
 */
export interface VisParams {
  /**
   * One band (grey or palette) or three (RGB): 1-based numbers or band names (descriptions, or
   * "B<n>"). Default: bands 1, 2, 3 when there are at least three, else band 1.
   */
  bands?: number | string | (number | string)[];
  /** Value shown darkest, one for all bands or one per band; default from `percentile`. */
  min?: number | number[];
  /** Value shown brightest; default from `percentile`. */
  max?: number | number[];
  /** Percentile stretch `[low, high]` used when min/max are not given; default `[2, 98]`. */
  percentile?: [number, number];
  /** Gamma, one for all or one per band; default 1. */
  gamma?: number | number[];
  /** Colormap name (e.g. "viridis", "RdYlGn", "ndvi", "magma_r") or a list of CSS hex colours. */
  palette?: string | string[];
  /** Categorical layer: value → `[label, colour]` or a list of `{ value, label, color }`. */
  classes?: Record<number, [string, string] | string> | ClassEntry[];
  /** Layer opacity 0–1; default 1. */
  opacity?: number;
  /** Shown at first? Default true. */
  visible?: boolean;
}

/** Names of the bands of a source, as the layer control and inspector show them. */
export function bandNames(src: RasterSourceLike): string[] {
  return Array.from({ length: src.count }, (_, i) => src.descriptions[i] || `B${i + 1}`);
}

/**
 * Resolve `vis.bands` to 1-based band numbers of `src`.
 * @throws {MapLayerError} naming the valid bands when one is unknown or out of range.
 */
export function resolveBands(src: RasterSourceLike, vis: VisParams, layer: string): number[] {
  const names = bandNames(src);
  const raw = vis.bands === undefined ? (src.count >= 3 && !vis.palette && !vis.classes ? [1, 2, 3] : [1]) : Array.isArray(vis.bands) ? vis.bands : [vis.bands];
  if (raw.length !== 1 && raw.length !== 3) {
    throw new MapLayerError(layer, `vis.bands must list 1 band (grey/palette) or 3 (RGB), got ${raw.length}.`);
  }
  const valid = `valid bands: ${names.map((n, i) => `${i + 1} "${n}"`).join(", ")}`;
  return raw.map((b) => {
    if (typeof b === "number") {
      if (!Number.isInteger(b) || b < 1 || b > src.count) throw new MapLayerError(layer, `band ${b} is out of range (bands are 1-based); ${valid}.`);
      return b;
    }
    const key = b.trim().toLowerCase();
    const i = names.findIndex((n) => n.toLowerCase() === key);
    if (i >= 0) return i + 1;
    const m = /^b(\d+)$/.exec(key);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= src.count && !names.some((n) => /^b\d+$/i.test(n))) return Number(m[1]);
    throw new MapLayerError(layer, `unknown band "${b}"; ${valid}.`);
  });
}

/** Resolve a palette (name or colours) to colours; throws naming valid colormaps. */
export function resolvePalette(palette: string | string[] | undefined, layer: string): string[] {
  if (palette === undefined) return [];
  if (Array.isArray(palette)) {
    for (const c of palette) {
      if (!/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(c.trim())) {
        throw new MapLayerError(layer, `palette colour "${c}" is not a hex colour; use "#rrggbb" (or a colormap name such as "viridis").`);
      }
    }
    return palette.map((c) => (c.startsWith("#") ? c : `#${c}`));
  }
  const colors = colormap(palette);
  if (!colors) throw new MapLayerError(layer, `unknown colormap "${palette}"; valid names: ${colormapNames().join(", ")} (add "_r" to reverse).`);
  return colors;
}

function perBand(v: number | number[] | undefined, n: number, what: string, layer: string): (number | undefined)[] {
  if (v === undefined) return Array(n).fill(undefined);
  if (typeof v === "number") return Array(n).fill(v);
  if (v.length !== n) throw new MapLayerError(layer, `vis.${what} has ${v.length} values but the layer shows ${n} band(s); give one value or ${n}.`);
  return v;
}

/** Percentile `p` (0–100) of the valid values of `a` (nodata and non-finite excluded). */
export function percentile(a: ArrayLike<number>, p: number, nodata: number | null): number {
  const vals: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isFinite(v) && v !== nodata) vals.push(v);
  }
  if (vals.length === 0) return Number.NaN;
  vals.sort((x, y) => x - y);
  const pos = (p / 100) * (vals.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(vals.length - 1, lo + 1);
  return vals[lo]! + (vals[hi]! - vals[lo]!) * (pos - lo);
}

/** Normalise the `classes` vis param to a list of entries. */
export function resolveClasses(classes: VisParams["classes"]): ClassEntry[] | null {
  if (!classes) return null;
  if (Array.isArray(classes)) return classes.map((c) => ({ value: c.value, label: c.label ?? String(c.value), color: c.color }));
  return Object.entries(classes).map(([k, v]) => {
    const [label, color] = typeof v === "string" ? [k, v] : v;
    return { value: Number(k), label, color };
  });
}

/**
 * Resolve vis params of a layer to what the view applies. `sample` gives a few values per data band
 * for the percentile stretch (only used when min/max are missing).
 */
export function resolveVis(
  vis: VisParams, nBands: number, layer: string, sample: () => { bands: BandArray[]; nodata: (number | null)[] } | null,
): ResolvedVis {
  if (vis.opacity !== undefined && !(vis.opacity >= 0 && vis.opacity <= 1)) {
    throw new MapLayerError(layer, `vis.opacity must be between 0 and 1, got ${vis.opacity}.`);
  }
  const classes = resolveClasses(vis.classes);
  const palette = resolvePalette(vis.palette, layer);
  if (nBands === 3 && (palette.length > 0 || classes)) {
    throw new MapLayerError(layer, "a palette or classes applies to one band; give vis.bands a single band.");
  }
  const mins = perBand(vis.min, nBands, "min", layer);
  const maxs = perBand(vis.max, nBands, "max", layer);
  const gammas = perBand(vis.gamma, nBands, "gamma", layer).map((g) => g ?? 1);
  for (const g of gammas) if (!(g > 0)) throw new MapLayerError(layer, `vis.gamma must be > 0, got ${g}.`);
  const [plo, phi] = vis.percentile ?? [2, 98];
  if (!(plo >= 0 && phi <= 100 && plo < phi)) throw new MapLayerError(layer, `vis.percentile must be [low, high] with 0 ≤ low < high ≤ 100, got [${plo}, ${phi}].`);
  let s: ReturnType<typeof sample> | undefined;
  const min = mins.map((m, b) => {
    if (m !== undefined) return m;
    s ??= sample();
    return s ? percentile(s.bands[b]!, plo, s.nodata[b] ?? null) : 0;
  });
  const max = maxs.map((m, b) => {
    if (m !== undefined) return m;
    s ??= sample();
    return s ? percentile(s.bands[b]!, phi, s.nodata[b] ?? null) : 1;
  });
  return { bands: nBands, min: min.map((v) => (Number.isFinite(v) ? v : 0)), max: max.map((v) => (Number.isFinite(v) ? v : 1)), gamma: gammas, palette, classes };
}
