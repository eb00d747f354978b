/**
 * Colormaps for map palettes, by name: every sequential, diverging and cyclical scheme of
 * d3-scale-chromatic (viridis, magma, inferno, plasma, cividis, turbo, RdYlGn, Spectral, Blues,
 * …, case-insensitive, `_r` reverses) plus ones registered with {@link addColormap}.
 * @module
 */
import * as chromatic from "d3-scale-chromatic";

const extra = new Map<string, string[]>([
  // Earth Engine's classic NDVI palette (bare soil → dense vegetation).
  ["ndvi", ["#ffffff", "#ce7e45", "#df923d", "#f1b555", "#fcd163", "#99b718", "#74a901", "#66a000", "#529400", "#3e8601", "#207401", "#056201", "#004c00", "#023b01", "#012e01", "#011d01", "#011301"]],
  ["gray", ["#000000", "#ffffff"]],
  ["terrain", ["#333399", "#0294fa", "#24d36d", "#fefe98", "#805c54", "#ffffff"]],
]);

function toHex(css: string): string {
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(css);
  if (!m) return css;
  return "#" + [m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, "0")).join("");
}

function interpolators(): Map<string, (t: number) => string> {
  const out = new Map<string, (t: number) => string>();
  for (const [k, v] of Object.entries(chromatic)) {
    if (k.startsWith("interpolate") && typeof v === "function") out.set(k.slice("interpolate".length).toLowerCase(), v as (t: number) => string);
  }
  out.set("cubehelix", out.get("cubehelixdefault")!);
  return out;
}
let cache: Map<string, (t: number) => string> | undefined;

/** Names of all known colormaps. */
export function colormapNames(): string[] {
  cache ??= interpolators();
  return [...new Set([...cache.keys(), ...extra.keys()])].sort();
}

/**
 * Register a colormap under `name` (colours from low to high values).
 * @example
 * ```ts
 * addColormap("water", ["#ffffff", "#0000ff"]);
 * ```
 */
export function addColormap(name: string, colors: string[]): void {
  if (colors.length === 0) throw new TypeError(`addColormap("${name}"): give at least one colour.`);
  extra.set(name.toLowerCase(), colors);
}

/**
 * The colours (`#rrggbb`, `stops` of them for continuous schemes) of colormap `name`, or undefined
 * when no colormap has that name. A `_r` suffix reverses it.
 * @example
 * ```ts
 * colormap("viridis", 3); // ["#440154", "#21918c", "#fde725"]
 * ```
 */
export function colormap(name: string, stops = 16): string[] | undefined {
  cache ??= interpolators();
  let key = name.trim().toLowerCase();
  const reversed = key.endsWith("_r");
  if (reversed) key = key.slice(0, -2);
  const fixed = extra.get(key);
  let colors: string[] | undefined;
  if (fixed) colors = [...fixed];
  else {
    const f = cache.get(key);
    if (f) colors = Array.from({ length: stops }, (_, i) => toHex(f(stops === 1 ? 0 : i / (stops - 1))));
  }
  return colors && reversed ? colors.reverse() : colors;
}
