// GCP georeferencing: files written by gdal_translate -gcp are read as GDAL's GetGCPs()/GetGCPProjection().
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { openRaster } from "../../../kernel/src/eo/index.js";
import { rasterInfo } from "../../../kernel/src/cli/info.js";
import { PY, tempDir } from "./gdal-compare.js";

const dir = tempDir("ai4eo-gcp-");
const dem = "data/olinda/olinda_dem_utm25s.tif";

function translate(out: string, args: string[]): string {
  const p = join(dir, out);
  execFileSync("gdal_translate", ["-q", "-of", "GTiff", "-outsize", "64", "48", ...args, dem, p]);
  return p;
}

interface GdalGcps { gcps: { id: string; info: string; pixel: number; line: number; x: number; y: number; z: number }[]; gcpWkt: string; wkt: string; gt: number[] | null }

/** GDAL's view of the GCPs, and whether `ours` (WKT) is the same CRS as GDAL's GCP projection. */
function gdalGcps(path: string, ours: string): GdalGcps & { same: number } {
  const script = `
import json, sys
from osgeo import gdal, osr
gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
a = osr.SpatialReference(); a.ImportFromWkt(ds.GetGCPProjection())
b = osr.SpatialReference(); b.ImportFromWkt(sys.argv[2])
print(json.dumps({"gcps": [{"id": g.Id, "info": g.Info, "pixel": g.GCPPixel, "line": g.GCPLine, "x": g.GCPX, "y": g.GCPY, "z": g.GCPZ} for g in ds.GetGCPs()],
  "gcpWkt": ds.GetGCPProjection(), "wkt": ds.GetProjection(), "gt": ds.GetGeoTransform(can_return_null=True), "same": a.IsSame(b)}))`;
  return JSON.parse(execFileSync(PY, ["-c", script, path, ours]).toString());
}

const gcpArgs = ["-gcp", "0", "0", "280000", "9120000", "-gcp", "64", "0", "281920", "9120100", "-gcp", "0", "48", "280050", "9118560",
  "-gcp", "64", "48", "281990", "9118650", "-gcp", "32.5", "24.25", "281000", "9119300", "15"];

test("GCPs of a file written by gdal_translate -gcp equal GDAL's GetGCPs(), their CRS is GDAL's GCP projection", async () => {
  const path = translate("gcp-utm.tif", ["-a_srs", "EPSG:32725", ...gcpArgs]);
  const src = await openRaster(path);
  const ref = gdalGcps(path, src.gcpCrs.wkt ?? "");
  assert.equal(ref.gt, null, "GDAL sees no geotransform");
  assert.equal(src.gcps.length, 5);
  assert.deepEqual(src.gcps, ref.gcps);
  assert.equal(src.gcpCrs.epsg, 32725);
  assert.equal(ref.same, 1, `GCP CRS WKT is not the same CRS as GDAL's:\n${src.gcpCrs.wkt}\n${ref.gcpWkt}`);
  // as GDAL: no affine georeference and no dataset projection
  assert.equal(ref.wkt, "");
  assert.deepEqual(src.crs, {});
  assert.equal(src.georeferenced, false);
  assert.deepEqual([...src.transform], [0, 1, 0, 0, 0, 1]);
  // ai4eo info --json reports them as gdalinfo -json does
  const info = rasterInfo(src);
  assert.deepEqual(info.gcps?.gcpList, ref.gcps);
  assert.equal(info.gcps?.coordinateSystem.epsg, 32725);
  // pixels still read
  const r = await src.read({ window: { col: 10, row: 5, width: 4, height: 3 } });
  assert.equal(r.band(1).length, 12);
  await src.close();
});

test("GCPs of a PixelIsPoint file are shifted to pixel corners as GDAL does; geographic GCP CRS", async () => {
  const path = translate("gcp-point.tif", ["-mo", "AREA_OR_POINT=Point", "-a_srs", "EPSG:4326",
    "-gcp", "0", "0", "-35", "-7.9", "-gcp", "64", "0", "-34.8", "-7.9", "-gcp", "0", "48", "-35", "-8.1", "-gcp", "10.25", "7.75", "-34.97", "-7.93"]);
  const src = await openRaster(path);
  const ref = gdalGcps(path, src.gcpCrs.wkt ?? "");
  assert.equal(src.pixelIsPoint, true);
  assert.deepEqual(src.gcps, ref.gcps);
  assert.equal(src.gcps[3]!.pixel, 10.25);
  assert.equal(ref.same, 1);
  await src.close();
});

test("files with a geotransform have no GCPs", async () => {
  const src = await openRaster(dem);
  assert.deepEqual(src.gcps, []);
  assert.deepEqual(src.gcpCrs, {});
  assert.ok(src.crs.wkt?.startsWith("PROJCS["), "the DEM has a WKT CRS");
  await src.close();
});
