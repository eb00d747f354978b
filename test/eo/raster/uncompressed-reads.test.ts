// Uncompressed files: blocks are not cached and a window reads only its rows of each block (big-
// endian files through the block decoder), which must not change what a read returns — values equal
// GDAL's for tiled and striped, single-band and pixel-interleaved, little- and big-endian files, whole
// and windowed, and a second read of the same window (whose rows are read afresh) returns the same values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { openRaster } from "../../../kernel/src/eo/index.js";
import { PY, assertBandEqual, refBand, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-uncompressed-");
const make = `
import sys, numpy as np
from osgeo import gdal
out = sys.argv[1]
W, H = 700, 530
y, x = np.mgrid[0:H, 0:W]
base = 2000 + 900 * np.sin(x / 37.0) * np.cos(y / 51.0)
cases = {
  "u16-tiled": (gdal.GDT_UInt16, 1, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"]),
  "u8-rgb-tiled": (gdal.GDT_Byte, 3, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "INTERLEAVE=PIXEL"]),
  "f32-big-endian": (gdal.GDT_Float32, 2, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "ENDIANNESS=BIG", "INTERLEAVE=PIXEL"]),
  "i16-strips": (gdal.GDT_Int16, 2, ["BLOCKYSIZE=16", "INTERLEAVE=BAND"]),
}
for name, (t, n, opts) in cases.items():
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}.tif", W, H, n, t, opts)
    for b in range(n):
        a = base / (b + 1) - (1500 if t == gdal.GDT_Int16 else 0)
        if t == gdal.GDT_Byte: a = a / 12
        ds.GetRasterBand(b + 1).WriteArray(a.astype(gdal.GetDataTypeName(t).lower().replace("byte", "uint8")))
    ds = None
    ds = gdal.Open(f"{out}/{name}.tif")
    for b in range(n):
        open(f"{out}/{name}.b{b + 1}.bin", "wb").write(ds.GetRasterBand(b + 1).ReadRaster())
`;
execFileSync(PY, ["-c", make, dir]);

test("uncompressed blocks read without the cache equal GDAL (tiled, striped, pixel-interleaved, big-endian; whole and windowed, twice)", async () => {
  for (const name of ["u16-tiled", "u8-rgb-tiled", "f32-big-endian", "i16-strips"]) {
    const src = await openRaster(join(dir, `${name}.tif`), { cacheBytes: 0 });
    const whole = await src.read();
    const w = { col: 61, row: 97, width: 333, height: 201 };
    const win = await src.read({ window: w });
    const again = await src.read({ window: w });
    for (let b = 1; b <= src.count; b++) {
      const ref = refBand(dir, `${name}.b${b}.bin`, src.dtype);
      assertBandEqual(whole.band(b), ref, `${name} band ${b}`);
      const Ctor = ref.constructor as new (n: number) => typeof ref;
      const want = new Ctor(w.width * w.height);
      for (let r = 0; r < w.height; r++) want.set(ref.subarray((w.row + r) * src.width + w.col, (w.row + r) * src.width + w.col + w.width) as never, r * w.width);
      assertBandEqual(win.band(b), want, `${name} band ${b} window`);
      assertBandEqual(again.band(b), want, `${name} band ${b} window read again`);
    }
    // the arrays a read returns are its own: changing them changes no later read
    whole.band(1).fill(0);
    assert.deepEqual((await src.read({ window: w })).band(1), win.band(1), `${name}: a later read is not affected by changes to an earlier one's arrays`);
    await src.close();
  }
});

// Reads of uncompressed blocks take only the window's rows of each block (direct-rows.ts): one
// read per block into a reused buffer, or straight into the output where its rows are laid out
// as in the file (full-width windows of striped files, tile-wide windows of tiled ones).
const make2 = `
import sys, numpy as np
from osgeo import gdal
out = sys.argv[1]
W, H = 300, 260
y, x = np.mgrid[0:H, 0:W]
a = (x * 7 + y * 13) % 251
cases = {
  "u8x4-strips": (gdal.GDT_Byte, 4, ["BLOCKYSIZE=7", "INTERLEAVE=PIXEL"]),
  "u16x3-tiled": (gdal.GDT_UInt16, 3, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "INTERLEAVE=PIXEL"]),
  "ci16-tiled": (gdal.GDT_CInt16, 1, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"]),
  "u8-sparse": (gdal.GDT_Byte, 1, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "SPARSE_OK=TRUE"]),
}
for name, (t, n, opts) in cases.items():
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}.tif", W, H, n, t, opts)
    for b in range(n):
        v = a * (b + 1) + (300 * b if t == gdal.GDT_UInt16 else 0)
        if t == gdal.GDT_CInt16: v = v - 1j * (y - x)
        if name == "u8-sparse":
            ds.GetRasterBand(1).SetNoDataValue(9)
            ds.GetRasterBand(1).WriteArray(a[:64, :].astype(np.uint8), 0, 0)  # only the first row of tiles is written
        else:
            ds.GetRasterBand(b + 1).WriteArray(v if t == gdal.GDT_CInt16 else v.astype(np.uint16 if t == gdal.GDT_UInt16 else np.uint8))
    ds = None
    ds = gdal.Open(f"{out}/{name}.tif")
    for b in range(n):
        open(f"{out}/{name}.b{b + 1}.bin", "wb").write(ds.GetRasterBand(b + 1).ReadRaster())
`;
execFileSync(PY, ["-c", make2, dir]);

/** Rows of `ref` (a whole band of width W, `per` values a pixel) inside window w. */
function cut(ref: ArrayLike<number> & { constructor: unknown }, W: number, w: { col: number; row: number; width: number; height: number }, per = 1): number[] {
  const out: number[] = [];
  for (let r = 0; r < w.height; r++) for (let c = 0; c < w.width * per; c++) out.push(ref[((w.row + r) * W + w.col) * per + c]!);
  return out;
}

test("windows of uncompressed files read only their rows and equal GDAL: pixel-interleaved reads, in-place rows, complex, sparse blocks", async () => {
  const windows = [
    { col: 0, row: 0, width: 300, height: 260 },
    { col: 0, row: 5, width: 300, height: 23 }, // full width: striped rows go straight into the output
    { col: 64, row: 33, width: 64, height: 70 }, // one tile wide: tiled rows straight into the output
    { col: 17, row: 31, width: 211, height: 3 }, // rows inside one block row
    { col: 299, row: 259, width: 1, height: 1 },
  ];
  for (const name of ["u8x4-strips", "u16x3-tiled", "ci16-tiled", "u8-sparse"]) {
    for (const cacheBytes of [0, undefined]) {
      const src = await openRaster(join(dir, `${name}.tif`), { cacheBytes });
      const per = src.dtype === "cint16" ? 2 : 1;
      const refs = Array.from({ length: src.count }, (_, b) => refBand(dir, `${name}.b${b + 1}.bin`, src.dtype));
      for (const w of windows) {
        const r = await src.read({ window: w });
        for (let b = 1; b <= src.count; b++) {
          assert.deepEqual(Array.from(r.band(b)), cut(refs[b - 1]!, src.width, w, per), `${name} band ${b} window ${JSON.stringify(w)}`);
        }
        if (src.dtype === "cint16") continue;
        // whole pixels, as predictScene reads them
        const bpe = src.dtype === "uint16" ? 2 : 1;
        const px = new Uint8Array(w.width * w.height * src.count * bpe);
        assert.equal(await src.readInterleavedInto(px, { window: w }), true);
        const samples = bpe === 2 ? new Uint16Array(px.buffer) : px;
        for (let b = 0; b < src.count; b++) {
          const got = Array.from({ length: w.width * w.height }, (_, i) => samples[i * src.count + b]!);
          assert.deepEqual(got, cut(refs[b]!, src.width, w), `${name} band ${b + 1} interleaved window ${JSON.stringify(w)}`);
        }
      }
      await src.close();
    }
  }
});

test("concurrent windows of one uncompressed file each get their own rows", async () => {
  const src = await openRaster(join(dir, "u16x3-tiled.tif"));
  const ref = refBand(dir, "u16x3-tiled.b2.bin", "uint16");
  const ws = Array.from({ length: 12 }, (_, i) => ({ col: (i * 37) % 200, row: (i * 23) % 180, width: 97, height: 80 }));
  const got = await Promise.all(ws.map((w) => src.read({ window: w, bands: [2] })));
  got.forEach((r, i) => assert.deepEqual(Array.from(r.band(1)), cut(ref, src.width, ws[i]!), `window ${i}`));
  await src.close();
});

test("a truncated uncompressed file gives a RasterFormatError naming the file and the block", async () => {
  const { readFileSync, writeFileSync } = await import("node:fs");
  const { RasterFormatError } = await import("../../../kernel/src/eo/index.js");
  const bytes = readFileSync(join(dir, "u8x4-strips.tif"));
  const short = join(dir, "u8x4-strips-short.tif");
  // the image data follows the header and tags; cut the file in its last strips
  writeFileSync(short, bytes.subarray(0, bytes.length - 3000));
  const src = await openRaster(short);
  await assert.rejects(src.read({ window: { col: 0, row: 250, width: 300, height: 10 } }), (e: Error) =>
    e instanceof RasterFormatError && e.message.includes("u8x4-strips-short.tif") && /strip \d+ .*truncated/.test(e.message));
  // the kernel's reader stays usable: rows before the cut read
  const ok = await src.read({ window: { col: 0, row: 0, width: 300, height: 7 } });
  assert.equal(ok.band(1)[1], 7);
  await src.close();
});
