// crs.wkt: GDAL-equivalent WKT for the built-in EPSG codes and for user-defined GeoKeys, checked with
// osr.SpatialReference.IsSame (equivalence, not string equality) on GDAL's own definitions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { epsgToWkt, openRaster } from "../../../kernel/src/eo/index.js";
import { PY, tempDir } from "../raster/gdal-compare.js";

interface Pair { label: string; ours: string; epsg?: number; file?: string }

/** For each pair, 1 when GDAL finds our WKT the same CRS as EPSG:code or as the file's projection. */
function isSame(pairs: Pair[]): number[] {
  const script = `
import json, sys
from osgeo import gdal, osr
gdal.UseExceptions()
out = []
for p in json.load(sys.stdin):
    a = osr.SpatialReference(); a.ImportFromWkt(p["ours"])
    b = osr.SpatialReference()
    if p.get("epsg"): b.ImportFromEPSG(p["epsg"])
    else: b.ImportFromWkt(gdal.Open(p["file"]).GetProjection())
    out.append(a.IsSame(b))
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PY, ["-c", script], { input: JSON.stringify(pairs) }).toString());
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test("epsgToWkt gives GDAL's CRS for every built-in EPSG code (IsSame with ImportFromEPSG)", () => {
  const codes = [4326, 4674, 4258, 4269, 3857, 3035, ...range(32601, 32660), ...range(32701, 32760), ...range(25828, 25838), ...range(26901, 26923), ...range(31965, 31985)];
  const pairs = codes.map((c) => ({ label: `EPSG:${c}`, ours: epsgToWkt(c)!, epsg: c }));
  for (const p of pairs) assert.ok(p.ours, `${p.label} has a WKT`);
  const same = isSame(pairs);
  const bad = pairs.filter((_, i) => same[i] !== 1).map((p) => p.label);
  assert.deepEqual(bad, [], `not the same CRS as GDAL's: ${bad.join(", ")}`);
  assert.equal(epsgToWkt(2154), undefined);
});

test("a different CRS is not the same (the check can fail)", () => {
  const same = isSame([
    { label: "zone 24S vs 25S", ours: epsgToWkt(32724)!, epsg: 32725 },
    { label: "SIRGAS vs WGS 84 zone 25S", ours: epsgToWkt(31985)!, epsg: 32725 },
    { label: "4326 vs 4674", ours: epsgToWkt(4326)!, epsg: 4674 },
  ]);
  assert.deepEqual(same, [0, 0, 0]);
});

test("crs.wkt of user-defined GeoKeys (written by gdal_translate -a_srs) is GDAL's CRS of the file", async () => {
  const dir = tempDir("ai4eo-wkt-");
  const srs: Record<string, string> = {
    tmerc: "+proj=tmerc +lat_0=0 +lon_0=12 +k=0.9996 +x_0=500000 +y_0=0 +datum=WGS84 +units=m",
    laea: "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m",
    lcc2: "+proj=lcc +lat_1=49 +lat_2=44 +lat_0=46.5 +lon_0=3 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m",
    aea: "+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +datum=NAD83 +units=m",
    merc: "+proj=merc +lon_0=-40 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
    stere: "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
    stereNorth: "+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
    utmIntl: "+proj=utm +zone=33 +ellps=intl +units=m",
    feet: "+proj=tmerc +lat_0=31 +lon_0=-110.1666666666667 +k=0.9999 +x_0=213360 +y_0=0 +datum=NAD83 +units=ft",
    longlatIntl: "+proj=longlat +ellps=intl",
  };
  const pairs: Pair[] = [];
  for (const [name, def] of Object.entries(srs)) {
    const file = join(dir, `${name}.tif`);
    execFileSync("gdal_translate", ["-q", "-outsize", "16", "16", "-a_srs", def, "data/olinda/olinda_dem_utm25s.tif", file]);
    const src = await openRaster(file);
    assert.ok(src.crs.wkt, `${name}: no WKT`);
    pairs.push({ label: name, ours: src.crs.wkt!, file });
    await src.close();
  }
  const same = isSame(pairs);
  const bad = pairs.filter((_, i) => same[i] !== 1).map((p) => `${p.label}: ${p.ours}`);
  assert.deepEqual(bad, [], `not the same CRS as GDAL's:\n${bad.join("\n")}`);
});

test("crs.wkt of the shipped data (EPSG and user-defined UTM) is GDAL's CRS of each file", async () => {
  const files = [...["L7_ETMs.tif", "olinda_dem_utm25s.tif", "lc.tif"].map((f) => join("data/olinda", f)),
    ...readdirSync("data/landsat-mtl").filter((f) => f.endsWith(".TIF")).map((f) => join("data/landsat-mtl", f))];
  const pairs: Pair[] = [];
  for (const file of files) {
    const src = await openRaster(file);
    assert.ok(src.crs.wkt, `${file}: no WKT`);
    pairs.push({ label: file, ours: src.crs.wkt!, file });
    await src.close();
  }
  const same = isSame(pairs);
  assert.deepEqual(pairs.filter((_, i) => same[i] !== 1).map((p) => p.label), []);
});
