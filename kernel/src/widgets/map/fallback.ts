/**
 * The Map's fallback for front ends that cannot render widgets (GitHub previews, plain nbconvert):
 * a PNG snapshot of its visible raster layers (from the embedded bounded pyramid, drawn with the
 * same renderer as the browser) with a colour legend strip per layer, plus an HTML legend.
 * @module
 */
import { pngEncoder } from "../../eo/lazy-deps.js";
import type { LayerState } from "../../../../widgets/src/map/contract.js";
import { paletteLut, parseColor, renderPixels } from "../../../../widgets/src/map/render.js";
import type { ShapedArray } from "../wire.js";

type Embeds = Record<string, { bounds: [number, number, number, number]; width: number; height: number; frames: ShapedArray[]; masks: (ShapedArray | null)[] }>;

/** Largest side of the fallback PNG's map area, in pixels. */
export const FALLBACK_MAX_SIZE = 400;
const LEGEND_ROW = 14;

/**
 * Render the visible raster layers (bottom to top, with their opacity) into an RGBA PNG, with one
 * legend strip per layer under the map (a colour ramp or class swatches). Null when no raster
 * layer has embedded pixels.
 * @example
 * ```ts
 * const png = mapFallbackPng(map.layers, map.get("embeds"), map.get("layer_visible"), map.get("layer_opacity"), map.get("layer_order"));
 * ```
 */
export function mapFallbackPng(
  layers: LayerState[], embeds: Embeds, visible: Record<string, boolean>, opacity: Record<string, number>, order: string[],
): Uint8Array | null {
  const shown = order.map((id) => layers.find((l) => l.id === id)).filter((l): l is LayerState => !!l && l.kind === "raster" && !!embeds[l.id] && visible[l.id] !== false);
  if (shown.length === 0) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const l of shown) {
    const b = embeds[l.id]!.bounds;
    minX = Math.min(minX, b[0]); minY = Math.min(minY, b[1]); maxX = Math.max(maxX, b[2]); maxY = Math.max(maxY, b[3]);
  }
  const bw = maxX - minX, bh = maxY - minY;
  const width = Math.max(1, Math.round(bw >= bh ? FALLBACK_MAX_SIZE : (FALLBACK_MAX_SIZE * bw) / bh));
  const mapH = Math.max(1, Math.round(bh >= bw ? FALLBACK_MAX_SIZE : (FALLBACK_MAX_SIZE * bh) / bw));
  const height = mapH + LEGEND_ROW * shown.length;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) { out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = 255; out[i * 4 + 3] = 255; }
  const rgba = new Uint8ClampedArray(width * mapH * 4);
  for (const l of shown) {
    const e = embeds[l.id]!;
    const nb = l.vis!.bands;
    const frame = e.frames[0]!.array;
    const mask = e.masks[0]?.array ?? null;
    const n = width * mapH;
    const bands = Array.from({ length: nb }, () => new Float64Array(n));
    const valid = new Uint8Array(n);
    const plane = e.width * e.height;
    for (let y = 0; y < mapH; y++) {
      const my = maxY - ((y + 0.5) / mapH) * bh;
      const ey = Math.floor(((e.bounds[3] - my) / (e.bounds[3] - e.bounds[1])) * e.height);
      for (let x = 0; x < width; x++) {
        const mx = minX + ((x + 0.5) / width) * bw;
        const ex = Math.floor(((mx - e.bounds[0]) / (e.bounds[2] - e.bounds[0])) * e.width);
        if (ex < 0 || ey < 0 || ex >= e.width || ey >= e.height) continue;
        const s = ey * e.width + ex;
        if (mask && !mask[s]) continue;
        valid[y * width + x] = 1;
        for (let b = 0; b < nb; b++) bands[b]![y * width + x] = frame[b * plane + s]!;
      }
    }
    renderPixels(l.vis!, bands, valid, n, rgba);
    const a = opacity[l.id] ?? 1;
    for (let i = 0; i < n; i++) {
      const al = (rgba[i * 4 + 3]! / 255) * a;
      if (al === 0) continue;
      for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round(out[i * 4 + c]! * (1 - al) + rgba[i * 4 + c]! * al);
    }
  }
  shown.forEach((l, k) => {
    const y0 = mapH + k * LEGEND_ROW + 2;
    const colorAt = legendColor(l);
    for (let y = y0; y < y0 + LEGEND_ROW - 4; y++) {
      for (let x = 4; x < width - 4; x++) {
        const [r, g, b] = colorAt((x - 4) / Math.max(1, width - 9));
        const o = (y * width + x) * 4;
        out[o] = r; out[o + 1] = g; out[o + 2] = b;
      }
    }
  });
  return pngEncoder()({ width, height, data: out, channels: 4, depth: 8 });
}

function legendColor(l: LayerState): (t: number) => [number, number, number] {
  const vis = l.vis!;
  if (vis.classes && vis.classes.length > 0) {
    const cols = vis.classes.map((c) => parseColor(c.color));
    return (t) => cols[Math.min(cols.length - 1, Math.floor(t * cols.length))]!;
  }
  if (vis.bands >= 3) return (t) => [Math.round(255 * t), Math.round(255 * t), Math.round(255 * t)];
  const lut = paletteLut(vis.palette);
  return (t) => {
    const k = Math.max(0, Math.min(255, Math.round(t * 255)));
    return [lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!];
  };
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** HTML fallback: the PNG (if any) and a legend table with each layer's range or classes. */
export function mapFallbackHtml(layers: LayerState[], png: Uint8Array | null): string {
  const rows = layers.map((l) => {
    if (l.kind !== "raster" || !l.vis) return `<tr><td>${esc(l.name)}</td><td>vector layer</td></tr>`;
    const v = l.vis;
    const what = v.classes
      ? v.classes.map((c) => `<span style="display:inline-block;width:10px;height:10px;background:${esc(c.color)}"></span> ${esc(c.label)}`).join(" ")
      : `${esc(l.band_names.join(", "))}: ${v.min.map((m, i) => `${m}…${v.max[i]}`).join(", ")}${v.palette.length ? " (palette)" : ""}`;
    return `<tr><td>${esc(l.name)}</td><td>${what}</td></tr>`;
  }).join("");
  const img = png ? `<img alt="map snapshot" src="data:image/png;base64,${Buffer.from(png).toString("base64")}">` : "";
  return `<div class="ai4eo-map-fallback">${img}<table>${rows}</table></div>`;
}
