/**
 * The overview pyramid behind a raster map layer: Web Mercator tiles (or any EPSG:3857 box) cut
 * from the right resolution level of a source, reprojected with proj4. Levels are the source, its
 * file overviews, and 2× averaged levels built lazily (only when a zoomed-out view needs them,
 * streaming the source in row strips so memory stays near the level sizes). No tile server and no
 * files: tiles are typed arrays the Map sends as binary comm buffers.
 * @module
 */
import { epsgToProj4 } from "../../eo/geo/epsg.js";
import { proj4 } from "../../eo/lazy-deps.js";
import { arrayTypeFor, isComplex, type BandArray, type DType, type GeoTransform, type RasterSourceLike } from "../../eo/raster/types.js";
import type { TileDType } from "../../../../widgets/src/map/contract.js";
import { MERC_MAX, tileBounds3857 } from "../../../../widgets/src/map/render.js";
import { MapLayerError } from "./errors.js";
import { ApproxPixelGrid, type ToPixel } from "./approx-grid.js";

/** Pixels of one tile or grid: data bands (same dtype), optional validity mask. */
export interface TileData {
  width: number;
  height: number;
  dtype: TileDType;
  bands: (Uint8Array | Int8Array | Uint16Array | Int16Array | Float32Array)[];
  /** 1 = valid; null when every pixel is valid. */
  mask: Uint8Array | null;
}

/** Most pixels {@link TilePyramid.render} warps into one box (4096 × 4096). */
export const RENDER_MAX_PIXELS = 4096 * 4096;

/** Options of {@link TilePyramid}. */
export interface PyramidOptions {
  /** Layer name used in error messages. */
  name: string;
  /** proj4 definition of the source CRS, or null for pixel space (no georeference). */
  proj: string | null;
  /** Tiles kept in the LRU cache; default 256. */
  cacheTiles?: number;
}

interface Level {
  /** Source pixels per level pixel (x, y). */
  fx: number;
  fy: number;
  width: number;
  height: number;
  kind: "source" | "overview" | "built";
  overview?: number;
  data?: BandArray[];
}

function valid(v: number, nd: number | null): boolean {
  return Number.isFinite(v) && !(nd !== null && (v === nd || (Number.isNaN(nd) && Number.isNaN(v))));
}

/** Transform of pixel space layers: 1 source pixel = 1 EPSG:3857 metre, origin at 0,0, north up. */
export const PIXEL_SPACE_TRANSFORM: GeoTransform = [0, 1, 0, 0, 0, -1];

/** proj4 definition of the source's CRS, or null when it has no georeference. */
export function sourceProj(src: RasterSourceLike, name: string): string | null {
  const t = src.transform;
  const crs = src.crs;
  const identity = t[0] === 0 && t[1] === 1 && t[2] === 0 && t[3] === 0 && t[4] === 0 && t[5] === 1;
  if (crs.proj4) return crs.proj4;
  if (crs.epsg !== undefined) {
    const d = epsgToProj4(crs.epsg);
    if (d) return d;
    throw new MapLayerError(name, `its CRS EPSG:${crs.epsg} cannot be reprojected to Web Mercator: no definition is known. Register it with addEpsg(${crs.epsg}, "+proj=...") (epsg.io gives the proj4 string) and add the layer again.`);
  }
  if (crs.wkt) {
    try {
      proj4()(crs.wkt, "EPSG:3857");
      return crs.wkt;
    } catch (e) {
      throw new MapLayerError(name, `its CRS (WKT) cannot be reprojected to Web Mercator (${e instanceof Error ? e.message : String(e)}). Give the source a CRS with an EPSG code or a proj4 string.`);
    }
  }
  if (identity) return null;
  throw new MapLayerError(name, "it has a geotransform but no CRS, so it cannot be placed on the map. Give it a CRS, e.g. new Raster({ ..., crs: { epsg: 32725 } }).");
}

function outDType(d: DType): TileDType {
  return d === "uint8" || d === "int8" || d === "uint16" || d === "int16" ? d : "float32";
}

function invert(t: GeoTransform): GeoTransform {
  const det = t[1] * t[5] - t[2] * t[4];
  if (det === 0) throw new RangeError("geotransform is not invertible");
  return [
    (t[2] * t[3] - t[0] * t[5]) / det, t[5] / det, -t[2] / det,
    (t[0] * t[4] - t[1] * t[3]) / det, -t[4] / det, t[1] / det,
  ];
}

/**
 * For every output pixel, the index of its nearest level pixel in the window `win` (-1 outside
 * the data or the window), into `scratch.idx`; `mask` gets 1 where the index is valid. Returns the
 * number of valid pixels.
 */
function sampleIndex(
  grid: ApproxPixelGrid, width: number, height: number, level: Level, W: number, H: number,
  win: { col: number; row: number; width: number; height: number },
  scratch: { idx: Int32Array; cols: Float64Array; rows: Float64Array }, mask: Uint8Array,
): number {
  const { idx, cols, rows } = scratch;
  // Level pixel = floor(c / fx); c ≥ 0 here, so truncation (| 0) is the floor.
  const ifx = 1 / level.fx, ify = 1 / level.fy, lw1 = level.width - 1, lh1 = level.height - 1;
  const wc = win.col, wr = win.row, ww = win.width, wh = win.height;
  let valid = 0;
  for (let y = 0; y < height; y++) {
    grid.fillRow(y, cols, rows);
    const o0 = y * width;
    for (let x = 0; x < width; x++) {
      const c = cols[x]!, r = rows[x]!;
      let s = -1;
      if (c >= 0 && r >= 0 && c < W && r < H) {
        let lc = (c * ifx) | 0, lr = (r * ify) | 0;
        if (lc > lw1) lc = lw1;
        if (lr > lh1) lr = lh1;
        lc -= wc;
        lr -= wr;
        if (lc >= 0 && lr >= 0 && lc < ww && lr < wh) {
          s = lr * ww + lc;
          mask[o0 + x] = 1;
          valid++;
        }
      }
      idx[o0 + x] = s;
    }
  }
  return valid;
}

/** dst[o] = src[idx[o]] where idx[o] ≥ 0; clears mask[o] where the value is nodata (or not finite, for float output). */
function gather(src: BandArray, dst: Float32Array, idx: Int32Array, n: number, mask: Uint8Array, nd: number | null, float: boolean): void {
  if (nd === null && !float) {
    for (let o = 0; o < n; o++) {
      const s = idx[o]!;
      if (s >= 0) dst[o] = src[s]!;
    }
    return;
  }
  const ndNaN = nd !== null && Number.isNaN(nd);
  for (let o = 0; o < n; o++) {
    const s = idx[o]!;
    if (s < 0) continue;
    const v = src[s]!;
    dst[o] = v;
    if ((nd !== null && (v === nd || (ndNaN && Number.isNaN(v)))) || (float && !Number.isFinite(v))) mask[o] = 0;
  }
}

/**
 * Tiles of one raster layer (a fixed list of source bands) in Web Mercator.
 * @example
 * ```ts
 * const p = new TilePyramid(await openRaster("data/olinda/L7_ETMs.tif"), [3, 2, 1], { name: "RGB", proj: sourceProj(src, "RGB") });
 * const t = await p.tile(12, 1650, 2140); // TileData or null outside the data
 * ```
 */
export class TilePyramid {
  readonly source: RasterSourceLike;
  readonly bands: number[];
  readonly dtype: TileDType;
  readonly name: string;
  readonly proj: string | null;
  readonly transform: GeoTransform;
  readonly #inv: GeoTransform;
  readonly #toSrc: ((x: number, y: number) => [number, number]) | null;
  readonly #toMerc: ((x: number, y: number) => [number, number]) | null;
  readonly #levels: Level[];
  readonly #building = new Map<Level, Promise<Level>>();
  readonly #children = new Map<Level, Level>();
  readonly #cache = new Map<string, TileData | null>();
  readonly #inflight = new Map<string, Promise<TileData | null>>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #cacheMax: number;
  readonly #nodata: (number | null)[];
  readonly #toPixel: ToPixel = (x, y) => this.mercToPixel(x, y);

  constructor(source: RasterSourceLike, bands: number[], options: PyramidOptions) {
    if (isComplex(source.dtype)) {
      throw new MapLayerError(options.name, `its data type ${source.dtype} is complex; show amplitude or intensity instead (compute it into a Raster first).`);
    }
    this.source = source;
    this.bands = bands;
    this.name = options.name;
    this.proj = options.proj;
    this.dtype = outDType(source.dtype);
    this.transform = options.proj === null ? PIXEL_SPACE_TRANSFORM : source.transform;
    this.#inv = invert(this.transform);
    this.#cacheMax = options.cacheTiles ?? 256;
    this.#nodata = bands.map((b) => source.nodata[b - 1] ?? null);
    if (options.proj === null) {
      this.#toSrc = null;
      this.#toMerc = null;
    } else {
      const p = proj4()(options.proj, "EPSG:3857");
      this.#toSrc = (x, y) => p.inverse([x, y]) as [number, number];
      this.#toMerc = (x, y) => p.forward([x, y]) as [number, number];
    }
    const levels: Level[] = [{ fx: 1, fy: 1, width: source.width, height: source.height, kind: "source" }];
    const ovs = (source as { overviews?: { width: number; height: number }[] }).overviews ?? [];
    ovs.forEach((o, i) => levels.push({ fx: source.width / o.width, fy: source.height / o.height, width: o.width, height: o.height, kind: "overview", overview: i + 1 }));
    this.#levels = levels;
  }

  /** Resolution levels known so far (source, file overviews, built ones): sizes and kinds. */
  get levels(): { width: number; height: number; kind: string }[] {
    return this.#levels.map((l) => ({ width: l.width, height: l.height, kind: l.kind }));
  }

  /** EPSG:3857 bounds `[minX, minY, maxX, maxY]` of the layer (edges sampled densely). */
  mercatorBounds(): [number, number, number, number] {
    const t = this.transform;
    const W = this.source.width, H = this.source.height;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const n = 16;
    for (let i = 0; i <= n; i++) {
      for (const [c, r] of [[(W * i) / n, 0], [(W * i) / n, H], [0, (H * i) / n], [W, (H * i) / n]] as const) {
        const x = t[0] + c * t[1] + r * t[2];
        const y = t[3] + c * t[4] + r * t[5];
        const [mx, my] = this.#toMerc ? this.#toMerc(x, y) : [x, y];
        if (!Number.isFinite(mx) || !Number.isFinite(my)) continue;
        minX = Math.min(minX, mx); maxX = Math.max(maxX, mx); minY = Math.min(minY, my); maxY = Math.max(maxY, my);
      }
    }
    return [Math.max(minX, -MERC_MAX), Math.max(minY, -MERC_MAX), Math.min(maxX, MERC_MAX), Math.min(maxY, MERC_MAX)];
  }

  /** The zoom at which one tile pixel is about one source pixel (at the layer's centre). */
  nativeZoom(): number {
    const [minX, , maxX] = this.mercatorBounds();
    const perPixel = (maxX - minX) / this.source.width;
    return Math.max(0, Math.min(24, Math.round(Math.log2((2 * MERC_MAX) / 256 / perPixel))));
  }

  /** The full-resolution source pixel (col, row) under an EPSG:3857 point (fractional). */
  mercToPixel(mx: number, my: number): [number, number] {
    const [x, y] = this.#toSrc ? this.#toSrc(mx, my) : [mx, my];
    const t = this.#inv;
    return [t[0] + x * t[1] + y * t[2], t[3] + x * t[4] + y * t[5]];
  }

  /** Source CRS coordinates of an EPSG:3857 point. */
  mercToSource(mx: number, my: number): [number, number] {
    return this.#toSrc ? this.#toSrc(mx, my) : [mx, my];
  }

  /**
   * Tile x, y at zoom z (256×256, XYZ scheme); null when it does not touch the data. Cached (LRU).
   * Tiles of one pyramid are rendered one at a time, in request order, and a tile asked for again
   * while in progress shares the first request: a viewport's tiles share source blocks, so each
   * tile finds the blocks its neighbours decoded in the source's block cache instead of decoding
   * them again concurrently (a 20-tile native-zoom viewport asked for at once took about twice as
   * long concurrently as one by one).
   * @example
   * ```ts
   * const t = await pyramid.tile(10, 412, 535);
   * ```
   */
  async tile(z: number, x: number, y: number, signal?: AbortSignal): Promise<TileData | null> {
    const key = `${z}/${x}/${y}`;
    if (this.#cache.has(key)) {
      const v = this.#cache.get(key)!;
      this.#cache.delete(key);
      this.#cache.set(key, v);
      return v;
    }
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const job = this.#queue.then(() => {
      signal?.throwIfAborted();
      return this.render(tileBounds3857(z, x, y), 256, 256, signal);
    });
    this.#queue = job.catch(() => undefined);
    this.#inflight.set(key, job);
    try {
      const v = await job;
      this.#cache.set(key, v);
      while (this.#cache.size > this.#cacheMax) this.#cache.delete(this.#cache.keys().next().value!);
      return v;
    } finally {
      this.#inflight.delete(key);
    }
  }

  /**
   * Warp the layer into an EPSG:3857 box of `width × height` pixels (nearest neighbour from the
   * level whose resolution is just finer than the output's). Null when the box misses the data.
   * @param width output pixels across, a whole number ≥ 1; width × height at most {@link RENDER_MAX_PIXELS}
   * @param height output pixels down, a whole number ≥ 1
   * @throws {MapLayerError} for a width or height that is not a whole number ≥ 1, or a box over RENDER_MAX_PIXELS.
   */
  async render(box: readonly [number, number, number, number], width: number, height: number, signal?: AbortSignal): Promise<TileData | null> {
    for (const [arg, v] of [["width", width], ["height", height]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new MapLayerError(this.name, `render ${arg} must be a whole number of pixels ≥ 1 (a tile is 256), got ${v}.`);
      }
    }
    if (width * height > RENDER_MAX_PIXELS) {
      throw new MapLayerError(this.name, `render box of ${width}×${height} pixels is more than RENDER_MAX_PIXELS (${RENDER_MAX_PIXELS}, 4096×4096); render it in tiles of at most that many pixels.`);
    }
    // A coarse grid of exact points gives the scale and the footprint; after the level is chosen the
    // grid is refined until it is within 0.125 level pixels of the exact transform (GDAL's default).
    const coarse = ApproxPixelGrid.build(box, width, height, this.#toPixel, { cells: 8 });
    const { cols: gc, rows: gr } = coarse.points;
    const G = coarse.cells, gw = G + 1;
    // Scale: source pixels per output pixel, from the grid spacing.
    let scale = Infinity;
    for (let j = 0; j < G; j++) {
      for (let i = 0; i < G; i++) {
        const k = j * gw + i;
        const dx = Math.hypot(gc[k + 1]! - gc[k]!, gr[k + 1]! - gr[k]!) / (width / G);
        const dy = Math.hypot(gc[k + gw]! - gc[k]!, gr[k + gw]! - gr[k]!) / (height / G);
        if (Number.isFinite(dx) && Number.isFinite(dy)) scale = Math.min(scale, Math.min(dx, dy));
      }
    }
    if (!Number.isFinite(scale)) return null;
    // Quick reject: the footprint in source pixels.
    let c0 = Infinity, c1 = -Infinity, r0 = Infinity, r1 = -Infinity;
    for (let k = 0; k < gc.length; k++) {
      if (!Number.isFinite(gc[k]!) || !Number.isFinite(gr[k]!)) continue;
      c0 = Math.min(c0, gc[k]!); c1 = Math.max(c1, gc[k]!); r0 = Math.min(r0, gr[k]!); r1 = Math.max(r1, gr[k]!);
    }
    const W = this.source.width, H = this.source.height;
    if (c1 < 0 || r1 < 0 || c0 >= W || r0 >= H) return null;
    const level = await this.#levelFor(scale, signal);
    const grid = coarse.refine(0.125 * Math.min(level.fx, level.fy));
    if (grid !== coarse) {
      // The footprint of the grid actually used: a finer grid's points, or (exact transform) the
      // whole level, since pixels may then fall outside every grid point's hull.
      if (grid.cells === 0) {
        c0 = 0; r0 = 0; c1 = W; r1 = H;
      } else {
        const { cols, rows } = grid.points;
        c0 = Infinity; c1 = -Infinity; r0 = Infinity; r1 = -Infinity;
        for (let k = 0; k < cols.length; k++) {
          c0 = Math.min(c0, cols[k]!); c1 = Math.max(c1, cols[k]!); r0 = Math.min(r0, rows[k]!); r1 = Math.max(r1, rows[k]!);
        }
      }
    }
    // Window in level pixels.
    const lc0 = Math.max(0, Math.floor(Math.max(0, c0) / level.fx) - 1);
    const lr0 = Math.max(0, Math.floor(Math.max(0, r0) / level.fy) - 1);
    const lc1 = Math.min(level.width, Math.ceil(Math.min(W, c1) / level.fx) + 1);
    const lr1 = Math.min(level.height, Math.ceil(Math.min(H, r1) / level.fy) + 1);
    if (lc1 <= lc0 || lr1 <= lr0) return null;
    const win = await this.#readLevel(level, lc0, lr0, lc1, lr1, signal);
    // From here on synchronous: the scratch rows and index are shared by every render of this pyramid.
    const n = width * height;
    const mask = new Uint8Array(n);
    const scratch = this.#scratch(width, n);
    if (sampleIndex(grid, width, height, level, W, H, win, scratch, mask) === 0) return null;
    const idx = scratch.idx;
    const Ctor = this.dtype === "float32" ? Float32Array : arrayTypeFor(this.dtype as DType) as unknown as Float32ArrayConstructor;
    const float = this.dtype === "float32";
    const out = this.bands.map((_, b) => {
      const dst = new Ctor(n);
      gather(win.bands[b]!, dst, idx, n, mask, this.#nodata[b] ?? null, float);
      return dst;
    });
    let valid = 0;
    for (let o = 0; o < n; o++) valid += mask[o]!;
    if (valid === 0) return null;
    return { width, height, dtype: this.dtype, bands: out, mask: valid === n ? null : mask };
  }

  #scratchIdx = new Int32Array(0);
  #scratchCols = new Float64Array(0);
  #scratchRows = new Float64Array(0);

  #scratch(width: number, n: number): { idx: Int32Array; cols: Float64Array; rows: Float64Array } {
    if (this.#scratchIdx.length < n) this.#scratchIdx = new Int32Array(n);
    if (this.#scratchCols.length < width) {
      this.#scratchCols = new Float64Array(width);
      this.#scratchRows = new Float64Array(width);
    }
    return { idx: this.#scratchIdx, cols: this.#scratchCols, rows: this.#scratchRows };
  }

  /** Values of every source band at full-resolution pixel (col, row), or null outside. */
  async valuesAt(col: number, row: number, signal?: AbortSignal): Promise<number[] | null> {
    const c = Math.floor(col), r = Math.floor(row);
    if (c < 0 || r < 0 || c >= this.source.width || r >= this.source.height) return null;
    const px = await this.source.read({ window: { col: c, row: r, width: 1, height: 1 }, ...(signal ? { signal } : {}) });
    return Array.from({ length: px.count }, (_, i) => Number(px.band(i + 1)[0]));
  }

  /**
   * A small sample of the layer's data bands (the first level at most `maxSize` pixels on its long
   * side), for percentile stretches and histograms.
   */
  async sample(maxSize = 1024, signal?: AbortSignal): Promise<{ bands: BandArray[]; nodata: (number | null)[] }> {
    const scale = Math.max(this.source.width, this.source.height) / maxSize;
    const level = await this.#levelFor(Math.max(1, scale), signal);
    const win = await this.#readLevel(level, 0, 0, level.width, level.height, signal);
    return { bands: win.bands, nodata: this.#nodata };
  }

  async #levelFor(scale: number, signal?: AbortSignal): Promise<Level> {
    // The coarsest existing level whose pixels are no bigger than the output's.
    const fits = (l: Level) => Math.max(l.fx, l.fy) <= scale * 1.0001;
    let best = this.#levels[0]!;
    for (const l of this.#levels) if (fits(l) && l.fx > best.fx) best = l;
    // Build 2× levels while a coarser one would still fit (keeps a level's pixel ≤ output pixel).
    while (best.fx * 2 <= scale * 1.0001 && Math.min(best.width, best.height) >= 2) {
      const next = await this.#build(best, signal);
      best = next;
    }
    return best;
  }

  async #build(from: Level, signal?: AbortSignal): Promise<Level> {
    const done = this.#children.get(from);
    if (done) return done;
    let p = this.#building.get(from);
    if (!p) {
      p = this.#doBuild(from, signal).finally(() => this.#building.delete(from));
      this.#building.set(from, p);
    }
    return p;
  }

  async #doBuild(from: Level, signal?: AbortSignal): Promise<Level> {
    const w = Math.floor(from.width / 2), h = Math.floor(from.height / 2);
    const Ctor = arrayTypeFor(this.source.dtype);
    const outs = this.bands.map(() => new Ctor(w * h));
    const nod = this.#nodata;
    const round = this.dtype !== "float32";
    // Row strips of about 8 MB, a whole number of the source's blocks high when reading the source.
    const bh = from.kind === "source" ? ((this.source as { blockSize?: { height: number } }).blockSize?.height ?? 256) : 256;
    const rows = Math.max(2, Math.floor((8 * 1024 * 1024) / Math.max(1, from.width * this.bands.length)));
    const strip = Math.max(2, rows >= bh ? Math.floor(rows / bh) * bh : rows) & ~1;
    for (let r0 = 0; r0 < h * 2; r0 += strip) {
      signal?.throwIfAborted();
      const r1 = Math.min(h * 2, r0 + strip);
      const win = await this.#readLevel(from, 0, r0, w * 2, r1, signal);
      for (let b = 0; b < outs.length; b++) {
        const src = win.bands[b]!, dst = outs[b]!, nd = nod[b];
        const sw = win.width;
        const plain = nd === null && round;
        for (let y = r0 / 2; y < r1 / 2; y++) {
          const sr = (y * 2 - win.row) * sw - win.col;
          const o = y * w;
          if (plain) {
            // Integer data without nodata: every value counts (the common case, kept allocation-free).
            for (let x = 0; x < w; x++) {
              const s = sr + x * 2;
              dst[o + x] = (src[s]! + src[s + 1]! + src[s + sw]! + src[s + sw + 1]! + 2) >> 2;
            }
            continue;
          }
          for (let x = 0; x < w; x++) {
            const s = sr + x * 2;
            let sum = 0, cnt = 0;
            const a = src[s]!, b = src[s + 1]!, c = src[s + sw]!, d = src[s + sw + 1]!;
            if (valid(a, nd)) { sum += a; cnt++; }
            if (valid(b, nd)) { sum += b; cnt++; }
            if (valid(c, nd)) { sum += c; cnt++; }
            if (valid(d, nd)) { sum += d; cnt++; }
            dst[o + x] = cnt === 0 ? (nd ?? Number.NaN) : round ? Math.round(sum / cnt) : sum / cnt;
          }
        }
      }
    }
    const level: Level = { fx: from.fx * (from.width / w), fy: from.fy * (from.height / h), width: w, height: h, kind: "built", data: outs };
    this.#levels.push(level);
    this.#children.set(from, level);
    return level;
  }

  /** Read level pixels [c0,c1)×[r0,r1); the result may start before c0/r0 (overview rounding). */
  async #readLevel(level: Level, c0: number, r0: number, c1: number, r1: number, signal?: AbortSignal): Promise<{ col: number; row: number; width: number; height: number; bands: BandArray[] }> {
    if (level.kind === "built") {
      return { col: 0, row: 0, width: level.width, height: level.height, bands: level.data! };
    }
    if (level.kind === "source") {
      const r = await this.source.read({ window: { col: c0, row: r0, width: c1 - c0, height: r1 - r0 }, bands: this.bands, cache: true, ...(signal ? { signal } : {}) });
      return { col: c0, row: r0, width: r.width, height: r.height, bands: this.bands.map((_, i) => r.band(i + 1)) };
    }
    const W = this.source.width, H = this.source.height;
    const fc0 = Math.max(0, Math.floor(c0 * level.fx)), fr0 = Math.max(0, Math.floor(r0 * level.fy));
    const fc1 = Math.min(W, Math.ceil(c1 * level.fx)), fr1 = Math.min(H, Math.ceil(r1 * level.fy));
    const r = await this.source.read({ window: { col: fc0, row: fr0, width: fc1 - fc0, height: fr1 - fr0 }, bands: this.bands, overview: level.overview!, cache: true, ...(signal ? { signal } : {}) });
    return { col: Math.floor(fc0 / level.fx), row: Math.floor(fr0 / level.fy), width: r.width, height: r.height, bands: this.bands.map((_, i) => r.band(i + 1)) };
  }
}
