import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { main, rasterInfo } from "../../kernel/src/cli/info.js";
import { openRaster } from "../../kernel/src/eo/index.js";

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(args, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const files = ["data/olinda/L7_ETMs.tif", "data/olinda/lc.tif", "data/olinda/olinda_dem_utm25s.tif", "data/olinda/geomatrix.tif", "data/landsat-mtl/LC08_L1TP_195025_20130707_20170503_01_T1_B1.TIF"];

test("`ai4eo info --json` has gdalinfo -json's size, geotransform, corners, bands (type, block, nodata, colour, overviews)", async () => {
  for (const f of files) {
    const g = JSON.parse(execFileSync("gdalinfo", ["-json", f]).toString());
    const { code, out } = await capture([f, "--json"]);
    assert.equal(code, 0);
    const a = JSON.parse(out);
    assert.deepEqual(a.size, g.size, f);
    a.geoTransform.forEach((v: number, i: number) => assert.ok(Math.abs(v - g.geoTransform[i]) < 1e-6, `${f} geoTransform[${i}]`));
    for (const k of ["upperLeft", "lowerLeft", "lowerRight", "upperRight", "center"]) {
      assert.ok(Math.abs(a.cornerCoordinates[k][0] - g.cornerCoordinates[k][0]) < 1e-3 && Math.abs(a.cornerCoordinates[k][1] - g.cornerCoordinates[k][1]) < 1e-3, `${f} ${k}`);
    }
    if (g.wgs84Extent) {
      a.wgs84Extent.coordinates[0].forEach((p: number[], i: number) => {
        const q = g.wgs84Extent.coordinates[0][i];
        assert.ok(Math.abs(p[0]! - q[0]) < 1e-6 && Math.abs(p[1]! - q[1]) < 1e-6, `${f} wgs84Extent ${i}: ${p} vs ${q}`);
      });
    }
    assert.equal(a.bands.length, g.bands.length);
    a.bands.forEach((b: Record<string, unknown>, i: number) => {
      const gb = g.bands[i];
      for (const k of ["band", "block", "type", "colorInterpretation", "noDataValue", "overviews"]) assert.deepEqual(b[k], gb[k], `${f} band ${i + 1} ${k}`);
      assert.equal(b.description, gb.description ?? "", `${f} band ${i + 1} description`);
    });
    assert.deepEqual(a.metadata.IMAGE_STRUCTURE, g.metadata.IMAGE_STRUCTURE, `${f} IMAGE_STRUCTURE`);
  }
});

test("`ai4eo info` text report and errors", async () => {
  const { code, out } = await capture(["data/olinda/L7_ETMs.tif"]);
  assert.equal(code, 0);
  assert.match(out, /^Driver: GTiff\/GeoTIFF\nFiles: data\/olinda\/L7_ETMs\.tif\nSize is 349, 352\nCoordinate System is: EPSG:31985 \(\+proj=utm \+zone=25 \+south/);
  assert.match(out, /Origin = \(288776\.250000803149305,9120760\.750028736889362\)/);
  assert.match(out, /Upper Left  \(  288776\.250,  9120760\.750\) \( 34d54'58\.20"W,  7d56'59\.36"S\)/);
  assert.match(out, /Band 6 Block=349x3 Type=Byte, ColorInterp=Undefined\n  Overviews: 175x176, 88x88, 44x44, 22x22/);
  const bad = await capture(["data/olinda/missing.tif"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /ai4eo info: data\/olinda\/missing\.tif: no such file/);
  assert.equal((await capture([])).code, 2);
  assert.equal(rasterInfo(await openRaster("data/olinda/lc.tif")).bands[0]!.colorInterpretation, "Palette");
});
