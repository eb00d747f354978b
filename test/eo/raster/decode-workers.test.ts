// Whole-image reads of many DEFLATE tiles go through the worker pool (reused zlib stream, recycled
// buffers, sliding window of blocks in flight): values must equal GDAL's, errors must name the tile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import { join } from "node:path";
import { openRaster, RasterFormatError } from "../../../kernel/src/eo/index.js";
import { acquireAsyncInflater, AsyncInflater, releaseAsyncInflater, SyncInflater } from "../../../kernel/src/eo/raster/zlib-direct.js";
import { setLibuvInflateSplit } from "../../../kernel/src/eo/raster/inflate-pool.js";
import { PY, assertBandEqual, refBand, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-workers-");
// 1280×1152 pixels in 256×256 tiles: 5×5 = 25 blocks of ≥ 64 KiB, enough for the worker path
const make = `
import sys, numpy as np
from osgeo import gdal
out = sys.argv[1]
W, H = 1280, 1152
y, x = np.mgrid[0:H, 0:W]
rng = np.random.default_rng(7)
base = 3000 + 900 * np.sin(x / 97.0) * np.cos(y / 131.0) + rng.normal(0, 60, (H, W))
cases = {
  "u16-pred2": (gdal.GDT_UInt16, 1, ["PREDICTOR=2"], [base]),
  "i32-pred2": (gdal.GDT_Int32, 1, ["PREDICTOR=2"], [(base - 3000) * 70000]),
  "f32-pred3": (gdal.GDT_Float32, 1, ["PREDICTOR=3"], [base / 7.0]),
  "u8-rgb-pred2": (gdal.GDT_Byte, 3, ["PREDICTOR=2", "INTERLEAVE=PIXEL"], [base / 20, base / 25, 255 - base / 20]),
  "u16-nopred": (gdal.GDT_UInt16, 1, [], [base]),
}
for name, (t, n, opts, planes) in cases.items():
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}.tif", W, H, n, t, ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"] + opts)
    for b, p in enumerate(planes):
        ds.GetRasterBand(b + 1).WriteArray(np.clip(p, -2**31, 2**31 - 1).astype(gdal.GetDataTypeName(t).lower().replace("byte", "uint8")))
    ds = None
    ds = gdal.Open(f"{out}/{name}.tif")
    for b in range(n):
        open(f"{out}/{name}.b{b + 1}.bin", "wb").write(ds.GetRasterBand(b + 1).ReadRaster())
    band = ds.GetRasterBand(1)
    open(f"{out}/{name}.tile7.json", "w").write('{"offset": %s, "size": %s}' % (band.GetMetadataItem("BLOCK_OFFSET_2_1", "TIFF"), band.GetMetadataItem("BLOCK_SIZE_2_1", "TIFF")))
`;
execFileSync(PY, ["-c", make, dir]);
const names = ["u16-pred2", "i32-pred2", "f32-pred3", "u8-rgb-pred2", "u16-nopred"];

test("whole-image reads through the worker pool equal GDAL (UInt16/Int32 predictor 2, Float32 predictor 3, RGB pixel-interleaved, no predictor)", async () => {
  for (const name of names) {
    // cacheBytes 0: blocks are not cached, so worker buffers are recycled between blocks
    const src = await openRaster(join(dir, `${name}.tif`), { cacheBytes: 0 });
    const r = await src.read();
    for (let b = 1; b <= src.count; b++) assertBandEqual(r.band(b), refBand(dir, `${name}.b${b}.bin`, src.dtype), `${name} band ${b}`);
    // twice in a row: recycled buffers must not leak pixels between reads
    const again = await src.read({ bands: [src.count] });
    assertBandEqual(again.band(1), refBand(dir, `${name}.b${src.count}.bin`, src.dtype), `${name} second read`);
    await src.close();
  }
  // with the default cache (blocks kept, not recycled)
  const cached = await openRaster(join(dir, "u16-pred2.tif"));
  assertBandEqual((await cached.read()).band(1), refBand(dir, "u16-pred2.b1.bin", "uint16"), "cached read");
  await cached.close();
});

test("a window of 3×3 DEFLATE tiles (no workers) reads the same with blocks split between this thread and libuv, or all on this thread", async () => {
  const ref = refBand(dir, "u16-pred2.b1.bin", "uint16");
  const w = { col: 200, row: 300, width: 600, height: 500 };
  const want = new Uint16Array(w.width * w.height);
  for (let y = 0; y < w.height; y++) want.set(ref.subarray((w.row + y) * 1280 + w.col, (w.row + y) * 1280 + w.col + w.width) as Uint16Array, y * w.width);
  try {
    for (const mode of ["always", "never", "auto"] as const) {
      setLibuvInflateSplit(mode);
      const src = await openRaster(join(dir, "u16-pred2.tif"));
      assertBandEqual((await src.read({ window: w })).band(1), want, `window, split ${mode}`);
      await src.close();
    }
  } finally {
    setLibuvInflateSplit("auto");
  }
});

test("concurrent window reads (one file and two sources) each read their blocks right, with the split on and off", async () => {
  const ref = refBand(dir, "u16-pred2.b1.bin", "uint16");
  const windows = [
    { col: 0, row: 0, width: 700, height: 600 },
    { col: 500, row: 400, width: 780, height: 700 },
    { col: 260, row: 100, width: 520, height: 900 },
  ];
  const expect = (w: (typeof windows)[number]) => {
    const want = new Uint16Array(w.width * w.height);
    for (let y = 0; y < w.height; y++) want.set(ref.subarray((w.row + y) * 1280 + w.col, (w.row + y) * 1280 + w.col + w.width) as Uint16Array, y * w.width);
    return want;
  };
  try {
    for (const mode of ["always", "never"] as const) {
      setLibuvInflateSplit(mode);
      const a = await openRaster(join(dir, "u16-pred2.tif"));
      const b = await openRaster(join(dir, "u16-pred2.tif"));
      const got = await Promise.all([a.read({ window: windows[0] }), b.read({ window: windows[1] }), a.read({ window: windows[2] }), b.read({ window: windows[0] })]);
      [0, 1, 2, 0].forEach((wi, k) => assertBandEqual(got[k]!.band(1), expect(windows[wi]!), `read ${k}, split ${mode}`));
      await a.close();
      await b.close();
    }
  } finally {
    setLibuvInflateSplit("auto");
  }
});

test("block cache: reads of at most 4 blocks keep them, larger ones not unless asked (cache: true); checked by corrupting the file after reading", async () => {
  const ref = refBand(dir, "u16-pred2.b1.bin", "uint16");
  const expect = (w: { col: number; row: number; width: number; height: number }) => {
    const want = new Uint16Array(w.width * w.height);
    for (let y = 0; y < w.height; y++) want.set(ref.subarray((w.row + y) * 1280 + w.col, (w.row + y) * 1280 + w.col + w.width) as Uint16Array, y * w.width);
    return want;
  };
  const file = join(dir, "u16-pred2-cache.tif");
  writeFileSync(file, readFileSync(join(dir, "u16-pred2.tif")));
  const small = { col: 300, row: 300, width: 300, height: 250 }; // 2×2 tiles
  const kept = { col: 780, row: 700, width: 500, height: 452 }; // 2×3 tiles, cache: true
  const large = { col: 200, row: 200, width: 600, height: 500 }; // 4×3 tiles
  const src = await openRaster(file);
  try {
    for (const mode of ["always", "never"] as const) {
      setLibuvInflateSplit(mode);
      assertBandEqual((await src.read({ window: small })).band(1), expect(small), `small window, split ${mode}`);
      assertBandEqual((await src.read({ window: kept, cache: true })).band(1), expect(kept), `cache: true, split ${mode}`);
      assertBandEqual((await src.read({ window: large })).band(1), expect(large), `large window, split ${mode}`);
    }
    // every tile's compressed bytes overwritten in place (the source keeps its descriptor)
    const blocks = JSON.parse(execFileSync(PY, ["-c", `
import sys, json
from osgeo import gdal
ds = gdal.Open(sys.argv[1])  # (kept: a band outliving its dataset crashes GDAL's Python bindings)
b = ds.GetRasterBand(1)
print(json.dumps([[int(b.GetMetadataItem(f"BLOCK_OFFSET_{x}_{y}", "TIFF")), int(b.GetMetadataItem(f"BLOCK_SIZE_{x}_{y}", "TIFF"))] for y in range(5) for x in range(5)]))
`, file], { encoding: "utf8" })) as [number, number][];
    const bytes = readFileSync(file);
    for (const [offset, size] of blocks) bytes.fill(0x5a, offset + 2, offset + size);
    writeFileSync(file, bytes);
    assertBandEqual((await src.read({ window: small })).band(1), expect(small), "small window again: from the cache");
    assertBandEqual((await src.read({ window: kept })).band(1), expect(kept), "the window read with cache: true again: from the cache");
    await assert.rejects(src.read({ window: large }), (e: unknown) => e instanceof RasterFormatError && /tile \d+ \(DEFLATE/.test(e.message),
      "the large window's blocks were not kept: decoded again from the corrupted file");
  } finally {
    setLibuvInflateSplit("auto");
    await src.close();
  }
});

test("window reads one after another on one source reuse lane buffers without mixing pixels (split on and off)", async () => {
  const ref = refBand(dir, "u16-pred2.b1.bin", "uint16");
  try {
    for (const mode of ["always", "never"] as const) {
      setLibuvInflateSplit(mode);
      const src = await openRaster(join(dir, "u16-pred2.tif"));
      for (let k = 0; k < 6; k++) {
        const w = { col: 37 + k * 131, row: 59 + k * 97, width: 600 - k * 40, height: 520 };
        const want = new Uint16Array(w.width * w.height);
        for (let y = 0; y < w.height; y++) want.set(ref.subarray((w.row + y) * 1280 + w.col, (w.row + y) * 1280 + w.col + w.width) as Uint16Array, y * w.width);
        assertBandEqual((await src.read({ window: w })).band(1), want, `window ${k}, split ${mode}`);
      }
      await src.close();
    }
  } finally {
    setLibuvInflateSplit("auto");
  }
});

test("a corrupt tile in a worker-decoded read fails naming the tile, and the next read still decodes", async () => {
  const good = join(dir, "u16-pred2.tif");
  const bad = join(dir, "u16-pred2-corrupt.tif");
  const bytes = readFileSync(good);
  const { offset, size } = JSON.parse(readFileSync(join(dir, "u16-pred2.tile7.json"), "utf8")) as { offset: number; size: number };
  bytes.fill(0x5a, offset + 40, offset + Math.min(size, 400));
  writeFileSync(bad, bytes);
  const src = await openRaster(bad);
  await assert.rejects(src.read(), (e: unknown) => e instanceof RasterFormatError && /tile 7 \(DEFLATE/.test(e.message) && /u16-pred2-corrupt\.tif/.test(e.message));
  await src.close();
  const ok = await openRaster(good);
  assertBandEqual((await ok.read()).band(1), refBand(dir, "u16-pred2.b1.bin", "uint16"), "read after a failed one");
  await ok.close();
});

test("SyncInflater: same bytes as inflateSync, reuse after an error, truncated streams, zlib's error message", () => {
  const inflater = new SyncInflater();
  const data = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
  const z = deflateSync(data);
  const out = new Uint8Array(data.length);
  assert.equal(inflater.inflateInto(z, out), data.length);
  assert.deepEqual(out, data);
  const corrupt = Uint8Array.from(z);
  corrupt.fill(0xff, 10, 60);
  assert.throws(() => inflater.inflateInto(corrupt, out), (e: unknown) => {
    let want = "";
    try { inflateSync(corrupt); } catch (x) { want = (x as Error).message; }
    return e instanceof Error && e.message === want && want.length > 0;
  });
  out.fill(0);
  assert.equal(inflater.inflateInto(z, out), data.length, "usable after an error");
  assert.deepEqual(out, data);
  const part = inflater.inflateInto(z.subarray(0, z.length >> 1), out);
  assert.ok(part > 0 && part < data.length, `a truncated stream yields part of the data (${part})`);
  assert.deepEqual(out.subarray(0, part), data.subarray(0, part));
  // an output shorter than the data takes what fits
  const small = new Uint8Array(1000);
  assert.equal(inflater.inflateInto(z, small), 1000);
  assert.deepEqual(small, data.subarray(0, 1000));
});

test("the inflaters take Node's zlib binding without a deprecation warning, also under --pending-deprecation (then through a stream)", () => {
  const script = `
import { deflateSync } from "node:zlib";
import { SyncInflater, AsyncInflater } from ${JSON.stringify(new URL("../../../kernel/src/eo/raster/zlib-direct.ts", import.meta.url).pathname)};
const data = Uint8Array.from({ length: 70000 }, (_, i) => (i * 31) % 253);
const z = deflateSync(data);
const a = new Uint8Array(data.length), b = new Uint8Array(data.length);
const n = new SyncInflater().inflateInto(z, a);
const m = await new AsyncInflater().inflateInto(z, b);
console.log(n === data.length && m === data.length && a.every((v, i) => v === data[i]) && b.every((v, i) => v === data[i]) ? "same" : "different");
`;
  for (const flags of [[], ["--pending-deprecation"]]) {
    const r = spawnSync(process.execPath, [...flags, "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(r.stdout.trim(), "same", `${flags.join(" ")}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /DEP0111|process\.binding/, `${flags.join(" ")}: no deprecation warning`);
  }
});

test("AsyncInflater: same bytes as inflateSync on libuv's pool, zlib's error message, reuse after an error, one inflation at a time", async () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
  const z = deflateSync(data);
  const inflater = new AsyncInflater();
  const out = new Uint8Array(data.length);
  assert.equal(await inflater.inflateInto(z, out), data.length);
  assert.deepEqual(out, data);
  const corrupt = Uint8Array.from(z);
  corrupt.fill(0xff, 10, 60);
  let want = "";
  try { inflateSync(corrupt); } catch (x) { want = (x as Error).message; }
  await assert.rejects(inflater.inflateInto(corrupt, out), (e: unknown) => e instanceof Error && e.message === want && want.length > 0);
  out.fill(0);
  assert.equal(await inflater.inflateInto(z, out), data.length, "usable after an error");
  assert.deepEqual(out, data);
  const part = await inflater.inflateInto(z.subarray(0, z.length >> 1), out);
  assert.ok(part > 0 && part < data.length, `a truncated stream yields part of the data (${part})`);
  assert.deepEqual(out.subarray(0, part), data.subarray(0, part));
  const busy = inflater.inflateInto(z, new Uint8Array(data.length));
  await assert.rejects(inflater.inflateInto(z, out), /one inflation at a time/);
  assert.equal(await busy, data.length);
  // several at once, each with its own inflater from the idle list
  const many = await Promise.all(Array.from({ length: 6 }, async (_, k) => {
    const a = acquireAsyncInflater();
    try {
      const o = new Uint8Array(data.length - k);
      return [await a.inflateInto(z, o), o] as const;
    } finally {
      releaseAsyncInflater(a);
    }
  }));
  many.forEach(([n, o], k) => {
    assert.equal(n, data.length - k);
    assert.deepEqual(o, data.subarray(0, data.length - k));
  });
});

test("a corrupt tile in a window split between this thread and libuv's pool fails naming the tile, whichever side inflates it", async () => {
  const good = join(dir, "u16-pred2.tif");
  const bytes = readFileSync(good);
  // corrupt the middle of the file's tile data: some tile of a whole-width window is hit
  const bad = join(dir, "u16-pred2-corrupt-split.tif");
  const copy = Uint8Array.from(bytes);
  for (let i = Math.floor(copy.length * 0.45); i < Math.floor(copy.length * 0.55); i += 97) copy[i] ^= 0x5a;
  writeFileSync(bad, copy);
  try {
    for (const mode of ["always", "never"] as const) {
      setLibuvInflateSplit(mode);
      const src = await openRaster(bad);
      await assert.rejects(src.read({ window: { col: 0, row: 400, width: 1280, height: 300 } }),
        (e: unknown) => e instanceof RasterFormatError && /tile \d+ \(DEFLATE/.test(e.message), `split ${mode}`);
      await src.close();
    }
  } finally {
    setLibuvInflateSplit("auto");
  }
});

// last in this file: it replaces the DEFLATE decoder for the rest of the process
test("a DEFLATE decoder added with addDecoder is used instead of the built-in fast paths", async () => {
  const { addDecoder } = await import("../../../kernel/src/eo/index.js");
  let calls = 0;
  // the inputs it was given: an added decoder may keep them, so each block needs its own
  const inputs = new Set<ArrayBufferLike>();
  addDecoder(8, () => (bytes, ctx) => { calls++; inputs.add(bytes.buffer); return inflateSync(bytes, { finishFlush: 2 }).subarray(0, ctx.expectedBytes); });
  const src = await openRaster(join(dir, "u16-pred2.tif"), { cacheBytes: 0 });
  assertBandEqual((await src.read()).band(1), refBand(dir, "u16-pred2.b1.bin", "uint16"), "whole image through the added decoder");
  assert.equal(calls, 25);
  const whole = refBand(dir, "u16-pred2.b1.bin", "uint16");
  for (const mode of ["never", "always"] as const) {
    setLibuvInflateSplit(mode);
    try {
      inputs.clear();
      const before = calls;
      const w = await src.read({ window: { col: 0, row: 0, width: 600, height: 300 } });
      assert.equal(calls, before + 6);
      assert.equal(inputs.size, 6, `split ${mode}: one input buffer per block for an added decoder`);
      const ref = new Uint16Array(600 * 300);
      for (let r = 0; r < 300; r++) ref.set(whole.subarray(r * src.width, r * src.width + 600), r * 600);
      assertBandEqual(w.band(1), ref, `split ${mode}: window through the added decoder`);
    } finally {
      setLibuvInflateSplit("auto");
    }
  }
  await src.close();
});
