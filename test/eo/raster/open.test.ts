import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openRaster, RasterRangeError, RasterFormatError, RasterMemoryError } from "../../../kernel/src/eo/index.js";
import { gdalReference, compareWithGdal, readInfo, assertBandEqual } from "./gdal-compare.js";

const olinda = ["L7_ETMs.tif", "olinda_dem_utm25s.tif", "lc.tif", "geomatrix.tif"].map((f) => join("data/olinda", f));
const landsat = readdirSync("data/landsat-mtl").filter((f) => f.endsWith(".TIF")).map((f) => join("data/landsat-mtl", f));
const files = [...olinda, ...landsat];
const refs = gdalReference(files);

test("shipped real data reads exactly as GDAL reads it (values, overviews, georeference, metadata)", async () => {
  for (let k = 0; k < files.length; k++) {
    const src = await openRaster(files[k]!);
    await compareWithGdal(src, refs[k]!);
    await src.close();
  }
});

test("windows and band subsets equal the same part of GDAL's full read", async () => {
  const src = await openRaster(olinda[0]!);
  const info = readInfo(refs[0]!);
  const full = readFileSync(join(refs[0]!, "b4.bin"));
  const w = { col: 37, row: 101, width: 50, height: 31 };
  const r = await src.read({ window: w, bands: [4, 1] });
  assert.equal(r.count, 2);
  const want = new Uint8Array(w.width * w.height);
  for (let y = 0; y < w.height; y++) for (let x = 0; x < w.width; x++) want[y * w.width + x] = full[(w.row + y) * info.width + w.col + x]!;
  assertBandEqual(r.band(1), want, "L7 band 4 window");
  const t = info.transform;
  assert.deepEqual([...r.transform], [t[0]! + 37 * t[1]!, t[1], 0, t[3]! + 101 * t[5]!, 0, t[5]]);
  await src.close();
});

test("landsat band CRS and the DEM's user-defined UTM CRS are described", async () => {
  const b1 = await openRaster(landsat.find((f) => f.includes("LC08") && f.endsWith("_B1.TIF"))!);
  assert.equal(b1.crs.epsg, 32632);
  assert.match(b1.crs.proj4 ?? "", /\+proj=utm \+zone=32 /);
  const dem = await openRaster(olinda[1]!);
  assert.match(dem.crs.proj4 ?? "", /\+proj=utm \+zone=25 \+south/);
  const lc = await openRaster(olinda[2]!);
  assert.equal(lc.colorInterp[0], "palette");
  assert.deepEqual(lc.colormap?.[1], [0, 250, 0, 255]);
  assert.deepEqual(lc.colormap?.[11], [71, 107, 161, 255]);
});

test("bad band, window, overview and memory budget give errors naming the file and the fix", async () => {
  const src = await openRaster(olinda[0]!, { maxReadBytes: 100_000 });
  await assert.rejects(src.read({ bands: [7] }), (e: unknown) => e instanceof RasterRangeError && /L7_ETMs\.tif: band 7 is out of range: this raster has bands 1\.\.6/.test(e.message));
  await assert.rejects(src.read({ window: { col: 300, row: 0, width: 100, height: 10 } }), (e: unknown) => e instanceof RasterRangeError && /outside the 349×352 raster/.test(e.message));
  // options of the wrong type (a notebook without type checking): what is wrong, not "out of range"
  const loose = src as unknown as { read(o: unknown): Promise<unknown> };
  await assert.rejects(loose.read({ bands: 1 }), (e: unknown) => e instanceof RasterRangeError && /bands must be an array of band numbers like \[1\] or \[3, 2, 1\]; got 1\./.test(e.message));
  await assert.rejects(loose.read({ bands: ["1"] }), (e: unknown) => e instanceof RasterRangeError && /bands must be band numbers like \[1\] or \[3, 2, 1\] \(1\.\.6, 1-based as in GDAL\); got the string "1" among them\./.test(e.message));
  await assert.rejects(src.read({ bands: [] }), (e: unknown) => e instanceof RasterRangeError && /no bands asked for: pass bands like \[1\] or omit `bands` for all\./.test(e.message));
  await assert.rejects(src.read({ bands: [1, 2.5] }), (e: unknown) => e instanceof RasterRangeError && /band 2\.5 is out of range/.test(e.message));
  await assert.rejects(loose.read({ window: [0, 0, 10, 10] }), (e: unknown) => e instanceof RasterRangeError && /a window is \{ col, row, width, height \} with numbers .*; got an array of 4 \(\[0, 0, 10, 10\]\)\./.test(e.message));
  await assert.rejects(loose.read({ window: { col: "0", row: 0, width: 10, height: 10 } }), (e: unknown) => e instanceof RasterRangeError && /a window is \{ col, row, width, height \}.*got an object \(\{ col: "0", row: 0, width: 10, height: 10 \}\)\./.test(e.message));
  await assert.rejects(src.read({ overview: 5 }), (e: unknown) => e instanceof RasterRangeError && /overview 5 does not exist: this raster has 4 overview level/.test(e.message));
  await assert.rejects(src.read(), (e: unknown) => e instanceof RasterMemoryError && /over the budget.*Pass a window/.test(e.message));
  // a file:// URL is decoded (a space in the folder name is %20 in the URL)
  const spaced = join(mkdtempSync(join(tmpdir(), "ai4eo open ")), "a copy.tif");
  copyFileSync(olinda[0]!, spaced);
  const viaUrl = await openRaster(pathToFileURL(spaced).href);
  assert.equal(viaUrl.width, 349);
  await viaUrl.close();
  await assert.rejects(openRaster("data/olinda/nope.tif"), (e: unknown) => e instanceof RasterFormatError && /nope\.tif: no such file/.test(e.message));
  await assert.rejects(openRaster(new TextEncoder().encode("hello, not a tiff")), /not a TIFF\/GeoTIFF file/);
  const bytes = readFileSync(olinda[0]!);
  await assert.rejects((async () => (await openRaster(bytes.subarray(0, 4000))).read())(),
    (e: unknown) => e instanceof RasterFormatError && /<bytes>: .*truncated/.test(e.message));
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(src.read({ window: { col: 0, row: 0, width: 10, height: 10 }, signal: ac.signal }), { name: "AbortError" });
});

test("a kernel interrupt (the interrupt signal) aborts reads; progress: true reads the same pixels", async () => {
  const src = await openRaster(olinda[0]!);
  const plain = await src.read({ bands: [2] });
  const withBar = await src.read({ bands: [2], progress: true, window: { col: 0, row: 0, width: 349, height: 352 } });
  assertBandEqual(withBar.band(1), plain.band(1), "progress read");
  const key = Symbol.for("ai4eo.interruptSignal");
  const ac = new AbortController();
  ac.abort();
  (globalThis as Record<symbol, unknown>)[key] = () => ac.signal;
  try {
    await assert.rejects(src.read({ bands: [1] }), { name: "AbortError" });
  } finally {
    delete (globalThis as Record<symbol, unknown>)[key];
  }
  assert.equal((await src.read({ bands: [1] })).count, 1);
});

test("readInterleavedInto gives read()'s samples pixel-interleaved (uint8 DEFLATE tiles, uint16 big-endian strips, one band, windows, cached and not), and false for band-interleaved files", async () => {
  const { execFileSync } = await import("node:child_process");
  const { PY, tempDir } = await import("./gdal-compare.js");
  const dir = tempDir("ai4eo-interleaved-");
  execFileSync(PY, ["-c", `
import sys, numpy as np
from osgeo import gdal
out = sys.argv[1]
W, H = 301, 257
y, x = np.mgrid[0:H, 0:W]
cases = {
  "u8-deflate": (gdal.GDT_Byte, 4, ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE", "INTERLEAVE=PIXEL"]),
  "u16-be-strips": (gdal.GDT_UInt16, 3, ["BLOCKYSIZE=10", "ENDIANNESS=BIG", "INTERLEAVE=PIXEL"]),
  "i16-one-band": (gdal.GDT_Int16, 1, ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"]),
  "u8-planar": (gdal.GDT_Byte, 2, ["INTERLEAVE=BAND"]),
}
for name, (t, n, opts) in cases.items():
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}.tif", W, H, n, t, opts)
    for b in range(n):
        a = (x * (b + 3) + y * (7 - b) + 13 * b) % (251 if t == gdal.GDT_Byte else 40000)
        if t == gdal.GDT_Int16: a = a - 20000
        ds.GetRasterBand(b + 1).WriteArray(a)
    ds = None
`, dir]);
  const windows = [undefined, { col: 0, row: 0, width: 301, height: 257 }, { col: 37, row: 61, width: 150, height: 99 }, { col: 300, row: 256, width: 1, height: 1 }];
  for (const name of ["u8-deflate", "u16-be-strips", "i16-one-band"]) {
    for (const cacheBytes of [undefined, 0]) {
      const src = await openRaster(join(dir, `${name}.tif`), cacheBytes === undefined ? {} : { cacheBytes });
      for (const w of windows) {
        const want = await src.read(w ? { window: w } : {});
        const n = want.width * want.height;
        const Ctor = want.band(1).constructor as new (n: number) => ArrayLike<number> & { buffer: ArrayBufferLike; [i: number]: number };
        const got = new Ctor(n * src.count);
        assert.equal(await src.readInterleavedInto(new Uint8Array(got.buffer), w ? { window: w } : {}), true, name);
        for (let b = 0; b < src.count; b++) {
          const band = want.band(b + 1);
          for (let i = 0; i < n; i++) if (got[i * src.count + b] !== band[i]) assert.fail(`${name} ${JSON.stringify(w)} cache ${cacheBytes}: band ${b + 1} pixel ${i}: ${got[i * src.count + b]} ≠ ${band[i]}`);
        }
      }
      await assert.rejects(src.readInterleavedInto(new Uint8Array(10), { window: { col: 0, row: 0, width: 8, height: 8 } }), (e: unknown) => e instanceof RasterRangeError && /needs \d+ bytes; the target has 10/.test(e.message));
      await src.close();
    }
  }
  const planar = await openRaster(join(dir, "u8-planar.tif"));
  const target = new Uint8Array(301 * 257 * 2).fill(7);
  assert.equal(await planar.readInterleavedInto(target), false);
  assert.ok(target.every((v) => v === 7), "nothing written when the file is band-interleaved");
  await planar.close();
});
