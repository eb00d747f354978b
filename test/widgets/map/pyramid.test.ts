// The map's tile pyramid against GDAL: Web Mercator tiles of the Olinda Landsat-7 scene compared
// with gdalwarp of the same box (nearest at native zoom; box average at coarse zooms), lazily
// built levels, file overviews used when present, tiles outside the data, tiles of a viewport
// rendered one at a time, and polar tiles against proj4 pixel by pixel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import proj4 from "proj4";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRaster } from "../../../kernel/src/eo/raster/open.js";
import { Raster } from "../../../kernel/src/eo/raster/raster.js";
import type { RasterSourceLike, ReadOptions } from "../../../kernel/src/eo/raster/types.js";
import { TilePyramid, sourceProj } from "../../../kernel/src/widgets/map/pyramid.js";
import { MapLayerError } from "../../../kernel/src/widgets/map/errors.js";
import { tileBounds3857, lonLatTo3857 } from "../../../widgets/src/map/render.js";
import { L7 } from "./reference.js";

/** gdalwarp of band `band` into an EPSG:3857 box of w×h pixels; 0 = outside (dstnodata). */
function gdalwarp(file: string, box: [number, number, number, number], w: number, h: number, resampling: string, band = 1): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-warp-"));
  try {
    const out = join(dir, "w.tif");
    const r = spawnSync("gdalwarp", ["-q", "-t_srs", "EPSG:3857", "-te", ...box.map(String), "-ts", String(w), String(h), "-r", resampling, "-dstnodata", "0", "-ot", "Float64", "-of", "GTiff", file, out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const py = spawnSync("/usr/bin/python3", ["-c", "import sys;from osgeo import gdal;ds=gdal.Open(sys.argv[1]);a=ds.GetRasterBand(int(sys.argv[2])).ReadAsArray();sys.stdout.buffer.write(a.astype('<f8').tobytes())", out, String(band)], { maxBuffer: 64 << 20 });
    assert.equal(py.status, 0, String(py.stderr));
    return new Float64Array(py.stdout.buffer.slice(py.stdout.byteOffset, py.stdout.byteOffset + py.stdout.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tile x, y at zoom z containing lon/lat. */
function tileAt(lon: number, lat: number, z: number): [number, number] {
  const [x, y] = lonLatTo3857(lon, lat);
  const size = (2 * 20037508.342789244) / 2 ** z;
  return [Math.floor((x + 20037508.342789244) / size), Math.floor((20037508.342789244 - y) / size)];
}

test("a native-zoom tile equals gdalwarp -r near of the same Web Mercator box (≥ 99% of pixels)", async (ctx) => {
  const src = await openRaster(L7);
  const p = new TilePyramid(src, [1], { name: "L7", proj: sourceProj(src, "L7") });
  for (const z of [13, 14]) {
    const [x, y] = tileAt(-34.87, -7.99, z);
    const t = (await p.tile(z, x, y))!;
    assert.ok(t, "tile inside the scene");
    assert.equal(t.dtype, "uint8");
    const ref = gdalwarp(L7, tileBounds3857(z, x, y), 256, 256, "near");
    let same = 0, n = 0;
    for (let i = 0; i < ref.length; i++) {
      if (ref[i] === 0 && (t.mask === null ? false : !t.mask[i])) continue;
      n++;
      if (t.bands[0]![i] === ref[i]) same++;
    }
    ctx.diagnostic(`zoom ${z}: ${same}/${n} pixels equal gdalwarp -r near`);
    assert.ok(same / n >= 0.99, `zoom ${z}: ${same}/${n} pixels equal gdalwarp`);
  }
});

test("a zoomed-out view is served from a lazily built 2× level, close to gdalwarp -r average", async (ctx) => {
  const src = await openRaster(L7);
  const reads: ReadOptions[] = [];
  const spy = Object.create(src, { read: { value: (o: ReadOptions) => { reads.push(o); return src.read(o); } }, overviews: { value: [] } });
  const p = new TilePyramid(spy, [4], { name: "L7", proj: sourceProj(src, "L7") });
  assert.equal(p.levels.length, 1, "no level built before a view needs it");
  const z = 11;
  const [x, y] = tileAt(-34.87, -7.99, z);
  const t = (await p.tile(z, x, y))!;
  assert.deepEqual(p.levels.map((l) => l.kind), ["source", "built", "built"].slice(0, p.levels.length));
  assert.ok(p.levels.length >= 2, `levels ${JSON.stringify(p.levels)}`);
  const ref = gdalwarp(L7, tileBounds3857(z, x, y), 256, 256, "average", 4);
  let sum = 0, n = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === 0 || (t.mask && !t.mask[i])) continue;
    sum += Math.abs(t.bands[0]![i]! - ref[i]!);
    n++;
  }
  assert.ok(n > 10000);
  ctx.diagnostic(`zoom ${z}: mean |difference| ${(sum / n).toFixed(3)} DN over ${n} pixels vs gdalwarp -r average`);
  assert.ok(sum / n < 4, `mean |difference| ${sum / n} DN vs gdalwarp -r average`);
  const before = reads.length;
  await p.tile(z, x + 1, y);
  assert.equal(reads.length, before, "the built level serves further tiles without reading the source");
});

test("file overviews are used for zoomed-out tiles", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ai4eo-ovr-"));
  try {
    const cog = join(dir, "cog.tif");
    const r = spawnSync("gdal_translate", ["-q", "-of", "COG", "-co", "BLOCKSIZE=128", "-co", "OVERVIEW_RESAMPLING=AVERAGE", "-co", "OVERVIEWS=FORCE_USE_EXISTING", L7, cog]);
    const r2 = spawnSync("gdaladdo", ["-q", "-r", "average", cog, "2", "4"]);
    assert.equal(r.status, 0);
    assert.equal(r2.status, 0);
    const src = await openRaster(cog);
    assert.ok(src.overviews.length >= 1, "the COG has overviews");
    const reads: ReadOptions[] = [];
    const spy = Object.create(src, { read: { value: (o: ReadOptions) => { reads.push(o); return src.read(o); } } });
    const p = new TilePyramid(spy, [1], { name: "cog", proj: sourceProj(src, "cog") });
    const [x, y] = tileAt(-34.87, -7.99, 11);
    await p.tile(11, x, y);
    assert.ok(reads.some((o) => (o.overview ?? 0) > 0), `reads ${JSON.stringify(reads.map((o) => o.overview))}`);
    assert.ok(p.levels.every((l) => l.kind !== "built"), "no level built when overviews exist");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tiles outside the data are null (empty), not errors", async () => {
  const src = await openRaster(L7);
  const p = new TilePyramid(src, [1], { name: "L7", proj: sourceProj(src, "L7") });
  assert.equal(await p.tile(3, 0, 0), null);
  const [x, y] = tileAt(-34.87, -7.99, 14);
  assert.equal(await p.tile(14, x + 40, y), null);
});

test("nodata pixels are masked; a layer without georeference is in pixel space; an unknown CRS is a clear error", async () => {
  const b = new Float32Array(16).fill(5);
  b[0] = -9999;
  const r = new Raster({ width: 4, height: 4, dtype: "float32", bands: [b], nodata: -9999 });
  assert.equal(sourceProj(r, "x"), null);
  const p = new TilePyramid(r, [1], { name: "x", proj: null });
  const t = (await p.render([0, -4, 4, 0], 4, 4))!;
  assert.deepEqual(Array.from(t.mask!), [0, 1, 1, 1, ...Array(12).fill(1)]);
  const odd = new Raster({ width: 4, height: 4, dtype: "float32", bands: [b], transform: [0, 10, 0, 0, 0, -10], crs: { epsg: 2154 } });
  assert.throws(() => sourceProj(odd, "Lambert"), (e: unknown) => e instanceof MapLayerError && /EPSG:2154/.test(e.message) && /addEpsg\(2154/.test(e.message));
  const nocrs = new Raster({ width: 4, height: 4, dtype: "float32", bands: [b], transform: [100, 10, 0, 0, 0, -10] });
  assert.throws(() => sourceProj(nocrs, "n"), /no CRS/);
});

test("a viewport's tiles asked for at once are rendered one at a time, and a tile asked for twice is rendered once", async () => {
  const src = await openRaster(L7);
  let active = 0, most = 0, reads = 0;
  const counting: RasterSourceLike = {
    width: src.width, height: src.height, count: src.count, dtype: src.dtype, transform: src.transform, crs: src.crs, nodata: src.nodata, descriptions: src.descriptions,
    async read(o?: ReadOptions) {
      active++; reads++; most = Math.max(most, active);
      try { return await src.read(o); } finally { active--; }
    },
  };
  const p = new TilePyramid(counting, [1], { name: "L7", proj: sourceProj(src, "L7") });
  const [x, y] = tileAt(-34.87, -7.99, 14);
  const asked: [number, number][] = [[x, y], [x + 1, y], [x, y + 1], [x + 1, y + 1], [x, y]];
  const tiles = await Promise.all(asked.map(([tx, ty]) => p.tile(14, tx, ty)));
  assert.equal(most, 1, "no two source reads overlapped");
  assert.equal(reads, 4, "four distinct tiles, four reads");
  assert.equal(tiles[4], tiles[0], "the repeated tile is the same result");
  // Each equals the tile rendered on its own.
  const alone = new TilePyramid(src, [1], { name: "L7", proj: sourceProj(src, "L7") });
  for (const [i, [tx, ty]] of asked.entries()) assert.deepEqual((await alone.tile(14, tx, ty))?.bands[0], tiles[i]?.bands[0]);
});

test("tiles far from the source projection's sweet spot (polar stereographic, zooms 0–5) sample the pixel proj4 gives for every pixel centre", async (ctx) => {
  const def = "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs";
  const W = 1200, H = 1200, res = 5000;
  const tr = [-3000000, res, 0, 3000000, 0, -res] as const;
  const b = new Int16Array(W * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) b[r * W + c] = (r * 7 + c * 13) % 30000;
  const src = new Raster({ width: W, height: H, dtype: "int16", bands: [b], transform: tr, crs: { proj4: def } });
  const p = new TilePyramid(src, [1], { name: "polar", proj: def });
  const P = proj4(def, "EPSG:3857");
  for (const [z, x, y] of [[0, 0, 0], [1, 1, 1], [2, 1, 3], [3, 3, 7], [5, 16, 31]] as const) {
    const t = await p.tile(z, x, y);
    const box = tileBounds3857(z, x, y);
    let inside = 0, missing = 0, extra = 0, checked = 0, wrong = 0;
    for (let j = 0; j < 256; j++) {
      for (let i = 0; i < 256; i++) {
        const [sx, sy] = P.inverse([box[0] + ((box[2] - box[0]) * (i + 0.5)) / 256, box[3] - ((box[3] - box[1]) * (j + 0.5)) / 256]) as [number, number];
        const c = (sx - tr[0]) / tr[1], r = (sy - tr[3]) / tr[5];
        const isIn = c >= 0 && r >= 0 && c < W && r < H;
        const got = t !== null && (t.mask === null || t.mask[j * 256 + i] === 1);
        if (isIn) inside++;
        if (isIn && !got) missing++;
        if (!isIn && got && Math.min(c, r, W - c, H - r) < -0.5) extra++;
        // Values at the source level (z ≥ 3 here): the pixel under the exact point, unless within 0.125 px of an edge.
        if (z >= 3 && isIn && got && Math.min(c % 1, 1 - (c % 1), r % 1, 1 - (r % 1)) > 0.125) {
          checked++;
          if (t!.bands[0]![j * 256 + i] !== b[Math.floor(r) * W + Math.floor(c)]) wrong++;
        }
      }
    }
    ctx.diagnostic(`z${z}/${x}/${y}: ${inside} pixel centres on the data, ${missing} missing, ${extra} beyond it, ${wrong}/${checked} values differ from proj4's pixel`);
    assert.equal(missing, 0, `z${z}/${x}/${y}: no gaps`);
    assert.equal(extra, 0);
    assert.equal(wrong, 0);
  }
});
