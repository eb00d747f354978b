// Uncompressed files read without the block cache: their blocks are views of the bytes read (no
// copy), which must not change what a read returns — values equal GDAL's for tiled and striped,
// single-band and pixel-interleaved, little- and big-endian files, whole and windowed, and a second
// read of the same window (whose blocks are read afresh) returns the same values.
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
