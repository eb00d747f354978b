// The raster reader on inputs that must neither hang nor exhaust memory: paths that are not regular
// files (a named pipe blocks an open until a writer comes), and block tables whose byte counts,
// offsets or sizes are corrupt. Each gives an error naming the file, the field and what to do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { encodeRaster, openRaster, Raster, RasterFormatError, UnsupportedRasterFeatureError } from "../../../kernel/src/eo/index.js";
import { PY, tempDir } from "./gdal-compare.js";
import { getTag, setTag, setTagTyped } from "./tiff-patch.js";

const dir = tempDir("ai4eo-robustness-");

test("a named pipe is refused at once, naming the path and its kind and saying to copy the data or pass the bytes (opening it waited for a writer forever, freezing the kernel); a pipe as .aux.xml side-car is skipped", () => {
  const fifo = join(dir, "pipe.tif");
  execFileSync("mkfifo", [fifo]);
  const tif = join(dir, "with-pipe-pam.tif");
  copyFileSync("data/olinda/olinda_dem_utm25s.tif", tif);
  execFileSync("mkfifo", [`${tif}.aux.xml`]);
  // in a child process: without the check, the open blocks its thread for good and only the timeout ends it
  const script = `
    import { openRaster } from ${JSON.stringify(pathToFileURL("kernel/src/eo/index.ts").href)};
    try { await openRaster(${JSON.stringify(fifo)}); console.log("opened"); }
    catch (e) { console.log(e.name + ": " + e.message); }
    const src = await openRaster(${JSON.stringify(tif)});
    console.log("side-car skipped: " + src.width + "x" + src.height);`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.signal, null, `openRaster on a FIFO did not return within 30 s (${r.stderr})`);
  assert.match(r.stdout, new RegExp(`^RasterFormatError: ${fifo}: is a named pipe \\(FIFO\\), not a regular file: .*Copy the data to a regular file and open that, or .* openRaster\\(bytes\\)`));
  assert.match(r.stdout, /\nside-car skipped: 111x111\n$/);
});

test("a directory, a character device and a socket are refused by kind before any open (a device read 0 bytes as 'not a TIFF file (or truncated)')", async () => {
  await assert.rejects(openRaster(dir), (e: unknown) => e instanceof RasterFormatError && e.file === dir &&
    e.message === `${dir}: is a directory, not a file. Pass the path of a GeoTIFF file (e.g. one inside this directory).`);
  await assert.rejects(openRaster("/dev/zero"), (e: unknown) => e instanceof RasterFormatError &&
    /^\/dev\/zero: is a character device, not a regular file: .*Copy the data to a regular file/.test(e.message));
  const sock = join(dir, "socket.tif");
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    await assert.rejects(openRaster(sock), (e: unknown) => e instanceof RasterFormatError && e.message.startsWith(`${sock}: is a socket, not a regular file`));
  } finally {
    server.close();
  }
  await assert.rejects(openRaster(join(dir, "missing.tif")), (e: unknown) => e instanceof RasterFormatError && /missing\.tif: no such file\. Check the path/.test(e.message));
});

/** 160×160 uint16 written by writeRaster as 25 DEFLATE tiles of 32×32 (byte counts are LONGs, so any value can be patched in). */
async function tiledFixture(compress: "deflate" | "none" = "deflate"): Promise<Uint8Array> {
  const band = new Uint16Array(160 * 160).map((_, i) => (i * 2654435761) % 4000);
  return encodeRaster(new Raster({ width: 160, height: 160, dtype: "uint16", bands: [band] }), { compress, tileSize: 32 });
}

/** A copy of `base` with value `index` of tag `tag` set to `value` (checked to be stored as given). */
function patched(base: Uint8Array, tag: number, index: number, value: number): Uint8Array {
  const b = new Uint8Array(base);
  setTag(b, tag, value, index);
  assert.equal(getTag(b, tag, index), value, `tag ${tag}[${index}] holds ${value}`);
  return b;
}

/** Band 1's checksum as gdalinfo -checksum computes it (-1 when GDAL fails to read a block). */
function gdalChecksum(file: string): number {
  return Number(execFileSync(PY, ["-c", `
import sys
from osgeo import gdal
gdal.PushErrorHandler("CPLQuietErrorHandler")
ds = gdal.Open(sys.argv[1])
print(ds.GetRasterBand(1).Checksum())
`, file], { encoding: "utf8" }).trim());
}

/** Band 1 of `source` (a window of it), the source closed after. */
async function readBand1(source: string | Uint8Array, window?: { col: number; row: number; width: number; height: number }): Promise<ArrayLike<number>> {
  const src = await openRaster(source);
  try {
    return (await src.read(window ? { window, bands: [1] } : { bands: [1] })).band(1);
  } finally {
    await src.close();
  }
}

/** A fetch serving `body` with range requests, recording the length of each range asked for. */
function rangeFetch(body: Uint8Array, asked: number[]): typeof fetch {
  return async (_url, init) => {
    const m = /bytes=(\d+)-(\d+)/.exec(new Headers(init?.headers).get("range") ?? "")!;
    const a = Number(m[1]);
    const b = Math.min(Number(m[2]), body.length - 1);
    asked.push(Number(m[2]) - a + 1);
    return new Response(body.slice(a, b + 1), { status: 206, headers: { "content-range": `bytes ${a}-${b}/${body.length}` } });
  };
}

test("byte counts of gigabytes and offsets past the end of the file are RasterFormatErrors naming the file, the tile and the numbers, before anything is read or allocated (a whole-image read kept 25 × 3 GB of input buffers)", async () => {
  const base = await tiledFixture();
  const size = base.length;
  const offset0 = getTag(base, 324, 0);
  const counts = new Uint8Array(base);
  for (let k = 0; k < 25; k++) setTag(counts, 325, 3e9, k);
  const file = join(dir, "counts-3g.tif");
  writeFileSync(file, counts);
  const countError = (name: string, tile: number, offset: number) => (e: unknown) => e instanceof RasterFormatError && e.file === name &&
    e.message === `${name}: tile ${tile} should have 3000000000 bytes at offset ${offset} (its TileByteCounts value) but the file ends ` +
      `${size - offset} bytes after that offset (${size} bytes): the file is probably truncated or corrupt. Check it with gdalinfo -checksum, and download or copy it again.`;
  const before = process.memoryUsage().arrayBuffers;
  const src = await openRaster(file, { cacheBytes: 0 });
  await assert.rejects(src.read(), countError(file, 0, offset0), "whole image (worker pool, recycled input buffers)");
  await assert.rejects(src.read({ window: { col: 0, row: 0, width: 64, height: 64 } }), countError(file, 0, offset0), "4 tiles (this thread and libuv's pool)");
  await src.close();
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 64 * 2 ** 20, `array buffers grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
  // one tile inside, from bytes and over HTTP (the size the server reported refuses it before a request)
  const one = patched(base, 325, 12, 3e9);
  const offset12 = getTag(base, 324, 12);
  const fromBytes = await openRaster(one);
  await assert.rejects(fromBytes.read({ window: { col: 64, row: 64, width: 32, height: 32 } }), countError("<bytes>", 12, offset12));
  const asked: number[] = [];
  const url = "http://example.invalid/one.tif";
  const remote = await openRaster(url, { fetch: rangeFetch(one, asked) });
  await assert.rejects(remote.read(), countError(url, 12, offset12));
  assert.deepEqual(asked, [16384], "one request, for the header: none for the tiles");
  // an offset past the end (tile 5: the first of the second row of tiles)
  const far = patched(base, 324, 5, 4e9);
  writeFileSync(join(dir, "offset-far.tif"), far);
  for (const [s, name] of [[far, "<bytes>"], [join(dir, "offset-far.tif"), join(dir, "offset-far.tif")]] as const) {
    const r = await openRaster(s);
    await assert.rejects(r.read({ window: { col: 0, row: 40, width: 10, height: 10 } }), (e: unknown) => e instanceof RasterFormatError &&
      e.message === `${name}: tile 5 starts at byte 4000000000 (its TileOffsets value), past the end of the file (${size} bytes): ` +
        "the file is probably truncated or corrupt. Check it with gdalinfo -checksum, and download or copy it again.", name);
    await r.close();
  }
});

test("a byte count larger than any block can use is limited as libtiff limits it, so blocks GDAL reads despite the count read the same: compressed tiles to 10 × their decoded size + 4096 bytes (no more is fetched), uncompressed strips to their decoded size (from bytes this was a 'truncated' error)", async () => {
  // 1024×1024 uint16 in DEFLATE tiles of 256×256 (128 KiB decoded: the limit is 1 314 816 bytes)
  let x = 12345;
  const band = new Uint16Array(1024 * 1024).map(() => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16);
  const base = await encodeRaster(new Raster({ width: 1024, height: 1024, dtype: "uint16", bands: [band] }), { compress: "deflate", tileSize: 256 });
  const loose = patched(base, 325, 0, 1_900_000);
  assert.ok(getTag(base, 324, 0) + 1_900_000 < base.length, "the count stays inside the file");
  const files = { base: join(dir, "loose-base.tif"), loose: join(dir, "loose.tif") };
  writeFileSync(files.base, base);
  writeFileSync(files.loose, loose);
  assert.equal(gdalChecksum(files.loose), gdalChecksum(files.base), "GDAL reads the tile, limiting the count");
  const window = { col: 0, row: 0, width: 256, height: 256 };
  const want = await readBand1(base, window);
  const asked: number[] = [];
  const remote = await openRaster("http://example.invalid/loose.tif", { fetch: rangeFetch(loose, asked) });
  assert.deepEqual((await remote.read({ window })).band(1), want);
  assert.equal(Math.max(...asked.slice(1)), 10 * 256 * 256 * 2 + 4096, "tile 0 is fetched up to the limit");
  assert.deepEqual(await readBand1(files.loose, window), want);
  // uncompressed strips of 256 rows (128 KiB: LONG byte counts), the middle one said to be 3 GB
  const strips = join(dir, "strips.tif");
  execFileSync(PY, ["-c", `
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], 256, 600, 1, gdal.GDT_UInt16, ["BLOCKYSIZE=256"])
ds.GetRasterBand(1).WriteArray((np.arange(256 * 600) % 65521).reshape(600, 256).astype(np.uint16))
`, strips]);
  const stripBytes = new Uint8Array(readFileSync(strips));
  const huge = patched(stripBytes, 279, 1, 3e9);
  writeFileSync(join(dir, "strips-huge.tif"), huge);
  assert.equal(gdalChecksum(join(dir, "strips-huge.tif")), gdalChecksum(strips), "GDAL reads the strip");
  const all = await readBand1(strips);
  assert.deepEqual(await readBand1(huge), all, "from bytes");
  assert.deepEqual(await readBand1(join(dir, "strips-huge.tif")), all, "from the file");
});

test("an image of 10⁶×10⁶ pixels in a tiny file: opening refuses it at once when the block tables do not cover it; one giant block of a few stored bytes is refused before its memory is allocated, a giant missing block clearly (a bare RangeError)", async () => {
  const small = await encodeRaster(new Raster({ width: 32, height: 32, dtype: "uint8", bands: [new Uint8Array(1024).fill(7)] }), { tileSize: 16 });
  const huge = new Uint8Array(small);
  setTagTyped(huge, 256, 4, 1e6);
  setTagTyped(huge, 257, 4, 1e6);
  writeFileSync(join(dir, "huge-image.tif"), huge);
  for (const [s, name] of [[huge, "<bytes>"], [join(dir, "huge-image.tif"), join(dir, "huge-image.tif")]] as const) {
    const t0 = performance.now();
    await assert.rejects(openRaster(s), (e: unknown) => e instanceof RasterFormatError &&
      e.message === `${name}: IFD 0 lists 4 tile offsets and 4 byte counts but needs 3906250000: the file is corrupt.`);
    assert.ok(performance.now() - t0 < 1000, "refused at once");
  }
  // one tile of 40000×40000 (1.6 GB decoded) or 10⁶×10⁶ holding the 12 DEFLATE bytes of 16×16 pixels
  const oneTile = await encodeRaster(new Raster({ width: 16, height: 16, dtype: "uint8", bands: [new Uint8Array(256).fill(7)] }), { tileSize: 16 });
  const stored = getTag(oneTile, 325, 0);
  const giant = (side: number) => {
    const b = new Uint8Array(oneTile);
    for (const tag of [256, 257, 322, 323]) setTagTyped(b, tag, 4, side);
    return b;
  };
  const before = process.memoryUsage().arrayBuffers;
  for (const side of [40000, 1e6]) {
    await assert.rejects(readBand1(giant(side), { col: 0, row: 0, width: 10, height: 10 }), (e: unknown) => e instanceof RasterFormatError &&
      e.message === `<bytes>: tile 0 (DEFLATE, ${stored} bytes stored) cannot hold the ${side * side} bytes its ${side}×${side} pixels need ` +
        "(DEFLATE expands at most 1032×): the file is truncated, or its byte count or the image or block size in its header is corrupt. " +
        "Check it with gdalinfo -checksum, and download or copy it again.", String(side));
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, "no memory for the giant tile");
  const sparse = giant(1e6);
  setTag(sparse, 324, 0, 0);
  await assert.rejects(readBand1(sparse, { col: 0, row: 0, width: 10, height: 10 }), (e: unknown) => e instanceof UnsupportedRasterFeatureError &&
    e.field === "tile size" && e.message.startsWith("<bytes>: unsupported tile size 1000000×1000000. tile 0 of IFD 0 decodes to 1000000000000 bytes, more than one block can hold in memory (4 GiB). ") &&
    e.message.includes("rewrite it with smaller blocks (gdal_translate -co TILED=YES); otherwise its header is corrupt"));
});
