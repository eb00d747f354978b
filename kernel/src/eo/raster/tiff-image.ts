/**
 * One TIFF image (an IFD) as the reader sees it: layout of strips/tiles, sample type, and the
 * decoding of one block into a typed array.
 * @module
 */
import { constants as bufferConstants } from "node:buffer";
import type { ByteSource } from "./byte-source.js";
import { ycbcrBlockToRgb } from "./jpeg-ycbcr.js";
import { inflateInWorker, POOL_MIN_BYTES } from "./inflate-pool.js";
import { acquireAsyncInflater, releaseAsyncInflater, SyncInflater, type HorizontalPredictor } from "./zlib-direct.js";
import { undoPredictorWasm } from "./raster-kernels.js";
import { getDecoder, isBuiltinDecoder, COMPRESSION_NAMES, type DecodeContext } from "./codecs.js";
import { RasterFormatError, UnsupportedRasterFeatureError } from "./errors.js";
import { DeferredArray, Tag, tagNumber, tagNumbers, type Ifd } from "./tiff-ifd.js";
import { arrayTypeFor, isComplex, type BandArray, type DType } from "./types.js";

/** The layout and sample type of one TIFF image. */
export interface TiffImage {
  file: string;
  ifdIndex: number;
  ifd: Ifd;
  littleEndian: boolean;
  width: number;
  height: number;
  samples: number;
  bits: number;
  sampleFormat: number;
  /** 1 = pixel interleaved (chunky), 2 = band interleaved (planar). */
  planar: number;
  compression: number;
  predictor: number;
  photometric: number;
  subfileType: number;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  blocksAcross: number;
  blocksDown: number;
  /** Where each block starts in the file (0 = missing block). */
  offsets: BlockTable;
  /** Stored size of each block. */
  byteCounts: BlockTable;
  dtype: DType;
  extraSamples: number[];
}

/**
 * Per-block values (offsets or byte counts): parsed at open, or read on demand for big images.
 * @example
 * ```ts
 * await img.offsets.ensure([7]);
 * const where = img.offsets.at(7);
 * ```
 */
export interface BlockTable {
  readonly length: number;
  /** Value of block `i` (after {@link ensure} for its index). */
  at(i: number): number;
  /** Make the values of `indices` available (reads them for deferred tags). */
  ensure(indices: number[], signal?: AbortSignal): Promise<void>;
}

/** Whether `v` is a whole number ≥ 1 (a size or count). */
function isCount(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}

/**
 * The block table of `tag`. Values parsed at open are checked to be whole byte positions/counts
 * ≥ 0 (a FLOAT or negative SLONG tag would otherwise read from a wrong place); deferred ones are
 * unsigned integers by their type.
 */
function blockTable(file: string, ifdIndex: number, ifd: Ifd, tag: number, name: string): BlockTable {
  const v = ifd.tags.get(tag);
  if (v instanceof DeferredArray) return v;
  const values = tagNumbers(ifd, tag);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isSafeInteger(x) || x < 0) {
      throw new RasterFormatError(file, `IFD ${ifdIndex} ${name}[${i}] is ${x}, not a whole number of bytes ≥ 0: the file is corrupt. Download or copy it again.`);
    }
  }
  return { length: values.length, at: (i) => values[i]!, ensure: async () => undefined };
}

/** The ai4eo data type of a TIFF sample, or undefined when unsupported. */
export function dtypeOf(sampleFormat: number, bits: number): DType | undefined {
  switch (sampleFormat) {
    case 1: return bits <= 8 ? "uint8" : bits <= 16 ? "uint16" : bits <= 32 ? "uint32" : undefined;
    case 2: return bits === 8 ? "int8" : bits === 16 ? "int16" : bits === 32 ? "int32" : undefined;
    case 3: return bits === 16 || bits === 32 ? "float32" : bits === 64 ? "float64" : undefined;
    case 5: return bits === 32 ? "cint16" : bits === 64 ? "cint32" : undefined;
    case 6: return bits === 64 ? "cfloat32" : bits === 128 ? "cfloat64" : undefined;
    default: return undefined;
  }
}

/** Compression codes whose libtiff codec applies the Predictor tag (LZW, DEFLATE, LZMA, ZSTD). */
const PREDICTOR_CODECS = new Set([5, 8, 32946, 34925, 50000]);

/** Refuses, as libtiff does, predictors that do not exist or do not fit the samples. */
function checkPredictor(file: string, predictor: number, bits: number, sampleFormat: number): void {
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) {
    throw new UnsupportedRasterFeatureError(file, "Predictor", predictor,
      "Only 1 (none), 2 (horizontal) and 3 (floating point) exist, and GDAL cannot read this file either: it is corrupt or was written by a non-standard tool.");
  }
  if (predictor === 2 && bits !== 8 && bits !== 16 && bits !== 32 && bits !== 64) {
    throw new UnsupportedRasterFeatureError(file, "Predictor", `2 with ${bits}-bit samples`,
      "The horizontal predictor works on 8, 16, 32 or 64-bit samples only (libtiff and GDAL cannot read this file either); write it again without the predictor (or with 8/16/32-bit samples) from the tool that made it.");
  }
  if (predictor === 3 && (sampleFormat !== 3 || (bits !== 16 && bits !== 24 && bits !== 32 && bits !== 64))) {
    throw new UnsupportedRasterFeatureError(file, "Predictor", `3 with SampleFormat=${sampleFormat} BitsPerSample=${bits}`,
      "The floating-point predictor needs 16, 24, 32 or 64-bit real float samples (libtiff and GDAL cannot read this file either).");
  }
}

/** Describe the image of `ifd`. */
export function describeImage(file: string, ifd: Ifd, ifdIndex: number, littleEndian: boolean): TiffImage {
  const width = tagNumber(ifd, Tag.ImageWidth, 0);
  const height = tagNumber(ifd, Tag.ImageLength, 0);
  if (!isCount(width) || !isCount(height)) {
    throw new RasterFormatError(file, `IFD ${ifdIndex} has no valid ImageWidth/ImageLength (${width}×${height}; whole numbers ≥ 1 needed): the file is corrupt.`);
  }
  const samples = tagNumber(ifd, Tag.SamplesPerPixel, 1);
  if (!isCount(samples)) {
    throw new RasterFormatError(file, `IFD ${ifdIndex} has SamplesPerPixel ${samples} (a whole number ≥ 1 needed): the file is corrupt, and GDAL refuses it too.`);
  }
  const bitsAll = tagNumbers(ifd, Tag.BitsPerSample);
  const bits = bitsAll[0] ?? 1;
  if (!isCount(bits)) {
    throw new RasterFormatError(file, `IFD ${ifdIndex} has BitsPerSample ${bits} (a whole number ≥ 1 needed): the file is corrupt, and GDAL refuses it too.`);
  }
  if (bitsAll.some((b) => b !== bits)) {
    throw new UnsupportedRasterFeatureError(file, "BitsPerSample", bitsAll.join(","), "Bands with different bit depths cannot be read; rewrite with gdal_translate -ot.");
  }
  const sampleFormat = tagNumber(ifd, Tag.SampleFormat, 1);
  const dtype = dtypeOf(sampleFormat, bits);
  if (!dtype) {
    throw new UnsupportedRasterFeatureError(file, "sample type", `SampleFormat=${sampleFormat} BitsPerSample=${bits}`,
      "Supported: 1–32-bit unsigned, 8/16/32-bit signed, 16/32/64-bit float and complex types; convert with gdal_translate -ot.");
  }
  const tiled = ifd.tags.has(Tag.TileWidth);
  const blockWidth = tiled ? tagNumber(ifd, Tag.TileWidth, 0) : width;
  const blockHeight = tiled ? tagNumber(ifd, Tag.TileLength, 0) : Math.min(tagNumber(ifd, Tag.RowsPerStrip, height), height);
  if (!isCount(blockWidth) || !isCount(blockHeight)) {
    throw new RasterFormatError(file, `IFD ${ifdIndex} has a ${tiled ? "tile" : "strip"} size of ${blockWidth}×${blockHeight} (whole numbers ≥ 1 needed): the file is corrupt.`);
  }
  const offsets = blockTable(file, ifdIndex, ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets, tiled ? "TileOffsets" : "StripOffsets");
  const byteCounts = blockTable(file, ifdIndex, ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts, tiled ? "TileByteCounts" : "StripByteCounts");
  const planar = samples > 1 ? tagNumber(ifd, Tag.PlanarConfiguration, 1) : 1;
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const needed = blocksAcross * blocksDown * (planar === 2 ? samples : 1);
  if (offsets.length < needed || byteCounts.length < needed) {
    throw new RasterFormatError(file, `IFD ${ifdIndex} lists ${offsets.length} ${tiled ? "tile" : "strip"} offsets and ${byteCounts.length} byte counts but needs ${needed}: the file is corrupt.`);
  }
  const compression = tagNumber(ifd, Tag.Compression, 1);
  // libtiff ignores the predictor of uncompressed data
  const predictor = compression === 1 ? 1 : tagNumber(ifd, Tag.Predictor, 1);
  if (PREDICTOR_CODECS.has(compression)) checkPredictor(file, predictor, bits, sampleFormat);
  return {
    file, ifdIndex, ifd, littleEndian, width, height, samples, bits, sampleFormat, planar, compression, predictor,
    photometric: tagNumber(ifd, Tag.PhotometricInterpretation, 1), subfileType: tagNumber(ifd, Tag.NewSubfileType, 0),
    tiled, blockWidth, blockHeight, blocksAcross, blocksDown, offsets, byteCounts, dtype,
    extraSamples: tagNumbers(ifd, Tag.ExtraSamples),
  };
}

/** Number of rows actually stored in block row `by` (strips: the last one may be short). */
export function blockRows(img: TiffImage, by: number): number {
  return img.tiled ? img.blockHeight : Math.min(img.blockHeight, img.height - by * img.blockHeight);
}

function swapInPlace(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let a = i, z = i + size - 1; a < z; a++, z--) { const t = b[a]!; b[a] = b[z]!; b[z] = t; }
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Undo the floating-point predictor (3) in place: per row, byte-wise accumulate then un-shuffle. */
function undoFloatPredictor(b: Uint8Array, rows: number, width: number, spp: number, bytesPer: number): void {
  const wc = width * spp;
  const rowBytes = wc * bytesPer;
  const tmp = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const row = b.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = spp; i < rowBytes; i++) row[i] = (row[i]! + row[i - spp]!) & 0xff;
    tmp.set(row);
    for (let c = 0; c < wc; c++) {
      for (let k = 0; k < bytesPer; k++) row[c * bytesPer + k] = tmp[(bytesPer - k - 1) * wc + c]!;
    }
  }
}

// One monomorphic loop per sample width: modular addition is the same for signed and unsigned.
function hp8(a: Uint8Array, rows: number, rowLen: number, spp: number): void {
  for (let r = 0; r < rows; r++) for (let i = r * rowLen + spp, end = (r + 1) * rowLen; i < end; i++) a[i] = a[i]! + a[i - spp]!;
}
function hp16(a: Uint16Array, rows: number, rowLen: number, spp: number): void {
  if (spp === 1) { hp16Single(a, rows, rowLen); return; }
  for (let r = 0; r < rows; r++) for (let i = r * rowLen + spp, end = (r + 1) * rowLen; i < end; i++) a[i] = a[i]! + a[i - spp]!;
}
/**
 * One sample per pixel: the running sum stays in a register (the store truncates to 16 bits), four
 * samples per iteration — about 3× faster than reading back the previous element.
 */
function hp16Single(a: Uint16Array, rows: number, rowLen: number): void {
  for (let o = 0, n = rows * rowLen; o < n; o += rowLen) {
    const end = o + rowLen;
    let acc = a[o]! | 0;
    let i = o + 1;
    for (; i + 4 <= end; i += 4) {
      acc = (acc + a[i]!) | 0; a[i] = acc;
      acc = (acc + a[i + 1]!) | 0; a[i + 1] = acc;
      acc = (acc + a[i + 2]!) | 0; a[i + 2] = acc;
      acc = (acc + a[i + 3]!) | 0; a[i + 3] = acc;
    }
    for (; i < end; i++) { acc = (acc + a[i]!) | 0; a[i] = acc; }
  }
}
function hp32(a: Uint32Array, rows: number, rowLen: number, spp: number): void {
  for (let r = 0; r < rows; r++) for (let i = r * rowLen + spp, end = (r + 1) * rowLen; i < end; i++) a[i] = a[i]! + a[i - spp]!;
}

/** Predictor 2 over 64-bit words held as (low, high) 32-bit halves: `a[i] += a[i - spp]` modulo 2^64. */
function hp64(a: Uint32Array, rows: number, rowLen: number, spp: number): void {
  const d = spp * 2;
  for (let r = 0; r < rows; r++) {
    for (let i = (r * rowLen + spp) * 2, end = (r + 1) * rowLen * 2; i < end; i += 2) {
      const lo = a[i]! + a[i - d]!;
      a[i] = lo;
      a[i + 1] = a[i + 1]! + a[i + 1 - d]! + (lo > 0xffffffff ? 1 : 0);
    }
  }
}

function undoHorizontalPredictor(a: BandArray, rows: number, width: number, spp: number): void {
  const rowLen = width * spp;
  const n = rows * rowLen;
  if (a.byteOffset % a.BYTES_PER_ELEMENT === 0 && a.BYTES_PER_ELEMENT <= 4) {
    const Int = a.BYTES_PER_ELEMENT === 1 ? Uint8Array : a.BYTES_PER_ELEMENT === 2 ? Uint16Array : Uint32Array;
    if (undoPredictorWasm(new Int(a.buffer, a.byteOffset, n), rows, rowLen, spp)) return;
  }
  if (a.BYTES_PER_ELEMENT === 1) hp8(new Uint8Array(a.buffer, a.byteOffset, n), rows, rowLen, spp);
  else if (a.BYTES_PER_ELEMENT === 2) hp16(new Uint16Array(a.buffer, a.byteOffset, n), rows, rowLen, spp);
  else hp32(new Uint32Array(a.buffer, a.byteOffset, n), rows, rowLen, spp);
}

/** Unpack rows of `bits`-bit MSB-first samples (rows padded to whole bytes). */
function unpackBits(b: Uint8Array, rows: number, rowSamples: number, bits: number, out: Uint8Array | Uint16Array | Uint32Array): void {
  const rowBytes = Math.ceil((rowSamples * bits) / 8);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let bitPos = r * rowBytes * 8;
    for (let i = 0; i < rowSamples; i++) {
      let v = 0;
      for (let k = 0; k < bits; k++, bitPos++) v = v * 2 + ((b[bitPos >>> 3]! >>> (7 - (bitPos & 7))) & 1);
      out[o++] = v;
    }
  }
}

/**
 * `n` 3-byte unsigned samples, most significant byte first, as uint32. GDAL packs 24-bit samples
 * MSB-first (as other odd bit depths); libtiff reverses each 3 bytes in big-endian files, and so
 * does the byte swap of decodeBlock before this.
 */
function unpack24(b: Uint8Array, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) out[i] = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  return out;
}

/** Bytes of one block row once decoded. */
export function rowBytes(img: TiffImage): number {
  const spp = img.planar === 2 ? 1 : img.samples;
  return Math.ceil((img.blockWidth * spp * img.bits) / 8);
}

/**
 * Where {@link decodeBlock} inflates DEFLATE blocks.
 * @example
 * ```ts
 * await decodeBlock(img, 7, bytes, 0, { workers: false, inflateHere: true });
 * ```
 */
export interface DecodeBlockOptions {
  /** Large blocks on the worker-thread pool (default true; worth it for many blocks). */
  workers?: boolean;
  /**
   * Inflate right away on the calling thread, with a reused zlib stream and no await before it
   * (default false: on libuv's thread pool). A window read splits its blocks between both.
   */
  inflateHere?: boolean;
  /**
   * Stored bytes that need no decoding at all (uncompressed, no predictor, native byte order) may
   * come back as a view of `stored` instead of a copy (default false): for a caller that drops the
   * block before `stored` is reused or changed (a read that does not cache its blocks).
   */
  borrow?: boolean;
  /**
   * DEFLATE blocks (built-in decoder, not on the worker threads) inflate into these bytes when they
   * hold the decoded block, instead of into new ones; the block returned may then be a view of them.
   * For a caller that copies the block out before it reuses them (a read that does not cache its blocks).
   */
  into?: Uint8Array;
}

let hereInflater: SyncInflater | undefined;

const INTEGER_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647], cint16: [-32768, 32767], cint32: [-2147483648, 2147483647],
};

/**
 * The value GDAL gives the pixels of a missing (sparse) block of a band: its nodata value converted
 * to the data type as GDALCopyWords does (integers: rounded half away from zero and clamped to the
 * type's range, NaN gives 0; complex: the real part), or 0 when the band has no nodata.
 * @example
 * ```ts
 * missingBlockValue("uint8", -9999); // 0
 * missingBlockValue("float32", NaN); // NaN
 * ```
 */
export function missingBlockValue(dtype: DType, nodata: number | null | undefined): number {
  if (nodata === null || nodata === undefined) return 0;
  const range = INTEGER_RANGE[dtype];
  if (!range) return nodata;
  if (Number.isNaN(nodata)) return 0;
  const v = Math.min(range[1], Math.max(range[0], nodata));
  return v >= 0 ? Math.floor(v + 0.5) : Math.ceil(v - 0.5);
}

/**
 * The decoded form of missing block `index` (offset or byte count 0): `n` values, each sample the
 * value of its band (`fill[band - 1]`, see {@link missingBlockValue}, or one number for every band);
 * the imaginary parts of complex samples are 0, as in GDAL.
 * @example
 * ```ts
 * const block = missingBlock(img, 7, img.blockWidth * img.blockHeight * img.samples, [0, NaN]);
 * ```
 */
export function missingBlock(img: TiffImage, index: number, n: number, fill: number | readonly number[]): BandArray {
  const a = new (arrayTypeFor(img.dtype))(n);
  const comp = isComplex(img.dtype) ? 2 : 1;
  const spp = img.planar === 2 ? 1 : img.samples;
  const firstBand = img.planar === 2 ? Math.floor(index / (img.blocksAcross * img.blocksDown)) : 0;
  const value = (s: number) => (typeof fill === "number" ? fill : fill[firstBand + s] ?? 0);
  if (spp === 1 && comp === 1) {
    const v = value(0);
    if (v !== 0) a.fill(v);
    return a;
  }
  const stride = spp * comp;
  for (let s = 0; s < spp; s++) {
    const v = value(s);
    if (v !== 0) for (let i = s * comp; i < n; i += stride) a[i] = v;
  }
  return a;
}

/**
 * Refuses a block of more than 4 GiB decoded (`bytes`), which no typed array holds: a block size
 * in the header that is corrupt (a 10⁶×10⁶ tile), or a valid file with giant blocks (one strip for
 * a whole large image), which is refused clearly instead of a bare RangeError at allocation.
 */
function checkBlockFits(img: TiffImage, index: number, rows: number, bytes: number): void {
  if (bytes <= bufferConstants.MAX_LENGTH) return;
  const kind = img.tiled ? "tile" : "strip";
  throw new UnsupportedRasterFeatureError(img.file, `${kind} size`, `${img.blockWidth}×${rows}`,
    `${kind} ${index} of IFD ${img.ifdIndex} decodes to ${bytes} bytes, more than one block can hold in memory ` +
    `(${(bufferConstants.MAX_LENGTH / 2 ** 30).toFixed(0)} GiB). If gdalinfo -checksum reads the file, rewrite it with smaller blocks ` +
    "(gdal_translate -co TILED=YES); otherwise its header is corrupt: download or copy it again.");
}

/**
 * Most bytes one stored byte can decode to, for codecs where that is known exactly: a DEFLATE
 * match of 258 bytes costs at least 2 bits, a PackBits run of 128 bytes 2 bytes; uncompressed, 1.
 */
const MAX_EXPANSION: Partial<Record<number, number>> = { 1: 1, 8: 1032, 32946: 1032, 32773: 64 };

/**
 * Refuses a block whose `storedBytes` cannot decode to the `expected` bytes its rows need with
 * its (built-in) codec, before memory for them is allocated: such a block would decode short
 * anyway, and a corrupt image or block size must not allocate gigabytes for a few stored bytes.
 */
function checkExpansion(img: TiffImage, index: number, storedBytes: number, expected: number): void {
  const max = MAX_EXPANSION[img.compression];
  if (max === undefined || !isBuiltinDecoder(img.compression) || expected <= storedBytes * max) return;
  const codec = COMPRESSION_NAMES[img.compression] ?? String(img.compression);
  const rows = blockRows(img, Math.floor((index % (img.blocksAcross * img.blocksDown)) / img.blocksAcross));
  throw new RasterFormatError(img.file,
    `${img.tiled ? "tile" : "strip"} ${index} (${codec}, ${storedBytes} bytes stored) cannot hold the ${expected} bytes its ` +
    `${img.blockWidth}×${rows} pixels need (${max === 1 ? "uncompressed" : `${codec} expands at most ${max}×`}): the file is truncated, or its ` +
    "byte count or the image or block size in its header is corrupt. Check it with gdalinfo -checksum, and download or copy it again.");
}

/**
 * Decode the stored bytes of block `index` into a typed array of `rows × blockWidth × samples`
 * values (component type for complex: interleaved re/im). A missing block (`stored` null) decodes
 * to `fill`, per band or one value for all (see {@link missingBlock}).
 */
export function decodeBlock(img: TiffImage, index: number, stored: Uint8Array | null, fill: number | readonly number[], options: DecodeBlockOptions = {}): Promise<BandArray> {
  return stored !== null && options.workers === false && isPlainDeflate(img) ? decodePlainDeflate(img, index, stored, options) : decodeAnyBlock(img, index, stored, fill, options);
}

/**
 * Whether blocks of `img` are built-in DEFLATE with nothing to do after inflating but the
 * horizontal predictor on whole integer samples: little-endian 8-, 16- or 32-bit integers, one
 * component per sample, predictor 1 or 2 (the usual Sentinel-2/Landsat COG band).
 */
function isPlainDeflate(img: TiffImage): boolean {
  return (img.compression === 8 || img.compression === 32946) && isBuiltinDecoder(img.compression) && img.littleEndian &&
    (img.bits === 8 || img.bits === 16 || img.bits === 32) && (img.sampleFormat === 1 || img.sampleFormat === 2) &&
    !isComplex(img.dtype) && (img.predictor === 1 || img.predictor === 2);
}

/**
 * {@link decodeBlock} for a block of a {@link isPlainDeflate} image off the worker threads: inflate
 * (here or on libuv's pool), undo the predictor, view the bytes as samples. A small function of its
 * own, so that a fresh process reading a window compiles it and not the general decoder; the
 * result is the general decoder's for the same block.
 */
async function decodePlainDeflate(img: TiffImage, index: number, stored: Uint8Array, options: DecodeBlockOptions): Promise<BandArray> {
  const rows = blockRows(img, Math.floor((index % (img.blocksAcross * img.blocksDown)) / img.blocksAcross));
  const spp = img.planar === 2 ? 1 : img.samples;
  const n = rows * img.blockWidth * spp;
  const expected = rows * rowBytes(img);
  checkExpansion(img, index, stored.length, expected);
  checkBlockFits(img, index, rows, expected);
  const storedBytes = stored.length;
  let raw = options.into && options.into.length >= expected ? options.into.subarray(0, expected) : new Uint8Array(expected);
  // (the native inflater undoes the predictor right after inflating, on the same thread)
  const p: HorizontalPredictor = { bytesPer: (img.bits / 8) as 1 | 2 | 4, rowSamples: img.blockWidth * spp, rows, spp };
  let predicted = false;
  try {
    let got: number;
    if (options.inflateHere) {
      const inflater = (hereInflater ??= new SyncInflater());
      if (img.predictor === 2) ({ written: got, predicted } = inflater.inflatePredicted(stored, raw, p));
      else got = inflater.inflateInto(stored, raw);
    } else {
      const inflater = acquireAsyncInflater();
      try {
        if (img.predictor === 2) ({ written: got, predicted } = await inflater.inflatePredicted(stored, raw, p));
        else got = await inflater.inflateInto(stored, raw);
      } finally {
        releaseAsyncInflater(inflater);
      }
    }
    if (got < expected) raw = raw.subarray(0, got);
  } catch (e) {
    throw blockDecodeError(img, index, storedBytes, e);
  }
  if (raw.length < expected) throw shortBlockError(img, index, storedBytes, raw.length, expected);
  const Ctor = arrayTypeFor(img.dtype);
  const out = raw.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(raw.buffer, raw.byteOffset, n) : new Ctor(Uint8Array.prototype.slice.call(raw, 0, expected).buffer, 0, n);
  if (img.predictor === 2 && !predicted) undoHorizontalPredictor(out, rows, img.blockWidth, spp);
  return out;
}

/** The error for a block its codec fails on (`cause`: the codec's error). */
function blockDecodeError(img: TiffImage, index: number, storedBytes: number, cause: unknown): RasterFormatError {
  const codec = COMPRESSION_NAMES[img.compression] ?? String(img.compression);
  return new RasterFormatError(img.file,
    `cannot decode ${img.tiled ? "tile" : "strip"} ${index} (${codec}, ${storedBytes} bytes stored): ` +
    `${cause instanceof Error ? cause.message : String(cause)}. The file is probably truncated or corrupt; check it with gdalinfo -checksum.`, { cause });
}

/**
 * The error for a block that decodes to fewer bytes than its rows need: as libtiff ("Not enough
 * data"), a damaged block, not zeros to pad with (the last strip of an image is not short: `expected`
 * counts only the rows it holds).
 */
function shortBlockError(img: TiffImage, index: number, storedBytes: number, got: number, expected: number): RasterFormatError {
  const kind = img.tiled ? "tile" : "strip";
  const codec = COMPRESSION_NAMES[img.compression] ?? String(img.compression);
  return new RasterFormatError(img.file, img.compression === 1
    ? `${kind} ${index} has ${got} bytes but needs ${expected}: the file is truncated. Download or copy it again.`
    : `${kind} ${index} (${codec}, ${storedBytes} bytes stored) decodes to ${got} bytes but needs ${expected}: ` +
      "its compressed data is cut short or corrupt, so the file is damaged. Download or copy it again (gdalinfo -checksum fails on it too).");
}

/** {@link decodeBlock} for any block. */
async function decodeAnyBlock(img: TiffImage, index: number, stored: Uint8Array | null, fill: number | readonly number[], options: DecodeBlockOptions): Promise<BandArray> {
  const by = Math.floor((index % (img.blocksAcross * img.blocksDown)) / img.blocksAcross);
  const rows = blockRows(img, by);
  const spp = img.planar === 2 ? 1 : img.samples;
  const comp = isComplex(img.dtype) ? 2 : 1;
  const n = rows * img.blockWidth * spp * comp;
  const Ctor = arrayTypeFor(img.dtype);
  if (stored === null) {
    checkBlockFits(img, index, rows, n * Ctor.BYTES_PER_ELEMENT);
    return missingBlock(img, index, n, fill);
  }
  const expected = rows * rowBytes(img);
  const decoderP = getDecoder(img.compression);
  if (!decoderP) {
    throw new UnsupportedRasterFeatureError(img.file, "compression", `${img.compression} (${COMPRESSION_NAMES[img.compression] ?? "unknown"})`,
      "Register a decoder with addDecoder(code, ...) or convert the file with gdal_translate -co COMPRESS=DEFLATE.");
  }
  // a corrupt size is told as such when the stored bytes show it; else a giant block is refused
  checkExpansion(img, index, stored.length, expected);
  checkBlockFits(img, index, rows, n * Ctor.BYTES_PER_ELEMENT);
  const ctx: DecodeContext = {
    file: img.file, compression: img.compression, expectedBytes: expected, blockWidth: img.blockWidth, blockHeight: rows,
    samples: spp, bitsPerSample: img.bits, sampleFormat: img.sampleFormat, photometric: img.photometric,
  };
  const jt = img.ifd.tags.get(Tag.JPEGTables);
  if (jt instanceof Uint8Array) ctx.jpegTables = jt;
  const lp = img.ifd.tags.get(Tag.LercParameters);
  if (Array.isArray(lp)) ctx.lercParameters = lp;
  let raw: Uint8Array;
  const bytesPerSample = img.bits / 8;
  // large little-endian DEFLATE blocks: inflate and undo the predictor on a worker thread
  // (the fast DEFLATE paths below stand in for the built-in decoder only, not for one added with addDecoder)
  const builtinDeflate = (img.compression === 8 || img.compression === 32946) && isBuiltinDecoder(img.compression);
  const pooled = options.workers !== false && builtinDeflate && img.littleEndian && expected >= POOL_MIN_BYTES &&
    img.bits % 8 === 0 && !isComplex(img.dtype) && (img.predictor === 1 || img.predictor === 3 ||
      (img.predictor === 2 && img.sampleFormat !== 3 && bytesPerSample <= 4)) && img.bits !== 24;
  // the stored size, read now: the worker pool takes the buffer of `stored` away
  const storedBytes = stored.length;
  try {
    // (into a caller's reused bytes where given: see DecodeBlockOptions.into)
    const target = (): Uint8Array => (options.into && options.into.length >= expected ? options.into.subarray(0, expected) : new Uint8Array(expected));
    if (options.inflateHere && !pooled && builtinDeflate) {
      raw = target();
      const got = (hereInflater ??= new SyncInflater()).inflateInto(stored, raw);
      if (got < expected) raw = raw.subarray(0, got);
    } else if (pooled) {
      // (a short stream comes back short, its predictor not undone: refused below)
      raw = await inflateInWorker(stored, { expected, predictor: img.predictor, bytesPer: bytesPerSample, rowSamples: img.blockWidth * spp, rows, spp });
      if (raw.length === expected && !(img.sampleFormat === 3 && img.bits === 16)) return new Ctor(raw.buffer, raw.byteOffset, n);
      // half floats: converted below from the predicted bytes
    } else if (builtinDeflate) {
      // on libuv's thread pool, started before any await (a window read inflates other blocks here meanwhile)
      raw = target();
      const inflater = acquireAsyncInflater();
      try {
        const got = await inflater.inflateInto(stored, raw);
        if (got < expected) raw = raw.subarray(0, got);
      } finally {
        releaseAsyncInflater(inflater);
      }
    } else raw = await (await decoderP)(stored, ctx);
    // Node Buffers' slice() does not copy: normalise to a plain Uint8Array view
    if (Buffer.isBuffer(raw)) raw = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch (e) {
    if (e instanceof UnsupportedRasterFeatureError) throw e;
    throw blockDecodeError(img, index, storedBytes, e);
  }
  if (raw.length < expected) throw shortBlockError(img, index, storedBytes, raw.length, expected);
  const bytesPer = img.bits / 8 / comp;
  const byteAligned = img.bits % 8 === 0 && img.bits >= 8;
  const predicted = pooled;
  // libtiff's horizontal predictor adds whole samples as unsigned integers of BitsPerSample bits:
  // both parts of a complex sample as one word (carries cross from one part into the other)
  const undoWords = img.predictor === 2 && !predicted;
  const wordBytes = img.bits / 8;
  if (img.predictor === 3 && !predicted) {
    if (img.sampleFormat !== 3) throw new UnsupportedRasterFeatureError(img.file, "Predictor", 3, "The floating-point predictor needs float samples.");
    raw = raw === stored ? Uint8Array.prototype.slice.call(raw, 0, expected) : raw;
    undoFloatPredictor(raw, rows, img.blockWidth, spp, img.bits / 8);
  } else if (byteAligned && bytesPer > 1 && !img.littleEndian) {
    raw = raw === stored ? Uint8Array.prototype.slice.call(raw, 0, expected) : raw;
    // predicted complex samples are swapped as whole words, as libtiff does before its sums: in a
    // big-endian file GDAL stores the imaginary part first there, and this puts both parts in place
    swapInPlace(raw.subarray(0, expected), undoWords ? wordBytes : bytesPer);
  }
  let out: BandArray;
  if (img.sampleFormat === 3 && img.bits === 16) {
    // half floats (little-endian by now); libtiff's predictor 2 adds them as 16-bit integers, one
    // running sum per sample of a pixel (stride spp), before they are widened
    const undo = img.predictor === 2 && !predicted;
    const halves = raw.byteOffset % 2 === 0 && !(undo && raw === stored)
      ? new Uint16Array(raw.buffer, raw.byteOffset, n)
      : new Uint16Array(Uint8Array.prototype.slice.call(raw, 0, n * 2).buffer);
    if (undo) undoHorizontalPredictor(halves, rows, img.blockWidth, spp);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = halfToFloat(halves[i]!);
    return f;
  } else if (img.bits === 24) {
    // 3-byte unsigned samples (GDAL's NBITS=24): widened to uint32 as GDAL does
    out = unpack24(raw, n);
  } else if (byteAligned) {
    // a view of the stored bytes only where nothing below changes them in place
    const asIs = raw !== stored || (options.borrow === true && img.predictor === 1 && !(img.compression === 7 && img.photometric === 6));
    if (raw.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 && asIs) out = new Ctor(raw.buffer, raw.byteOffset, n);
    else out = new Ctor(Uint8Array.prototype.slice.call(raw, 0, n * Ctor.BYTES_PER_ELEMENT).buffer, 0, n);
  } else {
    out = new Ctor(n);
    unpackBits(raw, rows, img.blockWidth * spp, img.bits, out as Uint8Array);
  }
  if (undoWords) {
    // floats and complex samples are differenced as unsigned integers of the sample's width
    if (out.byteOffset % Math.min(wordBytes, 8) !== 0) out = out.slice();
    const words = rows * img.blockWidth * spp;
    if (wordBytes === 8) hp64(new Uint32Array(out.buffer, out.byteOffset, words * 2), rows, img.blockWidth * spp, spp);
    else if (wordBytes === out.BYTES_PER_ELEMENT) undoHorizontalPredictor(out, rows, img.blockWidth, spp);
    else undoHorizontalPredictor(new Uint32Array(out.buffer, out.byteOffset, words), rows, img.blockWidth, spp);
  }
  if (img.compression === 7 && img.photometric === 6 && spp >= 3) {
    const ss = tagNumbers(img.ifd, Tag.YCbCrSubSampling);
    ycbcrBlockToRgb(out as Uint8Array, img.blockWidth, rows, spp, ss[0] ?? 2, ss[1] ?? 2);
  }
  return out;
}

/** Byte counts above this are limited as libtiff limits them (see {@link storedBytesToRead}). */
const LOOSE_COUNT_MIN = 1 << 20;

/**
 * How many stored bytes of block `index` (whose byte count is `count`) to read: the count, but
 * never more than a block can use. Uncompressed blocks use their decoded size; for compressed
 * ones a count over 1 MiB is limited, as libtiff limits it (TIFFFillStrip/TIFFFillTile), to 10 ×
 * the decoded size of a whole block + 4096 bytes: no codec stores a block that loosely (random
 * data through GDAL: CCITT fax ~5.5×, LZW 1.4×, JPEG at quality 100 ≤ 1.4×, LERC, PackBits, ZSTD,
 * LZMA, WebP ~1×), so GDAL reads such a block as this reader does, and a corrupt count of
 * gigabytes costs no more memory than that (for 256×256 uint16 tiles: 1 314 816 bytes).
 */
function storedBytesToRead(img: TiffImage, index: number, count: number): number {
  const by = Math.floor((index % (img.blocksAcross * img.blocksDown)) / img.blocksAcross);
  if (img.compression === 1 && isBuiltinDecoder(1)) return Math.min(count, blockRows(img, by) * rowBytes(img));
  const whole = img.blockHeight * rowBytes(img);
  return count > LOOSE_COUNT_MIN && count > 10 * whole + 4096 ? 10 * whole + 4096 : count;
}

/**
 * Refuses block `index`, stored as `count` bytes at `offset` of which `length` are to be read,
 * when it does not lie inside a source of `size` bytes (unknown size: not checked here).
 */
function checkBlockInSource(img: TiffImage, index: number, offset: number, count: number, length: number, size: number | undefined): void {
  if (size === undefined || offset + length <= size) return;
  const kind = img.tiled ? "tile" : "strip";
  const what = offset >= size
    ? `${kind} ${index} starts at byte ${offset} (its ${img.tiled ? "TileOffsets" : "StripOffsets"} value), past the end of the file (${size} bytes)`
    : `${kind} ${index} should have ${count} bytes at offset ${offset} (its ${img.tiled ? "TileByteCounts" : "StripByteCounts"} value) but the file ends ${size - offset} bytes after that offset (${size} bytes)`;
  throw new RasterFormatError(img.file, `${what}: the file is probably truncated or corrupt. Check it with gdalinfo -checksum, and download or copy it again.`);
}

/**
 * Fetch the stored bytes of the given blocks (near ranges merged by HTTP sources); missing blocks
 * (offset or byte count 0) map to null. Blocks are checked against the source's size before
 * anything is read or allocated, and no more of a block is read than {@link storedBytesToRead} says.
 * @throws {RasterFormatError} when a block lies past the end of the file or the file ends before it does.
 */
export async function fetchBlocks(
  img: TiffImage, src: ByteSource, indices: number[], signal?: AbortSignal, alloc?: (length: number) => Uint8Array,
): Promise<Map<number, Uint8Array | null>> {
  await Promise.all([img.offsets.ensure(indices, signal), img.byteCounts.ensure(indices, signal)]);
  const off = (i: number) => img.offsets.at(i);
  const present = indices.filter((i) => off(i) > 0 && img.byteCounts.at(i) > 0);
  const lengths = new Map(present.map((i) => [i, storedBytesToRead(img, i, img.byteCounts.at(i))]));
  const len = (i: number) => lengths.get(i)!;
  for (const i of present) checkBlockInSource(img, i, off(i), img.byteCounts.at(i), len(i), src.size);
  let bytes: Uint8Array[];
  if (alloc && src.readInto) {
    // local files: read each block into a (recycled) buffer of the caller's
    const readInto = src.readInto.bind(src);
    bytes = await Promise.all(present.map(async (i) => {
      const target = alloc(len(i));
      const got = await readInto(off(i), target, signal);
      return got === target.length ? target : target.subarray(0, got);
    }));
  } else bytes = await src.readMany(present.map((i) => [off(i), len(i)] as const), signal);
  const byIndex = new Map<number, Uint8Array | null>(indices.map((i) => [i, null]));
  present.forEach((i, k) => {
    const b = bytes[k]!;
    if (b.length < len(i)) {
      throw new RasterFormatError(img.file, `${img.tiled ? "tile" : "strip"} ${i} should have ${img.byteCounts.at(i)} bytes at offset ${off(i)} but the file ends after ${b.length}: the file is truncated. Download or copy it again.`);
    }
    byIndex.set(i, b);
  });
  return byIndex;
}
