import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decode } from "fast-png";
import { openRaster, quicklook, percentileStretch, colormapLut, addColormap, ColormapError, bandStats, Raster, prepareDisplay } from "../../../kernel/src/eo/index.js";
import { tempDir } from "../raster/gdal-compare.js";

const dir = tempDir("ai4eo-render-");

test("percentile stretch and band statistics equal NumPy on the Landsat-7 band 4", async () => {
  const r = await (await openRaster("data/olinda/L7_ETMs.tif")).read({ bands: [4] });
  const py = "import numpy as np; from osgeo import gdal; ds=gdal.Open('data/olinda/L7_ETMs.tif'); a=ds.GetRasterBand(4).ReadAsArray().astype(float); print(np.percentile(a,2), np.percentile(a,98), a.min(), a.max(), a.mean(), a.std())";
  const [p2, p98, mn, mx, mean, std] = execFileSync("/usr/bin/python3", ["-c", py]).toString().trim().split(/\s+/).map(Number) as number[];
  const [lo, hi] = percentileStretch(r.band(1))!;
  assert.ok(Math.abs(lo - p2!) < 1e-9 && Math.abs(hi - p98!) < 1e-9, `${lo},${hi} vs ${p2},${p98}`);
  const s = bandStats(r.band(1));
  assert.deepEqual([s.min, s.max], [mn, mx]);
  assert.ok(Math.abs(s.mean - mean!) < 1e-9 && Math.abs(s.std - std!) < 1e-9);
  assert.equal(percentileStretch(new Float32Array([NaN, NaN])), undefined);
});

test("RGB quicklook PNG: size, stretch mapping and transparent nodata, decoded back", () => {
  const w = 4, h = 2;
  const band = (f: (i: number) => number) => Float32Array.from({ length: w * h }, (_, i) => f(i));
  const r = new Raster({ width: w, height: h, dtype: "float32", bands: [band((i) => i), band((i) => 10 * i), band(() => 5)], nodata: NaN });
  r.band(1)[3] = NaN;
  const ql = quicklook(r, { stretch: { range: [[0, 7], [0, 70], [0, 10]] } });
  const png = decode(ql.png);
  assert.deepEqual([png.width, png.height, png.channels], [4, 2, 4]);
  const px = (i: number) => Array.from(png.data.slice(i * 4, i * 4 + 4));
  assert.deepEqual(px(0), [0, 0, 128, 255]);
  assert.deepEqual(px(7), [255, 255, 128, 255]);
  assert.deepEqual(px(3), [0, 0, 0, 0], "nodata is transparent");
  const small = quicklook(new Raster({ width: 1000, height: 500, dtype: "uint8", bands: [new Uint8Array(500000)] }), { maxSize: 100 });
  assert.deepEqual([small.width, small.height], [100, 50]);
});

test("colormaps: viridis/magma/RdYlGn/terrain LUTs, reversal, custom maps, unknown names", () => {
  assert.deepEqual(Array.from(colormapLut("viridis").subarray(0, 4)), [68, 1, 84, 255]);
  assert.deepEqual(Array.from(colormapLut("viridis").subarray(255 * 4, 256 * 4)), [253, 231, 37, 255]);
  assert.deepEqual(Array.from(colormapLut("viridis_r").subarray(0, 4)), [253, 231, 37, 255]);
  assert.deepEqual(Array.from(colormapLut("magma").subarray(0, 3)), [0, 0, 4]);
  assert.deepEqual(Array.from(colormapLut("terrain").subarray(0, 3)), [51, 51, 153]);
  const rdylgn = colormapLut("RdYlGn");
  assert.ok(rdylgn[0]! > 150 && rdylgn[1]! < 50, "RdYlGn starts red");
  addColormap("water", ["#ffffff", "#0000ff"]);
  assert.deepEqual(Array.from(colormapLut("water").subarray(255 * 4, 256 * 4)), [0, 0, 255, 255]);
  assert.throws(() => colormapLut("nope"), (e: unknown) => e instanceof ColormapError && /Unknown colormap "nope"\. Known: viridis/.test(e.message));
});

test("sources and rasters display themselves: PNG quicklook + HTML summary (palette for lc.tif, RGB for L7)", async () => {
  const display = Symbol.for("Jupyter.display");
  const lc = await openRaster("data/olinda/lc.tif");
  // opening reads no pixels: the summary has no quicklook until the source is prepared for display
  const lazy = (lc as unknown as Record<symbol, () => Record<string, string>>)[display]!();
  assert.equal(lazy["image/png"], undefined);
  assert.match(lazy["text/plain"]!, /84×46×1 uint8/);
  await prepareDisplay(lc);
  const b = (lc as unknown as Record<symbol, () => Record<string, string>>)[display]!();
  assert.match(b["text/plain"]!, /84×46×1 uint8/);
  assert.match(b["text/html"]!, /<img .*data:image\/png;base64,/);
  assert.match(b["text/html"]!, /Albers|\+proj=aea/);
  const png = decode(Buffer.from(b["image/png"]!, "base64"));
  assert.deepEqual([png.width, png.height], [84, 46]);
  // class 11 (water) is drawn in its palette colour (71, 107, 161)
  const vals = (await lc.read()).band(1);
  const i = vals.indexOf(11);
  assert.deepEqual(Array.from(png.data.slice(i * 4, i * 4 + 4)), [71, 107, 161, 255]);
  const l7 = await openRaster("data/olinda/L7_ETMs.tif");
  const r = await l7.read({ bands: [3, 2, 1] });
  const rb = (r as unknown as Record<symbol, () => Record<string, string>>)[display]!();
  assert.match(rb["text/html"]!, /EPSG:31985/);
  assert.match(rb["text/html"]!, /<th>mean<\/th>/);
  writeFileSync(join(dir, "l7.png"), Buffer.from(rb["image/png"]!, "base64"));
  const q = await l7.quicklook({ bands: [4, 3, 2], maxSize: 100 });
  assert.equal(Math.max(q.width, q.height), 100);
  assert.ok(readFileSync(join(dir, "l7.png")).length > 1000);
});
