/**
 * `openRaster`: open a GeoTIFF / Cloud-Optimized GeoTIFF from a path, an http(s) URL or bytes as a
 * lazy {@link RasterSource}; pixels are read window by window with `read()`.
 * @module
 */
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { interruptSignal, progress as startProgress } from "../progress.js";
import { BlockCache } from "./block-cache.js";
import { BytesSource, FileSource, HttpSource, type ByteSource } from "./byte-source.js";
import { COMPRESSION_NAMES, isBuiltinDecoder } from "./codecs.js";
import { RasterFormatError, RasterMemoryError, RasterRangeError } from "./errors.js";
import { isPixelIsPoint, readCrs, readGcps, readGeoKeys, readGeoTransform } from "./geokeys.js";
import { parseGdalMetadata, parseNodata, parsePam, type MetadataItem } from "./gdal-metadata.js";
import { Raster, PIXEL_TRANSFORM } from "./raster.js";
import { recordInput } from "../provenance.js";
import { PREPARE_DISPLAY } from "../display.js";
import type { Quicklook, QuicklookOptions } from "../render/quicklook.js";
import { displayBundle, quicklookModule } from "./display-modules.js";
import { readTiffStructure, Tag, tagNumbers, tagString } from "./tiff-ifd.js";
import { gatherSamples } from "./gather-samples.js";
import { blockPart, readRowsDirect, readsRowsDirectly, RowBuffers } from "./direct-rows.js";
import { decodeBlock, describeImage, fetchBlocks, missingBlockValue, type TiffImage } from "./tiff-image.js";
import { inputBuffer, recycleWorkerBuffer, releaseWorkerBuffers, useLibuvPool } from "./inflate-pool.js";
import { decodeInLanes, type Lane } from "./decode-lanes.js";
import { describeValue } from "../../util/describe-value.js";
import {
  arrayTypeFor, CACHED_READ_BLOCKS, isComplex,
  type BandArray, type Bounds, type CRS, type DType, type GeoTransform, type GroundControlPoint, type RasterSourceLike, type ReadOptions, type Window,
} from "./types.js";

/** Options of {@link openRaster}. */
export interface OpenRasterOptions {
  /** Aborts opening (and HTTP requests). */
  signal?: AbortSignal;
  /** HTTP headers for URLs (e.g. `{ Authorization: "Bearer …" }`); default none. */
  headers?: Record<string, string>;
  /** HTTP attempts per request on network errors / 5xx; default 3. */
  retries?: number;
  /**
   * Decoded-block cache budget in bytes; default 64 MiB. Uncompressed blocks of local files bypass it:
   * a window reads only its rows of them, from the operating system's file cache when read before.
   */
  cacheBytes?: number;
  /** Largest allowed single read result in bytes; default 2 GiB. Larger reads throw {@link RasterMemoryError}. */
  maxReadBytes?: number;
  /** Read `file.aux.xml` side-cars of local files (descriptions, nodata), as GDAL does; default true. */
  readPam?: boolean;
  /** fetch implementation for URLs; default the global fetch. */
  fetch?: typeof fetch;
  /**
   * Read display pixels at open when a level of at most this many pixels exists (the smallest
   * overview, or the image itself). Default `false`: opening reads no pixels, and the preview
   * (at most 1 048 576 pixels) is read when the source is first displayed.
   */
  preview?: number | false;
}

/** Colour interpretation of a band, named as in GDAL (lower case). */
export type ColorInterp =
  | "undefined" | "gray" | "palette" | "red" | "green" | "blue" | "alpha" | "cyan" | "magenta" | "yellow" | "black";

/** Size of one overview level. */
export interface OverviewInfo {
  width: number;
  height: number;
}

/** Options of {@link RasterSource.readMask}. */
export interface ReadMaskOptions {
  window?: Window;
  overview?: number;
  signal?: AbortSignal;
}

/**
 * Thread-pool lanes of a few-block DEFLATE read (decode-lanes.ts) besides the calling thread: two, so
 * one inflation is still running while the other lane waits for this thread to take its result.
 */
const POOL_LANES = 2;

const GDAL_COLORINTERP: Record<string, ColorInterp> = {
  undefined: "undefined", gray: "gray", grey: "gray", palette: "palette", red: "red", green: "green", blue: "blue",
  alpha: "alpha", cyan: "cyan", magenta: "magenta", yellow: "yellow", black: "black",
};

/**
 * A GeoTIFF/COG opened lazily: metadata is read at open, pixels on `read()`. Windowed reads decode
 * only the strips/tiles they touch; decoded blocks are cached modestly.
 *
 * @example
 * ```ts
 * const src = await openRaster("data/olinda/L7_ETMs.tif");
 * const rgb = await src.read({ bands: [3, 2, 1], window: { col: 0, row: 0, width: 128, height: 128 } });
 * ```
 */
export class RasterSource implements RasterSourceLike {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly dtype: DType;
  readonly transform: GeoTransform;
  readonly crs: CRS;
  readonly nodata: (number | null)[];
  readonly descriptions: (string | null)[];
  /** Per-band scale (GDAL `GetScale`), default 1. */
  readonly scales: number[];
  /** Per-band offset (GDAL `GetOffset`), default 0. */
  readonly offsets: number[];
  /** Per-band colour interpretation, as GDAL reports it. */
  readonly colorInterp: ColorInterp[];
  /** Palette of a paletted band 1: `[r, g, b, a]` 0–255 per index; undefined otherwise. */
  readonly colormap: [number, number, number, number][] | undefined;
  /** Overview sizes, largest first (mask images excluded). */
  readonly overviews: OverviewInfo[];
  /** Whether the file carries an internal dataset mask (read it with {@link readMask}). */
  readonly hasMask: boolean;
  /** Whether the georeference was stored as PixelIsPoint (the transform is already corner-based). */
  readonly pixelIsPoint: boolean;
  /** Whether the file has an affine georeference (else `transform` is the pixel identity). */
  readonly georeferenced: boolean;
  /**
   * Ground control points of a file georeferenced by GCPs instead of a geotransform (GDAL's
   * `GetGCPs()`); empty otherwise. Such a file has the identity `transform` and an empty `crs`,
   * as in GDAL; the CRS of the points is {@link gcpCrs}.
   */
  readonly gcps: readonly GroundControlPoint[];
  /** CRS of the {@link gcps} (GDAL's `GetGCPProjection()`); `{}` when there are none. */
  readonly gcpCrs: CRS;
  /** Dataset-level metadata items (GDAL_METADATA, default domain). */
  readonly metadata: Record<string, string>;
  /** Compression name as gdalinfo prints it, e.g. "DEFLATE". */
  readonly compression: string;
  /** "PIXEL" or "BAND" interleave. */
  readonly interleave: "PIXEL" | "BAND";
  /** Block (tile or strip) size of the full-resolution image. */
  readonly blockSize: { width: number; height: number };
  /** Whether the file is BigTIFF. */
  readonly bigTiff: boolean;

  readonly #src: ByteSource;
  readonly #main: TiffImage;
  readonly #ovr: TiffImage[];
  readonly #mask: TiffImage | undefined;
  readonly #maskOvr: TiffImage[];
  readonly #cache: BlockCache;
  /** Read buffers for uncompressed blocks (readRowsDirect). */
  readonly #rowBuffers = new RowBuffers();
  readonly #maxReadBytes: number;

  /** @internal use {@link openRaster}. */
  constructor(init: {
    src: ByteSource; main: TiffImage; ovr: TiffImage[]; mask: TiffImage | undefined; maskOvr: TiffImage[];
    transform: GeoTransform | undefined; crs: CRS; gcps: GroundControlPoint[]; pixelIsPoint: boolean; items: MetadataItem[]; nodata: number | null;
    pam: Map<number, { description?: string; nodata?: number | null; scale?: number; offset?: number }>;
    bigTiff: boolean; options: OpenRasterOptions;
  }) {
    const { main } = init;
    this.#src = init.src;
    this.#main = main;
    this.#ovr = init.ovr;
    this.#mask = init.mask;
    this.#maskOvr = init.maskOvr;
    this.#cache = new BlockCache(init.options.cacheBytes ?? 64 * 2 ** 20);
    this.#maxReadBytes = init.options.maxReadBytes ?? 2 * 2 ** 30;
    this.width = main.width;
    this.height = main.height;
    this.count = main.samples;
    this.dtype = main.dtype;
    this.georeferenced = init.transform !== undefined;
    this.transform = init.transform ?? PIXEL_TRANSFORM;
    this.gcps = init.gcps;
    // as GDAL: a GCP-georeferenced dataset has no projection; the CRS belongs to the GCPs
    this.crs = init.gcps.length ? {} : init.crs;
    this.gcpCrs = init.gcps.length ? init.crs : {};
    this.pixelIsPoint = init.pixelIsPoint;
    this.bigTiff = init.bigTiff;
    const bandItem = (b: number, role: string) => init.items.find((it) => it.sample === b - 1 && it.role === role && !it.domain)?.value;
    const bands = Array.from({ length: this.count }, (_, i) => i + 1);
    this.nodata = bands.map((b) => {
      const p = init.pam.get(b);
      if (p && p.nodata !== undefined) return p.nodata;
      return init.nodata;
    });
    this.descriptions = bands.map((b) => bandItem(b, "description") ?? init.pam.get(b)?.description ?? null);
    this.scales = bands.map((b) => Number(bandItem(b, "scale") ?? init.pam.get(b)?.scale ?? 1));
    this.offsets = bands.map((b) => Number(bandItem(b, "offset") ?? init.pam.get(b)?.offset ?? 0));
    this.colorInterp = bands.map((b) => {
      const ci = bandItem(b, "colorinterp");
      if (ci && GDAL_COLORINTERP[ci.toLowerCase()]) return GDAL_COLORINTERP[ci.toLowerCase()]!;
      if (main.bits === 1 && main.samples === 1 && main.photometric <= 1) return "palette";
      return defaultColorInterp(main, b);
    });
    const cm = tagNumbers(main.ifd, Tag.ColorMap);
    if (main.photometric === 3 && cm.length >= 3) {
      const n = cm.length / 3;
      this.colormap = Array.from({ length: n }, (_, i) =>
        [Math.round(cm[i]! / 257), Math.round(cm[n + i]! / 257), Math.round(cm[2 * n + i]! / 257), 255]);
    } else if (main.bits === 1 && main.samples === 1 && (main.photometric === 0 || main.photometric === 1)) {
      // GDAL gives 1-bit images a black/white palette
      this.colormap = main.photometric === 1 ? [[0, 0, 0, 255], [255, 255, 255, 255]] : [[255, 255, 255, 255], [0, 0, 0, 255]];
    } else this.colormap = undefined;
    this.overviews = init.ovr.map((o) => ({ width: o.width, height: o.height }));
    this.hasMask = init.mask !== undefined;
    this.metadata = Object.fromEntries(init.items.filter((it) => it.sample === undefined && !it.domain).map((it) => [it.name, it.value]));
    this.compression = COMPRESSION_NAMES[main.compression] ?? String(main.compression);
    this.interleave = main.planar === 2 || main.samples === 1 ? "BAND" : "PIXEL";
    this.blockSize = { width: main.blockWidth, height: main.tiled ? main.blockHeight : main.blockHeight };
  }

  /** The file path, URL or "<bytes>". */
  get name(): string {
    return this.#src.name;
  }

  /** Bounds in CRS units (all four corners through the geotransform). */
  get bounds(): Bounds {
    return transformBounds(this.transform, this.width, this.height);
  }

  /**
   * Read bands of a window (full-resolution pixel coordinates) at full resolution or from an overview.
   * With `overview: k`, the window is scaled to the overview grid (start rounded down, end up) and the
   * result has the overview's pixel size.
   * @throws {RasterRangeError} for a band, window or overview outside the raster.
   * @throws {RasterMemoryError} when the result would exceed `maxReadBytes`.
   * @example
   * ```ts
   * const r = await src.read({ window: { col: 100, row: 50, width: 64, height: 64 }, bands: [4, 3, 2] });
   * r.band(1); // Uint8Array(4096)
   * ```
   */
  async read(options: ReadOptions = {}): Promise<Raster> {
    const signal = options.signal ?? interruptSignal();
    signal?.throwIfAborted();
    const bands = options.bands ?? Array.from({ length: this.count }, (_, i) => i + 1);
    if (!validBands(bands, this.count)) throw bandsError(this.name, bands, this.count);
    const { img, win, transform } = this.#resolve(options.window, options.overview, this.#ovr);
    const comp = isComplex(this.dtype) ? 2 : 1;
    const bytes = win.width * win.height * bands.length * comp * arrayTypeFor(this.dtype).BYTES_PER_ELEMENT;
    if (bytes > this.#maxReadBytes) throw new RasterMemoryError(this.name, bytes, this.#maxReadBytes);
    const out = await this.#readImage(img, win, bands, { signal, progress: options.progress ?? false, cache: options.cache });
    return new Raster({
      width: win.width, height: win.height, dtype: this.dtype, bands: out, transform, crs: this.crs,
      nodata: bands.map((b) => this.nodata[b - 1] ?? null),
      descriptions: bands.map((b) => this.descriptions[b - 1] ?? null),
    });
  }

  /**
   * Reads a window's samples pixel-interleaved — every band, in band order, native byte order — into
   * `target` (rows `window.width × count` samples apart, starting at byte 0), copying whole pixels
   * from the file's blocks instead of splitting them into bands: for consumers that take interleaved
   * pixels (predictScene's kernels). Returns false, reading nothing, when the file does not store
   * pixels that way (band-interleaved with several bands, complex, sub-byte, 24-bit or 16-bit float
   * samples); use {@link read} then. Blocks are cached as by `read`.
   * @throws {RasterRangeError} for a window outside the raster or a target too small for it.
   * @example
   * ```ts
   * const px = new Uint8Array(64 * 64 * src.count * 2); // uint16 samples
   * if (await src.readInterleavedInto(px, { window: { col: 0, row: 0, width: 64, height: 64 } })) {
   *   const samples = new Uint16Array(px.buffer, 0, 64 * 64 * src.count);
   * }
   * ```
   */
  async readInterleavedInto(target: Uint8Array, options: { window?: Window; signal?: AbortSignal; cache?: boolean } = {}): Promise<boolean> {
    const signal = options.signal ?? interruptSignal();
    signal?.throwIfAborted();
    const { img, win } = this.#resolve(options.window, undefined, this.#ovr);
    if ((img.planar === 2 && img.samples > 1) || isComplex(img.dtype) || img.bits % 8 !== 0 || img.bits === 24 || (img.sampleFormat === 3 && img.bits === 16)) return false;
    const need = win.width * win.height * this.count * arrayTypeFor(this.dtype).BYTES_PER_ELEMENT;
    if (target.byteLength < need) {
      throw new RasterRangeError(this.name, "window", `readInterleavedInto: a ${win.width}×${win.height} window of ${this.count} ${this.dtype} band(s) needs ${need} bytes; the target has ${target.byteLength}.`);
    }
    await this.#readImage(img, win, Array.from({ length: this.count }, (_, i) => i + 1), { signal, interleaved: target, cache: options.cache });
    return true;
  }

  /**
   * Read the internal dataset mask (255 = valid, 0 = masked, as GDAL's mask band), or null when the
   * file has none. Same window/overview rules as {@link read}.
   * @example
   * ```ts
   * const m = await src.readMask({ overview: 1 });
   * ```
   */
  async readMask(options: ReadMaskOptions = {}): Promise<Raster | null> {
    if (!this.#mask) return null;
    const { img, win, transform } = this.#resolve(options.window, options.overview, this.#maskOvr, this.#mask);
    const [m] = await this.#readImage(img, win, [1], { signal: options.signal ?? interruptSignal() });
    const a = m as Uint8Array;
    for (let i = 0; i < a.length; i++) a[i] = a[i] ? 255 : 0;
    return new Raster({ width: win.width, height: win.height, dtype: "uint8", bands: [a], transform, crs: this.crs });
  }

  #preview: Raster | undefined;

  /** Read the display pixels (smallest level with at least 256 px on a side, or the smallest) if it has ≤ `maxPixels`. @internal */
  async loadPreview(maxPixels: number, signal?: AbortSignal): Promise<void> {
    const levels = [{ width: this.width, height: this.height }, ...this.overviews];
    let k = levels.length - 1;
    while (k > 0 && Math.max(levels[k]!.width, levels[k]!.height) < 256) k--;
    const L = levels[k]!;
    if (L.width * L.height > maxPixels) return;
    const { bands } = this.#displayOptions();
    try {
      this.#preview = await this.read({ overview: k, bands, signal });
    } catch (e) {
      // no preview when it is over the read budget or cannot be decoded; read() reports such errors
      if (signal?.aborted) throw e;
    }
  }

  #displayOptions(): QuicklookOptions {
    return displayBundle().defaultQuicklookOptions(this.count, this.colorInterp, this.colormap);
  }

  /**
   * Render a PNG quicklook from the smallest overview that is at least `maxSize` on its longest side
   * (or full resolution).
   * @example
   * ```ts
   * const { png } = await src.quicklook({ bands: [4, 3, 2] });
   * ```
   */
  async quicklook(options: QuicklookOptions & { signal?: AbortSignal } = {}): Promise<Quicklook> {
    const maxSize = options.maxSize ?? 512;
    const levels = [{ width: this.width, height: this.height }, ...this.overviews];
    let k = levels.length - 1;
    while (k > 0 && Math.max(levels[k]!.width, levels[k]!.height) < maxSize) k--;
    const o = { ...this.#displayOptions(), ...options };
    const r = await this.read({ overview: k, bands: o.bands, signal: options.signal });
    return (await quicklookModule()).quicklook(r, { ...o, bands: o.bands!.map((_, i) => i + 1) });
  }

  /** Before display: reads the preview pixels (at most 1 048 576) unless they were read already. */
  async [PREPARE_DISPLAY](): Promise<void> {
    if (!this.#preview) await this.loadPreview(1_048_576);
  }

  /** Jupyter display: an HTML summary (size, CRS, bounds, bands, overviews) and a PNG quicklook of the preview pixels. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    const o = this.#displayOptions();
    return displayBundle().sourceBundle({
      name: this.name, width: this.width, height: this.height, count: this.count, dtype: this.dtype, transform: this.transform, crs: this.crs,
      bounds: this.bounds, nodata: this.nodata, descriptions: this.descriptions, overviews: this.overviews, compression: this.compression,
    }, this.#preview, { ...o, bands: o.bands!.map((_, i) => i + 1) });
  }

  /** Close the file (URLs and bytes hold nothing). */
  async close(): Promise<void> {
    this.#cache.clear();
    await this.#src.close();
  }

  #resolve(window: Window | undefined, overview: number | undefined, ovrs: TiffImage[], main: TiffImage = this.#main) {
    const w = window ?? { col: 0, row: 0, width: this.width, height: this.height };
    if (!validWindow(w, this.width, this.height)) throw windowError(this.name, w, this.width, this.height);
    const k = overview ?? 0;
    if (!Number.isInteger(k) || k < 0 || k > ovrs.length) throw overviewError(this.name, k, ovrs.length);
    const img = k === 0 ? main : ovrs[k - 1]!;
    const t = this.transform;
    if (k === 0) {
      return { img, win: w, transform: [t[0] + w.col * t[1] + w.row * t[2], t[1], t[2], t[3] + w.col * t[4] + w.row * t[5], t[4], t[5]] as GeoTransform };
    }
    const sx = img.width / this.width;
    const sy = img.height / this.height;
    const c0 = Math.floor(w.col * sx);
    const r0 = Math.floor(w.row * sy);
    const c1 = Math.min(img.width, Math.max(c0 + 1, Math.ceil((w.col + w.width) * sx)));
    const r1 = Math.min(img.height, Math.max(r0 + 1, Math.ceil((w.row + w.height) * sy)));
    const px = [t[1] / sx, t[2] / sy, t[4] / sx, t[5] / sy] as const;
    return {
      img,
      win: { col: c0, row: r0, width: c1 - c0, height: r1 - r0 },
      transform: [t[0] + c0 * px[0] + r0 * px[1], px[0], px[1], t[3] + c0 * px[2] + r0 * px[3], px[2], px[3]] as GeoTransform,
    };
  }

  /**
   * Reads bands of a window of `img`: into new arrays, or (`interleaved`, all bands) whole pixels
   * into those bytes; `cache` as {@link ReadOptions.cache}. Each way of reading is a method of its
   * own: a fresh process compiles only the one a read takes (compiling one function of all of them
   * cost a window read ~0.6 ms).
   */
  async #readImage(img: TiffImage, win: Window, bands: number[], how: { signal?: AbortSignal; progress?: boolean; interleaved?: Uint8Array; cache?: boolean | undefined }): Promise<BandArray[]> {
    const { signal, interleaved } = how;
    const comp = isComplex(img.dtype) ? 2 : 1;
    const Ctor = arrayTypeFor(img.dtype);
    const out = interleaved ? [] : bands.map(() => new Ctor(win.width * win.height * comp));
    const jobs = blockJobs(img, win, bands);
    // missing (sparse) blocks: each band's nodata as GDAL converts it to the data type; 0 in masks
    const isMask = img === this.#mask || this.#maskOvr.includes(img);
    const fill = isMask ? 0 : this.nodata.map((v) => missingBlockValue(img.dtype, v));
    const bar = how.progress ? startProgress({ total: jobs.length, label: `reading ${this.name}`, unit: "blocks", ...(signal ? { signal } : {}) }) : undefined;
    const read: ImageRead = { img, win, jobs, out, comp, fill, ...(signal ? { signal } : {}), ...(interleaved ? { interleaved } : {}), ...(bar ? { tick: () => bar.tick() } : {}) };
    if (readsRowsDirectly(img, this.#src)) await this.#readRows(read);
    else await this.#readBlocks(read, bands.length, how.cache);
    bar?.done();
    return out;
  }

  /** Uncompressed blocks of a local file: only the window's rows, read straight out (see direct-rows.ts). */
  async #readRows(read: ImageRead): Promise<void> {
    const { img, win, jobs, out, comp, interleaved } = read;
    const bytesPer = arrayTypeFor(img.dtype).BYTES_PER_ELEMENT * comp;
    await readRowsDirect(img, this.#src, jobs, win, read.fill, read.signal, this.#rowBuffers, {
      copy: (block, job, firstRow) => copyOut(read, block, job, firstRow),
      inPlace: (job, part) => {
        // whole block rows that are whole window rows: the file's layout is the output's
        if (part.c0 !== part.x0 || part.c1 - part.c0 !== img.blockWidth || win.width !== img.blockWidth) return null;
        const at = (part.r0 - win.row) * win.width;
        if (interleaved) {
          const px = img.samples * bytesPer;
          return interleaved.subarray(at * px, (at + (part.r1 - part.r0) * win.width) * px);
        }
        if (job.targets.length !== 1 || (img.planar !== 2 && img.samples !== 1)) return null;
        const o = out[job.targets[0]![0]]!;
        return new Uint8Array(o.buffer, o.byteOffset + at * bytesPer, (part.r1 - part.r0) * win.width * bytesPer);
      },
    }, read.tick);
  }

  /**
   * Compressed blocks (and uncompressed ones of bytes and URLs): blocks already cached are taken
   * from the cache; the blocks decoded are kept (`keep`) by small reads or when asked (see
   * ReadOptions.cache), never by reads larger than the cache would hold.
   */
  async #readBlocks(read: ImageRead, bandCount: number, cache: boolean | undefined): Promise<void> {
    const { img, jobs, signal } = read;
    const blockBytes = img.blockWidth * img.blockHeight * (img.planar === 2 ? 1 : img.samples) * read.comp * arrayTypeFor(img.dtype).BYTES_PER_ELEMENT;
    const perBand = img.planar === 2 ? jobs.length / bandCount : jobs.length;
    const keep = (cache ?? perBand <= CACHED_READ_BLOCKS) && jobs.length * blockBytes <= this.#cache.maxBytes / 2;
    // worker threads pay off for many blocks; a few are inflated on libuv's pool (no worker start-up)
    const workers = jobs.length >= 16;
    const recycle = workers && (img.compression === 8 || img.compression === 32946);
    // a few DEFLATE blocks (no workers) are inflated on this thread with one reused zlib context and,
    // on a machine with more than one core, on libuv's pool too, so two cores share them without a
    // worker start-up (see useLibuvPool): local files in lanes (decode-lanes.ts), other sources
    // (bytes, URLs: fetched in batches) with every other block of a batch on the pool (`here`)
    const deflate = !workers && (img.compression === 8 || img.compression === 32946);
    const split = deflate && jobs.length > 1 && useLibuvPool();
    const here = new Set<number>(deflate ? jobs.filter((_, k) => !split || k % 2 === 1).map((j) => j.index) : []);
    const decodeOne: DecodeOne = async (j, bytes, lane) => {
      let block = this.#cache.get(blockKey(img, j));
      const cached = block !== undefined;
      if (!block) {
        // the block's bytes: fetched with the batch, or here (a lane's blocks, and a block that was
        // cached when the read began but was evicted by a concurrent read since)
        const stored = bytes.has(j.index) ? bytes.get(j.index) ?? null : (await fetchBlocks(img, this.#src, [j.index], signal, lane ? (n) => lane.input(n) : undefined)).get(j.index) ?? null;
        // blocks that are not kept are dropped after the copy below: uncompressed ones may view the
        // read bytes, and a lane's blocks its output buffer
        block = await decodeBlock(img, j.index, stored, read.fill, {
          workers, inflateHere: lane ? lane.here : here.has(j.index), borrow: !keep, ...(lane && !keep ? { into: lane.output(blockBytes) } : {}),
        });
        if (keep) this.#cache.set(blockKey(img, j), block);
      }
      copyOut(read, block, j);
      // worker-inflated blocks that are not cached go back to the pool as the next outputs
      if (recycle && !keep && !cached && block.buffer.byteLength === block.byteLength) recycleWorkerBuffer(block.buffer);
      read.tick?.();
    };
    const none = new Map<number, Uint8Array | null>();
    if (deflate && this.#src.readInto && jobs.length > 1 && isBuiltinDecoder(img.compression)) {
      // a few DEFLATE blocks of a local file: this thread and libuv's pool take them one at a time,
      // each lane reading into and inflating into buffers of its own (see decode-lanes.ts)
      await decodeInLanes(jobs, split ? POOL_LANES : 0, (j, lane) => decodeOne(j, none, lane), signal);
    } else if (!workers && this.#src.readInto && jobs.length > 1) await this.#decodeEach(read, decodeOne);
    else await this.#decodeInBatches(read, decodeOne, { workers, recycle, split, here });
  }

  /**
   * A few blocks of a local file in another format (or with an added DEFLATE decoder, which may
   * keep a view of its input): each read into a buffer of its own and decoded concurrently.
   */
  async #decodeEach(read: ImageRead, decodeOne: DecodeOne): Promise<void> {
    const { img, signal } = read;
    const none = new Map<number, Uint8Array | null>();
    const started: Promise<void>[] = [];
    try {
      for (const j of read.jobs) {
        signal?.throwIfAborted();
        const done = decodeOne(j, this.#cache.get(blockKey(img, j)) ? none : await fetchBlocks(img, this.#src, [j.index], signal));
        done.catch(() => undefined); // awaited below; a failure is not unhandled meanwhile
        started.push(done);
      }
    } finally {
      await Promise.allSettled(started);
    }
    await Promise.all(started);
  }

  /**
   * Blocks fetched in batches — one (merged) fetch per batch, the next batch's fetch overlapping this
   * batch's decoding — and decoded concurrently (DEFLATE on worker threads for many blocks, else
   * split between this thread and libuv's pool), each copied out as it finishes.
   */
  async #decodeInBatches(read: ImageRead, decodeOne: DecodeOne, how: { workers: boolean; recycle: boolean; split: boolean; here: Set<number> }): Promise<void> {
    const { img, jobs, signal } = read;
    const { workers, recycle, split, here } = how;
    const batch = 32;
    const fetchBatch = (s: number) => {
      const part = jobs.slice(s, s + batch);
      const missing = part.filter((j) => !this.#cache.get(blockKey(img, j))).map((j) => j.index);
      return { part, bytes: missing.length ? fetchBlocks(img, this.#src, missing, signal, recycle ? inputBuffer : undefined) : Promise.resolve(new Map<number, Uint8Array | null>()) };
    };
    let current = jobs.length ? fetchBatch(0) : undefined;
    // decoding is a sliding window over the jobs: at most `limit` blocks in flight (enough to keep
    // every worker busy), so buffers stay few and no worker waits for a batch's slowest block
    const limit = workers ? 8 : Math.max(1, jobs.length);
    let active = 0;
    let failure: unknown;
    const waiters: (() => void)[] = [];
    const running: Promise<void>[] = [];
    try {
      for (let s = 0; current; s += batch) {
        signal?.throwIfAborted();
        const bytes = await current.bytes;
        // blocks for libuv's pool first: they start inflating before this thread takes its share
        const part = split ? [...current.part.filter((j) => !here.has(j.index)), ...current.part.filter((j) => here.has(j.index))] : current.part;
        current = s + batch < jobs.length ? fetchBatch(s + batch) : undefined;
        let yielded = false;
        for (const j of part) {
          if (split && !yielded && here.has(j.index)) {
            yielded = true;
            await new Promise<void>((r) => setImmediate(r));
          }
          while (active >= limit) await new Promise<void>((r) => waiters.push(r));
          if (failure !== undefined) throw failure;
          signal?.throwIfAborted();
          active++;
          running.push(decodeOne(j, bytes).catch((e: unknown) => { failure ??= e; }).finally(() => { active--; waiters.shift()?.(); }));
        }
      }
      await Promise.all(running);
      if (failure !== undefined) throw failure;
    } finally {
      // a failed read leaves no prefetch rejection unhandled
      current?.bytes.catch(() => undefined);
      if (recycle) releaseWorkerBuffers();
    }
  }
}

/** What one read of a window of an image is: its blocks, outputs and nodata fill. */
interface ImageRead {
  img: TiffImage;
  win: Window;
  jobs: BlockJob[];
  /** Band arrays (empty when `interleaved`). */
  out: BandArray[];
  /** 2 for complex data, else 1. */
  comp: number;
  fill: number | number[];
  signal?: AbortSignal;
  /** Whole pixels go here instead of into `out`. */
  interleaved?: Uint8Array;
  /** Called after each block. */
  tick?: () => void;
}

/** A block a read needs and where its samples go: [output index, sample within the block]. */
interface BlockJob {
  index: number;
  bx: number;
  by: number;
  targets: [number, number][];
}

/** Decodes one block (its stored bytes from `bytes`, else fetched) and copies it out. */
type DecodeOne = (job: BlockJob, bytes: Map<number, Uint8Array | null>, lane?: Lane) => Promise<void>;

/** The blocks of `img` that a window touches, with the output and sample each of `bands` takes. */
function blockJobs(img: TiffImage, win: Window, bands: number[]): BlockJob[] {
  const bx0 = Math.floor(win.col / img.blockWidth);
  const bx1 = Math.floor((win.col + win.width - 1) / img.blockWidth);
  const by0 = Math.floor(win.row / img.blockHeight);
  const by1 = Math.floor((win.row + win.height - 1) / img.blockHeight);
  const perPlane = img.blocksAcross * img.blocksDown;
  const jobs: BlockJob[] = [];
  for (let by = by0; by <= by1; by++) {
    for (let bx = bx0; bx <= bx1; bx++) {
      if (img.planar === 2) {
        bands.forEach((b, oi) => jobs.push({ index: (b - 1) * perPlane + by * img.blocksAcross + bx, bx, by, targets: [[oi, 0]] }));
      } else jobs.push({ index: by * img.blocksAcross + bx, bx, by, targets: bands.map((b, oi) => [oi, b - 1] as [number, number]) });
    }
  }
  return jobs;
}

// The checks of read's arguments take a few words; their errors are built by functions of their own,
// which a fresh process compiles only for a read it refuses (parsing a method's long messages cost
// every first read).

/** Whether `bands` is a non-empty array of band numbers 1..count. */
function validBands(bands: unknown, count: number): bands is number[] {
  if (!Array.isArray(bands) || bands.length === 0) return false;
  for (const b of bands) if (!Number.isInteger(b) || b < 1 || b > count) return false;
  return true;
}

/** The error for `bands` that {@link validBands} refused, naming the first thing wrong with it. */
function bandsError(name: string, bands: unknown, count: number): RasterRangeError {
  if (!Array.isArray(bands)) return new RasterRangeError(name, "band", `bands must be an array of band numbers like [1] or [3, 2, 1]; got ${describeValue(bands)}.`);
  for (const b of bands as unknown[]) {
    if (typeof b !== "number") {
      return new RasterRangeError(name, "band", `bands must be band numbers like [1] or [3, 2, 1] (1..${count}, 1-based as in GDAL); got ${describeValue(b)} among them.`);
    }
    if (!Number.isInteger(b) || b < 1 || b > count) {
      return new RasterRangeError(name, "band", `band ${b} is out of range: this raster has bands 1..${count} (band numbers are 1-based, as in GDAL).`);
    }
  }
  return new RasterRangeError(name, "band", "no bands asked for: pass bands like [1] or omit `bands` for all.");
}

/** Whether `w` is a window of whole pixels inside a `width × height` raster. */
function validWindow(w: unknown, width: number, height: number): w is Window {
  if (typeof w !== "object" || w === null) return false;
  const { col, row, width: ww, height: wh } = w as Record<string, unknown>;
  return Number.isInteger(col) && Number.isInteger(row) && Number.isInteger(ww) && Number.isInteger(wh) &&
    (ww as number) > 0 && (wh as number) > 0 && (col as number) >= 0 && (row as number) >= 0 &&
    (col as number) + (ww as number) <= width && (row as number) + (wh as number) <= height;
}

/** The error for a window that {@link validWindow} refused. */
function windowError(name: string, w: unknown, width: number, height: number): RasterRangeError {
  const o = w as Record<string, unknown> | null;
  if (typeof w !== "object" || o === null || Array.isArray(w) || ![o.col, o.row, o.width, o.height].every((v) => typeof v === "number")) {
    return new RasterRangeError(name, "window",
      `a window is { col, row, width, height } with numbers (pixels; col, row from the top-left corner); got ${describeValue(w)}.`);
  }
  return new RasterRangeError(name, "window",
    `window col=${o.col} row=${o.row} width=${o.width} height=${o.height} is outside the ${width}×${height} raster. ` +
    `Use integer col/row ≥ 0 with col+width ≤ ${width} and row+height ≤ ${height}.`);
}

/** The error for an overview number `k` that is not 0..count. */
function overviewError(name: string, k: number, count: number): RasterRangeError {
  return new RasterRangeError(name, "overview",
    `overview ${k} does not exist: this raster has ${count} overview level(s) (0 = full resolution, 1..${count}).` +
    (count === 0 ? " Add overviews with gdaladdo or writeRaster(..., { cog: true })." : ""));
}

/** The block cache's key of a block of `img`. */
function blockKey(img: TiffImage, job: { index: number }): string {
  return `${img.ifdIndex}:${job.index}`;
}

/** Copies the window's part of a decoded block (or of its rows from `firstRow` on) to the read's outputs. */
function copyOut(read: ImageRead, block: BandArray, job: BlockJob, firstRow = 0): void {
  if (read.interleaved) copyPixels(read.img, block, job.bx, job.by, read.win, read.interleaved, firstRow);
  else copyBlock(read.img, block, job.bx, job.by, read.win, job.targets, read.out, read.comp, firstRow);
}

/**
 * Copies the window's part of a decoded block (or of its rows from `firstRow` on) into a
 * pixel-interleaved target.
 */
function copyPixels(img: TiffImage, block: BandArray, bx: number, by: number, win: Window, target: Uint8Array, firstRow = 0): void {
  const part = blockPart(img, bx, by, win);
  if (!part) return;
  const { x0, y0, c0, c1, r0, r1 } = part;
  const px = img.samples * block.BYTES_PER_ELEMENT;
  const src = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
  const len = (c1 - c0) * px;
  const sStep = img.blockWidth * px;
  const dStep = win.width * px;
  let s = ((r0 - y0 - firstRow) * img.blockWidth + (c0 - x0)) * px;
  let d = ((r0 - win.row) * win.width + (c0 - win.col)) * px;
  if (len === sStep && len === dStep) target.set(src.subarray(s, s + (r1 - r0) * len), d);
  else for (let r = r0; r < r1; r++, s += sStep, d += dStep) target.set(src.subarray(s, s + len), d);
}

/** Copies the window's part of a decoded block (or of its rows from `firstRow` on) into the band outputs. */
function copyBlock(img: TiffImage, block: BandArray, bx: number, by: number, win: Window, targets: [number, number][], out: BandArray[], comp: number, firstRow = 0): void {
  const spp = img.planar === 2 ? 1 : img.samples;
  const part = blockPart(img, bx, by, win);
  if (!part) return;
  const { x0, y0, c0, c1, r0, r1 } = part;
  const n = c1 - c0;
  if (spp === 1) {
    // one sample per block: row copies (one copy when block and window rows are the same length)
    const len = n * comp;
    const sStep = img.blockWidth * comp;
    const dStep = win.width * comp;
    for (let t = 0; t < targets.length; t++) {
      const dst = out[targets[t]![0]]!;
      let s = ((r0 - y0 - firstRow) * img.blockWidth + (c0 - x0)) * comp;
      let d = ((r0 - win.row) * win.width + (c0 - win.col)) * comp;
      if (len === sStep && len === dStep) dst.set(block.subarray(s, s + (r1 - r0) * len) as never, d);
      else for (let r = r0; r < r1; r++, s += sStep, d += dStep) dst.set(block.subarray(s, s + len) as never, d);
    }
    return;
  }
  // pixel-interleaved: the rectangle's samples of every target band in one go
  gatherSamples(block, targets.map(([oi, sample]) => ({ dst: out[oi]!, sample })), {
    samplesPerPixel: spp, valuesPerSample: comp, blockWidth: img.blockWidth, srcCol: c0 - x0, srcRow: r0 - y0 - firstRow, rows: r1 - r0, cols: n,
    dstWidth: win.width, dstCol: c0 - win.col, dstRow: r0 - win.row,
  });
}

function defaultColorInterp(img: TiffImage, band: number): ColorInterp {
  const extraStart = img.samples - img.extraSamples.length;
  if (band > extraStart) {
    const es = img.extraSamples[band - extraStart - 1];
    if (es === 1 || es === 2) return "alpha";
  }
  switch (img.photometric) {
    case 2: case 6: return band <= 3 ? (["red", "green", "blue"] as const)[band - 1]! : "undefined";
    case 3: return band === 1 ? "palette" : "undefined";
    case 5: return band <= 4 ? (["cyan", "magenta", "yellow", "black"] as const)[band - 1]! : "undefined";
    case 0: case 1: return band === 1 ? "gray" : "undefined";
    default: return "undefined";
  }
}

/** Bounds of a `width × height` grid through geotransform `t` (all four corners). */
export function transformBounds(t: GeoTransform, width: number, height: number): Bounds {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [c, r] of [[0, 0], [width, 0], [0, height], [width, height]] as const) {
    xs.push(t[0] + c * t[1] + r * t[2]);
    ys.push(t[3] + c * t[4] + r * t[5]);
  }
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/**
 * Open a GeoTIFF or Cloud-Optimized GeoTIFF without reading pixels.
 * @param source a file path, an `http(s)://` URL (read with range requests) or the file's bytes.
 * @param options see {@link OpenRasterOptions}; defaults: 64 MiB block cache, 3 HTTP attempts, 2 GiB read budget.
 * @throws {RasterFormatError} for a missing, truncated or non-TIFF file.
 * @throws {RasterHttpError} for a URL that fails (404, no range support, network).
 * @example
 * ```ts
 * const dem = await openRaster("data/olinda/olinda_dem_utm25s.tif");
 * dem.width; dem.crs; dem.transform;
 * const r = await dem.read();
 * ```
 */
export async function openRaster(source: string | URL | Uint8Array | ArrayBuffer, options: OpenRasterOptions = {}): Promise<RasterSource> {
  let src: ByteSource;
  let localPath: string | undefined;
  if (source instanceof Uint8Array) src = new BytesSource(source);
  else if (source instanceof ArrayBuffer) src = new BytesSource(new Uint8Array(source));
  else {
    const s = source instanceof URL ? source.href : source;
    if (/^https?:\/\//i.test(s)) {
      const o: ConstructorParameters<typeof HttpSource>[1] = {};
      if (options.headers) o.headers = options.headers;
      if (options.retries !== undefined) o.retries = options.retries;
      if (options.fetch) o.fetch = options.fetch;
      src = new HttpSource(s, o);
    } else {
      // (fileURLToPath decodes %20 and the like, which URL.pathname keeps)
      localPath = /^file:\/\//i.test(s) ? fileURLToPath(s) : s;
      src = await FileSource.open(localPath);
    }
  }
  recordInput("data", source);
  try {
    const signal = options.signal ?? interruptSignal();
    const tiff = await readTiffStructure(src, signal);
    const images = tiff.ifds.map((ifd, i) => ({ ifd, i }));
    const first = images[0]!;
    const main = describeImage(src.name, first.ifd, 0, tiff.littleEndian);
    const ovr: TiffImage[] = [];
    const maskOvr: TiffImage[] = [];
    let mask: TiffImage | undefined;
    for (const { ifd, i } of images.slice(1)) {
      const sub = tagNumbers(ifd, Tag.NewSubfileType)[0] ?? 0;
      const photometric = tagNumbers(ifd, Tag.PhotometricInterpretation)[0];
      const isMask = (sub & 4) !== 0 && photometric === 4;
      if (isMask) {
        const m = describeImage(src.name, ifd, i, tiff.littleEndian);
        if (m.width === main.width && m.height === main.height && !(sub & 1)) mask = m;
        else maskOvr.push(m);
      } else if (sub & 1) {
        const o = describeImage(src.name, ifd, i, tiff.littleEndian);
        if (o.samples === main.samples && o.dtype === main.dtype) ovr.push(o);
      }
    }
    ovr.sort((a, b) => b.width - a.width);
    maskOvr.sort((a, b) => b.width - a.width);
    // mask overviews are matched to the image overviews by size
    const maskOvrAligned = ovr.map((o) => maskOvr.find((m) => m.width === o.width && m.height === o.height)).filter((m): m is TiffImage => !!m);
    const keys = readGeoKeys(first.ifd);
    const transform = readGeoTransform(first.ifd, keys);
    const nodataStr = tagString(first.ifd, Tag.GdalNodata);
    const metaStr = tagString(first.ifd, Tag.GdalMetadata);
    let pam = new Map();
    if (localPath && options.readPam !== false) {
      // a stat first: most files have no side-car, and a failed read costs an error object; only a
      // regular file is read (a named pipe would keep the read waiting for a writer)
      const pamPath = `${localPath}.aux.xml`;
      const xml = statSync(pamPath, { throwIfNoEntry: false })?.isFile() ? await readFile(pamPath, "utf8").catch(() => undefined) : undefined;
      if (xml) pam = parsePam(xml);
    }
    const source = new RasterSource({
      src, main, ovr, mask, maskOvr: maskOvrAligned.length === ovr.length ? maskOvrAligned : [],
      transform, crs: readCrs(keys), gcps: transform ? [] : readGcps(first.ifd, keys), pixelIsPoint: isPixelIsPoint(keys),
      items: metaStr ? parseGdalMetadata(metaStr) : [], nodata: nodataStr !== undefined ? parseNodata(nodataStr) : null,
      pam, bigTiff: tiff.bigTiff, options,
    });
    if (typeof options.preview === "number") await source.loadPreview(options.preview, signal);
    return source;
  } catch (e) {
    await src.close();
    if (e instanceof RangeError) {
      throw new RasterFormatError(src.name, `the TIFF structure is corrupt (${e.message}). Check the file with gdalinfo.`, { cause: e });
    }
    throw e;
  }
}

