/**
 * `writeRaster`: write a {@link Raster} as a tiled GeoTIFF or a Cloud-Optimized GeoTIFF (with
 * overviews), keeping georeference, nodata and band descriptions, readable by GDAL.
 * @module
 */
import { stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { deflate } from "node:zlib";
import { promisify } from "node:util";
import { RasterWriteError } from "./errors.js";
import { Raster } from "./raster.js";
import { Tag } from "./tiff-ifd.js";
import { arrayTypeFor, isComplex, type BandArray, type CRS, type DType } from "./types.js";
import { isGeographicEpsg } from "../geo/epsg.js";
import { describeValue } from "../../util/describe-value.js";

const deflateAsync = promisify(deflate);

/** Options of {@link writeRaster}. */
export interface WriteRasterOptions {
  /** Compression; default "deflate". */
  compress?: "deflate" | "zstd" | "none";
  /** Compression level: DEFLATE 1–9 (default 6), ZSTD 1–22 (default 9, as GDAL). */
  level?: number;
  /** TIFF predictor: 1 none, 2 horizontal (integers), 3 floating point (floats); default 2 for integers, 3 for floats, 1 for complex. */
  predictor?: 1 | 2 | 3;
  /** Tile width and height (multiple of 16); default 256 (512 for COG). */
  tileSize?: number;
  /** Write a Cloud-Optimized GeoTIFF: internal overviews (halving until they fit one tile), IFDs first, smallest overview data first; default false. */
  cog?: boolean;
  /** Overview resampling for COGs: "average" (nodata-aware mean; integers rounded) or "nearest"; default "average", "nearest" for uint8 single band with a colormap-like use. */
  overviewResampling?: "average" | "nearest";
  /** Aborts writing. */
  signal?: AbortSignal;
}

interface Level {
  width: number;
  height: number;
  bands: BandArray[];
}

const SAMPLE_FORMAT: Record<DType, number> = {
  uint8: 1, uint16: 1, uint32: 1, int8: 2, int16: 2, int32: 2, float32: 3, float64: 3, cint16: 5, cint32: 5, cfloat32: 6, cfloat64: 6,
};

/** A guess of the EPSG code of a proj4 string for WGS 84 UTM / longlat (as GeoTIFF needs a code). */
export function proj4ToEpsg(proj4def: string): number | undefined {
  const p = ` ${proj4def} `;
  const wgs84 = / \+datum=WGS84 /.test(p) || / \+ellps=WGS84 /.test(p) || (/ \+a=6378137 /.test(p) && / \+rf=298\.25722356/.test(p));
  const utm = / \+proj=utm /.test(p) ? /\+zone=(\d+)/.exec(p) : null;
  if (utm && wgs84) return (/ \+south /.test(p) ? 32700 : 32600) + Number(utm[1]);
  if (/ \+proj=longlat /.test(p) && wgs84) return 4326;
  return undefined;
}

function epsgOf(crs: CRS): number | undefined {
  return crs.epsg ?? (crs.proj4 ? proj4ToEpsg(crs.proj4) : undefined);
}

function downsample(src: BandArray, w: number, h: number, dtype: DType, nodata: number | null, mode: "average" | "nearest"): { data: BandArray; width: number; height: number } {
  const W = Math.ceil(w / 2);
  const H = Math.ceil(h / 2);
  const comp = isComplex(dtype) ? 2 : 1;
  const C = arrayTypeFor(dtype);
  const out = new C(W * H * comp);
  const isInt = !dtype.includes("float");
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < comp; c++) {
        if (mode === "nearest") { out[(y * W + x) * comp + c] = src[((2 * y) * w + 2 * x) * comp + c]!; continue; }
        let sum = 0;
        let n = 0;
        for (let dy = 0; dy < 2; dy++) {
          const yy = 2 * y + dy;
          if (yy >= h) continue;
          for (let dx = 0; dx < 2; dx++) {
            const xx = 2 * x + dx;
            if (xx >= w) continue;
            const v = src[(yy * w + xx) * comp + c]!;
            if (Number.isNaN(v) || (nodata !== null && v === nodata)) continue;
            sum += v;
            n++;
          }
        }
        out[(y * W + x) * comp + c] = n === 0 ? (nodata ?? 0) : isInt ? Math.round(sum / n) : sum / n;
      }
    }
  }
  return { data: out, width: W, height: H };
}

function encodeFloatPredictor(le: Uint8Array, rows: number, width: number, bytesPer: number): Uint8Array {
  const rowBytes = width * bytesPer;
  const out = new Uint8Array(le.length);
  for (let r = 0; r < rows; r++) {
    const src = le.subarray(r * rowBytes, (r + 1) * rowBytes);
    const tmp = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let c = 0; c < width; c++) for (let k = 0; k < bytesPer; k++) tmp[(bytesPer - k - 1) * width + c] = src[c * bytesPer + k]!;
    for (let i = rowBytes - 1; i >= 1; i--) tmp[i] = (tmp[i]! - tmp[i - 1]!) & 0xff;
  }
  return out;
}

async function encodeTile(band: BandArray, w: number, h: number, tx: number, ty: number, ts: number, dtype: DType, predictor: number, compress: string, level: number): Promise<Uint8Array> {
  const comp = isComplex(dtype) ? 2 : 1;
  const C = arrayTypeFor(dtype);
  const tile = new C(ts * ts * comp);
  const x0 = tx * ts;
  const y0 = ty * ts;
  const cw = Math.min(ts, w - x0);
  for (let r = 0; r < ts && y0 + r < h; r++) {
    const s = ((y0 + r) * w + x0) * comp;
    tile.set(band.subarray(s, s + cw * comp) as never, r * ts * comp);
  }
  if (predictor === 2) {
    for (let r = 0; r < ts; r++) {
      const o = r * ts;
      for (let i = o + ts - 1; i > o; i--) tile[i] = tile[i]! - tile[i - 1]!;
    }
  }
  let bytes = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
  if (predictor === 3) bytes = encodeFloatPredictor(bytes, ts, ts, C.BYTES_PER_ELEMENT);
  if (compress === "none") return bytes;
  if (compress === "zstd") return (await zstdEncoder())(bytes, level);
  const z = await deflateAsync(bytes, { level });
  return new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
}

let zstd: Promise<(b: Uint8Array, level: number) => Uint8Array> | undefined;

/** The ZSTD compressor (zstd-codec, WebAssembly), loaded on first use. */
function zstdEncoder(): Promise<(b: Uint8Array, level: number) => Uint8Array> {
  zstd ??= import("zstd-codec").then((m) => new Promise((resolve) => {
    const codec = (m as unknown as { ZstdCodec?: ZstdCodecModule; default?: { ZstdCodec: ZstdCodecModule } }).ZstdCodec ?? (m as unknown as { default: { ZstdCodec: ZstdCodecModule } }).default.ZstdCodec;
    codec.run((z) => { const simple = new z.Simple(); resolve((b, level) => simple.compress(b, level)); });
  }));
  return zstd;
}

interface ZstdCodecModule {
  run(cb: (zstd: { Simple: new () => { compress(b: Uint8Array, level: number): Uint8Array } }) => void): void;
}

type Entry = { tag: number; type: number; values: number[] | Uint8Array | string };

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function gdalMetadataXml(r: Raster): string | undefined {
  // escaped twice, as GDAL writes (and reads) GDAL_METADATA item values
  const items = r.descriptions.map((d, i) => d ? `  <Item name="DESCRIPTION" sample="${i}" role="description">${escapeXml(escapeXml(d))}</Item>` : "").filter(Boolean);
  return items.length ? `<GDALMetadata>\n${items.join("\n")}\n</GDALMetadata>` : undefined;
}

/** ASCII tags hold UTF-8 bytes, as GDAL writes and reads GDAL_METADATA (was: each UTF-16 unit cut to 8 bits). */
function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 4294967295], int32: [-2147483648, 2147483647],
};

/** Why `nd` cannot be the nodata of a `dtype` band, or undefined when it can. */
function nodataProblem(nd: number, dtype: DType): string | undefined {
  const range = INT_RANGE[dtype];
  if (range) {
    if (!Number.isInteger(nd) || nd < range[0] || nd > range[1]) {
      return `${nodataString(nd)} cannot be stored in ${dtype} (integers ${range[0]}..${range[1]}): no pixel could ever equal it`;
    }
  } else if ((dtype === "float32" || dtype === "cfloat32") && Number.isFinite(nd) && !Number.isFinite(Math.fround(nd))) {
    return `${nd} is beyond the float32 range (±3.4e38): GDAL would read it as ${Math.fround(nd)}`;
  }
  return undefined;
}

function checkOptions(raster: Raster, options: WriteRasterOptions, name: string): void {
  if (!(raster instanceof Raster)) {
    throw new RasterWriteError(name, `writeRaster needs a Raster, got ${describeValue(raster)}. ` +
      "Read a source first (await source.read()) or build one with new Raster({ width, height, dtype, bands }).");
  }
  if (options === null || typeof options !== "object") {
    throw new RasterWriteError(name, `options must be an object such as { cog: true, compress: "deflate" }, got ${describeValue(options)}.`);
  }
  const { compress = "deflate", level, predictor, tileSize, overviewResampling } = options;
  if (!["deflate", "zstd", "none"].includes(compress)) throw new RasterWriteError(name, `unknown compression ${JSON.stringify(compress)}: use "deflate", "zstd" or "none".`);
  if (level !== undefined && compress !== "none") {
    const [lo, hi] = compress === "zstd" ? [1, 22] : [0, 9];
    if (typeof level !== "number" || !Number.isInteger(level) || level < lo || level > hi) {
      throw new RasterWriteError(name, `level ${JSON.stringify(level)} does not fit ${compress}: use an integer ${lo}–${hi} (default ${compress === "zstd" ? 9 : 6}).`);
    }
  }
  if (predictor !== undefined && predictor !== 1 && predictor !== 2 && predictor !== 3) {
    throw new RasterWriteError(name, `predictor must be the number 1 (none), 2 (horizontal, integers) or 3 (floating point), got ${JSON.stringify(predictor)}.`);
  }
  if (tileSize !== undefined && (typeof tileSize !== "number" || !Number.isInteger(tileSize) || tileSize % 16 !== 0 || tileSize <= 0 || tileSize > 65520)) {
    throw new RasterWriteError(name, `tileSize must be a positive multiple of 16 up to 65520 (TIFF stores it in 16 bits), got ${JSON.stringify(tileSize)}.`);
  }
  if (overviewResampling !== undefined && overviewResampling !== "average" && overviewResampling !== "nearest") {
    throw new RasterWriteError(name, `overviewResampling must be "average" or "nearest", got ${JSON.stringify(overviewResampling)}.`);
  }
  if (raster.count > 65535) {
    throw new RasterWriteError(name, `a GeoTIFF holds at most 65535 bands (SamplesPerPixel is 16 bits), this raster has ${raster.count}. Write the bands in several files.`);
  }
  const nds = raster.nodata.map((v) => v ?? null);
  const first = nds[0] ?? null;
  nds.forEach((v, i) => {
    if (!Object.is(v, first) && !(v !== null && first !== null && v === first)) {
      throw new RasterWriteError(name, `band ${i + 1} has nodata ${v === null ? "none" : nodataString(v)} but band 1 has ${first === null ? "none" : nodataString(first)}; ` +
        "a GeoTIFF stores one nodata value for all bands (GDAL_NODATA), so the file would give every band band 1's. Use one nodata value for all bands, or write the bands to separate files.");
    }
  });
  if (first !== null) {
    const problem = nodataProblem(first, raster.dtype);
    if (problem) {
      throw new RasterWriteError(name, `nodata ${problem}. Pick a nodata value the ${raster.dtype} type can hold, convert the raster to a type that holds it (e.g. float32 for NaN), or pass nodata: null.`);
    }
  }
  const epsg = epsgOf(raster.crs);
  if (epsg !== undefined && epsg > 65535) {
    throw new RasterWriteError(name, `EPSG code ${epsg} cannot be stored in GeoTIFF keys (16-bit values, codes up to 65535). Reproject to a CRS with a smaller code.`);
  }
  if (epsg === undefined && (raster.crs.wkt !== undefined || raster.crs.proj4 !== undefined)) {
    throw new RasterWriteError(name, "this raster's CRS has no EPSG code (only " +
      `${raster.crs.proj4 !== undefined ? `proj4 "${raster.crs.proj4}"` : "a WKT"}), and writeRaster stores CRSs as EPSG codes: the file would have no CRS. ` +
      "Give the raster its EPSG code (crs: { epsg: … }), or write it without a CRS by building it with crs: {}.");
  }
}

function nodataString(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return String(v);
}

/**
 * Write `raster` to `path` as a tiled GeoTIFF (default) or a COG with overviews.
 * Band-interleaved, little-endian, classic TIFF (BigTIFF beyond 4 GiB). Georeference (EPSG code
 * GeoKeys; a proj4-only CRS is written when it is WGS 84 UTM/longlat), nodata (GDAL_NODATA: one
 * value for all bands, as in GDAL's GeoTIFF driver) and band descriptions (GDAL_METADATA, UTF-8)
 * are kept.
 * @throws {RasterWriteError} when options do not fit the raster (e.g. predictor 3 on integers, a
 * level out of range), when the file could not keep what the raster has (nodata the data type cannot
 * hold or that differs per band, a CRS without an EPSG code, more than 65535 bands), or when the
 * folder does not exist or the file cannot be written.
 * @example
 * ```ts
 * await writeRaster("prediction.tif", prediction, { cog: true, compress: "deflate" });
 * ```
 */
export async function writeRaster(path: string, raster: Raster, options: WriteRasterOptions = {}): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new RasterWriteError(String(path), `writeRaster needs a file path (a non-empty string) such as "out.tif", got ${JSON.stringify(path) ?? String(path)}.`);
  }
  // check where the file goes before encoding, which can take long
  const dir = dirname(resolve(path));
  const d = await stat(dir).catch(() => undefined);
  if (!d?.isDirectory()) throw new RasterWriteError(path, `${d ? `${dir} is a file, not a folder` : `the folder ${dir} does not exist`}. Create the folder first, e.g. await mkdir(dir, { recursive: true }) from "node:fs/promises".`);
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new RasterWriteError(path, "is a folder. Pass a file path such as folder/out.tif.");
  const bytes = await encodeRaster(raster, options, path);
  options.signal?.throwIfAborted();
  try {
    await writeFile(path, bytes);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "EACCES" || code === "EPERM" || code === "EROFS" ? "no permission to write here (read-only file or folder). Choose a writable path." :
      code === "ENOSPC" ? `the disk is full (${(bytes.length / 2 ** 20).toFixed(1)} MiB to write). Free space or write elsewhere.` :
      `could not be written (${(e as Error).message}).`;
    throw new RasterWriteError(path, why, { cause: e });
  }
}

/** Encode `raster` as GeoTIFF bytes (what {@link writeRaster} writes). */
export async function encodeRaster(raster: Raster, options: WriteRasterOptions = {}, name = "<bytes>"): Promise<Uint8Array> {
  checkOptions(raster, options, name);
  const dtype = raster.dtype;
  const floatish = dtype === "float32" || dtype === "float64";
  const complex = isComplex(dtype);
  const compress = options.compress ?? "deflate";
  // libtiff applies no predictor to uncompressed data
  const predictor = compress === "none" ? 1 : options.predictor ?? (complex ? 1 : floatish ? 3 : 2);
  if (predictor === 3 && !floatish) throw new RasterWriteError(name, `predictor 3 (floating point) needs float32/float64 data, this raster is ${dtype}. Use predictor 2.`);
  if (predictor === 2 && (floatish || complex)) throw new RasterWriteError(name, `predictor 2 needs integer data, this raster is ${dtype}. Use predictor 3 for floats, 1 for complex.`);
  if (!["deflate", "zstd", "none"].includes(compress)) throw new RasterWriteError(name, `unknown compression "${compress}": use "deflate", "zstd" or "none".`);
  const level = options.level ?? (compress === "zstd" ? 9 : 6);
  const ts = options.tileSize ?? (options.cog ? 512 : 256);
  if (!Number.isInteger(ts) || ts % 16 !== 0 || ts <= 0) throw new RasterWriteError(name, `tileSize must be a positive multiple of 16, got ${ts}.`);
  const levels: Level[] = [{ width: raster.width, height: raster.height, bands: Array.from({ length: raster.count }, (_, i) => raster.band(i + 1)) }];
  if (options.cog) {
    const mode = options.overviewResampling ?? "average";
    while (Math.max(levels[levels.length - 1]!.width, levels[levels.length - 1]!.height) > ts) {
      const prev = levels[levels.length - 1]!;
      const bands = prev.bands.map((b, i) => downsample(b, prev.width, prev.height, dtype, raster.nodata[i] ?? null, mode));
      levels.push({ width: bands[0]!.width, height: bands[0]!.height, bands: bands.map((b) => b.data) });
      options.signal?.throwIfAborted();
    }
  }
  // encode all tiles of all levels
  const tiles: Uint8Array[][] = [];
  for (const L of levels) {
    const across = Math.ceil(L.width / ts);
    const down = Math.ceil(L.height / ts);
    const jobs: Promise<Uint8Array>[] = [];
    for (const b of L.bands) for (let ty = 0; ty < down; ty++) for (let tx = 0; tx < across; tx++) {
      jobs.push(encodeTile(b, L.width, L.height, tx, ty, ts, dtype, predictor, compress, level));
    }
    tiles.push(await Promise.all(jobs));
    options.signal?.throwIfAborted();
  }
  const dataBytes = tiles.reduce((s, l) => s + l.reduce((a, t) => a + t.length, 0), 0);
  const bigTiff = dataBytes > 3.9 * 2 ** 30;
  const C = arrayTypeFor(dtype);
  const bits = C.BYTES_PER_ELEMENT * 8 * (complex ? 2 : 1);
  const epsg = epsgOf(raster.crs);
  const t = raster.transform;
  const georef = !(t[0] === 0 && t[1] === 1 && t[2] === 0 && t[3] === 0 && t[4] === 0 && t[5] === 1);
  const nd = raster.nodata[0];
  const xml = gdalMetadataXml(raster);

  const ifdEntries = levels.map((L, li): Entry[] => {
    const across = Math.ceil(L.width / ts);
    const down = Math.ceil(L.height / ts);
    const n = across * down * raster.count;
    const e: Entry[] = [
      { tag: Tag.NewSubfileType, type: 4, values: [li === 0 ? 0 : 1] },
      { tag: Tag.ImageWidth, type: 4, values: [L.width] },
      { tag: Tag.ImageLength, type: 4, values: [L.height] },
      { tag: Tag.BitsPerSample, type: 3, values: new Array(raster.count).fill(bits) },
      { tag: Tag.Compression, type: 3, values: [compress === "none" ? 1 : compress === "zstd" ? 50000 : 8] },
      { tag: Tag.PhotometricInterpretation, type: 3, values: [1] },
      { tag: Tag.SamplesPerPixel, type: 3, values: [raster.count] },
      { tag: Tag.PlanarConfiguration, type: 3, values: [2] },
      { tag: Tag.Predictor, type: 3, values: [predictor] },
      { tag: Tag.TileWidth, type: 3, values: [ts] },
      { tag: Tag.TileLength, type: 3, values: [ts] },
      { tag: Tag.TileOffsets, type: bigTiff ? 16 : 4, values: new Array(n).fill(0) },
      { tag: Tag.TileByteCounts, type: bigTiff ? 16 : 4, values: tiles[li]!.map((x) => x.length) },
      { tag: Tag.SampleFormat, type: 3, values: new Array(raster.count).fill(SAMPLE_FORMAT[dtype]) },
    ];
    if (raster.count > 1) e.push({ tag: Tag.ExtraSamples, type: 3, values: new Array(raster.count - 1).fill(0) });
    if (li === 0) {
      if (georef) {
        if (t[2] === 0 && t[4] === 0) {
          e.push({ tag: Tag.ModelPixelScale, type: 12, values: [t[1], -t[5], 0] });
          e.push({ tag: Tag.ModelTiepoint, type: 12, values: [0, 0, 0, t[0], t[3], 0] });
        } else {
          e.push({ tag: Tag.ModelTransformation, type: 12, values: [t[1], t[2], 0, t[0], t[4], t[5], 0, t[3], 0, 0, 0, 0, 0, 0, 0, 1] });
        }
      }
      if (epsg !== undefined) {
        const geographic = isGeographicEpsg(epsg);
        e.push({ tag: Tag.GeoKeyDirectory, type: 3, values: [1, 1, 0, 3, 1024, 0, 1, geographic ? 2 : 1, 1025, 0, 1, 1, geographic ? 2048 : 3072, 0, 1, epsg] });
      }
      if (xml) e.push({ tag: Tag.GdalMetadata, type: 2, values: xml });
      if (nd !== null && nd !== undefined) e.push({ tag: Tag.GdalNodata, type: 2, values: nodataString(nd) });
    }
    return e.sort((a, b) => a.tag - b.tag);
  });

  // layout: header, IFDs (with their out-of-line values), then tile data from the smallest level to the largest
  const TS: Record<number, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  const valueBytes = (e: Entry) => (typeof e.values === "string" ? utf8(e.values).length + 1 : e.values.length) * TS[e.type]!;
  let pos = bigTiff ? 16 : 8;
  const ifdPos: number[] = [];
  const ifdSize: number[] = [];
  for (const entries of ifdEntries) {
    ifdPos.push(pos);
    let size = (bigTiff ? 8 : 2) + entries.length * entrySize + (bigTiff ? 8 : 4);
    for (const e of entries) { const vb = valueBytes(e); if (vb > inline) size += vb + (vb & 1); }
    ifdSize.push(size);
    pos += size;
  }
  const tileOffsets: number[][] = levels.map(() => []);
  for (let li = levels.length - 1; li >= 0; li--) {
    for (const tile of tiles[li]!) { tileOffsets[li]!.push(pos); pos += tile.length; }
  }
  const total = pos;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out[0] = 0x49; out[1] = 0x49;
  if (bigTiff) { dv.setUint16(2, 43, true); dv.setUint16(4, 8, true); dv.setBigUint64(8, BigInt(ifdPos[0]!), true); }
  else { dv.setUint16(2, 42, true); dv.setUint32(4, ifdPos[0]!, true); }
  ifdEntries.forEach((entries, li) => {
    entries.find((e) => e.tag === Tag.TileOffsets)!.values = tileOffsets[li]!;
    let p = ifdPos[li]!;
    let extra = p + (bigTiff ? 8 : 2) + entries.length * entrySize + (bigTiff ? 8 : 4);
    if (bigTiff) { dv.setBigUint64(p, BigInt(entries.length), true); p += 8; } else { dv.setUint16(p, entries.length, true); p += 2; }
    for (const e of entries) {
      dv.setUint16(p, e.tag, true);
      dv.setUint16(p + 2, e.type, true);
      const count = typeof e.values === "string" ? utf8(e.values).length + 1 : e.values.length;
      if (bigTiff) dv.setBigUint64(p + 4, BigInt(count), true); else dv.setUint32(p + 4, count, true);
      const vb = valueBytes(e);
      let at = p + (bigTiff ? 12 : 8);
      if (vb > inline) {
        if (bigTiff) dv.setBigUint64(at, BigInt(extra), true); else dv.setUint32(at, extra, true);
        at = extra;
        extra += vb + (vb & 1);
      }
      if (typeof e.values === "string") out.set(utf8(e.values), at);
      else {
        const vals = e.values;
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i]!;
          switch (e.type) {
            case 3: dv.setUint16(at + 2 * i, v, true); break;
            case 4: dv.setUint32(at + 4 * i, v, true); break;
            case 12: dv.setFloat64(at + 8 * i, v, true); break;
            case 16: dv.setBigUint64(at + 8 * i, BigInt(v), true); break;
          }
        }
      }
      p += entrySize;
    }
    const nextIfd = li + 1 < ifdEntries.length ? ifdPos[li + 1]! : 0;
    if (bigTiff) dv.setBigUint64(p, BigInt(nextIfd), true); else dv.setUint32(p, nextIfd, true);
  });
  tiles.forEach((lt, li) => lt.forEach((tile, k) => out.set(tile, tileOffsets[li]![k]!)));
  return out;
}
