// Block locations of big images (TileOffsets/TileByteCounts, StripOffsets/StripByteCounts) are read
// on demand: opening and reading a window fetch the pages of the arrays they need, not the arrays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openRaster } from "../../../kernel/src/eo/index.js";
import { PY, assertBandEqual, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-deferred-");
// 4096×4096 UInt16 in 16×16 tiles: 65 536 tiles, 256 KiB of offsets + 256 KiB of byte counts;
// a 1024×20000 Byte image in one-row strips: 20 000 strips. GDAL writes the arrays after the IFD.
const make = `
import sys, numpy as np
from osgeo import gdal
out = sys.argv[1]
y, x = np.mgrid[0:4096, 0:4096]
v = ((x * 7 + y * 3) % 4000 + (x // 16) % 5).astype(np.uint16)
ds = gdal.GetDriverByName("GTiff").Create(out + "/tiles.tif", 4096, 4096, 1, gdal.GDT_UInt16, ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"])
ds.GetRasterBand(1).WriteArray(v); ds = None
ds = gdal.GetDriverByName("GTiff").Create(out + "/strips.tif", 1024, 20000, 1, gdal.GDT_Byte, ["BLOCKYSIZE=1", "COMPRESS=DEFLATE"])
ys, xs = np.mgrid[0:20000, 0:1024]
ds.GetRasterBand(1).WriteArray(((xs * 5 + ys) % 251).astype(np.uint8)); ds = None
for name, (c, r, w, h) in {"tiles": (1000, 2001, 70, 45), "strips": (300, 15000, 90, 20)}.items():
    ds = gdal.Open(f"{out}/{name}.tif")  # kept alive while its band is read
    open(f"{out}/{name}.win.bin", "wb").write(ds.GetRasterBand(1).ReadRaster(c, r, w, h))
`;
execFileSync(PY, ["-c", make, dir]);

/** A fetch that serves a file with range requests and records the bytes it sent. */
function recordingFetch(body: Buffer) {
  const sent: [number, number][] = [];
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    const m = /bytes=(\d+)-(\d+)/.exec(String((init?.headers as Record<string, string>)?.Range ?? ""));
    const a = Number(m![1]);
    const b = Math.min(Number(m![2]), body.length - 1);
    sent.push([a, b - a + 1]);
    return new Response(body.subarray(a, b + 1), { status: 206, headers: { "content-range": `bytes ${a}-${b}/${body.length}` } });
  }) as typeof fetch;
  return { fetchFn, sent, total: () => sent.reduce((s, [, n]) => s + n, 0) };
}

for (const [name, win, arrays] of [
  ["tiles", { col: 1000, row: 2001, width: 70, height: 45 }, 65536 * 8],
  ["strips", { col: 300, row: 15000, width: 90, height: 20 }, 20000 * 8],
] as const) {
  test(`${name}: open + a window read fetch a few pages of the block arrays (${arrays} bytes in all), values equal GDAL`, async () => {
    const body = readFileSync(join(dir, `${name}.tif`));
    const rec = recordingFetch(body);
    const src = await openRaster(`http://127.0.0.1/${name}.tif`, { fetch: rec.fetchFn, preview: false });
    const atOpen = rec.total();
    assert.ok(atOpen < 40_000, `open fetched ${atOpen} bytes`);
    const r = await src.read({ window: win });
    const ref = readFileSync(join(dir, `${name}.win.bin`));
    const want = name === "tiles" ? new Uint16Array(ref.buffer, ref.byteOffset, ref.byteLength / 2) : new Uint8Array(ref);
    assertBandEqual(r.band(1), want, `${name} window`);
    // the window's blocks plus ≤ 2 pages (16 KiB chunks) per array: far less than the arrays
    assert.ok(rec.total() < Math.min(arrays, 120_000), `open + read fetched ${rec.total()} bytes, the arrays alone are ${arrays}`);
    // the local file reads the same
    const local = await openRaster(join(dir, `${name}.tif`));
    assertBandEqual((await local.read({ window: win })).band(1), want, `${name} local window`);
    await local.close();
  });
}
