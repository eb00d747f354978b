/**
 * Colormaps as 256-entry RGBA lookup tables, from d3-scale-chromatic (viridis, magma, inferno,
 * plasma, cividis, turbo, RdYlGn, Spectral, RdBu, BrBG, Greys, Blues, Greens, YlGn, YlOrRd) plus
 * matplotlib's "terrain" and "gray". Add your own with {@link addColormap}.
 * @module
 */
import { Ai4eoError } from "../errors.js";
import { d3Chromatic } from "./lazy-modules.js";
import { describeValue } from "../../util/describe-value.js";

/** An unknown colormap name. */
export class ColormapError extends Ai4eoError {}

/** A colormap: t ∈ [0, 1] → [r, g, b] in 0–255. */
export type ColorFn = (t: number) => [number, number, number];

function parseCss(c: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(c);
  if (h) { const n = parseInt(h[1]!, 16); return [n >> 16, (n >> 8) & 255, n & 255]; }
  throw new ColormapError(`cannot parse colour "${c}"`);
}

/** Piecewise-linear colormap from [t, [r, g, b] (0–1)] stops. */
export function linearSegments(stops: [number, [number, number, number]][]): ColorFn {
  return (t) => {
    let i = 1;
    while (i < stops.length - 1 && t > stops[i]![0]) i++;
    const [t0, c0] = stops[i - 1]!;
    const [t1, c1] = stops[i]!;
    const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    return [0, 1, 2].map((k) => Math.round(255 * (c0[k]! + (c1[k]! - c0[k]!) * f))) as [number, number, number];
  };
}

type D3Name = "interpolateViridis" | "interpolateMagma" | "interpolateInferno" | "interpolatePlasma" | "interpolateCividis" |
  "interpolateTurbo" | "interpolateRdYlGn" | "interpolateSpectral" | "interpolateRdBu" | "interpolateBrBG" | "interpolateGreys" |
  "interpolateBlues" | "interpolateGreens" | "interpolateYlGn" | "interpolateYlOrRd";
// d3-scale-chromatic is loaded when a colormap is first evaluated, not when this module is imported
const fromD3 = (name: D3Name): ColorFn => (t) => parseCss(d3Chromatic()[name](t));

const registry = new Map<string, ColorFn>([
  ["viridis", fromD3("interpolateViridis")], ["magma", fromD3("interpolateMagma")], ["inferno", fromD3("interpolateInferno")],
  ["plasma", fromD3("interpolatePlasma")], ["cividis", fromD3("interpolateCividis")], ["turbo", fromD3("interpolateTurbo")],
  ["RdYlGn", fromD3("interpolateRdYlGn")], ["Spectral", fromD3("interpolateSpectral")], ["RdBu", fromD3("interpolateRdBu")],
  ["BrBG", fromD3("interpolateBrBG")], ["Greys", fromD3("interpolateGreys")], ["Blues", fromD3("interpolateBlues")],
  ["Greens", fromD3("interpolateGreens")], ["YlGn", fromD3("interpolateYlGn")], ["YlOrRd", fromD3("interpolateYlOrRd")],
  // matplotlib's terrain (_terrain_data)
  ["terrain", linearSegments([[0, [0.2, 0.2, 0.6]], [0.15, [0, 0.6, 1]], [0.25, [0, 0.8, 0.4]], [0.5, [1, 1, 0.6]], [0.75, [0.5, 0.36, 0.33]], [1, [1, 1, 1]]])],
  ["gray", (t) => { const v = Math.round(255 * t); return [v, v, v]; }],
]);
const luts = new Map<string, Uint8Array>();

/**
 * Register a colormap by function or by a list of CSS colours (evenly spaced).
 * @example
 * ```ts
 * addColormap("water", ["#ffffff", "#0000ff"]);
 * ```
 */
export function addColormap(name: string, map: ColorFn | string[]): void {
  const fn: ColorFn = Array.isArray(map)
    ? linearSegments(map.map((c, i) => [i / Math.max(1, map.length - 1), parseCss(c).map((v) => v / 255) as [number, number, number]]))
    : map;
  registry.set(name, fn);
  luts.delete(name);
}

/** Names of the registered colormaps. */
export function listColormaps(): string[] {
  return [...registry.keys()];
}

/**
 * A 256 × RGBA lookup table of a colormap (alpha 255); append "_r" to the name to reverse it.
 * @throws {ColormapError} for an unknown name.
 * @example
 * ```ts
 * colormapLut("viridis").subarray(0, 4); // Uint8Array [68, 1, 84, 255]
 * ```
 */
export function colormapLut(name: string): Uint8Array {
  if (typeof name !== "string") throw new ColormapError(`A colormap is named by a string such as "viridis" or "RdYlGn_r", got ${describeValue(name)}.`);
  const cached = luts.get(name);
  if (cached) return cached;
  const reversed = name.endsWith("_r");
  const fn = registry.get(reversed ? name.slice(0, -2) : name);
  if (!fn) throw new ColormapError(`Unknown colormap "${name}". Known: ${listColormaps().join(", ")} (append _r to reverse), or add one with addColormap().`);
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = fn((reversed ? 255 - i : i) / 255);
    lut.set([r, g, b, 255], i * 4);
  }
  luts.set(name, lut);
  return lut;
}
