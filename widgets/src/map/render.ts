/**
 * Turns raw layer values into RGBA pixels with resolved vis params (min/max stretch, gamma,
 * palette, class table). Pure and DOM-free: the browser view uses it for every tile (so palette,
 * min/max and gamma changes re-render without asking the kernel) and the kernel uses it for the PNG
 * fallback, so both draw the same colours.
 *
 * @example
 * ```ts
 * const rgba = new Uint8ClampedArray(4 * 2);
 * renderPixels(vis, [new Float32Array([0.1, 0.8])], null, 2, rgba);
 * ```
 * @module
 */
import type { ClassEntry, ResolvedVis } from "./contract.js";

/** Parse `#rgb`, `#rrggbb` or `rrggbb` into `[r, g, b]`. Unknown strings give black. */
export function parseColor(c: string): [number, number, number] {
  let s = c.trim().replace(/^#/, "");
  if (s.length === 3) s = s.split("").map((ch) => ch + ch).join("");
  const n = Number.parseInt(s.slice(0, 6), 16);
  if (!/^[0-9a-fA-F]{6}/.test(s) || !Number.isFinite(n)) return [0, 0, 0];
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A 256-entry RGB lookup table interpolated linearly between the palette's colours. */
export function paletteLut(palette: readonly string[]): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  if (palette.length === 0) {
    for (let i = 0; i < 256; i++) lut[i * 3] = lut[i * 3 + 1] = lut[i * 3 + 2] = i;
    return lut;
  }
  const cols = palette.map(parseColor);
  for (let i = 0; i < 256; i++) {
    const p = cols.length === 1 ? 0 : (i / 255) * (cols.length - 1);
    const k = Math.min(Math.floor(p), cols.length - 2 < 0 ? 0 : cols.length - 2);
    const f = cols.length === 1 ? 0 : p - k;
    const a = cols[k]!, b = cols[Math.min(k + 1, cols.length - 1)]!;
    for (let ch = 0; ch < 3; ch++) lut[i * 3 + ch] = Math.round(a[ch]! + (b[ch]! - a[ch]!) * f);
  }
  return lut;
}

function classLut(classes: readonly ClassEntry[]): Map<number, [number, number, number]> {
  return new Map(classes.map((c) => [c.value, parseColor(c.color)]));
}

/** Map a value to 0–255 with a min/max stretch and gamma; NaN for non-finite values. */
export function stretch(v: number, min: number, max: number, gamma: number): number {
  if (!Number.isFinite(v)) return Number.NaN;
  const span = max - min;
  let t = span === 0 ? (v >= max ? 1 : 0) : (v - min) / span;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  if (gamma !== 1) t = Math.pow(t, 1 / gamma);
  return Math.round(t * 255);
}

/**
 * Render `n` pixels: `bands` holds the layer's data bands (1 or 3), `mask` 1 for valid pixels (or
 * null). Invalid, non-finite or unclassified pixels become transparent.
 */
export function renderPixels(
  vis: ResolvedVis, bands: readonly ArrayLike<number>[], mask: ArrayLike<number> | null, n: number, out: Uint8ClampedArray,
): void {
  if (vis.classes) {
    const lut = classLut(vis.classes);
    const b = bands[0]!;
    for (let i = 0; i < n; i++) {
      const c = (mask === null || mask[i]) ? lut.get(b[i]!) : undefined;
      const o = i * 4;
      if (!c) { out[o + 3] = 0; continue; }
      out[o] = c[0]; out[o + 1] = c[1]; out[o + 2] = c[2]; out[o + 3] = 255;
    }
    return;
  }
  if (vis.bands >= 3 && bands.length >= 3) {
    const [r, g, b] = bands as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
    for (let i = 0; i < n; i++) {
      const o = i * 4;
      const R = stretch(r[i]!, vis.min[0]!, vis.max[0]!, vis.gamma[0]!);
      const G = stretch(g[i]!, vis.min[1]!, vis.max[1]!, vis.gamma[1]!);
      const B = stretch(b[i]!, vis.min[2]!, vis.max[2]!, vis.gamma[2]!);
      if ((mask !== null && !mask[i]) || Number.isNaN(R) || Number.isNaN(G) || Number.isNaN(B)) { out[o + 3] = 0; continue; }
      out[o] = R; out[o + 1] = G; out[o + 2] = B; out[o + 3] = 255;
    }
    return;
  }
  const lut = paletteLut(vis.palette);
  const b = bands[0]!;
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const k = stretch(b[i]!, vis.min[0]!, vis.max[0]!, vis.gamma[0]!);
    if ((mask !== null && !mask[i]) || Number.isNaN(k)) { out[o + 3] = 0; continue; }
    out[o] = lut[k * 3]!; out[o + 1] = lut[k * 3 + 1]!; out[o + 2] = lut[k * 3 + 2]!; out[o + 3] = 255;
  }
}

/** Web Mercator half-circumference in metres (EPSG:3857 extent is ±this). */
export const MERC_MAX = 20037508.342789244;

/** EPSG:3857 bounds `[minX, minY, maxX, maxY]` of tile x, y at zoom z (XYZ scheme, y down). */
export function tileBounds3857(z: number, x: number, y: number): [number, number, number, number] {
  const size = (2 * MERC_MAX) / 2 ** z;
  const minX = -MERC_MAX + x * size;
  const maxY = MERC_MAX - y * size;
  return [minX, maxY - size, minX + size, maxY];
}

/** Longitude/latitude (degrees) → EPSG:3857 metres. */
export function lonLatTo3857(lon: number, lat: number): [number, number] {
  const R = 6378137;
  const clamped = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  return [(lon * Math.PI / 180) * R, R * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI / 180) / 2))];
}

/** EPSG:3857 metres → longitude/latitude (degrees). */
export function mercToLonLat(x: number, y: number): [number, number] {
  const R = 6378137;
  return [(x / R) * 180 / Math.PI, (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * 180 / Math.PI];
}
