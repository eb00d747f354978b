/**
 * TIFF / BigTIFF structure: header, the chain of image file directories (IFDs) and their tags.
 * Tag values are read eagerly at open (they are small), pixels never.
 * @module
 */
import type { ByteSource } from "./byte-source.js";
import { RasterFormatError } from "./errors.js";

/** Tag numbers used by the reader and writer. */
export const Tag = {
  NewSubfileType: 254, ImageWidth: 256, ImageLength: 257, BitsPerSample: 258, Compression: 259,
  PhotometricInterpretation: 262, ImageDescription: 270, StripOffsets: 273, SamplesPerPixel: 277, RowsPerStrip: 278,
  StripByteCounts: 279, PlanarConfiguration: 284, Software: 305, DateTime: 306, Predictor: 317, ColorMap: 320,
  TileWidth: 322, TileLength: 323, TileOffsets: 324, TileByteCounts: 325, ExtraSamples: 338, SampleFormat: 339,
  JPEGTables: 347, YCbCrSubSampling: 530, ReferenceBlackWhite: 532,
  ModelPixelScale: 33550, ModelTiepoint: 33922, ModelTransformation: 34264, GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736, GeoAsciiParams: 34737, GdalMetadata: 42112, GdalNodata: 42113, LercParameters: 50674,
} as const;

/** A tag value: numbers for numeric types, a string for ASCII, bytes for BYTE/UNDEFINED, or values read on demand. */
export type TagValue = number[] | string | Uint8Array | DeferredArray;

/** Block-location tags of more than this many values are read on demand, a page at a time. */
export const DEFER_MIN_VALUES = 2048;
const PAGE = 1024;

/** One image file directory. */
export interface Ifd {
  /** File offset of the directory. */
  offset: number;
  tags: Map<number, TagValue>;
}

/** A parsed TIFF file: byte order, BigTIFF flag and all IFDs in file order. */
export interface TiffFile {
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: Ifd[];
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Reads through cached chunks (the head, then 16 KiB chunks around misses) so that tag data costs
 * few requests even when the IFDs sit at the end of a file read over HTTP.
 */
export class HeadReader {
  private readonly chunks: { start: number; bytes: Uint8Array }[];
  constructor(private readonly src: ByteSource, head: Uint8Array, private readonly signal?: AbortSignal) {
    this.chunks = [{ start: 0, bytes: head }];
  }
  async get(offset: number, length: number, signal: AbortSignal | undefined = this.signal): Promise<Uint8Array> {
    for (const c of this.chunks) {
      if (offset >= c.start && offset + length <= c.start + c.bytes.length) return c.bytes.subarray(offset - c.start, offset - c.start + length);
    }
    const want = Math.max(length, 16384);
    const chunk = await this.src.read(offset, want, signal);
    if (chunk.length >= length) {
      this.chunks.push({ start: offset, bytes: chunk });
      return chunk.subarray(0, length);
    }
    const b = chunk;
    if (b.length < length) {
      throw new RasterFormatError(this.src.name,
        `the file is truncated: needed ${length} bytes at offset ${offset} for TIFF structure, got ${b.length}. ` +
        "Download or copy the file again.");
    }
    return b;
  }
}

/**
 * A numeric tag read on demand: the TileOffsets/TileByteCounts (StripOffsets/StripByteCounts) of a
 * large image hold one value per block, and a windowed read needs a handful. As GDAL does, only
 * the pages (1024 values) holding the blocks asked for are read and parsed.
 * @example
 * ```ts
 * const offsets = ifd.tags.get(Tag.TileOffsets);
 * if (offsets instanceof DeferredArray) { await offsets.ensure([660, 661]); offsets.at(660); }
 * ```
 */
export class DeferredArray {
  readonly #pages = new Map<number, number[]>();
  /** @internal */
  constructor(
    readonly length: number, private readonly type: number, private readonly offset: number,
    private readonly littleEndian: boolean, private readonly reader: HeadReader,
  ) {}

  /** Read the pages holding `indices` (already read pages are kept). */
  async ensure(indices: Iterable<number>, signal?: AbortSignal): Promise<void> {
    const size = TYPE_SIZE[this.type]!;
    const want = new Set<number>();
    for (const i of indices) if (i >= 0 && i < this.length && !this.#pages.has(Math.floor(i / PAGE))) want.add(Math.floor(i / PAGE));
    await Promise.all([...want].map(async (p) => {
      const n = Math.min(PAGE, this.length - p * PAGE);
      const bytes = await this.reader.get(this.offset + p * PAGE * size, n * size, signal);
      this.#pages.set(p, decodeValues(bytes, this.type, n, this.littleEndian) as number[]);
    }));
  }

  /** Value `i`; its page must have been read with {@link ensure}. */
  at(i: number): number {
    const page = this.#pages.get(Math.floor(i / PAGE));
    if (!page) throw new RangeError(`value ${i} of a deferred tag was not loaded`);
    return page[i % PAGE]!;
  }

  /** Number of values parsed so far (for tests and diagnostics). */
  get loaded(): number {
    let n = 0;
    for (const p of this.#pages.values()) n += p.length;
    return n;
  }
}

const BLOCK_LOCATION_TAGS = new Set([273, 279, 324, 325]);

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function decodeValues(b: Uint8Array, type: number, count: number, le: boolean): TagValue {
  const dv = view(b);
  if (type === 2) {
    let end = b.indexOf(0);
    if (end < 0) end = b.length;
    return Buffer.from(b.subarray(0, end)).toString("latin1");
  }
  if (type === 1 || type === 7) return Uint8Array.prototype.slice.call(b, 0, count);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 3: out[i] = dv.getUint16(i * 2, le); break;
      case 4: case 13: out[i] = dv.getUint32(i * 4, le); break;
      case 5: out[i] = dv.getUint32(i * 8, le) / dv.getUint32(i * 8 + 4, le); break;
      case 6: out[i] = dv.getInt8(i); break;
      case 8: out[i] = dv.getInt16(i * 2, le); break;
      case 9: out[i] = dv.getInt32(i * 4, le); break;
      case 10: out[i] = dv.getInt32(i * 8, le) / dv.getInt32(i * 8 + 4, le); break;
      case 11: out[i] = dv.getFloat32(i * 4, le); break;
      case 12: out[i] = dv.getFloat64(i * 8, le); break;
      case 16: case 18: out[i] = Number(dv.getBigUint64(i * 8, le)); break;
      case 17: out[i] = Number(dv.getBigInt64(i * 8, le)); break;
    }
  }
  return out;
}

/**
 * Parse the TIFF header and every IFD of `src`.
 * @throws {RasterFormatError} when the file is not a TIFF or its structure is truncated/corrupt.
 */
export async function readTiffStructure(src: ByteSource, signal?: AbortSignal): Promise<TiffFile> {
  const headLen = src.size !== undefined ? Math.min(src.size, 65536) : 16384;
  const head = await src.read(0, headLen, signal);
  if (head.length < 8) throw new RasterFormatError(src.name, `only ${head.length} bytes: not a TIFF file (or truncated).`);
  const bo = String.fromCharCode(head[0]!, head[1]!);
  if (bo !== "II" && bo !== "MM") {
    throw new RasterFormatError(src.name, "not a TIFF/GeoTIFF file (no II/MM byte-order mark). Only GeoTIFF and COG are read; convert other formats with gdal_translate.");
  }
  const le = bo === "II";
  const hv = view(head);
  const magic = hv.getUint16(2, le);
  if (magic !== 42 && magic !== 43) throw new RasterFormatError(src.name, `bad TIFF magic number ${magic} (expected 42 or 43): the file is corrupt.`);
  const bigTiff = magic === 43;
  const reader = new HeadReader(src, head, signal);
  let next = bigTiff ? Number(hv.getBigUint64(8, le)) : hv.getUint32(4, le);
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  const entrySize = bigTiff ? 20 : 12;
  const inlineMax = bigTiff ? 8 : 4;
  while (next !== 0) {
    if (seen.has(next) || ifds.length > 10000) throw new RasterFormatError(src.name, `IFD chain loops at offset ${next}: the file is corrupt.`);
    if (src.size !== undefined && next >= src.size) {
      throw new RasterFormatError(src.name, `IFD offset ${next} is past the end of the file (${src.size} bytes): the file is truncated.`);
    }
    seen.add(next);
    const cntBytes = await reader.get(next, bigTiff ? 8 : 2);
    const n = bigTiff ? Number(view(cntBytes).getBigUint64(0, le)) : view(cntBytes).getUint16(0, le);
    const entries = await reader.get(next + (bigTiff ? 8 : 2), n * entrySize + (bigTiff ? 8 : 4));
    const ev = view(entries);
    const tags = new Map<number, TagValue>();
    for (let i = 0; i < n; i++) {
      const p = i * entrySize;
      const tag = ev.getUint16(p, le);
      const type = ev.getUint16(p + 2, le);
      const count = bigTiff ? Number(ev.getBigUint64(p + 4, le)) : ev.getUint32(p + 4, le);
      const size = TYPE_SIZE[type];
      if (size === undefined) continue; // unknown field type: skipped, as libtiff does
      const bytes = size * count;
      let data: Uint8Array;
      const vp = p + (bigTiff ? 12 : 8);
      if (bytes <= inlineMax) data = entries.subarray(vp, vp + bytes);
      else {
        const off = bigTiff ? Number(ev.getBigUint64(vp, le)) : ev.getUint32(vp, le);
        if (BLOCK_LOCATION_TAGS.has(tag) && count > DEFER_MIN_VALUES && (type === 3 || type === 4 || type === 16 || type === 13)) {
          if (src.size !== undefined && off + bytes > src.size) {
            throw new RasterFormatError(src.name, `the file is truncated: tag ${tag} needs ${bytes} bytes at offset ${off}, the file has ${src.size}. Download or copy the file again.`);
          }
          tags.set(tag, new DeferredArray(count, type, off, le, reader));
          continue;
        }
        data = await reader.get(off, bytes);
      }
      tags.set(tag, decodeValues(data, type, count, le));
    }
    ifds.push({ offset: next, tags });
    const np = n * entrySize;
    next = bigTiff ? Number(ev.getBigUint64(np, le)) : ev.getUint32(np, le);
  }
  if (ifds.length === 0) throw new RasterFormatError(src.name, "the TIFF has no image directory.");
  return { littleEndian: le, bigTiff, ifds };
}

/** A numeric tag as an array (empty when absent). */
export function tagNumbers(ifd: Ifd, tag: number): number[] {
  const v = ifd.tags.get(tag);
  if (v === undefined) return [];
  if (typeof v === "string" || v instanceof DeferredArray) return [];
  return Array.from(v);
}

/** The first number of a numeric tag, or `dflt`. */
export function tagNumber(ifd: Ifd, tag: number, dflt: number): number {
  const v = tagNumbers(ifd, tag);
  return v.length ? v[0]! : dflt;
}

/** An ASCII tag, or undefined. */
export function tagString(ifd: Ifd, tag: number): string | undefined {
  const v = ifd.tags.get(tag);
  return typeof v === "string" ? v : undefined;
}
