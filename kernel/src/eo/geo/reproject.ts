/**
 * `reproject`: warp a raster onto another grid (another CRS and/or resolution, or exactly the grid
 * of another raster) with nearest, bilinear or average resampling, as gdalwarp does.
 * @module
 */
import { describeValue } from "../../util/describe-value.js";
import { interruptSignal } from "../progress.js";
import { Raster } from "../raster/raster.js";
import { arrayTypeFor, isComplex, type BandArray, type Bounds, type DType, type GeoTransform, type RasterSourceLike } from "../raster/types.js";
import { CrsError, invertGeoTransform, toCrs, transformer, type CrsLike } from "./crs.js";

/** A target grid: size, geotransform and CRS (a Raster or RasterSource is one). */
export interface GridLike {
  readonly width: number;
  readonly height: number;
  readonly transform: GeoTransform;
  readonly crs: import("../raster/types.js").CRS;
}

/** Options of {@link reproject}. */
export interface ReprojectOptions {
  /** Target CRS; default the `like` grid's CRS, else the source CRS. */
  crs?: CrsLike;
  /** Target pixel size in target CRS units (one number = square); default as gdalwarp suggests (source diagonal preserved). */
  resolution?: number | [number, number];
  /** Align exactly to this grid (size, transform, CRS); overrides crs/resolution/bounds. */
  like?: GridLike;
  /** Target extent in target CRS units; default the transformed source bounds. */
  bounds?: Bounds;
  /** Resampling: "nearest" (default), "bilinear" or "average" (area-weighted mean, nodata-aware). */
  resampling?: "nearest" | "bilinear" | "average";
  /** Output nodata; default the source band's nodata, else NaN for floats and 0 for integers. */
  nodata?: number;
  /** Target columns between exact proj4 transforms, linear in between (like gdalwarp's approximate transformer); 1 = exact; default 8. */
  exactEvery?: number;
  /** Aborts the work (checked between rows). */
  signal?: AbortSignal;
  /**
   * Largest memory the warp may take, in bytes: the output bands plus the source coordinates of every
   * target pixel (16 bytes each). Default {@link REPROJECT_MAX_BYTES} (8 GiB: a Sentinel-2 tile at 10 m
   * takes ~2.2 GiB). A resolution or bounds in the wrong units (degrees for metres) asks for millions of
   * times more; this budget turns that into an error instead of a frozen kernel.
   */
  maxBytes?: number;
}

/** The default {@link ReprojectOptions.maxBytes}: 8 GiB. */
export const REPROJECT_MAX_BYTES = 8 * 2 ** 30;

const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 4294967295], int32: [-2147483648, 2147483647],
};

function targetGrid(src: GridLike, o: ReprojectOptions): GridLike {
  if (o.like) return { width: o.like.width, height: o.like.height, transform: o.like.transform, crs: toCrs(o.like.crs) };
  const dstCrs = toCrs(o.crs ?? src.crs);
  const fwd = transformer(src.crs, dstCrs).forward;
  const t = src.transform;
  let b = o.bounds;
  const pts: [number, number][] = [];
  const n = 20;
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    for (const [c, r] of [[f * src.width, 0], [f * src.width, src.height], [0, f * src.height], [src.width, f * src.height]] as const) {
      const p = fwd(t[0] + c * t[1] + r * t[2], t[3] + c * t[4] + r * t[5]);
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) pts.push(p);
    }
  }
  if (!b) {
    if (pts.length === 0) throw new CrsError(o.crs, "the source bounds do not transform into the target CRS (outside its area of use).");
    b = { minX: Math.min(...pts.map((p) => p[0])), minY: Math.min(...pts.map((p) => p[1])), maxX: Math.max(...pts.map((p) => p[0])), maxY: Math.max(...pts.map((p) => p[1])) };
  }
  let rx: number;
  let ry: number;
  if (o.resolution !== undefined) [rx, ry] = typeof o.resolution === "number" ? [o.resolution, o.resolution] : o.resolution;
  else {
    const a = fwd(t[0], t[3]);
    const z = fwd(t[0] + src.width * t[1] + src.height * t[2], t[3] + src.width * t[4] + src.height * t[5]);
    const res = Math.hypot(z[0] - a[0], z[1] - a[1]) / Math.hypot(src.width, src.height);
    rx = ry = res;
  }
  const width = Math.max(1, Math.round((b.maxX - b.minX) / rx));
  const height = Math.max(1, Math.round((b.maxY - b.minY) / ry));
  return { width, height, transform: [b.minX, rx, 0, b.maxY, 0, -ry], crs: dstCrs };
}

/**
 * Checks the options that size the target grid and its transform sampling: a NaN among them made
 * the column loop never end, zero or infinite sizes asked for arrays that cannot exist.
 */
function checkGridOptions(o: ReprojectOptions): void {
  const e = o.exactEvery;
  if (e !== undefined && !(typeof e === "number" && e >= 1)) {
    throw new CrsError(o.crs, `exactEvery must be a number ≥ 1 (target columns between exact transforms; 1 = exact, default 8), got ${describeValue(e)}.`);
  }
  if (o.like !== undefined) {
    const { width, height, transform } = o.like;
    if (![width, height].every((v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 1)) {
      throw new CrsError(o.like.crs, `like must be a grid of positive whole width and height (e.g. a Raster), got width ${describeValue(width)} and height ${describeValue(height)}.`);
    }
    const t = transform as ArrayLike<unknown> | null | undefined;
    if (t === null || typeof t !== "object" || t.length !== 6 || !Array.from(t).every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new CrsError(o.like.crs, `like.transform must be 6 finite numbers (a GDAL geotransform), got ${describeValue(t)}.`);
    }
    return;
  }
  if (o.resolution !== undefined) {
    const r = o.resolution;
    const parts = typeof r === "number" ? [r] : Array.isArray(r) && r.length === 2 ? r : undefined;
    if (!parts || !parts.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new CrsError(o.crs, `resolution must be a finite pixel size > 0 in target CRS units, or [x, y] sizes, got ${describeValue(r)}.`);
    }
  }
  if (o.bounds !== undefined) {
    const b = o.bounds;
    const vals = b === null || typeof b !== "object" ? [] : [b.minX, b.minY, b.maxX, b.maxY];
    if (vals.length !== 4 || !vals.every((v) => typeof v === "number" && Number.isFinite(v)) || !(b.maxX > b.minX && b.maxY > b.minY)) {
      throw new CrsError(o.crs, `bounds must be finite numbers { minX, minY, maxX, maxY } in target CRS units with minX < maxX and minY < maxY, got ${describeValue(b)}.`);
    }
  }
}

/** Refuses a target grid whose output and coordinate grids would take more than maxBytes (see {@link ReprojectOptions.maxBytes}). */
function checkWarpSize(source: RasterSourceLike, dst: GridLike, corners: boolean, o: ReprojectOptions): void {
  const budget = o.maxBytes ?? REPROJECT_MAX_BYTES;
  if (typeof budget !== "number" || !(budget > 0)) throw new CrsError(o.crs, `maxBytes must be a number of bytes > 0, got ${describeValue(budget)}.`);
  const { width: W, height: H } = dst;
  const bytes = (corners ? (W + 1) * (H + 1) : W * H) * 16 + W * H * source.count * arrayTypeFor(source.dtype).BYTES_PER_ELEMENT;
  if (bytes <= budget) return;
  const def = dst.crs.proj4 ?? "";
  const units = /\+proj=longlat\b/.test(def) ? " (degrees)" : /\+units=m\b/.test(def) ? " (metres)" : "";
  const gib = (n: number): string => `${(n / 2 ** 30).toFixed(n < 2 ** 30 ? 3 : 1)} GiB`;
  throw new CrsError(dst.crs,
    `reproject would make a ${W}×${H} grid of ${source.count} band(s), ${gib(bytes)} with its coordinates, over maxBytes ${gib(budget)}. ` +
    `Check that resolution [${dst.transform[1]}, ${-dst.transform[5]}]${o.bounds ? " and bounds are" : " is"} in the target CRS's units${units}; raise maxBytes for a warp this large.`);
}

/**
 * Reproject (warp) a raster onto a target grid. Source pixels are located for each target pixel
 * centre through proj4 (exactly every 8th column, linearly in between, like gdalwarp's approximate
 * transformer); values outside the source become nodata.
 * @param source a Raster or a RasterSource (only the part covering the target is read).
 * @throws {CrsError} when a CRS is unknown, or exactEvery, like, resolution or bounds cannot make a grid
 * (not numbers, NaN, zero or infinite sizes, inverted bounds).
 * @example
 * ```ts
 * const dem = await openRaster("data/olinda/olinda_dem_utm25s.tif");
 * const ll = await reproject(dem, { crs: 4326, resampling: "bilinear" });
 * const aligned = await reproject(dem, { like: await openRaster("data/olinda/L7_ETMs.tif") });
 * ```
 */
export async function reproject(source: RasterSourceLike, options: ReprojectOptions = {}): Promise<Raster> {
  if (isComplex(source.dtype)) throw new CrsError(options.crs, `reproject does not resample complex (${source.dtype}) data; take amplitude() or intensity() first.`);
  checkGridOptions(options);
  const signal = options.signal ?? interruptSignal();
  const dst = targetGrid(source, options);
  const mode = options.resampling ?? "nearest";
  checkWarpSize(source, dst, mode === "average", options);
  const { inverse } = transformer(source.crs, dst.crs);
  const srcInv = invertGeoTransform(source.transform);
  const dt = dst.transform;
  const W = dst.width;
  const H = dst.height;
  // source pixel coordinates of target pixel corners (average) or centres
  const corner = mode === "average";
  const gw = corner ? W + 1 : W;
  const gh = corner ? H + 1 : H;
  const sxs = new Float64Array(gw * gh);
  const sys = new Float64Array(gw * gh);
  const off = corner ? 0 : 0.5;
  const step = Math.max(1, Math.floor(options.exactEvery ?? 8));
  const mapPoint = (c: number, r: number): [number, number] => {
    const x = dt[0] + (c + off) * dt[1] + (r + off) * dt[2];
    const y = dt[3] + (c + off) * dt[4] + (r + off) * dt[5];
    const [sx, sy] = inverse(x, y);
    return [srcInv[0] + sx * srcInv[1] + sy * srcInv[2], srcInv[3] + sx * srcInv[4] + sy * srcInv[5]];
  };
  for (let r = 0; r < gh; r++) {
    let prevC = 0;
    let prev = mapPoint(0, r);
    sxs[r * gw] = prev[0]; sys[r * gw] = prev[1];
    for (let c = step; ; c += step) {
      const cc = Math.min(c, gw - 1);
      if (cc <= prevC) break;
      const p = mapPoint(cc, r);
      for (let k = prevC + 1; k <= cc; k++) {
        const f = (k - prevC) / (cc - prevC);
        sxs[r * gw + k] = prev[0] + (p[0] - prev[0]) * f;
        sys[r * gw + k] = prev[1] + (p[1] - prev[1]) * f;
      }
      prevC = cc;
      prev = p;
    }
    if (r % 64 === 0) signal?.throwIfAborted();
  }
  // read only the source window that is needed
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < sxs.length; i++) {
    const x = sxs[i]!, y = sys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  const c0 = Math.max(0, Math.floor(minX) - 2);
  const r0 = Math.max(0, Math.floor(minY) - 2);
  const c1 = Math.min(source.width, Math.ceil(maxX) + 2);
  const r1 = Math.min(source.height, Math.ceil(maxY) + 2);
  const C = arrayTypeFor(source.dtype);
  const range = RANGE[source.dtype];
  const isFloat = range === undefined;
  const bands = Array.from({ length: source.count }, (_, i) => i + 1);
  const outNodata = bands.map((b) => options.nodata ?? source.nodata[b - 1] ?? (isFloat ? NaN : 0));
  const out: BandArray[] = bands.map((_, i) => new C(W * H).fill(outNodata[i]!));
  if (c1 > c0 && r1 > r0) {
    const win = await source.read({ window: { col: c0, row: r0, width: c1 - c0, height: r1 - r0 }, signal });
    const sw = win.width;
    const sh = win.height;
    bands.forEach((b, bi) => {
      const s = win.band(bi + 1);
      const nd = source.nodata[b - 1];
      const valid = (v: number) => !Number.isNaN(v) && (nd === null || nd === undefined || v !== nd);
      const o = out[bi]!;
      const put = (i: number, v: number) => {
        o[i] = range ? Math.min(range[1], Math.max(range[0], Math.floor(v + 0.5))) : v;
      };
      for (let r = 0; r < H; r++) {
        if (r % 64 === 0) signal?.throwIfAborted();
        for (let c = 0; c < W; c++) {
          const i = r * W + c;
          if (mode === "average") {
            const a = r * gw + c, b = a + 1, d = a + gw, e = d + 1;
            const x0 = Math.min(sxs[a]!, sxs[b]!, sxs[d]!, sxs[e]!) - c0, x1 = Math.max(sxs[a]!, sxs[b]!, sxs[d]!, sxs[e]!) - c0;
            const y0 = Math.min(sys[a]!, sys[b]!, sys[d]!, sys[e]!) - r0, y1 = Math.max(sys[a]!, sys[b]!, sys[d]!, sys[e]!) - r0;
            if (!(x1 > 0 && y1 > 0 && x0 < sw && y0 < sh)) continue;
            let sum = 0, wsum = 0;
            for (let yy = Math.max(0, Math.floor(y0)); yy < Math.min(sh, Math.ceil(y1)); yy++) {
              const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
              if (wy <= 0) continue;
              for (let xx = Math.max(0, Math.floor(x0)); xx < Math.min(sw, Math.ceil(x1)); xx++) {
                const wx = Math.min(xx + 1, x1) - Math.max(xx, x0);
                const v = s[yy * sw + xx]!;
                if (wx <= 0 || !valid(v)) continue;
                sum += v * wx * wy;
                wsum += wx * wy;
              }
            }
            if (wsum > 0) put(i, sum / wsum);
            continue;
          }
          const sx = sxs[r * gw + c]! - c0;
          const sy = sys[r * gw + c]! - r0;
          if (!(sx >= 0 && sy >= 0 && sx < sw && sy < sh) || sx + c0 >= source.width || sy + r0 >= source.height) continue;
          if (mode === "nearest") {
            const v = s[Math.floor(sy) * sw + Math.floor(sx)]!;
            if (valid(v)) o[i] = v;
            continue;
          }
          const ix = Math.floor(sx - 0.5);
          const iy = Math.floor(sy - 0.5);
          const dx = sx - 0.5 - ix;
          const dy = sy - 0.5 - iy;
          let sum = 0, wsum = 0;
          for (let k = 0; k < 4; k++) {
            const xx = ix + (k & 1);
            const yy = iy + (k >> 1);
            if (xx < 0 || yy < 0 || xx >= sw || yy >= sh) continue;
            const v = s[yy * sw + xx]!;
            if (!valid(v)) continue;
            const w = (k & 1 ? dx : 1 - dx) * (k >> 1 ? dy : 1 - dy);
            sum += v * w;
            wsum += w;
          }
          if (wsum > 0) put(i, sum / wsum);
        }
      }
    });
  }
  return new Raster({
    width: W, height: H, dtype: source.dtype, bands: out, transform: dst.transform, crs: dst.crs,
    nodata: outNodata, descriptions: source.descriptions,
  });
}

