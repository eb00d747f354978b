// Block decoding (tiff-image.ts decodeBlock) of sample layouts GDAL writes that need more than a
// typed-array view: values must equal GDAL's, files libtiff cannot decode must fail clearly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster, RasterFormatError, UnsupportedRasterFeatureError } from "../../../kernel/src/eo/index.js";
import { setLibuvInflateSplit } from "../../../kernel/src/eo/raster/inflate-pool.js";
import { PY, compareWithGdal, gdalReference, tempDir } from "./gdal-compare.js";
import { getTag, setTag, setTagTyped } from "./tiff-patch.js";

const dir = tempDir("ai4eo-tiff-image-");

/** Runs `body` (Python with numpy as np, gdal, out = the fixture directory, drv = GTiff, rng). */
function makeFixtures(body: string): void {
  execFileSync(PY, ["-c", `
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
out = sys.argv[1]
drv = gdal.GetDriverByName("GTiff")
rng = np.random.default_rng(3)
def make(name, w, h, n, gdt, co, planes, nodata=None):
    ds = drv.Create(f"{out}/{name}.tif", w, h, n, gdt, co)
    for i, p in enumerate(planes):
        ds.GetRasterBand(i + 1).WriteArray(p)
        if nodata is not None: ds.GetRasterBand(i + 1).SetNoDataValue(nodata[i])
    ds = None
${body}
`, dir]);
}

async function compareAll(names: string[]): Promise<void> {
  const refs = gdalReference(names.map((n) => join(dir, `${n}.tif`)));
  for (let k = 0; k < names.length; k++) {
    const src = await openRaster(join(dir, `${names[k]}.tif`));
    await compareWithGdal(src, refs[k]!, { label: names[k] });
    await src.close();
  }
}

test("24-bit unsigned samples (NBITS=24) read as GDAL's uint32: both byte orders; uncompressed, DEFLATE and LZW; strips with a short last one and partial tiles; 1 band, 3 pixel- and band-interleaved", async () => {
  const layouts: Record<string, string[]> = {
    "none": ["BLOCKYSIZE=16"],
    "deflate-band": ["COMPRESS=DEFLATE", "BLOCKYSIZE=16", "INTERLEAVE=BAND"],
    "lzw-tiled": ["COMPRESS=LZW", "TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"],
  };
  const names: string[] = [];
  const lines: string[] = [];
  for (const endian of ["LITTLE", "BIG"]) {
    for (const [layout, co] of Object.entries(layouts)) {
      for (const bands of [1, 3]) {
        const name = `u24-${endian}-${layout}-${bands}b`;
        names.push(name);
        const options = JSON.stringify([...co, "NBITS=24", `ENDIANNESS=${endian}`]);
        lines.push(`make("${name}", 70, 45, ${bands}, gdal.GDT_UInt32, ${options}, [rng.integers(0, 2**24, (45, 70)).astype(np.uint32) for _ in range(${bands})])`);
      }
    }
  }
  makeFixtures(lines.join("\n"));
  await compareAll(names);
});

test("16-bit float samples (NBITS=16 on Float32) with predictor 2 or 3 equal GDAL's: one running sum per sample of a pixel (2 and 3 bands pixel-interleaved, band-interleaved), both byte orders", async () => {
  const names: string[] = [];
  const lines: string[] = [];
  for (const endian of ["LITTLE", "BIG"]) {
    for (const [layout, co] of Object.entries({
      "p2-1b": ["PREDICTOR=2"], "p2-2b": ["PREDICTOR=2"], "p2-3b": ["PREDICTOR=2", "COMPRESS=LZW"],
      "p2-3b-band": ["PREDICTOR=2", "INTERLEAVE=BAND"], "p3-2b": ["PREDICTOR=3"],
    })) {
      const name = `f16-${endian}-${layout}`;
      const bands = Number(/(\d)b/.exec(layout)![1]);
      names.push(name);
      const options = JSON.stringify(["COMPRESS=DEFLATE", ...co, "NBITS=16", `ENDIANNESS=${endian}`, "BLOCKYSIZE=16"]);
      // smooth values of both signs and sizes, so sums cross exponents
      lines.push(`make("${name}", 70, 45, ${bands}, gdal.GDT_Float32, ${options}, [((rng.standard_normal((45, 70)).cumsum(axis=1)) * 10 ** (b - 1) * (-1) ** b).astype(np.float16).astype(np.float32) for b in range(${bands})])`);
    }
  }
  makeFixtures(lines.join("\n"));
  await compareAll(names);
});

test("complex samples (CInt16, CInt32, CFloat32) and Float32/Float64 with predictor 2 equal GDAL's: libtiff sums whole samples, carrying from one part into the other; both byte orders, 1 and 2 bands", async () => {
  const names: string[] = [];
  const lines: string[] = [];
  const types = { cint16: "CInt16", cint32: "CInt32", cfloat32: "CFloat32", float32: "Float32", float64: "Float64" };
  for (const endian of ["LITTLE", "BIG"]) {
    for (const [t, gdt] of Object.entries(types)) {
      for (const [layout, co] of Object.entries({ "1b": ["COMPRESS=DEFLATE"], "2b": ["COMPRESS=LZW"] })) {
        const name = `${t}-p2-${endian}-${layout}`;
        const bands = Number(layout[0]);
        names.push(name);
        const options = JSON.stringify([...co, "PREDICTOR=2", `ENDIANNESS=${endian}`, "BLOCKYSIZE=16"]);
        // values of both signs (so the real parts' differences borrow from the imaginary parts)
        const value = t.startsWith("c")
          ? "rng.integers(-30000, 30000, (45, 70)) + 1j * rng.integers(-30000, 30000, (45, 70))"
          : "rng.standard_normal((45, 70)).cumsum(axis=1) * 1000";
        lines.push(`make("${name}", 70, 45, ${bands}, gdal.GDT_${gdt}, ${options}, [${value} for _ in range(${bands})])`);
      }
    }
  }
  makeFixtures(lines.join("\n"));
  await compareAll(names);
});

test("a predictor libtiff cannot undo is an UnsupportedRasterFeatureError at open naming the file and the predictor (CFloat64 with predictor 2)", async () => {
  makeFixtures(`make("cint32-p2", 16, 8, 1, gdal.GDT_CInt32, ["COMPRESS=DEFLATE", "PREDICTOR=2"], [np.ones((8, 16))])`);
  const bytes = new Uint8Array(readFileSync(join(dir, "cint32-p2.tif")));
  setTag(bytes, 339, 6); // SampleFormat complex float
  setTag(bytes, 258, 128); // BitsPerSample
  writeFileSync(join(dir, "cfloat64-p2.tif"), bytes);
  await assert.rejects(openRaster(join(dir, "cfloat64-p2.tif")), (e: unknown) =>
    e instanceof UnsupportedRasterFeatureError && e.field === "Predictor" && /cfloat64-p2\.tif: unsupported Predictor 2 with 128-bit samples\. The horizontal predictor works on 8, 16, 32 or 64-bit samples only/.test(e.message));
});

test("missing (sparse) blocks read as GDAL reads them: each band's nodata converted to the data type (NaN, clamped and rounded integers, 0 without nodata, real part of complex), through decoded and uncompressed row reads", async () => {
  // SPARSE_OK: GDAL writes no block where nothing was written; only the top-left 16×16 is written here
  const cases: Record<string, [string, string[], number, string]> = {
    "f32-nan-deflate": ["Float32", ["COMPRESS=DEFLATE"], 1, "float('nan')"],
    "u8-m9999-deflate": ["Byte", ["COMPRESS=DEFLATE"], 1, "-9999"],
    "u8-300": ["Byte", [], 1, "300"],
    "u8-1.5-lzw": ["Byte", ["COMPRESS=LZW"], 1, "1.5"],
    "i16-m2.5-big": ["Int16", ["ENDIANNESS=BIG"], 1, "-2.5"],
    "i16-nan": ["Int16", [], 1, "float('nan')"],
    "u16-none": ["UInt16", ["COMPRESS=DEFLATE"], 1, "None"],
    "u16-7": ["UInt16", [], 1, "7"],
    "cint16-5": ["CInt16", ["COMPRESS=DEFLATE"], 1, "5"],
    "u16-3b-pixel": ["UInt16", ["INTERLEAVE=PIXEL"], 3, "9"],
    "u16-3b-pixel-deflate": ["UInt16", ["INTERLEAVE=PIXEL", "COMPRESS=DEFLATE"], 3, "9"],
    "f32-3b-band": ["Float32", ["INTERLEAVE=BAND"], 3, "-1"],
  };
  const lines = Object.entries(cases).map(([name, [gdt, co, bands, nodata]]) => {
    const options = JSON.stringify(["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "SPARSE_OK=TRUE", ...co]);
    return `
ds = drv.Create(f"{out}/${name}.tif", 40, 35, ${bands}, gdal.GDT_${gdt}, ${options})
for b in range(${bands}):
    if ${nodata} is not None: ds.GetRasterBand(b + 1).SetNoDataValue(${nodata})
    ds.GetRasterBand(b + 1).WriteArray(np.full((16, 16), 3 + b))
ds = None`;
  });
  // bands with nodata values of their own (PAM side-car): 9, none, 2
  lines.push(...["u16-3b-pixel", "u16-3b-pixel-deflate", "f32-3b-band"].map((name) => `
open(f"{out}/${name}.tif.aux.xml", "w").write('<PAMDataset><PAMRasterBand band="2"><NoDataValue>nan</NoDataValue></PAMRasterBand><PAMRasterBand band="3"><NoDataValue>2</NoDataValue></PAMRasterBand></PAMDataset>')`));
  makeFixtures(lines.join("\n"));
  await compareAll(Object.keys(cases));
});

/** GDAL's error for a whole read of `file`, or null when it reads. */
function gdalReadError(file: string): string | null {
  const r = execFileSync(PY, ["-c", `
import sys
from osgeo import gdal
gdal.UseExceptions()
try:
    ds = gdal.Open(sys.argv[1])
    for b in range(ds.RasterCount): ds.GetRasterBand(b + 1).ReadRaster()
    print("OK")
except Exception as e: print("ERROR", e)
`, file], { encoding: "utf8" }).trim();
  return r === "OK" ? null : r;
}

test("a compressed block whose stream is cut short (DEFLATE, LZW, PackBits, ZSTD, LZMA) is a RasterFormatError naming the file, block, codec and byte counts, as GDAL fails the read, on every DEFLATE path", async () => {
  const codecs = ["DEFLATE", "LZW", "PACKBITS", "ZSTD", "LZMA"];
  makeFixtures(`
for c in ${JSON.stringify(codecs)}:
    make(f"cut-{c}", 256, 256, 1, gdal.GDT_Byte, [f"COMPRESS={c}", "TILED=YES"], [rng.integers(0, 255, (256, 256))])
# 25 tiles of 128 KiB: a whole read inflates on the worker pool
make("cut-pool", 1280, 1280, 1, gdal.GDT_UInt16, ["COMPRESS=DEFLATE", "PREDICTOR=2", "TILED=YES"], [rng.integers(0, 4000, (1280, 1280))])
# 3x3 tiles of 64 KiB, read as a window: inflated on this thread and on libuv's pool
make("cut-few", 768, 768, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE", "TILED=YES"], [rng.integers(0, 255, (768, 768))])
`);
  const cut = (name: string, tile: number, bytesKept: (count: number) => number): { file: string; count: number } => {
    const bytes = new Uint8Array(readFileSync(join(dir, `${name}.tif`)));
    const count = bytesKept(getTag(bytes, 325, tile));
    setTag(bytes, 325, count, tile);
    const file = join(dir, `${name}-cut${tile}.tif`);
    writeFileSync(file, bytes);
    return { file, count };
  };
  for (const c of codecs) {
    for (const keep of [(n: number) => n >> 1, () => 3]) {
      const { file, count } = cut(`cut-${c}`, 0, keep);
      assert.match(gdalReadError(file) ?? "GDAL read it", /TIFFReadEncodedTile\(\) failed|IReadBlock failed/, `${c}: GDAL fails too`);
      const src = await openRaster(file);
      await assert.rejects(src.read(), (e: unknown) => e instanceof RasterFormatError &&
        e.message.startsWith(`${file}: `) && e.message.includes(`tile 0 (${c}, ${count} bytes stored)`) && /damaged|corrupt/.test(e.message) && /again|gdalinfo/.test(e.message),
      `${c} with ${count} bytes`);
      await src.close();
    }
  }
  const pool = cut("cut-pool", 7, (n) => n >> 1);
  assert.notEqual(gdalReadError(pool.file), null);
  const src = await openRaster(pool.file, { cacheBytes: 0 });
  await assert.rejects(src.read(), (e: unknown) => e instanceof RasterFormatError &&
    e.message.includes(`tile 7 (DEFLATE, ${pool.count} bytes stored) decodes to `) && e.message.includes(`but needs ${256 * 256 * 2}`));
  await src.close();
  const few = cut("cut-few", 4, (n) => n >> 1);
  for (const mode of ["always", "never"] as const) {
    setLibuvInflateSplit(mode);
    try {
      const s = await openRaster(few.file);
      await assert.rejects(s.read({ window: { col: 0, row: 0, width: 768, height: 768 } }), (e: unknown) => e instanceof RasterFormatError &&
        e.message.includes(`tile 4 (DEFLATE, ${few.count} bytes stored) decodes to `), `split ${mode}`);
      await s.close();
    } finally {
      setLibuvInflateSplit("auto");
    }
  }
});

test("a block the worker pool cannot inflate is reported with its stored size (not the 0 bytes left after handing it to the worker)", async () => {
  makeFixtures(`make("bad-pool", 1280, 1280, 1, gdal.GDT_UInt16, ["COMPRESS=DEFLATE", "TILED=YES"], [rng.integers(0, 4000, (1280, 1280))])`);
  const bytes = new Uint8Array(readFileSync(join(dir, "bad-pool.tif")));
  setTag(bytes, 324, getTag(bytes, 324, 5) + 7, 5); // tile 5 starts 7 bytes late: no zlib header there
  const file = join(dir, "bad-pool-offset.tif");
  writeFileSync(file, bytes);
  const src = await openRaster(file, { cacheBytes: 0 });
  await assert.rejects(src.read(), (e: unknown) => e instanceof RasterFormatError &&
    e.message.includes(`cannot decode tile 5 (DEFLATE, ${getTag(bytes, 325, 5)} bytes stored): `));
  await src.close();
});

test("valid blocks that hold fewer rows (the last strip) or fewer bytes than a whole block still read as GDAL reads them: every codec, predictors, strips and tiles", async () => {
  const names: string[] = [];
  const lines: string[] = [];
  for (const c of ["NONE", "DEFLATE", "LZW", "PACKBITS", "ZSTD", "LZMA"]) {
    for (const [layout, co] of Object.entries({ strips: ["BLOCKYSIZE=16"], tiles: ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"] })) {
      for (const [t, pred] of [["Byte", 1], ["UInt16", 2], ["Float32", 3], ["Int16", 1]] as const) {
        if (c === "NONE" && pred !== 1) continue;
        if (c === "PACKBITS" && pred !== 1) continue;
        const name = `short-${c}-${layout}-${t}-p${pred}`;
        names.push(name);
        const options = JSON.stringify([`COMPRESS=${c}`, `PREDICTOR=${pred}`, ...co]);
        lines.push(`make("${name}", 70, 45, 2, gdal.GDT_${t}, ${options}, [rng.standard_normal((45, 70)).cumsum(axis=1) * 20 + 100 for _ in range(2)])`);
      }
    }
  }
  makeFixtures(lines.join("\n"));
  await compareAll(names);
});

test("header values GDAL refuses (SamplesPerPixel 0, BitsPerSample 0, a fractional ImageWidth, Predictor 5) and block offsets that are fractional or negative are clear errors at open, from files and bytes", async () => {
  makeFixtures(`
make("hdr", 100, 100, 1, gdal.GDT_Byte, ["BLOCKYSIZE=100"], [(np.arange(10000) % 251).reshape(100, 100)])
make("hdr-deflate", 100, 100, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE", "PREDICTOR=2"], [(np.arange(10000) % 251).reshape(100, 100)])
`);
  const base = readFileSync(join(dir, "hdr.tif"));
  const variants: [string, (b: Uint8Array) => void, RegExp][] = [
    ["spp0", (b) => setTag(b, 277, 0), /IFD 0 has SamplesPerPixel 0 .*corrupt/],
    ["bits0", (b) => setTag(b, 258, 0), /IFD 0 has BitsPerSample 0 .*corrupt/],
    ["width-float", (b) => setTagTyped(b, 256, 11, 99.5), /IFD 0 has no valid ImageWidth\/ImageLength \(99\.5×100/],
    ["offset-float", (b) => setTagTyped(b, 273, 11, 200.5), /IFD 0 StripOffsets\[0\] is 200\.5, not a whole number of bytes/],
    ["offset-negative", (b) => setTagTyped(b, 273, 9, -10000), /IFD 0 StripOffsets\[0\] is -10000, not a whole number/],
    ["offset-minus1", (b) => setTagTyped(b, 273, 9, -1), /IFD 0 StripOffsets\[0\] is -1, not a whole number/],
    ["count-negative", (b) => setTagTyped(b, 279, 9, -5), /IFD 0 StripByteCounts\[0\] is -5, not a whole number/],
  ];
  for (const [name, patch, message] of variants) {
    const bytes = new Uint8Array(base);
    patch(bytes);
    const file = join(dir, `hdr-${name}.tif`);
    writeFileSync(file, bytes);
    await assert.rejects(openRaster(file), (e: unknown) => e instanceof RasterFormatError && e.message.startsWith(`${file}: `) && message.test(e.message), name);
    await assert.rejects(openRaster(bytes), (e: unknown) => e instanceof RasterFormatError && e.message.startsWith("<bytes>: ") && message.test(e.message), `${name} (bytes)`);
  }
  const pred = new Uint8Array(readFileSync(join(dir, "hdr-deflate.tif")));
  setTag(pred, 317, 5);
  writeFileSync(join(dir, "hdr-pred5.tif"), pred);
  await assert.rejects(openRaster(join(dir, "hdr-pred5.tif")), (e: unknown) => e instanceof UnsupportedRasterFeatureError &&
    e.field === "Predictor" && /hdr-pred5\.tif: unsupported Predictor 5\. Only 1 \(none\), 2 \(horizontal\) and 3 \(floating point\) exist/.test(e.message));
});
