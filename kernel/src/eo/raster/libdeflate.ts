/**
 * The native inflater: libdeflate (the library GDAL's libtiff inflates with) behind a small
 * Node-API addon, `build/native/ai4eo_inflate.node`, built from kernel/native/inflate.c by
 * `npm run build` (scripts/build-native.mjs) against Debian's libdeflate-dev. On the tiles of a
 * DEFLATE GeoTIFF it inflates ~1.6× as fast as Node's zlib. Where the addon was not built (no C
 * compiler or libdeflate-dev), or `AI4EO_INFLATE=zlib` is set, readers use Node's zlib as before.
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The addon's functions (see kernel/native/inflate.c). */
export interface NativeInflate {
  /**
   * Inflates the zlib stream `input` into `out` on this thread: the bytes written, or -1 when the
   * stream did not inflate whole into `out` (corrupt, truncated, or longer than `out`; inflate it with
   * zlib then, which reports the error or keeps what a truncated stream holds).
   */
  inflate(input: Uint8Array, out: Uint8Array): number;
  /**
   * As `inflate(input, out)`, and when the stream filled exactly `rows × rowSamples` samples of
   * `bytesPer` bytes (at an address aligned to them), TIFF's horizontal predictor undone too (each
   * sample plus the one `spp` before it in its row): then the result is `-(written + 3)`.
   */
  inflate(input: Uint8Array, out: Uint8Array, bytesPer: 1 | 2 | 4, rowSamples: number, rows: number, spp: number): number;
  /** As `inflate`, on libuv's thread pool; `done` receives the result. Keep both arrays unchanged until then. */
  inflateAsync(input: Uint8Array, out: Uint8Array, done: (written: number) => void): void;
  inflateAsync(input: Uint8Array, out: Uint8Array, done: (written: number) => void, bytesPer: 1 | 2 | 4, rowSamples: number, rows: number, spp: number): void;
}

/** Which inflater DEFLATE blocks go through, and why. */
export interface InflateBackend {
  /** "libdeflate" (the addon) or "zlib" (Node's). */
  name: "libdeflate" | "zlib";
  /** The addon's path when it is in use. */
  path: string | null;
  /** Why zlib is used, when it is. */
  reason: string | null;
}

let loaded: { addon: NativeInflate | null; backend: InflateBackend } | undefined;

/**
 * Where the addon is: `build/native/` of the package, found from this module in the sources
 * (kernel/src/eo/raster) or in the build (dist/kernel/src/eo/raster).
 */
export function nativeInflatePath(): string | null {
  for (const up of ["../../../../", "../../../../../"]) {
    const p = fileURLToPath(new URL(`${up}build/native/ai4eo_inflate.node`, import.meta.url));
    if (existsSync(p)) return p;
  }
  return null;
}

function load(): { addon: NativeInflate | null; backend: InflateBackend } {
  if (loaded) return loaded;
  const zlibBecause = (reason: string): { addon: null; backend: InflateBackend } => ({ addon: null, backend: { name: "zlib", path: null, reason } });
  if (process.env.AI4EO_INFLATE === "zlib") return (loaded = zlibBecause("AI4EO_INFLATE=zlib is set"));
  const path = nativeInflatePath();
  if (!path) return (loaded = zlibBecause("the native inflater (build/native/ai4eo_inflate.node) was not built: see scripts/build-native.mjs"));
  try {
    // (process.dlopen: ~0.2 ms in a fresh process, where require() of the same file took ~1.2 ms)
    const holder = { exports: {} as NativeInflate };
    process.dlopen(holder, path);
    const addon = holder.exports;
    if (typeof addon.inflate !== "function" || typeof addon.inflateAsync !== "function") throw new Error("it does not export inflate and inflateAsync");
    // a known stream: zlib of [1, 2, 3]
    const out = new Uint8Array(3);
    if (addon.inflate(Uint8Array.of(0x78, 0x9c, 0x63, 0x64, 0x62, 0x06, 0x00, 0x00, 0x0d, 0x00, 0x07), out) !== 3 || out[2] !== 3) throw new Error("it inflated a known stream wrongly");
    return (loaded = { addon, backend: { name: "libdeflate", path, reason: null } });
  } catch (e) {
    return (loaded = zlibBecause(`the native inflater ${path} did not load (${e instanceof Error ? e.message : String(e)}); rebuild it with npm run build`));
  }
}

/**
 * The native inflater, or null where readers use Node's zlib (see {@link inflateBackend}).
 * @example
 * ```ts
 * const lib = nativeInflate();
 * const out = new Uint8Array(512 * 512 * 2);
 * const n = lib ? lib.inflate(tileBytes, out) : -1; // -1: inflate with zlib instead
 * ```
 */
export function nativeInflate(): NativeInflate | null {
  return load().addon;
}

/**
 * Which inflater DEFLATE blocks go through: libdeflate (the native addon) or Node's zlib, with the reason.
 * @example
 * ```ts
 * inflateBackend(); // { name: "libdeflate", path: ".../build/native/ai4eo_inflate.node", reason: null }
 * ```
 */
export function inflateBackend(): InflateBackend {
  return { ...load().backend };
}
