/**
 * The decompression registry of the TIFF reader: TIFF compression code → decoder. Built-in
 * decoders are loaded lazily; add your own with {@link addDecoder}.
 * @module
 */
import { inflate } from "node:zlib";
import { promisify } from "node:util";

const inflateAsync = promisify(inflate);

/** What a decoder knows about the block it decodes. */
export interface DecodeContext {
  /** File name or URL, for messages. */
  file: string;
  /** TIFF compression code. */
  compression: number;
  /** Bytes the decoded block should have (rows × row bytes of this block). */
  expectedBytes: number;
  /** Block width and height in pixels (strips: image width × rows in this strip). */
  blockWidth: number;
  blockHeight: number;
  /** Samples stored in this block (1 for band-interleaved files). */
  samples: number;
  /** Bits per sample. */
  bitsPerSample: number;
  /** TIFF SampleFormat (1 uint, 2 int, 3 float, 5 complex int, 6 complex float). */
  sampleFormat: number;
  /** JPEGTables tag bytes, when present. */
  jpegTables?: Uint8Array;
  /** LercParameters tag values, when present. */
  lercParameters?: number[];
  /** PhotometricInterpretation. */
  photometric: number;
}

/** A decoder turns the stored bytes of one strip or tile into the uncompressed bytes. */
export type Decoder = (bytes: Uint8Array, ctx: DecodeContext) => Uint8Array | Promise<Uint8Array>;

const registry = new Map<number, () => Promise<Decoder>>();
const loaded = new Map<number, Promise<Decoder>>();

/**
 * Register a decoder for a TIFF compression code (it replaces any built-in one).
 * @param code TIFF Compression tag value, e.g. 50001 for WEBP.
 * @param load returns (or resolves to) the decoder; called once, on first use.
 * @example
 * ```ts
 * addDecoder(50001, async () => (bytes, ctx) => myWebpDecode(bytes, ctx.blockWidth, ctx.blockHeight));
 * ```
 */
export function addDecoder(code: number, load: () => Decoder | Promise<Decoder>): void {
  registry.set(code, async () => load());
  loaded.delete(code);
  replaced.add(code);
}

const replaced = new Set<number>();

/**
 * Whether the decoder of `code` is the built-in one (not replaced with {@link addDecoder}).
 * @example
 * ```ts
 * isBuiltinDecoder(8); // true until addDecoder(8, …)
 * ```
 */
export function isBuiltinDecoder(code: number): boolean {
  return !replaced.has(code);
}

/** Is there a decoder for this compression code? */
export function hasDecoder(code: number): boolean {
  return registry.has(code);
}

/** The decoder for `code` (loading it on first use), or undefined when none is registered. */
export function getDecoder(code: number): Promise<Decoder> | undefined {
  let d = loaded.get(code);
  if (!d) {
    const load = registry.get(code);
    if (!load) return undefined;
    d = load();
    loaded.set(code, d);
  }
  return d;
}

/** Names of TIFF compression codes, as gdalinfo prints them. */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: "NONE", 5: "LZW", 6: "OJPEG", 7: "JPEG", 8: "DEFLATE", 32946: "DEFLATE", 32773: "PACKBITS",
  34887: "LERC", 34925: "LZMA", 50000: "ZSTD", 50001: "WEBP", 50002: "JXL",
};

/**
 * TIFF LZW (MSB-first codes, with the "early change" libtiff writes). Returns `expected` bytes, or
 * fewer when the codes end first (a truncated stream).
 */
export function decodeLzw(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let i = 0; i < 256; i++) { prefix[i] = -1; suffix[i] = i; first[i] = i; length[i] = 1; }
  let next = 258;
  let width = 9;
  let bitPos = 0;
  const nbits = input.length * 8;
  let op = 0;
  let old = -1;
  while (bitPos + width <= nbits) {
    // read `width` bits MSB-first
    let code = 0;
    for (let k = 0; k < width; k++) {
      const bp = bitPos + k;
      code = (code << 1) | ((input[bp >>> 3]! >>> (7 - (bp & 7))) & 1);
    }
    bitPos += width;
    if (code === 257) break;
    if (code === 256) {
      next = 258; width = 9; old = -1;
      continue;
    }
    let entryLen: number;
    if (old === -1) {
      if (op < expected) out[op] = code;
      op += 1;
      old = code;
      continue;
    }
    if (code < next) {
      entryLen = length[code]!;
      let c = code;
      for (let k = entryLen - 1; k >= 0; k--) { if (op + k < expected) out[op + k] = suffix[c]!; c = prefix[c]!; }
      op += entryLen;
      if (next < 4096) { prefix[next] = old; suffix[next] = first[code]!; first[next] = first[old]!; length[next] = length[old]! + 1; next++; }
    } else {
      // KwKwK case
      entryLen = length[old]! + 1;
      if (next < 4096) { prefix[next] = old; suffix[next] = first[old]!; first[next] = first[old]!; length[next] = entryLen; }
      let c = next;
      for (let k = entryLen - 1; k >= 0; k--) { if (op + k < expected) out[op + k] = suffix[c]!; c = prefix[c]!; }
      op += entryLen;
      next++;
    }
    old = code;
    if (next + 1 >= (1 << width) && width < 12) width++;
  }
  return op < expected ? out.subarray(0, op) : out;
}

/** PackBits run-length decoding: `expected` bytes, or fewer when the input ends first (a truncated stream). */
export function decodePackbits(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let ip = 0;
  let op = 0;
  while (ip < input.length && op < expected) {
    const n = (input[ip++]! << 24) >> 24;
    if (n >= 0) {
      const len = Math.min(n + 1, expected - op);
      out.set(input.subarray(ip, ip + len), op);
      ip += n + 1;
      op += len;
    } else if (n !== -128) {
      const len = Math.min(1 - n, expected - op);
      out.fill(input[ip++]!, op, op + len);
      op += len;
    }
  }
  return op < expected ? out.subarray(0, op) : out;
}

/** Load a geotiff.js decoder class (used for JPEG, ZSTD and LERC) and wrap it. */
async function geotiffDecoder(code: number, params: (ctx: DecodeContext) => Record<string, unknown>): Promise<Decoder> {
  const { getDecoder: gtGetDecoder } = await import("geotiff");
  return async (bytes, ctx) => {
    const dec = await gtGetDecoder(code, {
      tileWidth: ctx.blockWidth, tileHeight: ctx.blockHeight, predictor: 1, bitsPerSample: ctx.bitsPerSample,
      planarConfiguration: ctx.samples > 1 ? 1 : 2, samplesPerPixel: ctx.samples, ...params(ctx),
    } as never);
    const copy = Uint8Array.prototype.slice.call(bytes).buffer;
    const out = await dec.decodeBlock(copy);
    return new Uint8Array(out as ArrayBuffer);
  };
}

registry.set(1, async () => (b) => b);
const deflate: Decoder = async (b, ctx) =>
  // one output chunk of the block's size: no 16 KiB chunking and concatenation; runs on libuv's thread pool
  inflateAsync(b, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a missing end marker */, chunkSize: Math.max(1024, ctx.expectedBytes + 1024) });
registry.set(8, async () => deflate);
registry.set(32946, async () => deflate);
registry.set(5, async () => (b, ctx) => decodeLzw(b, ctx.expectedBytes));
registry.set(32773, async () => (b, ctx) => decodePackbits(b, ctx.expectedBytes));
registry.set(50000, async () => {
  const zstd = await geotiffDecoder(50000, () => ({}));
  return (bytes, ctx) => {
    // zstddec returns megabytes of zeros for a stream cut inside its frame header: refuse it first
    if (bytes.length < 6 || bytes[0] !== 0x28 || bytes[1] !== 0xb5 || bytes[2] !== 0x2f || bytes[3] !== 0xfd) {
      throw new Error(bytes.length < 6 ? `not a whole ZSTD frame (${bytes.length} bytes)` : "not a ZSTD frame (no ZSTD magic number)");
    }
    return zstd(bytes, ctx);
  };
});
registry.set(7, () => geotiffDecoder(7, (ctx) => ({ JPEGTables: ctx.jpegTables })));

/** Typed-array constructor for TIFF sample format and bits (component type for complex). */
function sampleArrayType(sampleFormat: number, bits: number) {
  if (sampleFormat === 3) return bits === 64 ? Float64Array : Float32Array;
  if (sampleFormat === 2) return bits === 8 ? Int8Array : bits === 16 ? Int16Array : Int32Array;
  return bits <= 8 ? Uint8Array : bits <= 16 ? Uint16Array : Uint32Array;
}

/**
 * LERC (+DEFLATE/+ZSTD) as GDAL writes it: masked pixels become NaN for floats (as GDAL returns
 * them), 0 for integers.
 */
registry.set(34887, async () => {
  const mod = (await import("lerc")) as unknown as typeof import("lerc") & { default?: typeof import("lerc") };
  const Lerc = typeof mod.decode === "function" ? mod : mod.default!;
  await Lerc.load();
  return async (bytes, ctx) => {
    let b = bytes;
    const add = ctx.lercParameters?.[1] ?? 0;
    if (add === 1) b = await deflate(bytes, ctx);
    else if (add === 2) b = await (await getDecoder(50000)!)(bytes, ctx);
    const res = Lerc.decode(b, { returnInterleaved: true });
    const C = sampleArrayType(ctx.sampleFormat, ctx.bitsPerSample);
    const n = ctx.blockWidth * ctx.blockHeight * ctx.samples;
    const out = new C(n);
    const planes = res.pixels;
    if (planes.length === 1) {
      const p = planes[0]!;
      for (let i = 0; i < n && i < p.length; i++) out[i] = p[i]!;
    } else {
      // one LERC band per sample: interleave
      const npx = ctx.blockWidth * ctx.blockHeight;
      planes.forEach((p, s) => { for (let i = 0; i < npx; i++) out[i * ctx.samples + s] = p[i]!; });
    }
    if (res.mask) {
      const isFloat = ctx.sampleFormat === 3;
      const m = res.mask;
      for (let i = 0; i < m.length; i++) {
        if (!m[i]) for (let s = 0; s < ctx.samples; s++) out[i * ctx.samples + s] = isFloat ? NaN : 0;
      }
    }
    return new Uint8Array(out.buffer);
  };
});

/** WEBP (lossy or lossless) decoded by @cwasm/webp (WebAssembly libwebp); RGB or RGBA per the block's samples. */
registry.set(50001, async () => {
  const { decode } = (await import("@cwasm/webp")) as unknown as { decode: (b: Uint8Array) => { width: number; height: number; data: Uint8ClampedArray } };
  return (bytes, ctx) => {
    const img = decode(bytes);
    if (ctx.samples === 4) return new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
    const n = img.width * img.height;
    const out = new Uint8Array(n * ctx.samples);
    for (let i = 0; i < n; i++) for (let s = 0; s < ctx.samples; s++) out[i * ctx.samples + s] = img.data[i * 4 + s]!;
    return out;
  };
});

/** LZMA as libtiff writes it: an .xz stream with the delta + LZMA2 filter chain (decoded by ./xz.ts). */
registry.set(34925, async () => {
  const { decodeXz } = await import("./xz.js");
  return (bytes, ctx) => decodeXz(bytes, ctx.expectedBytes);
});
